//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name. (`LeftFirst` and `CheckThenTake` are also found
//! by the loom models: see `tests/loom.rs`.)

mod suite;

use dining_philosophers::DiningPhilosophers;
use dining_philosophers::buggy::{
    CheckThenTake, LeftFirst, SpinOnForks, StatesWithoutOrder, TableLock,
};
use kit::bugs;
use kit::stress::assert_caught;

#[test]
fn everyone_left_first_is_caught() {
    assert_caught(bugs::LOCK_ORDER_DEADLOCK, || {
        suite::five_left_forks_at_once(LeftFirst::new)
    });
}

#[test]
fn a_check_apart_from_the_take_is_caught() {
    assert_caught(bugs::ORDER_VIOLATED, || {
        suite::neighbours_never_eat_at_once(CheckThenTake::new)
    });
}

#[test]
fn one_lock_for_the_whole_table_is_caught() {
    assert_caught(bugs::NO_PARALLELISM, || {
        suite::non_neighbours_eat_at_once(TableLock::new)
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
        suite::waiting_does_not_burn_a_core(SpinOnForks::new)
    });
}

/// The kit has no class for starvation: the starving philosopher is
/// reported as a deadlock of its own (it waits for ever for a moment its
/// neighbours never leave it), and the message says "starved".
#[test]
fn states_without_an_order_are_caught_starving() {
    assert_caught(bugs::DEADLOCK, || {
        suite::no_philosopher_starves(StatesWithoutOrder::new)
    });
}

/// Each bug is in one place only: what it does not touch still passes.
#[test]
fn each_bug_breaks_only_its_own_part() {
    // Alone at the table, nobody waits: every variant passes.
    assert_eq!(suite::one_at_a_time(LeftFirst::new), Ok(()));
    assert_eq!(suite::one_at_a_time(CheckThenTake::new), Ok(()));
    assert_eq!(suite::one_at_a_time(TableLock::new), Ok(()));
    assert_eq!(suite::one_at_a_time(SpinOnForks::new), Ok(()));
    assert_eq!(suite::one_at_a_time(StatesWithoutOrder::new), Ok(()));
    // Two philosophers who share no fork never wait for each other.
    assert_eq!(suite::non_neighbours_eat_at_once(LeftFirst::new), Ok(()));
    assert_eq!(
        suite::non_neighbours_eat_at_once(CheckThenTake::new),
        Ok(())
    );
    // One lock for the table: slow, but right, and it sleeps.
    assert_eq!(suite::neighbours_never_eat_at_once(TableLock::new), Ok(()));
    assert_eq!(suite::five_left_forks_at_once(TableLock::new), Ok(()));
    assert_eq!(suite::waiting_does_not_burn_a_core(TableLock::new), Ok(()));
    // The spinner takes its forks in order: right, only wasteful.
    assert_eq!(
        suite::neighbours_never_eat_at_once(SpinOnForks::new),
        Ok(())
    );
    assert_eq!(suite::five_left_forks_at_once(SpinOnForks::new), Ok(()));
    // States without an order: safe and asleep; they only starve.
    assert_eq!(
        suite::neighbours_never_eat_at_once(StatesWithoutOrder::new),
        Ok(())
    );
    assert_eq!(
        suite::five_left_forks_at_once(StatesWithoutOrder::new),
        Ok(())
    );
    assert_eq!(
        suite::waiting_does_not_burn_a_core(StatesWithoutOrder::new),
        Ok(())
    );
}
