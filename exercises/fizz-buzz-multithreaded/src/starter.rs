//! Your drill: four methods print one fizz-buzz sequence, in order, and
//! all four return at the end.
//!
//! Check it with `cargo test -p fizz-buzz-multithreaded --features starter`
//! or `concur check fizz-buzz-multithreaded`. Ask `concur hint
//! fizz-buzz-multithreaded` when stuck.

#![allow(unused_imports)] // the imports are what you will need

use kit::sync::{Condvar, Mutex};

use crate::{FizzBuzz, Part};

/// Four methods, one sequence.
#[derive(Debug)]
pub struct StarterFizzBuzz {
    /// The last item of the sequence.
    n: u32,
    // TODO: the state the methods share: whose turn it is (or that the
    // sequence is over), and a way for a waiting method to sleep until
    // that changes.
}

impl FizzBuzz for StarterFizzBuzz {
    fn new(n: u32) -> Self {
        StarterFizzBuzz { n }
    }

    fn fizz(&self, print: impl FnMut()) {
        // TODO: print at each multiple of 3 that is not one of 5, in its
        // turn; return once the sequence is over.
        let _ = print;
        todo!("StarterFizzBuzz::fizz")
    }

    fn buzz(&self, print: impl FnMut()) {
        // TODO: print at each multiple of 5 that is not one of 3, in its
        // turn; return once the sequence is over.
        let _ = print;
        todo!("StarterFizzBuzz::buzz")
    }

    fn fizzbuzz(&self, print: impl FnMut()) {
        // TODO: print at each multiple of 15, in its turn; return once the
        // sequence is over (for n below 15, without printing at all).
        let _ = print;
        todo!("StarterFizzBuzz::fizzbuzz")
    }

    fn number(&self, print: impl FnMut(u32)) {
        // TODO: print every other item, given its number, in its turn;
        // return once item n has been printed.
        let _ = (self.n, print);
        todo!("StarterFizzBuzz::number")
    }
}
