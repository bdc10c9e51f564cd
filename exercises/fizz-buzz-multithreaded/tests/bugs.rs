//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name. (`CheckThenSleep` is the loom model's: see
//! `tests/loom.rs`.)

mod suite;

use fizz_buzz_multithreaded::FizzBuzz;
use fizz_buzz_multithreaded::buggy::{
    AdvanceBeforePrint, NotifyOne, SpinFizzBuzz, ThreeBeforeFifteen, WaitsPastTheEnd,
};
use kit::bugs;
use kit::stress::assert_caught;

#[test]
fn three_before_fifteen_is_caught() {
    assert_caught(bugs::WRONG_ANSWER, || {
        suite::prints_the_sequence(ThreeBeforeFifteen::new)
    });
}

#[test]
fn a_turn_passed_on_before_the_print_is_caught() {
    assert_caught(bugs::ORDER_VIOLATED, || {
        suite::every_arrival_order(AdvanceBeforePrint::new)
    });
}

#[test]
fn notify_one_where_four_wait_is_caught() {
    assert_caught(bugs::LOST_WAKEUP, || {
        suite::the_right_thread_is_woken(NotifyOne::new)
    });
}

#[test]
fn waiting_past_the_end_is_caught() {
    assert_caught(bugs::MISSED_TERMINATION, || {
        suite::every_method_returns_at_the_end(WaitsPastTheEnd::new)
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
        suite::waiting_does_not_burn_a_core(SpinFizzBuzz::new)
    });
}

/// Each bug is in one place only: what it does not touch still passes.
#[test]
fn each_bug_breaks_only_its_own_part() {
    // The spinner's sequence and its end are right; only its waiting is
    // wrong.
    assert_eq!(suite::prints_the_sequence(SpinFizzBuzz::new), Ok(()));
    assert_eq!(
        suite::every_method_returns_at_the_end(SpinFizzBuzz::new),
        Ok(())
    );
    // The wrong order of tests matters only from 15 on.
    assert_eq!(
        suite::the_right_thread_is_woken(ThreeBeforeFifteen::new),
        Ok(())
    );
    assert_eq!(
        suite::waiting_does_not_burn_a_core(ThreeBeforeFifteen::new),
        Ok(())
    );
}
