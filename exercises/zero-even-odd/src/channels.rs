//! A channel per thread, and the turn passed along them.
//!
//! `zero` takes the turn from its channel, prints 0, and sends the turn to
//! `odd` or `even`, whichever owns the next number. That thread prints its
//! number and sends the turn back to `zero`. `new` puts the turn in zero's
//! channel, so zero goes first. Each thread sleeps on its own channel, so
//! a turn always wakes the thread it is meant for: the choice `notify_one`
//! gets wrong in `condvar.rs` is made here by the sender, which knows.
//!
//! A receive blocks until the turn is there, and a turn sent before anyone
//! receives waits in the channel, so no hand-over is lost. The last number's
//! hand-back puts a turn in zero's channel that nobody takes. It is
//! harmless: it goes when the object does.
//!
//! A `Receiver` may be used by one thread at a time (it is `Send`, not
//! `Sync`), so each sits behind a mutex; only one thread ever takes it.

use kit::sync::Mutex;
use kit::sync::mpsc::{Receiver, Sender, channel};

use crate::ZeroEvenOdd;

// ANCHOR: channels
/// A channel that hands the turn to one thread: a message in it means
/// "your turn".
#[derive(Debug)]
struct Baton {
    give: Mutex<Sender<()>>,
    take: Mutex<Receiver<()>>,
}

impl Baton {
    fn new() -> Self {
        let (give, take) = channel();
        Baton {
            give: Mutex::new(give),
            take: Mutex::new(take),
        }
    }

    fn give(&self) {
        // The receiver lives as long as `self`: the send cannot fail.
        let _ = self.give.lock().send(());
    }

    fn take(&self) {
        // Nor can the receive: the sender lives as long as `self`.
        let _ = self.take.lock().recv();
    }
}

/// Three threads, one turn, a channel to each.
#[derive(Debug)]
pub struct ChannelZeroEvenOdd {
    /// How far the numbers go.
    n: usize,
    to_zero: Baton,
    to_odd: Baton,
    to_even: Baton,
}

impl ZeroEvenOdd for ChannelZeroEvenOdd {
    fn new(n: usize) -> Self {
        let object = ChannelZeroEvenOdd {
            n,
            to_zero: Baton::new(),
            to_odd: Baton::new(),
            to_even: Baton::new(),
        };
        // Zero goes first: its turn is there before anyone arrives.
        object.to_zero.give();
        object
    }

    fn zero(&self, mut print: impl FnMut(usize)) {
        for number in 1..=self.n {
            self.to_zero.take();
            print(0);
            // The 0 is for `number`: its owner goes next.
            if number % 2 == 1 {
                self.to_odd.give();
            } else {
                self.to_even.give();
            }
        }
    }

    fn even(&self, mut print: impl FnMut(usize)) {
        for number in (2..=self.n).step_by(2) {
            self.to_even.take();
            print(number);
            self.to_zero.give();
        }
    }

    fn odd(&self, mut print: impl FnMut(usize)) {
        for number in (1..=self.n).step_by(2) {
            self.to_odd.take();
            print(number);
            self.to_zero.give();
        }
    }
}
// ANCHOR_END: channels
