//! Step 3: a sender and a receiver, and the types keep count.
//!
//! Steps 1 and 2 check at run time that `send` is called once, and trust
//! the caller to `receive` once. Here `channel()` returns two halves that
//! share the state through an `Arc`. `Sender::send(self, ..)` takes the
//! sender by value, so after one `send` there is no sender left to call it
//! on: a second `send` is a compile error (E0382, use of a moved value),
//! not a panic. `Receiver::receive(self)` likewise receives once.
//!
//! A half that can be dropped brings a new case: the sender dropped
//! without sending. A receiver that waits for it would wait for ever, so
//! the flag now means "the sender is done", with a value or without, and
//! the sender's `Drop` raises it and wakes the receiver. `send` only puts
//! the value in: the sender is dropped at the end of `send`, and its `Drop`
//! does the rest. The receiver, once the flag is up, takes what is in the
//! slot: `Some(value)`, or `None` if the sender left without sending.
//!
//! The rest is step 2: register before the check, park in a loop,
//! `Release` and `Acquire` on the flag.

use kit::sync::thread::{self, Thread};
use kit::sync::{Arc, AtomicBool, Mutex, Ordering};

use crate::{ReceiveHalf, SendHalf};

// ANCHOR: typed
/// What the two halves share.
#[derive(Debug)]
struct Shared<T> {
    value: Mutex<Option<T>>,
    /// The sender is done: it has put the value in, or it is gone without
    /// sending.
    done: AtomicBool,
    /// The receiving thread, from the start of `receive`.
    receiver: Mutex<Option<Thread>>,
}

/// The sending half: sends one value, once.
#[derive(Debug)]
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// The receiving half: receives the value, or learns that none will come.
#[derive(Debug)]
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
}

/// A new channel: the sender goes to the thread that will send.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        value: Mutex::new(None),
        done: AtomicBool::new(false),
        receiver: Mutex::new(None),
    });
    let sender = Sender {
        shared: Arc::clone(&shared),
    };
    (sender, Receiver { shared })
}

impl<T> Sender<T> {
    /// Puts the value in; dropping `self` at the end raises the flag and
    /// wakes the receiver.
    ///
    /// A sender sends once; this does not compile:
    ///
    /// ```compile_fail,E0382
    /// let (sender, receiver) = one_shot_channel::channel();
    /// sender.send(1);
    /// sender.send(2);
    /// # drop(receiver);
    /// ```
    pub fn send(self, value: T) {
        *self.shared.value.lock() = Some(value);
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        // With a value or without: either way the receiver must stop
        // waiting.
        self.shared.done.store(true, Ordering::Release);
        let receiver = self.shared.receiver.lock().take();
        if let Some(receiver) = receiver {
            receiver.unpark();
        }
    }
}

impl<T> Receiver<T> {
    /// Waits until the sender is done: `Some(value)` if it sent, `None` if
    /// it was dropped without sending.
    ///
    /// ```
    /// let (sender, receiver) = one_shot_channel::channel();
    /// std::thread::spawn(move || sender.send("hello"));
    /// assert_eq!(receiver.receive(), Some("hello"));
    ///
    /// let (sender, receiver) = one_shot_channel::channel::<u8>();
    /// drop(sender);
    /// assert_eq!(receiver.receive(), None);
    /// ```
    pub fn receive(self) -> Option<T> {
        *self.shared.receiver.lock() = Some(thread::current());
        while !self.shared.done.load(Ordering::Acquire) {
            thread::park();
        }
        self.shared.value.lock().take()
    }
}
// ANCHOR_END: typed

impl<T: Send> SendHalf<T> for Sender<T> {
    fn send(self, value: T) {
        Sender::send(self, value);
    }
}

impl<T: Send> ReceiveHalf<T> for Receiver<T> {
    fn receive(self) -> Option<T> {
        Receiver::receive(self)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_dropped_sender_wakes_a_waiting_receiver_with_none() {
        let (sender, receiver) = channel::<String>();
        let dropper = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            drop(sender);
        });
        assert_eq!(receiver.receive(), None);
        dropper.join().unwrap();
    }

    #[test]
    fn the_value_crosses_threads_whole() {
        let (sender, receiver) = channel();
        let sending = std::thread::spawn(move || sender.send(vec![String::from("a"); 3]));
        assert_eq!(receiver.receive(), Some(vec![String::from("a"); 3]));
        sending.join().unwrap();
    }
}
