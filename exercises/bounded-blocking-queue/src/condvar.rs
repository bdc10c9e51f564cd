//! A `VecDeque` under a mutex, and two condition variables.
//!
//! Producers wait for "not full", consumers for "not empty": two
//! conditions, so two condition variables. Each has one kind of waiter, so
//! `notify_one` wakes the right kind, and every change that can make a
//! condition true notifies its variable: an enqueue makes the queue not
//! empty, a dequeue makes it not full. With one condition variable for
//! both, a producer's notify could wake another producer, which finds the
//! queue still full and sleeps again, while the consumer that could have
//! gone on is never woken.
//!
//! Each wait is in a loop. Between the notify and the moment the woken
//! thread has the lock again, another thread can take the room or the
//! item; the woken one checks again and, if so, waits again.

use std::collections::VecDeque;

use kit::sync::{Condvar, Mutex};

use crate::BlockingQueue;

// ANCHOR: condvar
/// The queue under one mutex, with a condition variable per condition.
#[derive(Debug)]
pub struct CondvarQueue<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
    not_full: Condvar,
    not_empty: Condvar,
}

impl<T: Send> BlockingQueue<T> for CondvarQueue<T> {
    fn with_capacity(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        CondvarQueue {
            items: Mutex::new(VecDeque::with_capacity(capacity)),
            capacity,
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
        }
    }

    fn enqueue(&self, item: T) {
        let mut items = self.items.lock();
        while items.len() == self.capacity {
            items = self.not_full.wait(items);
        }
        items.push_back(item);
        drop(items);
        self.not_empty.notify_one();
    }

    fn dequeue(&self) -> T {
        let mut items = self.items.lock();
        let item = loop {
            match items.pop_front() {
                Some(item) => break item,
                None => items = self.not_empty.wait(items),
            }
        };
        drop(items);
        self.not_full.notify_one();
        item
    }

    fn size(&self) -> usize {
        self.items.lock().len()
    }
}
// ANCHOR_END: condvar
