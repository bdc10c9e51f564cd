//! A token passed back and forth.
//!
//! Two channels: one carries the turn to `foo`, the other to `bar`. A
//! thread takes the token from its own channel, prints, and sends the
//! token down the other's. `new` puts the token in foo's channel, so foo
//! goes first. A receive blocks until the token is there, and a token sent
//! before anyone receives waits in the channel: no hand-over is lost,
//! because the channel keeps the state (a token or none) and the sleeping
//! in one place, as the mutex and condition variable do in `condvar.rs`.
//!
//! Bar's last hand-back puts a token in foo's channel that nobody takes.
//! It is harmless: it goes when the object does.
//!
//! A `Receiver` may be used by one thread at a time (it is `Send`, not
//! `Sync`), so each sits behind a mutex; only one thread ever takes it.

use kit::sync::Mutex;
use kit::sync::mpsc::{Receiver, Sender, channel};

use crate::FooBar;

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

/// Two threads, one token, two channels to carry it.
#[derive(Debug)]
pub struct ChannelFooBar {
    /// How many times each method prints.
    n: usize,
    to_foo: Baton,
    to_bar: Baton,
}

impl FooBar for ChannelFooBar {
    fn new(n: usize) -> Self {
        let foobar = ChannelFooBar {
            n,
            to_foo: Baton::new(),
            to_bar: Baton::new(),
        };
        // Foo goes first: its token is there before anyone arrives.
        foobar.to_foo.give();
        foobar
    }

    fn foo(&self, mut print: impl FnMut()) {
        for _ in 0..self.n {
            self.to_foo.take();
            print();
            self.to_bar.give();
        }
    }

    fn bar(&self, mut print: impl FnMut()) {
        for _ in 0..self.n {
            self.to_bar.take();
            print();
            self.to_foo.give();
        }
    }
}
// ANCHOR_END: channels
