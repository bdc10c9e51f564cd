//! The bug zoo: tables that look right and are not. Each is named after its
//! bug, and `tests/bugs.rs` proves the suite catches each one under that
//! name (`LeftFirst` is also found by the loom model in `tests/loom.rs`, as
//! a deadlock).

use kit::sync::{AtomicBool, Condvar, Mutex, Ordering, spin_hint};

use crate::DiningPhilosophers;

/// Philosopher `p`'s left and right forks at a table of `n`.
fn forks(philosopher: usize, n: usize) -> (usize, usize) {
    (philosopher, (philosopher + 1) % n)
}

/// Everyone takes the left fork first. When all five pick up their left
/// fork at once, each waits for ever for its right, which its neighbour
/// holds. Lock-order deadlock.
#[derive(Debug)]
pub struct LeftFirst {
    forks: Vec<Mutex<()>>,
}

impl DiningPhilosophers for LeftFirst {
    fn new(philosophers: usize) -> Self {
        LeftFirst {
            forks: (0..philosophers).map(|_| Mutex::new(())).collect(),
        }
    }

    fn wants_to_eat(
        &self,
        philosopher: usize,
        pick_left: impl FnOnce(),
        pick_right: impl FnOnce(),
        eat: impl FnOnce(),
        put_left: impl FnOnce(),
        put_right: impl FnOnce(),
    ) {
        let (left, right) = forks(philosopher, self.forks.len());
        let left_fork = self.forks[left].lock();
        pick_left();
        let right_fork = self.forks[right].lock();
        pick_right();
        eat();
        put_left();
        drop(left_fork);
        put_right();
        drop(right_fork);
    }
}

/// Looks at both forks under the lock, lets go of it, picks them up, and
/// only then, under the lock again, marks them taken. Two neighbours can
/// both see their shared fork free and both pick it up. Order violated: a
/// fork picked up while its neighbour held it.
#[derive(Debug)]
pub struct CheckThenTake {
    taken: Mutex<Vec<bool>>,
    freed: Condvar,
}

impl DiningPhilosophers for CheckThenTake {
    fn new(philosophers: usize) -> Self {
        CheckThenTake {
            taken: Mutex::new(vec![false; philosophers]),
            freed: Condvar::new(),
        }
    }

    fn wants_to_eat(
        &self,
        philosopher: usize,
        pick_left: impl FnOnce(),
        pick_right: impl FnOnce(),
        eat: impl FnOnce(),
        put_left: impl FnOnce(),
        put_right: impl FnOnce(),
    ) {
        let mut taken = self.taken.lock();
        let (left, right) = forks(philosopher, taken.len());
        while taken[left] || taken[right] {
            taken = self.freed.wait(taken);
        }
        drop(taken);
        // Both were free a moment ago: pick them up...
        pick_left();
        pick_right();
        // ...and say so. A neighbour may have looked in between.
        {
            let mut taken = self.taken.lock();
            taken[left] = true;
            taken[right] = true;
        }
        eat();
        put_left();
        put_right();
        {
            let mut taken = self.taken.lock();
            taken[left] = false;
            taken[right] = false;
        }
        self.freed.notify_all();
    }
}

/// One lock for the whole table, held from the first pick to the last put:
/// no deadlock, no neighbours at once, and no two philosophers at once
/// either, though two who are not neighbours share no fork. No parallelism.
#[derive(Debug)]
pub struct TableLock {
    table: Mutex<()>,
}

impl DiningPhilosophers for TableLock {
    fn new(_philosophers: usize) -> Self {
        TableLock {
            table: Mutex::new(()),
        }
    }

    fn wants_to_eat(
        &self,
        _philosopher: usize,
        pick_left: impl FnOnce(),
        pick_right: impl FnOnce(),
        eat: impl FnOnce(),
        put_left: impl FnOnce(),
        put_right: impl FnOnce(),
    ) {
        let _table = self.table.lock();
        pick_left();
        pick_right();
        eat();
        put_left();
        put_right();
    }
}

/// Right order, wrong waiting: each fork is an atomic flag, taken
/// lowest-numbered first with a compare-and-swap in a loop. A philosopher
/// whose neighbour eats keeps a core busy trying. Busy-waiting.
#[derive(Debug)]
pub struct SpinOnForks {
    forks: Vec<AtomicBool>,
}

impl SpinOnForks {
    fn take(&self, fork: usize) {
        while self.forks[fork]
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            spin_hint();
        }
    }

    fn put(&self, fork: usize) {
        self.forks[fork].store(false, Ordering::Release);
    }
}

impl DiningPhilosophers for SpinOnForks {
    fn new(philosophers: usize) -> Self {
        SpinOnForks {
            forks: (0..philosophers).map(|_| AtomicBool::new(false)).collect(),
        }
    }

    fn wants_to_eat(
        &self,
        philosopher: usize,
        pick_left: impl FnOnce(),
        pick_right: impl FnOnce(),
        eat: impl FnOnce(),
        put_left: impl FnOnce(),
        put_right: impl FnOnce(),
    ) {
        let (left, right) = forks(philosopher, self.forks.len());
        if left < right {
            self.take(left);
            pick_left();
            self.take(right);
            pick_right();
        } else {
            self.take(right);
            pick_right();
            self.take(left);
            pick_left();
        }
        eat();
        put_left();
        self.put(left);
        put_right();
        self.put(right);
    }
}

/// What a philosopher is doing, in `StatesWithoutOrder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Thinking,
    Hungry,
    Eating,
}

/// The states of `FairStates` without the tickets: a hungry philosopher
/// eats whenever neither neighbour eats. Its two neighbours, taking turns
/// so that one of them always eats, keep it hungry for ever. Starvation,
/// which the suite reports as a deadlock of the starving philosopher.
#[derive(Debug)]
pub struct StatesWithoutOrder {
    states: Mutex<Vec<State>>,
    turn: Vec<Condvar>,
}

impl StatesWithoutOrder {
    fn neighbours(&self, philosopher: usize) -> [usize; 2] {
        let n = self.turn.len();
        [(philosopher + n - 1) % n, (philosopher + 1) % n]
    }
}

impl DiningPhilosophers for StatesWithoutOrder {
    fn new(philosophers: usize) -> Self {
        StatesWithoutOrder {
            states: Mutex::new(vec![State::Thinking; philosophers]),
            turn: (0..philosophers).map(|_| Condvar::new()).collect(),
        }
    }

    fn wants_to_eat(
        &self,
        philosopher: usize,
        pick_left: impl FnOnce(),
        pick_right: impl FnOnce(),
        eat: impl FnOnce(),
        put_left: impl FnOnce(),
        put_right: impl FnOnce(),
    ) {
        let neighbours = self.neighbours(philosopher);
        let mut states = self.states.lock();
        states[philosopher] = State::Hungry;
        while neighbours.iter().any(|&n| states[n] == State::Eating) {
            states = self.turn[philosopher].wait(states);
        }
        states[philosopher] = State::Eating;
        drop(states);
        pick_left();
        pick_right();
        eat();
        put_left();
        put_right();
        self.states.lock()[philosopher] = State::Thinking;
        for neighbour in neighbours {
            self.turn[neighbour].notify_one();
        }
    }
}
