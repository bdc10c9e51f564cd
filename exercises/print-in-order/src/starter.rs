//! Your drill: make the three prints run in order.
//!
//! Check it with `cargo test -p print-in-order --features starter` or
//! `concur check print-in-order`. Ask `concur hint print-in-order` when
//! stuck.

#![allow(unused_imports)] // the imports are what you will need

use kit::sync::{Condvar, Mutex};

use crate::InOrder;

/// Three turns, one after another.
#[derive(Debug, Default)]
pub struct StarterInOrder {
    // TODO: the state the turns share: how far the round has got, and a
    // way for a waiting turn to sleep until that changes.
}

impl InOrder for StarterInOrder {
    fn new() -> Self {
        Self::default()
    }

    fn first(&self, print: impl FnOnce()) {
        // TODO: print, then let `second` go.
        let _ = print;
        todo!("StarterInOrder::first")
    }

    fn second(&self, print: impl FnOnce()) {
        // TODO: wait until `first` has printed, print, then let `third` go.
        let _ = print;
        todo!("StarterInOrder::second")
    }

    fn third(&self, print: impl FnOnce()) {
        // TODO: wait until `second` has printed, then print.
        let _ = print;
        todo!("StarterInOrder::third")
    }
}
