//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name.

mod suite;

use bounded_blocking_queue::BlockingQueue;
use bounded_blocking_queue::buggy::{
    IfNotWhile, LockHeldWhileWaiting, OneCondvar, SpinQueue, Unbounded,
};
use kit::bugs;
use kit::stress::assert_caught;

#[test]
fn one_condition_variable_for_two_conditions_is_caught() {
    assert_caught(bugs::LOST_WAKEUP, || {
        suite::many_producers_and_consumers(OneCondvar::<u64>::with_capacity)
    });
}

#[test]
fn if_instead_of_while_is_caught() {
    assert_caught(bugs::UNCHECKED_WAKEUP, || {
        suite::woken_producers_check_for_room(IfNotWhile::<u64>::with_capacity)
    });
}

#[test]
fn a_queue_without_its_bound_is_caught() {
    assert_caught(bugs::BOUND_EXCEEDED, || {
        suite::enqueue_waits_while_full(Unbounded::<u64>::with_capacity)
    });
}

#[test]
fn a_lock_held_while_waiting_is_caught() {
    assert_caught(bugs::DEADLOCK, || {
        suite::dequeue_waits_while_empty(LockHeldWhileWaiting::<u64>::with_capacity)
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
        suite::waiting_does_not_burn_a_core(SpinQueue::<u64>::with_capacity)
    });
}

/// Each bug is in one place only: what it does not touch still passes.
#[test]
fn each_bug_breaks_only_its_own_part() {
    // On one thread nothing waits, and every variant is a FIFO.
    assert_eq!(
        suite::one_thread_fifo(OneCondvar::<u64>::with_capacity),
        Ok(())
    );
    assert_eq!(
        suite::one_thread_fifo(IfNotWhile::<u64>::with_capacity),
        Ok(())
    );
    assert_eq!(
        suite::one_thread_fifo(SpinQueue::<u64>::with_capacity),
        Ok(())
    );
    // The spinner's answers are right; only its waiting is wrong.
    assert_eq!(
        suite::many_producers_and_consumers(SpinQueue::<u64>::with_capacity),
        Ok(())
    );
    // With one producer waiting, one condition variable wakes the right one.
    assert_eq!(
        suite::enqueue_waits_while_full(OneCondvar::<u64>::with_capacity),
        Ok(())
    );
}
