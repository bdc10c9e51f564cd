//! Step 2: a ready flag, and the receiver's own thread parked.
//!
//! A `Condvar` is a queue of sleeping threads that works with a mutex. A
//! one-shot channel has exactly one thread that can sleep, the receiver,
//! and std gives every thread a sleep of its own: `thread::park()` blocks
//! the calling thread until another calls `unpark()` on its handle. So the
//! receiver puts its handle where the sender can find it, and the sender
//! unparks it after the value is in.
//!
//! Three rules make that safe, and each has a zoo entry that breaks it:
//!
//! - **Register before you check.** The receiver stores its handle first,
//!   then reads the flag. A sender that finishes before the handle is
//!   stored has raised the flag before it looked for the handle, and the
//!   receiver reads the flag after storing it: it sees the flag and does
//!   not sleep. A sender that finds the handle unparks it; an `unpark`
//!   that comes before the `park` is kept as the thread's token, and the
//!   `park` returns at once (std's docs: "unpark followed by park will
//!   result in the second call returning immediately"). Either way no
//!   wake-up is lost. (The book's version stores the receiving thread's
//!   handle when the channel is made, and makes the receiver `!Send` so it
//!   cannot move to another thread; registering in `receive` keeps the
//!   receiver `Send`.)
//! - **Park in a loop.** `park` "may also return spuriously, without
//!   consuming the token" (std's docs), and any code may `unpark` any
//!   thread. Waking proves nothing: read the flag again.
//! - **The flag goes up after the value is in.** A receiver that sees the
//!   flag takes the value at once.
//!
//! The orderings. `ready` is stored with `Release` and loaded with
//! `Acquire`: the pair that carries a value from one thread to another
//! (std's `Ordering::Release`: "all previous writes become visible to all
//! threads that perform an Acquire (or stronger) load of this value"). In
//! the book that pair is the only thing that carries the value, which sits
//! in an `UnsafeCell`. Here the value sits in a `Mutex`, whose own
//! unlock and lock carry it, and the flag is set while the sender holds
//! that mutex; the handle, too, passes through a mutex. So in this safe
//! version `Relaxed` would be correct as well (the zoo's `RelaxedReady`
//! passes every check and the loom model; the chapter gives the argument).
//! We keep `Release` and `Acquire` because they say what the flag is for,
//! and because the step from here to the book's `UnsafeCell` needs them.

use kit::sync::thread::{self, Thread};
use kit::sync::{AtomicBool, Mutex, Ordering};

use crate::SharedOneShot;

// ANCHOR: park
/// A one-shot channel that parks the receiving thread.
#[derive(Debug)]
pub struct OneShot<T> {
    value: Mutex<Option<T>>,
    /// Whether the value is in (it stays up after `receive` takes it).
    ready: AtomicBool,
    /// The receiving thread, from the start of `receive`.
    receiver: Mutex<Option<Thread>>,
}

impl<T: Send> SharedOneShot<T> for OneShot<T> {
    fn new() -> Self {
        OneShot {
            value: Mutex::new(None),
            ready: AtomicBool::new(false),
            receiver: Mutex::new(None),
        }
    }

    fn send(&self, value: T) {
        let mut slot = self.value.lock();
        assert!(
            !self.ready.load(Ordering::Relaxed),
            "a one-shot channel sends once"
        );
        *slot = Some(value);
        // Up only once the value is in.
        self.ready.store(true, Ordering::Release);
        drop(slot);
        let receiver = self.receiver.lock().take();
        if let Some(receiver) = receiver {
            receiver.unpark();
        }
    }

    fn receive(&self) -> T {
        // Register, then check: a send that misses the handle has already
        // raised the flag, and the check below sees it.
        *self.receiver.lock() = Some(thread::current());
        while !self.ready.load(Ordering::Acquire) {
            thread::park();
        }
        self.value
            .lock()
            .take()
            .expect("the flag goes up after the value is in")
    }
}
// ANCHOR_END: park

#[cfg(all(test, not(loom)))]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_value_sent_first_is_kept() {
        let channel = OneShot::new();
        channel.send(vec![1, 2, 3]);
        assert_eq!(channel.receive(), [1, 2, 3]);
    }

    /// An `unpark` that is not the send's does not end the wait.
    #[test]
    fn a_stray_unpark_does_not_end_the_wait() {
        let channel = Arc::new(OneShot::new());
        let (handle, started) = std::sync::mpsc::channel();
        let receiver = {
            let channel = Arc::clone(&channel);
            std::thread::spawn(move || {
                handle.send(std::thread::current()).unwrap();
                channel.receive()
            })
        };
        let receiving = started.recv().unwrap();
        for _ in 0..3 {
            std::thread::sleep(Duration::from_millis(20));
            receiving.unpark();
        }
        assert!(!receiver.is_finished(), "returned without a value");
        channel.send("late");
        assert_eq!(receiver.join().unwrap(), "late");
    }
}
