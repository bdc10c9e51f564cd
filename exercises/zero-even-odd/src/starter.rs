//! Your drill: make zero, even and odd print 0 1 0 2 ... 0 n between them.
//!
//! Check it with `cargo test -p zero-even-odd --features starter` or
//! `concur check zero-even-odd`. Ask `concur hint zero-even-odd` when
//! stuck.

#![allow(unused_imports)] // the imports are what you will need

use kit::sync::{Condvar, Mutex};

use crate::ZeroEvenOdd;

/// Three threads, one sequence.
#[derive(Debug, Default)]
pub struct StarterZeroEvenOdd {
    // TODO: how far the numbers go, how far the sequence has got, and a
    // way for a waiting thread to sleep until that changes.
}

impl ZeroEvenOdd for StarterZeroEvenOdd {
    fn new(n: usize) -> Self {
        // TODO: keep `n`; the sequence starts with zero's 0.
        let _ = n;
        Self::default()
    }

    fn zero(&self, print: impl FnMut(usize)) {
        // TODO: `n` times: wait until a 0 is due, print 0, then let the
        // owner of the next number go.
        let _ = print;
        todo!("StarterZeroEvenOdd::zero")
    }

    fn even(&self, print: impl FnMut(usize)) {
        // TODO: for 2, 4, ... up to `n`: wait until that number is due,
        // print it, then let `zero` go.
        let _ = print;
        todo!("StarterZeroEvenOdd::even")
    }

    fn odd(&self, print: impl FnMut(usize)) {
        // TODO: for 1, 3, ... up to `n`: wait until that number is due,
        // print it, then let `zero` go.
        let _ = print;
        todo!("StarterZeroEvenOdd::odd")
    }
}
