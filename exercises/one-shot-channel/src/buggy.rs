//! The bug zoo: channels that look right and are not. Each is step 3 with
//! one mistake, chosen by `BUG`, and named after it; `tests/bugs.rs` proves
//! the suite catches each one under that name. `ReadyBeforeValue`, whose
//! window is nanoseconds wide, is caught by the loom model in
//! `tests/loom.rs`. `RelaxedReady`, at the end, is not a bug: it is here to
//! show that it passes, and why.

use kit::sync::thread::{self, Thread};
use kit::sync::{Arc, AtomicBool, Mutex, Ordering, spin_hint};

use crate::{ReceiveHalf, SendHalf};

/// Step 3's channel with one mistake: `Zoo::<BUG>::channel()`.
#[derive(Debug)]
pub struct Zoo<const BUG: u8>;

/// The receiver parks first and checks after: it relies on being
/// unparked. A send that finished before `receive` started found no
/// receiver to unpark, so nobody ever will. Lost wake-up.
pub type UnparkOnly = Zoo<0>;
/// The sender raises the flag and wakes the receiver, then puts the value
/// in: a receiver that looks in between finds the flag up and the slot
/// empty, and returns `None` as if nothing had been sent. Torn update, in
/// a window of nanoseconds that loom finds.
pub type ReadyBeforeValue = Zoo<1>;
/// The receiver parks once, with `if`, not `while`: a spurious wake-up or
/// a stray `unpark` sends it on to an empty slot. Unchecked wake-up.
pub type ParkOnce = Zoo<2>;
/// The flag goes up in `send`, not in the sender's `Drop`: a sender dropped
/// without sending leaves the receiver waiting for ever. Missed
/// termination.
pub type NoWakeOnDrop = Zoo<3>;
/// The receiver spins on the flag instead of parking: right answer, and a
/// core kept busy for as long as it waits. Busy-waiting.
pub type SpinReceive = Zoo<4>;
/// Not a bug: `Relaxed` on the flag, both ways. The value passes through a
/// mutex, whose unlock and lock order it, and the flag goes up after the
/// sender has taken that mutex; the receiver's handle passes through a
/// mutex too. Passes every check and the loom model (see the chapter for
/// why).
pub type RelaxedReady = Zoo<5>;

const UNPARK_ONLY: u8 = 0;
const READY_BEFORE_VALUE: u8 = 1;
const PARK_ONCE: u8 = 2;
const NO_WAKE_ON_DROP: u8 = 3;
const SPIN_RECEIVE: u8 = 4;
const RELAXED_READY: u8 = 5;

#[derive(Debug)]
struct Shared<T> {
    value: Mutex<Option<T>>,
    done: AtomicBool,
    receiver: Mutex<Option<Thread>>,
}

impl<T> Shared<T> {
    /// Raises the flag and wakes the receiver, if it has registered.
    fn finish(&self, ordering: Ordering) {
        self.done.store(true, ordering);
        let receiver = self.receiver.lock().take();
        if let Some(receiver) = receiver {
            receiver.unpark();
        }
    }
}

/// A zoo channel's sending half.
#[derive(Debug)]
pub struct ZooSender<const BUG: u8, T> {
    shared: Arc<Shared<T>>,
}

/// A zoo channel's receiving half.
#[derive(Debug)]
pub struct ZooReceiver<const BUG: u8, T> {
    shared: Arc<Shared<T>>,
}

impl<const BUG: u8> Zoo<BUG> {
    pub fn channel<T>() -> (ZooSender<BUG, T>, ZooReceiver<BUG, T>) {
        let shared = Arc::new(Shared {
            value: Mutex::new(None),
            done: AtomicBool::new(false),
            receiver: Mutex::new(None),
        });
        let sender = ZooSender {
            shared: Arc::clone(&shared),
        };
        (sender, ZooReceiver { shared })
    }

    /// Store: `Release`, except in `RelaxedReady`.
    fn store_order() -> Ordering {
        if BUG == RELAXED_READY {
            Ordering::Relaxed
        } else {
            Ordering::Release
        }
    }

    /// Load: `Acquire`, except in `RelaxedReady`.
    fn load_order() -> Ordering {
        if BUG == RELAXED_READY {
            Ordering::Relaxed
        } else {
            Ordering::Acquire
        }
    }
}

impl<const BUG: u8, T: Send> SendHalf<T> for ZooSender<BUG, T> {
    fn send(self, value: T) {
        if BUG == READY_BEFORE_VALUE {
            // The flag first, "the value follows at once".
            self.shared.finish(Zoo::<BUG>::store_order());
        }
        *self.shared.value.lock() = Some(value);
        if BUG == NO_WAKE_ON_DROP {
            // Only a send raises the flag.
            self.shared.finish(Zoo::<BUG>::store_order());
        }
    }
}

impl<const BUG: u8, T> Drop for ZooSender<BUG, T> {
    fn drop(&mut self) {
        if BUG != NO_WAKE_ON_DROP {
            self.shared.finish(Zoo::<BUG>::store_order());
        }
    }
}

impl<const BUG: u8, T: Send> ReceiveHalf<T> for ZooReceiver<BUG, T> {
    fn receive(self) -> Option<T> {
        let done = || self.shared.done.load(Zoo::<BUG>::load_order());
        if BUG == SPIN_RECEIVE {
            while !done() {
                spin_hint();
            }
        } else {
            *self.shared.receiver.lock() = Some(thread::current());
            if BUG == UNPARK_ONLY {
                // Sleep first, check after: "the sender will wake me".
                loop {
                    thread::park();
                    if done() {
                        break;
                    }
                }
            } else if BUG == PARK_ONCE {
                if !done() {
                    thread::park();
                }
            } else {
                while !done() {
                    thread::park();
                }
            }
        }
        self.shared.value.lock().take()
    }
}
