//! One suite, run over every implementation (and over the starter with
//! `--features starter`). The checks live in `suite/mod.rs`; each runs
//! under a watchdog (`kit::stress`), so a hang fails with a name.

mod suite;

use hashmap::{GlobalLockMap, RwLockMap, SnapshotMap, StripedMap};
use kit::stress::assert_passes as pass;

/// A module of tests per implementation, so a failure names both the map and
/// the check: `starter::update_is_atomic`.
macro_rules! conformance {
    ($($module:ident: $map:ty),* $(,)?) => {$(
        mod $module {
            use super::*;

            #[test]
            fn sequential_matches_a_hashmap() {
                pass(suite::sequential_matches_model::<$map>);
            }

            #[test]
            fn update_is_atomic() {
                pass(suite::update_is_atomic::<$map>);
            }

            #[test]
            fn get_or_insert_with_runs_f_once() {
                pass(suite::get_or_insert_with_runs_f_once::<$map>);
            }

            #[test]
            fn transfers_conserve_and_never_deadlock() {
                pass(suite::transfers_conserve_and_never_deadlock::<$map>);
            }

            #[test]
            fn transfers_are_never_seen_half_done() {
                pass(suite::transfers_are_never_seen_half_done::<$map>);
            }

            #[test]
            fn transfers_among_many_accounts_never_deadlock() {
                pass(suite::transfers_among_many_accounts_never_deadlock::<$map>);
            }

            #[test]
            fn concurrent_writes_all_land() {
                pass(suite::concurrent_writes_all_land::<$map>);
            }

            #[test]
            fn every_value_comes_back_once() {
                pass(suite::every_value_comes_back_once::<$map>);
            }

            #[test]
            fn reads_during_writes_see_written_values() {
                pass(suite::reads_during_writes_see_written_values::<$map>);
            }
        }
    )*};
}

/// What only a striped map promises: stripes that lock independently, and
/// keys that share a stripe handled as carefully as keys that do not.
macro_rules! striped {
    ($($module:ident: $map:ty),* $(,)?) => {$(
        mod $module {
            use super::*;

            #[test]
            fn sequential_on_one_stripe() {
                pass(suite::sequential_on_one_stripe::<$map>);
            }

            #[test]
            fn transfer_within_one_stripe() {
                pass(suite::transfer_within_one_stripe::<$map>);
            }

            #[test]
            fn stripes_lock_independently() {
                pass(suite::stripes_lock_independently::<$map>);
            }

            #[test]
            fn transfers_across_two_stripes_never_deadlock() {
                pass(suite::transfers_across_two_stripes_never_deadlock::<$map>);
            }
        }
    )*};
}

conformance! {
    global_lock: GlobalLockMap<u64, u64>,
    rwlock: RwLockMap<u64, u64>,
    striped: StripedMap<u64, u64>,
    snapshot: SnapshotMap<u64, u64>,
}

striped! {
    striped_stripes: StripedMap<u64, u64>,
    snapshot_stripes: SnapshotMap<u64, u64>,
}

#[cfg(feature = "starter")]
conformance! {
    starter: hashmap::starter::StarterMap<u64, u64>,
}

#[cfg(feature = "starter")]
striped! {
    starter_stripes: hashmap::starter::StarterMap<u64, u64>,
}
