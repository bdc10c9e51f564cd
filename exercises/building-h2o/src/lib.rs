//! # Building H2O (LeetCode 1117)
//!
//! Threads arrive one by one, each as an atom: a hydrogen calls
//! `hydrogen(release)`, an oxygen `oxygen(release)`. Each must be let
//! through (its `release` run) only as part of a molecule: two hydrogens
//! and one oxygen, the three together, and the next molecule only once
//! this one is through. Atoms come in the right proportion, two hydrogens
//! for each oxygen, in any order.
//!
//! The lesson is a barrier per molecule: an atom waits for the two partners
//! of its own molecule, not for every other atom, and the molecule's three
//! releases run at once. There are two good ways here, each in its own
//! file:
//!
//! - [`CondvarH2O`] (`condvar.rs`): the molecule being built, counted under
//!   a mutex, and one condition variable to sleep on until it forms.
//! - [`SemaphoreH2O`] (`semaphores.rs`): two hydrogen permits and one
//!   oxygen permit, and a barrier for three; both built from a mutex and a
//!   condition variable.
//!
//! `buggy.rs` holds the bug zoo (no grouping, the next molecule let in too
//! soon, releases under the lock, `notify_one` where two partners wait, a
//! join and a sleep under two locks), and `starter.rs` is the candidate's
//! file.

// ANCHOR: contract
/// An object that lets atoms through in molecules of two hydrogens and one
/// oxygen, whichever threads call it and whenever they arrive.
///
/// The promises:
/// - each call runs its `release` exactly once, before it returns;
/// - taken in the order they begin, the releases fall into threes, and each
///   three is a molecule: two hydrogens and one oxygen;
/// - a molecule's three releases all return before any release of the next
///   molecule begins;
/// - a molecule's three releases can run at the same time: each may wait,
///   inside its `release`, for the other two of its molecule to begin;
/// - an atom waits only for its molecule: once two hydrogens and an oxygen
///   are waiting and no molecule is being released, a molecule forms, and
///   nothing hangs.
///
/// One object serves one run, in which twice as many hydrogens as oxygens
/// are called, each on its own thread.
pub trait H2O: Send + Sync {
    fn new() -> Self
    where
        Self: Sized;

    fn hydrogen(&self, release: impl FnOnce());

    fn oxygen(&self, release: impl FnOnce());
}
// ANCHOR_END: contract

mod condvar;
mod semaphores;

pub mod buggy;
#[cfg(feature = "starter")]
pub mod starter;

pub use condvar::CondvarH2O;
pub use semaphores::SemaphoreH2O;
