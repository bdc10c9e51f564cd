//! Step 1: the value under a mutex, and a condition variable to sleep on.
//!
//! A receiver that comes first must wait for the value; a value that comes
//! first must wait for the receiver. Both are the same state: the slot
//! under the mutex, `None` until `send` fills it. The receiver looks at
//! the slot under the lock, and sleeps on the condition variable while it
//! is empty; `Condvar::wait` releases the lock and sleeps in one step, so
//! a `send` cannot slip in between the look and the sleep. The look is in
//! a loop: a wake-up is a hint, not a promise (std's `Condvar::wait` may
//! return with no notify at all).
//!
//! `send` fills the slot under the lock, then notifies. One receiver, so
//! `notify_one` is enough. A notify that finds nobody asleep is lost, and
//! that is fine: the value is in the slot, and a receiver that comes later
//! finds it there without waiting.
//!
//! No atomics: the mutex orders everything. Its `unlock` in `send` is a
//! release and its `lock` in `receive` an acquire, so the receiver sees the
//! value and everything the sender did before.

use kit::sync::{Condvar, Mutex};

use crate::SharedOneShot;

// ANCHOR: condvar
/// A one-shot channel on a mutex and a condition variable.
#[derive(Debug)]
pub struct OneShot<T> {
    slot: Mutex<Slot<T>>,
    filled: Condvar,
}

/// What the mutex guards.
#[derive(Debug)]
struct Slot<T> {
    /// The value, from `send` until `receive` takes it.
    value: Option<T>,
    /// Whether `send` has been called: a second call is a bug.
    sent: bool,
}

impl<T: Send> SharedOneShot<T> for OneShot<T> {
    fn new() -> Self {
        OneShot {
            slot: Mutex::new(Slot {
                value: None,
                sent: false,
            }),
            filled: Condvar::new(),
        }
    }

    fn send(&self, value: T) {
        let mut slot = self.slot.lock();
        assert!(!slot.sent, "a one-shot channel sends once");
        slot.value = Some(value);
        slot.sent = true;
        drop(slot);
        self.filled.notify_one();
    }

    fn receive(&self) -> T {
        let mut slot = self.slot.lock();
        loop {
            if let Some(value) = slot.value.take() {
                return value;
            }
            slot = self.filled.wait(slot);
        }
    }
}
// ANCHOR_END: condvar

#[cfg(all(test, not(loom)))]
mod tests {
    use std::sync::Arc;
    use std::thread;
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_value_sent_first_waits_for_the_receiver() {
        let channel = OneShot::new();
        channel.send(String::from("early"));
        assert_eq!(channel.receive(), "early");
    }

    #[test]
    fn a_receiver_that_comes_first_waits_for_the_value() {
        let channel = Arc::new(OneShot::new());
        let sender = {
            let channel = Arc::clone(&channel);
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(50));
                channel.send(7);
            })
        };
        assert_eq!(channel.receive(), 7);
        sender.join().unwrap();
    }

    #[test]
    #[should_panic(expected = "sends once")]
    fn a_second_send_panics() {
        let channel = OneShot::new();
        channel.send(1);
        channel.send(2);
    }
}
