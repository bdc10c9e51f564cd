//! A message from each turn to the next.
//!
//! `first` prints, then sends on a channel that `second` receives from;
//! `second` prints, then sends to `third`. A receive blocks until the
//! message is there, and a message sent before anyone receives waits in the
//! channel: no wake-up can be lost, because the channel keeps the state
//! (a message or none) and the sleeping in one place, as the mutex and
//! condition variable do in `condvar.rs`.
//!
//! A `Receiver` may be used by one thread at a time (it is `Send`, not
//! `Sync`), so each sits behind a mutex; only one thread ever takes it.

use kit::sync::Mutex;
use kit::sync::mpsc::{Receiver, Sender, channel};

use crate::InOrder;

// ANCHOR: channels
/// A one-shot signal: one `open`, then one `pass` returns.
#[derive(Debug)]
struct Gate {
    open: Mutex<Sender<()>>,
    pass: Mutex<Receiver<()>>,
}

impl Gate {
    fn new() -> Self {
        let (open, pass) = channel();
        Gate {
            open: Mutex::new(open),
            pass: Mutex::new(pass),
        }
    }

    fn open(&self) {
        // The receiver lives as long as `self`: the send cannot fail.
        let _ = self.open.lock().send(());
    }

    fn pass(&self) {
        // Nor can the receive: the sender lives as long as `self`.
        let _ = self.pass.lock().recv();
    }
}

/// Three turns, two gates between them.
#[derive(Debug)]
pub struct ChannelInOrder {
    after_first: Gate,
    after_second: Gate,
}

impl InOrder for ChannelInOrder {
    fn new() -> Self {
        ChannelInOrder {
            after_first: Gate::new(),
            after_second: Gate::new(),
        }
    }

    fn first(&self, print: impl FnOnce()) {
        print();
        self.after_first.open();
    }

    fn second(&self, print: impl FnOnce()) {
        self.after_first.pass();
        print();
        self.after_second.open();
    }

    fn third(&self, print: impl FnOnce()) {
        self.after_second.pass();
        print();
    }
}
// ANCHOR_END: channels
