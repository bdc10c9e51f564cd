//! The suite must catch every bug in the zoo, each by the check meant for
//! it and under the right name.

mod suite;

use kit::bugs;
use kit::stress::assert_caught;
use serving::buggy::{
    DetachesAbandoned, ExpiredKeepsPlace, FifoOnly, KeepsCancelled, KeepsCancelledSlot,
    KeepsResults, LeaderRuns, LostWakeup, MixedReplies, NeverForgets, NoSharing, OneAtATime,
    RetryAfterTruncated, RunsExpired, SharedBound, SilentOnError, StaleKeyRemoval,
    StartsDoomedWork, StaticBatching, StrictPriority, UnboundedQueue, WaitsForFullBatch,
};
use serving::{Simulated, SimulatedDecoder};

type Sim = Simulated;
type Decoder = SimulatedDecoder;
type Key = u64;
type Value = u64;
type Error = String;

#[test]
fn an_unbounded_queue_is_caught() {
    assert_caught(
        bugs::BOUND_EXCEEDED,
        suite::refuses_at_once_when_full::<UnboundedQueue<Sim>>,
    );
}

#[test]
fn waiting_for_a_full_batch_is_caught() {
    assert_caught(
        bugs::MISSED_TIMER,
        suite::a_lone_request_runs_within_max_wait::<WaitsForFullBatch<Sim>>,
    );
}

#[test]
fn one_queue_in_arrival_order_is_caught() {
    assert_caught(
        bugs::HEAD_OF_LINE,
        suite::interactive_is_not_stuck_behind_batch::<FifoOnly<Sim>>,
    );
}

#[test]
fn strict_priority_is_caught() {
    assert_caught(
        bugs::STARVATION,
        suite::batch_work_is_not_starved::<StrictPriority<Sim>>,
    );
}

#[test]
fn a_bell_without_a_permit_is_caught() {
    assert_caught(
        bugs::LOST_WAKEUP,
        suite::requests_during_a_batch_run_after_it::<LostWakeup<Sim>>,
    );
}

#[test]
fn running_expired_requests_is_caught() {
    assert_caught(
        bugs::WASTED_WORK,
        suite::drops_expired_requests_unrun::<RunsExpired<Sim>>,
    );
}

#[test]
fn starting_work_that_cannot_finish_in_time_is_caught() {
    assert_caught(
        bugs::WASTED_WORK,
        suite::drops_expired_requests_unrun::<StartsDoomedWork<Sim>>,
    );
}

#[test]
fn keeping_a_cancelled_request_queued_is_caught() {
    assert_caught(
        bugs::UNCANCELLED,
        suite::a_cancelled_request_frees_its_place::<KeepsCancelled<Sim>>,
    );
}

#[test]
fn running_one_at_a_time_is_caught() {
    assert_caught(
        bugs::NO_BATCHING,
        suite::batches_fill_under_load::<OneAtATime<Sim>>,
    );
}

#[test]
fn replies_in_the_wrong_order_are_caught() {
    assert_caught(
        bugs::WRONG_ANSWER,
        suite::answers_each_request_with_its_own_output::<MixedReplies<Sim>>,
    );
}

#[test]
fn no_sharing_is_caught() {
    assert_caught(
        bugs::COMPUTED_TWICE,
        suite::computes_once_for_identical_requests::<NoSharing<Key, Value, Error>>,
    );
}

#[test]
fn a_failure_told_to_nobody_is_caught() {
    assert_caught(
        bugs::HUNG_WAITER,
        suite::a_failure_reaches_every_waiter::<SilentOnError<Key, Value, Error>>,
    );
}

#[test]
fn computing_in_the_first_callers_future_is_caught() {
    assert_caught(
        bugs::HUNG_WAITER,
        suite::the_first_caller_leaving_cancels_nothing::<LeaderRuns<Key, Value, Error>>,
    );
}

#[test]
fn a_flight_never_forgotten_is_caught() {
    assert_caught(
        bugs::LEAKED_FLIGHT,
        suite::forgets_a_flight_when_every_waiter_leaves::<NeverForgets<Key, Value, Error>>,
    );
}

#[test]
fn a_memo_for_a_single_flight_is_caught() {
    assert_caught(
        bugs::LEAKED_FLIGHT,
        suite::forgets_a_finished_flight::<KeepsResults<Key, Value, Error>>,
    );
}

#[test]
fn an_abandoned_computation_left_running_is_caught() {
    assert_caught(
        bugs::UNCANCELLED,
        suite::forgets_a_flight_when_every_waiter_leaves::<DetachesAbandoned<Key, Value, Error>>,
    );
}

#[test]
fn one_bound_for_both_classes_is_caught() {
    assert_caught(
        bugs::BOUND_EXCEEDED,
        suite::refuses_at_once_when_full::<SharedBound<Sim>>,
    );
}

#[test]
fn a_retry_after_of_zero_is_caught() {
    assert_caught(
        bugs::WRONG_ANSWER,
        suite::refuses_at_once_when_full::<RetryAfterTruncated<Sim>>,
    );
}

#[test]
fn an_expired_request_that_keeps_its_place_is_caught() {
    assert_caught(
        bugs::UNCANCELLED,
        suite::a_cancelled_request_frees_its_place::<ExpiredKeepsPlace<Sim>>,
    );
}

#[test]
fn a_late_waiter_that_removes_a_newer_flight_is_caught() {
    assert_caught(
        bugs::COMPUTED_TWICE,
        suite::a_new_flight_outlives_the_last_ones_waiters::<StaleKeyRemoval<Key, Value, Error>>,
    );
}

#[test]
fn static_batching_is_caught() {
    assert_caught(
        bugs::HEAD_OF_LINE,
        suite::generation::a_new_request_joins_at_the_next_step::<StaticBatching<Decoder>>,
    );
}

#[test]
fn a_cancelled_sequence_that_keeps_its_slot_is_caught() {
    assert_caught(
        bugs::UNCANCELLED,
        suite::generation::a_cancelled_sequence_frees_its_slot::<KeepsCancelledSlot<Decoder>>,
    );
}
