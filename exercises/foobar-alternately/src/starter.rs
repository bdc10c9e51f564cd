//! Your drill: make foo and bar take turns.
//!
//! Check it with `cargo test -p foobar-alternately --features starter` or
//! `concur check foobar-alternately`. Ask `concur hint foobar-alternately`
//! when stuck.

#![allow(unused_imports)] // the imports are what you will need

use kit::sync::{Condvar, Mutex};

use crate::FooBar;

/// Two threads taking turns, foo first.
#[derive(Debug, Default)]
pub struct StarterFooBar {
    // TODO: how many times each prints, whose turn it is, and a way for a
    // waiting thread to sleep until the turn changes.
}

impl FooBar for StarterFooBar {
    fn new(n: usize) -> Self {
        // TODO: keep `n`; foo has the first turn.
        let _ = n;
        Self::default()
    }

    fn foo(&self, print: impl FnMut()) {
        // TODO: `n` times: wait for foo's turn, print, give bar the turn.
        let _ = print;
        todo!("StarterFooBar::foo")
    }

    fn bar(&self, print: impl FnMut()) {
        // TODO: `n` times: wait for bar's turn, print, give foo the turn.
        let _ = print;
        todo!("StarterFooBar::bar")
    }
}
