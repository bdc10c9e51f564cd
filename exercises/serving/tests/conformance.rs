//! One suite, run over every server and single flight (and over the
//! starter with `--features starter`). The checks live in `suite/mod.rs`;
//! each runs under a watchdog (`kit::stress`), so a hang fails with a name.

mod suite;

use kit::stress::assert_passes as pass;
use serving::{ContinuousBatches, DynamicBatcher, Flights, Simulated, SimulatedDecoder};

/// A module of tests per server: `starter::batches_fill_under_load`.
macro_rules! servers {
    ($($module:ident: $server:ty),* $(,)?) => {$(
        mod $module {
            use super::*;

            type Tested = $server;

            #[test]
            fn answers_each_request_with_its_own_output() {
                pass(suite::answers_each_request_with_its_own_output::<Tested>);
            }

            #[test]
            fn a_lone_request_runs_within_max_wait() {
                pass(suite::a_lone_request_runs_within_max_wait::<Tested>);
            }

            #[test]
            fn batches_fill_under_load() {
                pass(suite::batches_fill_under_load::<Tested>);
            }

            #[test]
            fn requests_during_a_batch_run_after_it() {
                pass(suite::requests_during_a_batch_run_after_it::<Tested>);
            }

            #[test]
            fn refuses_at_once_when_full() {
                pass(suite::refuses_at_once_when_full::<Tested>);
            }

            #[test]
            fn drops_expired_requests_unrun() {
                pass(suite::drops_expired_requests_unrun::<Tested>);
            }

            #[test]
            fn a_cancelled_request_frees_its_place() {
                pass(suite::a_cancelled_request_frees_its_place::<Tested>);
            }

            #[test]
            fn interactive_is_not_stuck_behind_batch() {
                pass(suite::interactive_is_not_stuck_behind_batch::<Tested>);
            }

            #[test]
            fn batch_work_is_not_starved() {
                pass(suite::batch_work_is_not_starved::<Tested>);
            }

            #[test]
            fn serves_many_callers_on_many_threads() {
                pass(suite::serves_many_callers_on_many_threads::<Tested>);
            }
        }
    )*};
}

/// A module of tests per single flight.
macro_rules! flights {
    ($($module:ident: $flights:ty),* $(,)?) => {$(
        mod $module {
            use super::*;

            type Tested = $flights;

            #[test]
            fn computes_once_for_identical_requests() {
                pass(suite::computes_once_for_identical_requests::<Tested>);
            }

            #[test]
            fn a_failure_reaches_every_waiter() {
                pass(suite::a_failure_reaches_every_waiter::<Tested>);
            }

            #[test]
            fn the_first_caller_leaving_cancels_nothing() {
                pass(suite::the_first_caller_leaving_cancels_nothing::<Tested>);
            }

            #[test]
            fn forgets_a_flight_when_every_waiter_leaves() {
                pass(suite::forgets_a_flight_when_every_waiter_leaves::<Tested>);
            }

            #[test]
            fn forgets_a_finished_flight() {
                pass(suite::forgets_a_finished_flight::<Tested>);
            }

            #[test]
            fn a_new_flight_outlives_the_last_ones_waiters() {
                pass(suite::a_new_flight_outlives_the_last_ones_waiters::<Tested>);
            }

            #[test]
            fn many_callers_on_many_threads() {
                pass(suite::many_callers_on_many_threads::<Tested>);
            }
        }
    )*};
}

/// A module of tests per generator.
macro_rules! generators {
    ($($module:ident: $generator:ty),* $(,)?) => {$(
        mod $module {
            use super::*;

            type Tested = $generator;

            #[test]
            fn every_token_in_order() {
                pass(suite::generation::every_token_in_order::<Tested>);
            }

            #[test]
            fn a_new_request_joins_at_the_next_step() {
                pass(suite::generation::a_new_request_joins_at_the_next_step::<Tested>);
            }

            #[test]
            fn never_more_than_the_slots() {
                pass(suite::generation::never_more_than_the_slots::<Tested>);
            }

            #[test]
            fn a_cancelled_sequence_frees_its_slot() {
                pass(suite::generation::a_cancelled_sequence_frees_its_slot::<Tested>);
            }
        }
    )*};
}

servers! {
    dynamic_batcher: DynamicBatcher<Simulated>,
}

generators! {
    continuous_batches: ContinuousBatches<SimulatedDecoder>,
}

flights! {
    flights: Flights<u64, u64, String>,
}

#[cfg(feature = "starter")]
servers! {
    starter: serving::starter::StarterServer<Simulated>,
}

#[cfg(feature = "starter")]
generators! {
    starter_generator: serving::starter::StarterGenerator<SimulatedDecoder>,
}

#[cfg(feature = "starter")]
flights! {
    starter_flights: serving::starter::StarterFlights<u64, u64, String>,
}
