//! # Print Zero Even Odd (LeetCode 1116)
//!
//! Three threads share one object, made with a count `n`. One calls
//! `zero`, one `even`, one `odd`, in an order nobody controls. Each method
//! is handed a `print` that takes a number. Together they must print
//! 0 1 0 2 0 3 ... 0 n: a 0 before every number, the numbers in order,
//! each 0 printed by `zero`, each odd number by `odd`, each even one by
//! `even`.
//!
//! The lesson is a waiter that must check what it was woken for. After a
//! 0, `odd` and `even` may both be asleep, and only one of them may go. There
//! are two good ways, each in its own file:
//!
//! - [`CondvarZeroEvenOdd`] (`condvar.rs`): how far the sequence has got,
//!   under a mutex, and a condition variable every thread sleeps on until
//!   the next print is its own.
//! - [`ChannelZeroEvenOdd`] (`channels.rs`): a channel per thread; `zero`
//!   sends the turn to `odd` or `even`, and they send it back.
//!
//! `buggy.rs` holds the bug zoo (no waiting, a turn passed on before the
//! print, `if` instead of `while`, `notify_one` where two wait, numbers
//! printed by the wrong thread, a wait with no state, a counter read
//! outside the lock, a spin), and `starter.rs` is the candidate's file.

// ANCHOR: contract
/// An object whose three methods print 0 1 0 2 ... 0 n between them,
/// whichever threads call them and whenever they arrive.
///
/// The promises:
/// - `zero` prints 0 exactly `n` times, `odd` prints each odd number from
///   1 to `n` once, `even` each even number once, and nobody prints
///   anything else; each method prints all of its own before it returns;
/// - the prints run in the order 0 1 0 2 ... 0 n, each starting only after
///   the one before it has returned;
/// - a method whose print is next does not wait, in any order of arrival:
///   nothing hangs, and none waits for the others after its own last
///   print (with `n = 1`, `zero` called alone prints and returns, and
///   `even`, with nothing to print, returns at once);
/// - a method that waits blocks: it does not spin on a core while the
///   others print.
///
/// One object serves one run: each method is called once, each on its own
/// thread (or, with `n` of 0 or 1, all three in order on one).
pub trait ZeroEvenOdd: Send + Sync {
    fn new(n: usize) -> Self
    where
        Self: Sized;

    fn zero(&self, print: impl FnMut(usize));

    fn even(&self, print: impl FnMut(usize));

    fn odd(&self, print: impl FnMut(usize));
}
// ANCHOR_END: contract

mod channels;
mod condvar;

pub mod buggy;
#[cfg(feature = "starter")]
pub mod starter;

pub use channels::ChannelZeroEvenOdd;
pub use condvar::CondvarZeroEvenOdd;
