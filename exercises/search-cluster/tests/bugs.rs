//! The suite must catch every bug in the zoo, each by the check meant for
//! it and under the right name.

mod suite;

use kit::bugs;
use kit::stress::assert_caught;
use search_cluster::buggy::{
    AlwaysFirstReplica, AsksShardsInTurn, FirstReplicasNumber, HedgesEverything, HedgesSameReplica,
    IgnoresAfter, KeysFromContent, LeaksOutstanding, MergeDropsTies, NewKeyPerAttempt, NoRetry,
    PartialAsWhole, PerShardIdf, SearchesEveryShard, TakesTurns, UncancelledHedge, WaitsForever,
};
use search_cluster::fake::FakeCluster;

type Fake = FakeCluster;

#[test]
fn per_shard_idf_is_caught() {
    assert_caught(
        bugs::WRONG_ANSWER,
        suite::answers_as_one_index::<PerShardIdf<Fake>>,
    );
}

#[test]
fn a_merge_that_drops_ties_is_caught() {
    assert_caught(
        bugs::WRONG_ANSWER,
        suite::answers_as_one_index::<MergeDropsTies<Fake>>,
    );
}

#[test]
fn waiting_for_ever_is_caught() {
    assert_caught(
        bugs::MISSED_DEADLINE,
        suite::leaves_a_dead_shard_out_in_time::<WaitsForever<Fake>>,
    );
}

#[test]
fn a_partial_answer_called_whole_is_caught() {
    assert_caught(
        bugs::PARTIAL_AS_WHOLE,
        suite::leaves_a_dead_shard_out_in_time::<PartialAsWhole<Fake>>,
    );
}

#[test]
fn giving_up_at_the_first_failure_is_caught() {
    assert_caught(
        bugs::NEEDLESS_PARTIAL,
        suite::one_bad_replica_costs_nothing::<NoRetry<Fake>>,
    );
}

#[test]
fn a_hot_replica_is_caught() {
    assert_caught(
        bugs::HOT_REPLICA,
        suite::spreads_load_over_replicas::<AlwaysFirstReplica<Fake>>,
    );
}

#[test]
fn hedging_every_request_is_caught() {
    assert_caught(
        bugs::BOUND_EXCEEDED,
        suite::hedges_stay_within_budget::<HedgesEverything<Fake>>,
    );
}

#[test]
fn an_uncancelled_hedge_is_caught() {
    assert_caught(
        bugs::UNCANCELLED,
        suite::hedges_cut_the_slow_tail::<UncancelledHedge<Fake>>,
    );
}

#[test]
fn a_leaking_outstanding_count_is_caught() {
    assert_caught(
        bugs::HOT_REPLICA,
        suite::spreads_load_over_replicas::<LeaksOutstanding<Fake>>,
    );
}

#[test]
fn retrying_an_add_under_a_new_key_is_caught() {
    assert_caught(
        bugs::APPLIED_TWICE,
        suite::adds_apply_once::<NewKeyPerAttempt<Fake>>,
    );
}

#[test]
fn asking_shards_in_turn_is_caught() {
    assert_caught(
        bugs::NO_PARALLELISM,
        suite::answers_as_one_index::<AsksShardsInTurn<Fake>>,
    );
}

#[test]
fn searching_a_shard_that_missed_the_statistics_is_caught() {
    assert_caught(
        bugs::PARTIAL_AS_WHOLE,
        suite::leaves_out_a_shard_that_misses_a_round::<SearchesEveryShard<Fake>>,
    );
}

#[test]
fn add_keys_made_from_the_document_are_caught() {
    assert_caught(
        bugs::LOST_UPDATE,
        suite::adds_apply_once::<KeysFromContent<Fake>>,
    );
}

#[test]
fn taking_turns_whatever_the_load_is_caught() {
    assert_caught(
        bugs::HOT_REPLICA,
        suite::spreads_load_over_replicas::<TakesTurns<Fake>>,
    );
}

#[test]
fn hedging_to_the_same_replica_is_caught() {
    assert_caught(
        bugs::SLOW_TAIL,
        suite::hedges_cut_the_slow_tail::<HedgesSameReplica<Fake>>,
    );
}

#[test]
fn ignoring_read_your_writes_is_caught() {
    assert_caught(
        bugs::STALE_READ,
        suite::reads_its_own_writes::<IgnoresAfter<Fake>>,
    );
}

#[test]
fn one_replicas_number_sent_to_all_is_caught() {
    assert_caught(
        bugs::STALE_READ,
        suite::reads_its_own_writes::<FirstReplicasNumber<Fake>>,
    );
}

/// The reference without hedging is a coordinator too, and the tail it
/// leaves is what hedging is for: the check names it.
#[test]
fn no_hedging_leaves_the_slow_tail() {
    assert_caught(bugs::SLOW_TAIL, || {
        suite::hedges_cut_the_slow_tail::<suite::NeverHedges>()
    });
}
