//! # Print FooBar Alternately (LeetCode 1115)
//!
//! Two threads share one object, made with a count `n`. One thread calls
//! `foo`, the other `bar`, and either may arrive first. Each method is
//! handed a `print` and runs it `n` times. The prints must take turns, foo
//! first: foo, bar, foo, bar, ..., `n` of each.
//!
//! The lesson is a hand-off that goes both ways: each thread waits for the
//! other, again and again, and each wait must find out whether the other
//! has already gone. There are two good ways, each in its own file:
//!
//! - [`CondvarFooBar`] (`condvar.rs`): whose turn it is, under a mutex, and
//!   a condition variable to sleep on until the turn is yours.
//! - [`ChannelFooBar`] (`channels.rs`): a token passed back and forth on
//!   two channels; a thread prints only while it holds the token.
//!
//! `buggy.rs` holds the bug zoo (no waiting, a turn handed over before the
//! print, a `foo` that never waits, a wait with no state, a turn read
//! outside the lock, a spin that burns a core), and `starter.rs` is the
//! candidate's file.

// ANCHOR: contract
/// An object whose two methods take turns printing, foo first, whichever
/// threads call them and whenever they arrive.
///
/// The promises:
/// - `foo` runs its `print` exactly `n` times before it returns, and so
///   does `bar`;
/// - the prints alternate, foo first: bar's print `k` starts only after
///   foo's print `k` has returned, and foo's print `k + 1` only after bar's
///   print `k` has returned;
/// - a method whose turn has come does not wait, in either order of
///   arrival: nothing hangs, and neither method waits for the other after
///   its own last print (with `n = 1`, `foo` called alone prints and
///   returns);
/// - a method that waits blocks: it does not spin on a core while the
///   other prints.
///
/// One object serves one run: `foo` is called once on one thread and `bar`
/// once on another (or, with `n` of 0 or 1, `foo` then `bar` on one).
pub trait FooBar: Send + Sync {
    fn new(n: usize) -> Self
    where
        Self: Sized;

    fn foo(&self, print: impl FnMut());

    fn bar(&self, print: impl FnMut());
}
// ANCHOR_END: contract

mod channels;
mod condvar;

pub mod buggy;
#[cfg(feature = "starter")]
pub mod starter;

pub use channels::ChannelFooBar;
pub use condvar::CondvarFooBar;
