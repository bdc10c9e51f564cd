//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name.

mod suite;

use kit::bugs;
use kit::stress::assert_caught;
use topk::buggy::{FirstRecordRace, LostCount, NoInheritSpaceSaving, StaleTopCache};

#[test]
fn lost_count_is_caught() {
    assert_caught(bugs::LOST_UPDATE, || {
        suite::exact_under_threads(LostCount::default)
    });
}

#[test]
fn stale_top_cache_is_caught() {
    assert_caught(bugs::STALE_READ, || {
        suite::sequential_matches_model(StaleTopCache::default)
    });
    assert_caught(bugs::STALE_READ, || {
        suite::top_while_recording(StaleTopCache::default)
    });
}

#[test]
fn space_saving_without_inheritance_is_caught() {
    assert_caught(bugs::BROKEN_GUARANTEE, || {
        suite::bounded_guarantees(NoInheritSpaceSaving::new, 50, 1)
    });
}

#[test]
fn a_first_record_written_over_is_caught() {
    assert_caught(bugs::LOST_UPDATE, || {
        suite::first_records_race(FirstRecordRace::default)
    });
}

/// Each bug is in one place only: what the bug does not touch still passes.
#[test]
fn each_bug_breaks_only_its_own_part() {
    // On one thread a lost count cannot happen.
    assert_eq!(suite::sequential_matches_model(LostCount::default), Ok(()));
    assert_eq!(
        suite::sequential_matches_model(FirstRecordRace::default),
        Ok(())
    );
    // The stale cache counts correctly; only its cached leaders are stale:
    // the suite says so, not "lost update".
    let stale = suite::exact_under_threads(StaleTopCache::default).unwrap_err();
    assert_eq!(bugs::classify(&stale), Some(bugs::STALE_READ), "{stale}");
}
