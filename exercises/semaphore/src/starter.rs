//! Your drill: a counting semaphore whose permits give themselves back.
//!
//! Check it with `cargo test -p semaphore --features starter` or
//! `concur check semaphore`. Ask `concur hint semaphore` when stuck.

#![allow(unused_imports)] // the imports are what you will need

use kit::sync::{Condvar, Mutex};

use crate::Semaphore;

/// At most `permits` holders at once.
#[derive(Debug)]
pub struct StarterSemaphore {
    permits: usize,
    // TODO: how many permits are held now, and a way for a thread to sleep
    // until that changes.
}

/// A permit held: dropping it gives it back.
#[derive(Debug)]
pub struct StarterPermit<'a> {
    semaphore: &'a StarterSemaphore,
}

impl Semaphore for StarterSemaphore {
    type Permit<'a> = StarterPermit<'a>;

    fn new(permits: usize) -> Self {
        assert!(permits > 0, "a semaphore needs at least one permit");
        StarterSemaphore { permits }
    }

    fn acquire(&self) -> StarterPermit<'_> {
        // TODO: wait, asleep, while every permit is held; then take one, in
        // the same critical section as the check.
        let _ = self.permits;
        todo!("StarterSemaphore::acquire")
    }
}

impl Drop for StarterPermit<'_> {
    fn drop(&mut self) {
        // TODO: give the permit back, and wake a waiter.
        let _ = self.semaphore;
        todo!("StarterPermit::drop")
    }
}
