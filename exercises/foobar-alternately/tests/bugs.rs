//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name. (`FlagOutsideLock` is the loom model's: see
//! `tests/loom.rs`.)

mod suite;

use foobar_alternately::FooBar;
use foobar_alternately::buggy::{
    FlipBeforePrint, FooDoesNotWait, NoWaiting, SpinFooBar, WaitWithoutState,
};
use kit::bugs;
use kit::stress::assert_caught;

#[test]
fn no_waiting_is_caught() {
    assert_caught(bugs::ORDER_VIOLATED, || {
        suite::bar_waits_for_foo(NoWaiting::new)
    });
}

#[test]
fn a_flip_before_the_print_is_caught() {
    assert_caught(bugs::ORDER_VIOLATED, || {
        suite::every_arrival_order(FlipBeforePrint::new)
    });
}

#[test]
fn a_foo_that_never_waits_is_caught() {
    assert_caught(bugs::ORDER_VIOLATED, || {
        suite::foo_waits_for_bar(FooDoesNotWait::new)
    });
}

#[test]
fn a_wait_without_state_is_caught() {
    assert_caught(bugs::LOST_WAKEUP, || {
        suite::a_finished_turn_is_remembered(WaitWithoutState::new)
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
        suite::waiting_does_not_burn_a_core(SpinFooBar::new)
    });
}

/// Each bug is in one place only: what it does not touch still passes.
#[test]
fn each_bug_breaks_only_its_own_part() {
    // With n of 0 or 1 on one thread, nothing waits: every variant passes.
    assert_eq!(suite::one_thread_in_order(NoWaiting::new), Ok(()));
    assert_eq!(suite::one_thread_in_order(FlipBeforePrint::new), Ok(()));
    assert_eq!(suite::one_thread_in_order(FooDoesNotWait::new), Ok(()));
    assert_eq!(suite::one_thread_in_order(SpinFooBar::new), Ok(()));
    // The spinner's turns are right; only its waiting is wrong.
    assert_eq!(suite::bar_waits_for_foo(SpinFooBar::new), Ok(()));
    assert_eq!(suite::foo_waits_for_bar(SpinFooBar::new), Ok(()));
    // A foo that never waits is right while it has only one print.
    assert_eq!(
        suite::a_finished_turn_is_remembered(FooDoesNotWait::new),
        Ok(())
    );
    // A wait with no state works when the waiter is asleep before the
    // notify: bar has waited half a second when foo prints.
    assert_eq!(
        suite::waiting_does_not_burn_a_core(WaitWithoutState::new),
        Ok(())
    );
}
