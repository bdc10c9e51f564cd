//! One suite, run over every coordinator (and over the starter with
//! `--features starter`). The checks live in `suite/mod.rs`; each runs
//! under a watchdog (`kit::stress`), so a hang fails with a name.

mod suite;

use kit::stress::assert_passes as pass;
use search_cluster::ScatterGather;
use search_cluster::fake::FakeCluster;

/// A module of tests per coordinator: `starter::hedges_cut_the_slow_tail`.
macro_rules! conformance {
    ($($module:ident: $coordinator:ty),* $(,)?) => {$(
        mod $module {
            use super::*;

            type Tested = $coordinator;

            #[test]
            fn answers_as_one_index() {
                pass(suite::answers_as_one_index::<Tested>);
            }

            #[test]
            fn answers_many_queries_at_once() {
                pass(suite::answers_many_queries_at_once::<Tested>);
            }

            #[test]
            fn leaves_a_dead_shard_out_in_time() {
                pass(suite::leaves_a_dead_shard_out_in_time::<Tested>);
            }

            #[test]
            fn leaves_out_a_shard_that_misses_a_round() {
                pass(suite::leaves_out_a_shard_that_misses_a_round::<Tested>);
            }

            #[test]
            fn one_bad_replica_costs_nothing() {
                pass(suite::one_bad_replica_costs_nothing::<Tested>);
            }

            #[test]
            fn asks_a_shard_again_when_it_comes_back() {
                pass(suite::asks_a_shard_again_when_it_comes_back::<Tested>);
            }

            #[test]
            fn hedges_cut_the_slow_tail() {
                pass(suite::hedges_cut_the_slow_tail::<Tested>);
            }

            #[test]
            fn hedges_stay_within_budget() {
                pass(suite::hedges_stay_within_budget::<Tested>);
            }

            #[test]
            fn spreads_load_over_replicas() {
                pass(suite::spreads_load_over_replicas::<Tested>);
            }

            #[test]
            fn adds_apply_once() {
                pass(suite::adds_apply_once::<Tested>);
            }

            #[test]
            fn reads_its_own_writes() {
                pass(suite::reads_its_own_writes::<Tested>);
            }

            #[test]
            fn an_add_to_a_dead_replica_fails_in_time() {
                pass(suite::an_add_to_a_dead_replica_fails_in_time::<Tested>);
            }
        }
    )*};
}

conformance! {
    scatter_gather: ScatterGather<FakeCluster>,
}

#[cfg(feature = "starter")]
conformance! {
    starter: search_cluster::starter::StarterCoordinator<FakeCluster>,
}
