//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name. (`JoinThenSleep` is the loom model's: see
//! `tests/loom.rs`.)

mod suite;

use building_h2o::H2O;
use building_h2o::buggy::{NoGrouping, NotifyOne, OverlappingMolecules, ReleaseUnderLock};
use kit::bugs;
use kit::stress::assert_caught;

#[test]
fn no_grouping_is_caught() {
    assert_caught(bugs::ORDER_VIOLATED, || {
        suite::atoms_wait_for_their_molecule(NoGrouping::new)
    });
}

#[test]
fn the_next_molecule_let_in_too_soon_is_caught() {
    assert_caught(bugs::ORDER_VIOLATED, || {
        suite::molecules_do_not_overlap(OverlappingMolecules::new)
    });
}

#[test]
fn releases_under_the_lock_are_caught() {
    assert_caught(bugs::NO_PARALLELISM, || {
        suite::a_molecule_releases_at_once(ReleaseUnderLock::new)
    });
}

#[test]
fn notify_one_where_two_partners_wait_is_caught() {
    assert_caught(bugs::LOST_WAKEUP, || {
        suite::both_partners_are_woken(NotifyOne::new)
    });
}

/// Each bug is in one place only: what it does not touch still passes.
#[test]
fn each_bug_breaks_only_its_own_part() {
    // Releases under the lock: the right molecules, one after another;
    // only the concurrency inside a molecule is lost.
    assert_eq!(suite::one_molecule(ReleaseUnderLock::new), Ok(()));
    assert_eq!(
        suite::molecules_do_not_overlap(ReleaseUnderLock::new),
        Ok(())
    );
    assert_eq!(
        suite::both_partners_are_woken(ReleaseUnderLock::new),
        Ok(())
    );
    // With one molecule, there is no next one to let in too soon.
    assert_eq!(suite::one_molecule(OverlappingMolecules::new), Ok(()));
    assert_eq!(
        suite::both_partners_are_woken(OverlappingMolecules::new),
        Ok(())
    );
}
