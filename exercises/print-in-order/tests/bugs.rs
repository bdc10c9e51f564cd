//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name. (`FlagOutsideLock` is the loom model's: see
//! `tests/loom.rs`.)

mod suite;

use kit::bugs;
use kit::stress::assert_caught;
use print_in_order::InOrder;
use print_in_order::buggy::{
    IfNotWhile, NoWaiting, NotifyOne, SignalBeforePrint, SpinInOrder, WaitWithoutState,
};

#[test]
fn no_waiting_is_caught() {
    assert_caught(bugs::ORDER_VIOLATED, || {
        suite::a_turn_waits_for_the_one_before(NoWaiting::new)
    });
}

#[test]
fn a_signal_before_the_print_is_caught() {
    assert_caught(bugs::ORDER_VIOLATED, || {
        suite::every_arrival_order(SignalBeforePrint::new)
    });
}

#[test]
fn if_instead_of_while_is_caught() {
    assert_caught(bugs::UNCHECKED_WAKEUP, || {
        suite::waiters_recheck_after_waking(IfNotWhile::new)
    });
}

#[test]
fn notify_one_where_two_wait_is_caught() {
    assert_caught(bugs::LOST_WAKEUP, || {
        suite::waiters_recheck_after_waking(NotifyOne::new)
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
        suite::waiting_does_not_burn_a_core(SpinInOrder::new)
    });
}

/// Each bug is in one place only: what it does not touch still passes.
#[test]
fn each_bug_breaks_only_its_own_part() {
    // In order on one thread, nothing waits: every variant passes.
    assert_eq!(suite::one_thread_in_order(NoWaiting::new), Ok(()));
    assert_eq!(suite::one_thread_in_order(IfNotWhile::new), Ok(()));
    assert_eq!(suite::one_thread_in_order(SpinInOrder::new), Ok(()));
    // The spinner's order is right; only its waiting is wrong.
    assert_eq!(suite::every_arrival_order(SpinInOrder::new), Ok(()));
    // notify_one is enough when each turn has been called after the one
    // before it returned: nobody waits.
    assert_eq!(suite::a_finished_turn_is_remembered(NotifyOne::new), Ok(()));
}
