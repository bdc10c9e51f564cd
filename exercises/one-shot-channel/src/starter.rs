//! Your drill: a one-shot channel with a sender and a receiver.
//!
//! Check it with `cargo test -p one-shot-channel --features starter` or
//! `concur check one-shot-channel`. Ask `concur hint one-shot-channel` when
//! stuck.

#![allow(unused_imports)] // the imports are what you will need

use std::marker::PhantomData;

use kit::sync::thread::{self, Thread};
use kit::sync::{Arc, AtomicBool, Condvar, Mutex, Ordering};

use crate::{ReceiveHalf, SendHalf};

/// The sending half.
#[derive(Debug)]
pub struct StarterSender<T> {
    // TODO: a handle on the state both halves share (the value, whether the
    // sender is done, a way to wake the receiver). Replace this marker.
    _value: PhantomData<T>,
}

/// The receiving half.
#[derive(Debug)]
pub struct StarterReceiver<T> {
    // TODO: the same shared state. Replace this marker.
    _value: PhantomData<T>,
}

/// A new channel: the two halves of one shared state.
pub fn channel<T: Send>() -> (StarterSender<T>, StarterReceiver<T>) {
    todo!("starter::channel")
}

impl<T: Send> SendHalf<T> for StarterSender<T> {
    fn send(self, value: T) {
        // TODO: put the value in, then let the receiver know. What must the
        // receiver learn if a sender is dropped without ever sending?
        let _ = value;
        todo!("StarterSender::send")
    }
}

impl<T: Send> ReceiveHalf<T> for StarterReceiver<T> {
    fn receive(self) -> Option<T> {
        // TODO: wait, asleep, until the sender is done; then take the value
        // (`None` if the sender left without one).
        todo!("StarterReceiver::receive")
    }
}
