//! One suite, run over every implementation (and over the starter with
//! `--features starter`). The checks live in `suite/mod.rs`.

mod suite;

use inverted_index::{BufferedIndex, RwLockIndex, SegmentIndex, Sharded};
use kit::stress::assert_passes as pass;

/// A module of tests per implementation, so a failure names both the index
/// and the check: `starter::answers_are_whole_points_in_time`.
macro_rules! conformance {
    ($($module:ident: $index:ty),* $(,)?) => {$(
        mod $module {
            use super::*;

            #[test]
            fn scores_and_ranks_as_bm25_says() {
                pass(suite::scores_and_ranks_as_bm25_says::<$index>);
            }

            #[test]
            fn answers_are_whole_points_in_time() {
                pass(suite::answers_are_whole_points_in_time::<$index>);
            }

            #[test]
            fn read_your_writes() {
                pass(suite::read_your_writes::<$index>);
            }

            #[test]
            fn shards_answer_as_one_index() {
                pass(|| suite::shards_answer_as_one_index::<$index>(Sharded::search));
            }
        }
    )*};
}

conformance! {
    rwlock: RwLockIndex,
    segments: SegmentIndex,
    buffered: BufferedIndex,
}

#[cfg(feature = "starter")]
conformance! {
    starter: inverted_index::starter::StarterIndex,
}
