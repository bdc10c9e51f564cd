//! Your drill: five philosophers, five forks, no deadlock.
//!
//! Check it with `cargo test -p dining-philosophers --features starter` or
//! `concur check dining-philosophers`. Ask `concur hint
//! dining-philosophers` when stuck.

#![allow(unused_imports)] // the imports are what you will need

use kit::sync::{Condvar, Mutex};

use crate::DiningPhilosophers;

/// A table where nobody deadlocks and nobody starves.
#[derive(Debug, Default)]
pub struct StarterPhilosophers {
    // TODO: the forks, one lock each (or every philosopher's state under
    // one lock, and a way for a hungry philosopher to sleep).
}

impl DiningPhilosophers for StarterPhilosophers {
    fn new(philosophers: usize) -> Self {
        // TODO: one fork between each two neighbours: `philosophers` forks.
        let _ = philosophers;
        Self::default()
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
        // TODO: take both forks (fork `philosopher` on the left, the next one
        // on the right) in an order that cannot close a cycle, calling each
        // pick as you take its fork; eat; call each put before you let its
        // fork go.
        let _ = (philosopher, pick_left, pick_right, eat, put_left, put_right);
        todo!("StarterPhilosophers::wants_to_eat")
    }
}
