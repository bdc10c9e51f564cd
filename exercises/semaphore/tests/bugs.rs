//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name. Two are the loom models' (`tests/loom.rs`),
//! because their windows are nanoseconds wide: `ReleaseOutsideLock` and
//! `CheckThenTake`. `never_more_holders_than_permits` catches
//! `CheckThenTake` too on an idle machine with two cores or more, but not
//! reliably on one that is busy; so it is not asserted here.

mod suite;

use kit::bugs;
use kit::stress::assert_caught;
use semaphore::Semaphore;
use semaphore::buggy::{CheckThenTake, IfNotWhile, NoWakeup, ReleaseByHand, SpinAcquire};
use suite::Permits;

#[test]
fn a_release_without_a_wakeup_is_caught() {
    assert_caught(bugs::LOST_WAKEUP, || {
        suite::a_release_lets_one_waiter_in(Permits::<NoWakeup>::new)
    });
}

#[test]
fn if_instead_of_while_is_caught() {
    assert_caught(bugs::UNCHECKED_WAKEUP, || {
        suite::a_release_lets_one_waiter_in(Permits::<IfNotWhile>::new)
    });
}

#[test]
fn a_permit_kept_by_a_panic_is_caught() {
    assert_caught(bugs::DEADLOCK, || {
        suite::a_panicking_holder_gives_its_permit_back(<ReleaseByHand as Semaphore>::new)
    });
}

#[test]
fn a_permit_kept_by_an_early_return_is_caught() {
    assert_caught(bugs::DEADLOCK, || {
        suite::an_early_return_gives_its_permit_back(<ReleaseByHand as Semaphore>::new)
    });
}

#[test]
fn spinning_is_caught() {
    // Where the system does not count a thread's CPU time, the check has
    // nothing to judge by.
    if kit::stress::thread_cpu_time().is_none() {
        return;
    }
    assert_caught(bugs::BUSY_WAIT, || {
        suite::waiting_does_not_burn_a_core(Permits::<SpinAcquire>::new)
    });
}

/// Each bug is in one place only: what it does not touch still passes.
#[test]
fn each_bug_breaks_only_its_own_part() {
    // One waiter at a time, and one thread alone: the two steps never
    // meet.
    assert_eq!(
        suite::a_release_lets_one_waiter_in(Permits::<CheckThenTake>::new),
        Ok(())
    );
    // Nobody waits when one thread takes the permits in turn.
    assert_eq!(
        suite::one_thread_takes_every_permit(Permits::<NoWakeup>::new),
        Ok(())
    );
    // The spinner keeps the bound.
    assert_eq!(
        suite::never_more_holders_than_permits(Permits::<SpinAcquire>::new),
        Ok(())
    );
    // A release by hand is right when the work ends normally.
    assert_eq!(
        suite::never_more_holders_than_permits(Permits::<ReleaseByHand>::new),
        Ok(())
    );
}
