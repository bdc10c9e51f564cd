//! The last sequence number searches can see, and a way to wait for one:
//! read-your-writes. An add returns its sequence number; a caller that
//! must see its own add waits until a refresh has published it.

use std::time::{Duration, Instant};

use kit::sync::{Condvar, Mutex};

use crate::{Seq, TimedOut};

#[derive(Debug, Default)]
pub struct Visible {
    seq: Mutex<Seq>,
    published: Condvar,
}

impl Visible {
    pub fn get(&self) -> Seq {
        *self.seq.lock()
    }

    /// Called after a version up to `seq` has been published to searchers,
    /// never before: a waiter that wakes must find its change there.
    pub fn publish(&self, seq: Seq) {
        let mut visible = self.seq.lock();
        *visible = (*visible).max(seq);
        self.published.notify_all();
    }

    /// Waits until `seq` is visible or `timeout` has passed.
    pub fn wait_for(&self, seq: Seq, timeout: Duration) -> Result<Seq, TimedOut> {
        let deadline = Instant::now() + timeout;
        let mut visible = self.seq.lock();
        while *visible < seq {
            let (guard, timed_out) = self.published.wait_until(visible, deadline);
            visible = guard;
            if timed_out && *visible < seq {
                return Err(TimedOut {
                    wanted: seq,
                    visible: *visible,
                });
            }
        }
        Ok(*visible)
    }
}
