//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name. (`FlagOutsideLock` is the loom model's: see
//! `tests/loom.rs`.)

mod suite;

use kit::bugs;
use kit::stress::assert_caught;
use zero_even_odd::ZeroEvenOdd;
use zero_even_odd::buggy::{
    IfNotWhile, NoWaiting, NotifyOne, SignalBeforePrint, SpinZeroEvenOdd, WaitWithoutState,
    WrongParity,
};

#[test]
fn no_waiting_is_caught() {
    assert_caught(bugs::ORDER_VIOLATED, || {
        suite::each_waits_for_its_turn(NoWaiting::new)
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
fn a_number_from_the_wrong_thread_is_caught() {
    assert_caught(bugs::WRONG_ANSWER, || {
        suite::each_number_from_its_own_thread(WrongParity::new)
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
        suite::waiting_does_not_burn_a_core(SpinZeroEvenOdd::new)
    });
}

/// Each bug is in one place only: what it does not touch still passes.
#[test]
fn each_bug_breaks_only_its_own_part() {
    // With n of 0 or 1, in order on one thread, nothing waits: every
    // variant but the wrong parity passes.
    assert_eq!(suite::one_thread_in_order(NoWaiting::new), Ok(()));
    assert_eq!(suite::one_thread_in_order(SignalBeforePrint::new), Ok(()));
    assert_eq!(suite::one_thread_in_order(IfNotWhile::new), Ok(()));
    assert_eq!(suite::one_thread_in_order(NotifyOne::new), Ok(()));
    assert_eq!(suite::one_thread_in_order(SpinZeroEvenOdd::new), Ok(()));
    // The spinner's order is right; only its waiting is wrong.
    assert_eq!(
        suite::waiters_recheck_after_waking(SpinZeroEvenOdd::new),
        Ok(())
    );
    assert_eq!(
        suite::each_number_from_its_own_thread(SpinZeroEvenOdd::new),
        Ok(())
    );
    // notify_one and `if` are enough when each method is called after the
    // one before it returned: nobody waits.
    assert_eq!(suite::a_finished_turn_is_remembered(NotifyOne::new), Ok(()));
    assert_eq!(
        suite::a_finished_turn_is_remembered(IfNotWhile::new),
        Ok(())
    );
    // The wrong parity fails as a wrong answer, even where the order of
    // the printed numbers is right.
    let swapped = suite::one_thread_in_order(WrongParity::new).unwrap_err();
    assert_eq!(
        bugs::classify(&swapped),
        Some(bugs::WRONG_ANSWER),
        "{swapped}"
    );
}
