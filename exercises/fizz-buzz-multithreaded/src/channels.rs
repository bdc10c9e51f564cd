//! An inbox per method, and the turn handed on as a message.
//!
//! Each method waits on its own inbox. A `Print(i)` there means "item `i`
//! is yours, and it is your turn"; `Done` means "the sequence is over,
//! return". The method that prints item `i` sends `Print(i + 1)` to the
//! owner of item `i + 1`, so only the thread whose turn it is ever wakes:
//! there is no one to wake by mistake, and nothing like `notify_one` to
//! get wrong. The method that prints item `n` sends `Done` to the other
//! three, and they return.
//!
//! A message sent before its receiver waits stays in the channel: no turn
//! can be lost, because the channel holds the state (a message or none)
//! and the sleeping in one place, as the mutex and condition variable do
//! in `condvar.rs`.
//!
//! The end is a message, not a channel hung up: every sender lives in the
//! object, so no receive ever sees a disconnection. (loom's channels do
//! not model one either.)
//!
//! A `Receiver` may be used by one thread at a time (it is `Send`, not
//! `Sync`), so each sits behind a mutex; only its own method takes it.

use kit::sync::Mutex;
use kit::sync::mpsc::{Receiver, Sender, channel};

use crate::{FizzBuzz, Part};

// ANCHOR: channels
/// What a method finds in its inbox.
#[derive(Debug, Clone, Copy)]
enum Turn {
    /// Print this item: it is yours, and the one before it has printed.
    Print(u32),
    /// The sequence is over: return.
    Done,
}

/// Where one method waits for its turns.
#[derive(Debug)]
struct Inbox {
    send: Mutex<Sender<Turn>>,
    take: Mutex<Receiver<Turn>>,
}

impl Inbox {
    fn new() -> Self {
        let (send, take) = channel();
        Inbox {
            send: Mutex::new(send),
            take: Mutex::new(take),
        }
    }

    fn give(&self, turn: Turn) {
        // The receiver lives as long as `self`: the send cannot fail.
        let _ = self.send.lock().send(turn);
    }

    fn take(&self) -> Turn {
        // Nor can the receive: the sender lives as long as `self`.
        self.take.lock().recv().unwrap_or(Turn::Done)
    }
}

/// Four methods, one inbox each, indexed by `Part`.
#[derive(Debug)]
pub struct ChannelFizzBuzz {
    /// The last item of the sequence.
    n: u32,
    inboxes: [Inbox; 4],
}

impl ChannelFizzBuzz {
    fn inbox(&self, part: Part) -> &Inbox {
        &self.inboxes[part as usize]
    }

    /// Prints each item that arrives in `part`'s inbox, hands the turn on,
    /// and returns when the sequence is over.
    fn take_turns(&self, part: Part, mut print: impl FnMut(u32)) {
        while let Turn::Print(item) = self.inbox(part).take() {
            print(item);
            if item == self.n {
                // The last item: the other three wait for a turn that will
                // never come. Tell them, then stop.
                for other in Part::ALL.into_iter().filter(|&other| other != part) {
                    self.inbox(other).give(Turn::Done);
                }
                return;
            }
            self.inbox(Part::of(item + 1)).give(Turn::Print(item + 1));
        }
    }
}

impl FizzBuzz for ChannelFizzBuzz {
    fn new(n: u32) -> Self {
        let object = ChannelFizzBuzz {
            n,
            inboxes: [Inbox::new(), Inbox::new(), Inbox::new(), Inbox::new()],
        };
        // The first turn is waiting before anyone arrives.
        object.inbox(Part::of(1)).give(Turn::Print(1));
        object
    }

    fn fizz(&self, mut print: impl FnMut()) {
        self.take_turns(Part::Fizz, |_| print());
    }

    fn buzz(&self, mut print: impl FnMut()) {
        self.take_turns(Part::Buzz, |_| print());
    }

    fn fizzbuzz(&self, mut print: impl FnMut()) {
        self.take_turns(Part::FizzBuzz, |_| print());
    }

    fn number(&self, print: impl FnMut(u32)) {
        self.take_turns(Part::Number, print);
    }
}
// ANCHOR_END: channels
