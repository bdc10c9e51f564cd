//! The bug zoo: queues that look right and are not. Each is named after its
//! bug, and `tests/bugs.rs` proves the suite catches each one under the
//! right name (`OneCondvar` is also found by the loom model).

use std::collections::VecDeque;

use kit::sync::{Condvar, Mutex, spin_hint};

use crate::BlockingQueue;

/// One condition variable for "not full" and "not empty", woken with
/// `notify_one`: a producer's notify can wake another producer, which finds
/// no room and sleeps again, while the consumer that could go on is never
/// woken. Lost wake-up.
#[derive(Debug)]
pub struct OneCondvar<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
    changed: Condvar,
}

impl<T: Send> BlockingQueue<T> for OneCondvar<T> {
    fn with_capacity(capacity: usize) -> Self {
        OneCondvar {
            items: Mutex::new(VecDeque::new()),
            capacity: capacity.max(1),
            changed: Condvar::new(),
        }
    }

    fn enqueue(&self, item: T) {
        let mut items = self.items.lock();
        while items.len() == self.capacity {
            items = self.changed.wait(items);
        }
        items.push_back(item);
        drop(items);
        self.changed.notify_one();
    }

    fn dequeue(&self) -> T {
        let mut items = self.items.lock();
        let item = loop {
            match items.pop_front() {
                Some(item) => break item,
                None => items = self.changed.wait(items),
            }
        };
        drop(items);
        self.changed.notify_one();
        item
    }

    fn size(&self) -> usize {
        self.items.lock().len()
    }
}

/// Wakes every waiting producer when one item leaves, and each goes on
/// without checking for room again: `if` where `while` belongs. Two
/// producers waiting on a full queue both enqueue after one dequeue.
/// Unchecked wake-up.
#[derive(Debug)]
pub struct IfNotWhile<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
    not_full: Condvar,
    not_empty: Condvar,
}

impl<T: Send> BlockingQueue<T> for IfNotWhile<T> {
    fn with_capacity(capacity: usize) -> Self {
        IfNotWhile {
            items: Mutex::new(VecDeque::new()),
            capacity: capacity.max(1),
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
        }
    }

    fn enqueue(&self, item: T) {
        let mut items = self.items.lock();
        if items.len() >= self.capacity {
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
        self.not_full.notify_all();
        item
    }

    fn size(&self) -> usize {
        self.items.lock().len()
    }
}

/// Never waits for room: a blocking queue without its bound, so a fast
/// producer fills memory. Bound exceeded.
#[derive(Debug)]
pub struct Unbounded<T> {
    items: Mutex<VecDeque<T>>,
    not_empty: Condvar,
}

impl<T: Send> BlockingQueue<T> for Unbounded<T> {
    fn with_capacity(_capacity: usize) -> Self {
        Unbounded {
            items: Mutex::new(VecDeque::new()),
            not_empty: Condvar::new(),
        }
    }

    fn enqueue(&self, item: T) {
        self.items.lock().push_back(item);
        self.not_empty.notify_one();
    }

    fn dequeue(&self) -> T {
        let mut items = self.items.lock();
        loop {
            match items.pop_front() {
                Some(item) => return item,
                None => items = self.not_empty.wait(items),
            }
        }
    }

    fn size(&self) -> usize {
        self.items.lock().len()
    }
}

/// Takes a second lock around each whole call, to "make the operation
/// atomic", and keeps it while it waits: a consumer asleep on an empty
/// queue holds the lock every producer needs first. Deadlock.
#[derive(Debug)]
pub struct LockHeldWhileWaiting<T> {
    whole_call: Mutex<()>,
    inner: crate::CondvarQueue<T>,
}

impl<T: Send> BlockingQueue<T> for LockHeldWhileWaiting<T> {
    fn with_capacity(capacity: usize) -> Self {
        LockHeldWhileWaiting {
            whole_call: Mutex::new(()),
            inner: crate::CondvarQueue::with_capacity(capacity),
        }
    }

    fn enqueue(&self, item: T) {
        let _whole = self.whole_call.lock();
        self.inner.enqueue(item);
    }

    fn dequeue(&self) -> T {
        let _whole = self.whole_call.lock();
        self.inner.dequeue()
    }

    fn size(&self) -> usize {
        self.inner.size()
    }
}

/// Right answers, wrong waiting: tries, lets go of the lock, spins, tries
/// again. A waiting thread keeps a core busy. Busy-waiting.
#[derive(Debug)]
pub struct SpinQueue<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
}

impl<T: Send> BlockingQueue<T> for SpinQueue<T> {
    fn with_capacity(capacity: usize) -> Self {
        SpinQueue {
            items: Mutex::new(VecDeque::new()),
            capacity: capacity.max(1),
        }
    }

    fn enqueue(&self, item: T) {
        loop {
            let mut items = self.items.lock();
            if items.len() < self.capacity {
                items.push_back(item);
                return;
            }
            drop(items);
            spin_hint();
        }
    }

    fn dequeue(&self) -> T {
        loop {
            if let Some(item) = self.items.lock().pop_front() {
                return item;
            }
            spin_hint();
        }
    }

    fn size(&self) -> usize {
        self.items.lock().len()
    }
}
