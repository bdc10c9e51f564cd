//! Your drill: a spin lock with a guard.
//!
//! Check it with `cargo test -p spin-lock --features starter` or
//! `concur check spin-lock`. Ask `concur hint spin-lock` when stuck.

#![allow(unused_imports)] // the imports are what you will need

use kit::sync::{AtomicBool, Ordering, spin_hint};

use crate::Lock;

/// A lock that spins while another thread holds it.
#[derive(Debug, Default)]
pub struct StarterLock {
    // TODO: one flag: is the lock taken?
}

/// The proof that the lock is held; dropping it releases the lock.
#[derive(Debug)]
pub struct StarterGuard<'a> {
    lock: &'a StarterLock,
}

impl Lock for StarterLock {
    type Guard<'a> = StarterGuard<'a>;

    fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> StarterGuard<'_> {
        // TODO: take the flag in one atomic step, spinning while another
        // thread holds it, then hand back a guard.
        todo!("StarterLock::lock")
    }
}

impl Drop for StarterGuard<'_> {
    fn drop(&mut self) {
        // TODO: release the lock, so that the next holder sees what this
        // one wrote.
        let _ = self.lock;
        todo!("StarterGuard::drop")
    }
}
