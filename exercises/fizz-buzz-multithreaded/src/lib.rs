//! # Fizz Buzz Multithreaded (LeetCode 1195)
//!
//! One object is made for a number `n`, and four threads share it. One
//! calls `fizz`, one `buzz`, one `fizzbuzz`, one `number`, and nobody
//! controls which gets there first. Together they must print the fizz-buzz
//! sequence from 1 to `n`, in order, each item printed by the method it
//! belongs to ([`Part::of`]). Each method returns once the whole sequence
//! is printed.
//!
//! The lesson is Print in Order with two turns added: four threads wait
//! for four different things, and the sequence ends, so a thread whose
//! items are all printed must hear that it is over. There are two good
//! ways here, each in its own file:
//!
//! - [`CondvarFizzBuzz`] (`condvar.rs`): the next item under a mutex, and
//!   one condition variable that every method sleeps on until the item is
//!   its own or the sequence is over.
//! - [`ChannelFizzBuzz`] (`channels.rs`): an inbox per method; the one that
//!   prints an item sends the next item to its owner, and the one that
//!   prints the last item tells the others to stop.
//!
//! `buggy.rs` holds the bug zoo (a wrong order of the divisibility tests,
//! the turn passed on before the print, `notify_one` where four wait, a
//! method that never hears of the end, a spin), and `starter.rs` is the
//! candidate's file.

// ANCHOR: contract
/// An object made for `n` whose four methods print the fizz-buzz sequence
/// from 1 to `n`, in order, whichever threads call them and whenever they
/// arrive.
///
/// The promises:
/// - item `i` is printed exactly once, by the method [`Part::of`] names:
///   `fizzbuzz` for the multiples of 15, `fizz` for the other multiples of
///   3, `buzz` for the other multiples of 5, `number` (given `i`) for the
///   rest; nothing else is printed;
/// - item `i`'s print starts only after item `i - 1`'s print has returned;
/// - each method returns once item `n` has been printed, including a
///   method with no item at all (`fizzbuzz` for `n` below 15): none waits
///   for a turn that will never come;
/// - a method that waits blocks: it does not spin on a core while the
///   items before its own are printed.
///
/// One object serves one run, for an `n` of 1 or more: each method is
/// called once, each on its own thread.
pub trait FizzBuzz: Send + Sync {
    fn new(n: u32) -> Self
    where
        Self: Sized;

    fn fizz(&self, print: impl FnMut());

    fn buzz(&self, print: impl FnMut());

    fn fizzbuzz(&self, print: impl FnMut());

    fn number(&self, print: impl FnMut(u32));
}
// ANCHOR_END: contract

/// The four methods, as the items are shared out among them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Fizz,
    Buzz,
    FizzBuzz,
    Number,
}

impl Part {
    /// Every part, in the order the methods are listed.
    pub const ALL: [Part; 4] = [Part::Fizz, Part::Buzz, Part::FizzBuzz, Part::Number];

    // ANCHOR: rule
    /// The method that prints item `i`. Both tests are made at once, so
    /// there is no order of `if`s to get wrong: 15 is a multiple of 3 and
    /// of 5, and only the pair says so.
    pub fn of(i: u32) -> Part {
        match (i.is_multiple_of(3), i.is_multiple_of(5)) {
            (true, true) => Part::FizzBuzz,
            (true, false) => Part::Fizz,
            (false, true) => Part::Buzz,
            (false, false) => Part::Number,
        }
    }
    // ANCHOR_END: rule
}

mod channels;
mod condvar;

pub mod buggy;
#[cfg(feature = "starter")]
pub mod starter;

pub use channels::ChannelFizzBuzz;
pub use condvar::CondvarFizzBuzz;
