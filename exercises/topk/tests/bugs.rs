//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name.

mod suite;

use kit::stress::assert_caught;
use topk::buggy::{LostCount, NoInheritSpaceSaving, StaleTopCache};

#[test]
fn lost_count_is_caught() {
    assert_caught(suite::exact_under_threads(LostCount::default), "lost count");
}

#[test]
fn stale_top_cache_is_caught() {
    assert_caught(
        suite::sequential_matches_model(StaleTopCache::default),
        "stale",
    );
}

#[test]
fn space_saving_without_inheritance_is_caught() {
    assert_caught(
        suite::bounded_guarantees(NoInheritSpaceSaving::new, 50, 1),
        "undercount",
    );
}

/// Each bug is in one place only: what the bug does not touch still passes.
#[test]
fn each_bug_breaks_only_its_own_part() {
    // On one thread a lost count cannot happen.
    assert_eq!(suite::sequential_matches_model(LostCount::default), Ok(()));
    // The stale cache counts correctly; only its cached leaders are stale.
    assert_eq!(suite::top_while_recording(StaleTopCache::default), Ok(()));
}
