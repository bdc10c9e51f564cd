//! Your drill: a bounded blocking queue.
//!
//! Check it with `cargo test -p bounded-blocking-queue --features starter`
//! or `concur check bounded-blocking-queue`. Ask `concur hint
//! bounded-blocking-queue` when stuck.

use std::collections::VecDeque;

use kit::sync::{Condvar, Mutex};

use crate::BlockingQueue;

/// A queue of at most `capacity` items.
#[derive(Debug)]
#[allow(dead_code)] // until your methods use every field
pub struct StarterQueue<T> {
    // A suggested layout; change it if you like.
    items: Mutex<VecDeque<T>>,
    capacity: usize,
    not_full: Condvar,
    not_empty: Condvar,
}

impl<T: Send> BlockingQueue<T> for StarterQueue<T> {
    fn with_capacity(capacity: usize) -> Self {
        // TODO: an empty queue for `capacity` items.
        let _ = capacity;
        todo!("StarterQueue::with_capacity")
    }

    fn enqueue(&self, item: T) {
        // TODO: wait while the queue is full, add the item, wake a consumer.
        let _ = item;
        todo!("StarterQueue::enqueue")
    }

    fn dequeue(&self) -> T {
        // TODO: wait while the queue is empty, take the front item, wake a
        // producer.
        todo!("StarterQueue::dequeue")
    }

    fn size(&self) -> usize {
        // Given.
        self.items.lock().len()
    }
}
