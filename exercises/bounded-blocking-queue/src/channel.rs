//! std's `sync_channel`: a bounded channel is this queue already.
//!
//! `SyncSender::send` "will block until space in the internal buffer
//! becomes available" (its docs), and `Receiver::recv` blocks until a
//! message arrives. A `SyncSender` may be shared between threads; a
//! `Receiver` may not (it is `Send`, not `Sync`), so consumers take turns
//! on it through a mutex. A consumer that waits in `recv` holds that mutex,
//! and the other consumers wait for the mutex instead of the channel: the
//! same sleep, in a different queue.
//!
//! A channel has no `len`, so the queue counts: each enqueue adds one after
//! its send returns, each dequeue takes one off after its receive. A
//! receive can take an item before the send that put it there has counted
//! it, so the count dips below zero for a moment; `size` reads such a
//! moment as 0. With no call in flight the count is exact.
//!
//! std's channel is not modelled by loom, so `tests/loom.rs` leaves this
//! reference to the stress suite (std's own tests cover the channel).

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use kit::sync::{AtomicUsize, Mutex, Ordering};

use crate::BlockingQueue;

// ANCHOR: channel
#[derive(Debug)]
pub struct ChannelQueue<T> {
    sender: SyncSender<T>,
    receiver: Mutex<Receiver<T>>,
    /// Sends returned minus receives returned, in two's complement.
    held: AtomicUsize,
}

impl<T: Send> BlockingQueue<T> for ChannelQueue<T> {
    fn with_capacity(capacity: usize) -> Self {
        let (sender, receiver) = sync_channel(capacity.max(1));
        ChannelQueue {
            sender,
            receiver: Mutex::new(receiver),
            held: AtomicUsize::new(0),
        }
    }

    fn enqueue(&self, item: T) {
        // The receiver lives as long as `self`: the send cannot fail.
        if self.sender.send(item).is_ok() {
            self.held.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn dequeue(&self) -> T {
        let item = self
            .receiver
            .lock()
            .recv()
            .expect("the sender lives as long as the queue");
        // Wraps below zero for a moment when the receive beat the send's
        // count; the send's add brings it back.
        self.held.fetch_sub(1, Ordering::SeqCst);
        item
    }

    fn size(&self) -> usize {
        // A count below zero, read as a huge unsigned number, is 0.
        (self.held.load(Ordering::SeqCst) as isize).max(0) as usize
    }
}
// ANCHOR_END: channel
