//! Every philosopher's state under one lock, and an order among the hungry.
//!
//! No fork is a lock here. One mutex guards what every philosopher is
//! doing: thinking, hungry, or eating. A hungry philosopher may eat when
//! neither neighbour eats; it then picks up its forks, eats and puts them
//! down with no lock held, and goes back to thinking. A philosopher is
//! "eating" from before its picks until after its puts, so a neighbour,
//! which may start only when it is not, never touches the same fork
//! meanwhile. Nothing deadlocks: a philosopher never holds one fork while
//! waiting for the other; it takes both or none, in one step under the lock.
//!
//! "Neither neighbour eats" alone lets a philosopher starve. Its two
//! neighbours are not neighbours of each other, and can eat at the same
//! time. If they take turns so that one of them is always eating, each
//! finding the philosopher between them hungry but not eating, it never
//! sees both neighbours done at once. So the hungry are served in order:
//! each hungry philosopher takes a ticket, and may eat only if neither
//! neighbour eats and neither has been hungry longer (holds a smaller
//! ticket). A neighbour that finishes and comes straight back takes a
//! newer ticket, and waits for the philosopher that was there first.
//!
//! Why this cannot deadlock either: take the hungry philosopher with the
//! smallest ticket. No neighbour of it has been hungry longer, so only an
//! eating neighbour can stop it; that neighbour finishes, and it cannot
//! come back ahead of it. So the oldest ticket always eats next, and every
//! ticket becomes the oldest in time.
//!
//! The price is concurrency: a hungry philosopher may wait for an older
//! neighbour who itself waits, though its own forks are free.
//!
//! Each philosopher sleeps on a condition variable of its own. Whether it
//! may eat changes only when a neighbour stops eating, so the philosopher
//! who finishes wakes its two neighbours, and nobody else: one waiter per
//! condition variable, and `notify_one` is exact.

use kit::sync::{Condvar, Mutex};

use crate::DiningPhilosophers;

// ANCHOR: states
/// What a philosopher is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Thinking,
    /// Hungry since it took ticket `since`.
    Hungry {
        since: u64,
    },
    Eating,
}

/// Every philosopher's state, and the next ticket for the hungry.
#[derive(Debug)]
struct Table {
    states: Vec<State>,
    next_ticket: u64,
}

impl Table {
    /// Whether `philosopher`, hungry since `since`, may eat now: neither
    /// neighbour eats, and neither has been hungry longer.
    fn may_eat(&self, philosopher: usize, since: u64) -> bool {
        let n = self.states.len();
        [(philosopher + n - 1) % n, (philosopher + 1) % n]
            .iter()
            .all(|&neighbour| match self.states[neighbour] {
                State::Thinking => true,
                State::Hungry { since: theirs } => theirs > since,
                State::Eating => false,
            })
    }
}

/// One lock over every philosopher's state, and a condition variable for
/// each philosopher to sleep on.
#[derive(Debug)]
pub struct FairStates {
    table: Mutex<Table>,
    turn: Vec<Condvar>,
}

impl DiningPhilosophers for FairStates {
    fn new(philosophers: usize) -> Self {
        FairStates {
            table: Mutex::new(Table {
                states: vec![State::Thinking; philosophers],
                next_ticket: 0,
            }),
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
        let mut table = self.table.lock();
        let since = table.next_ticket;
        table.next_ticket += 1;
        table.states[philosopher] = State::Hungry { since };
        while !table.may_eat(philosopher, since) {
            table = self.turn[philosopher].wait(table);
        }
        table.states[philosopher] = State::Eating;
        drop(table);

        // Both forks are ours: no neighbour may start while we eat.
        pick_left();
        pick_right();
        eat();
        put_left();
        put_right();

        self.table.lock().states[philosopher] = State::Thinking;
        // Only a neighbour can have been waiting for us to finish.
        let n = self.turn.len();
        self.turn[(philosopher + n - 1) % n].notify_one();
        self.turn[(philosopher + 1) % n].notify_one();
    }
}
// ANCHOR_END: states
