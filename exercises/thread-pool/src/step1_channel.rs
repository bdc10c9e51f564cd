//! Step 1: N workers, one bounded queue.
//!
//! The pool is a queue and the threads that empty it. `new` starts the
//! workers once; each one loops: take the oldest job, run it, take the
//! next. `execute` puts a job at the back, and waits while the queue is
//! full.
//!
//! **The channel is a `VecDeque` under a `Mutex`, with two `Condvar`s.**
//! The Rust book's pool (chapter 21) shares one `mpsc::Receiver` behind a
//! `Mutex` instead. We do not, for three reasons:
//!
//! - **The bound.** `mpsc::channel` has none: `send` never waits, and a
//!   submitter faster than the workers grows the queue until memory runs
//!   out. std's bounded `sync_channel` would do, but loom's `mpsc` (which
//!   `kit::sync` re-exports under `cfg(loom)`) has only the unbounded
//!   `channel`, and every reference here is model-checked.
//! - **One lock for all the state.** Step 2 adds a flag, "the pool is
//!   shutting down", and a worker must decide "a job, or leave?" in one
//!   critical section with the queue. With the queue and the flag under
//!   one mutex, it does.
//! - **The waiting in plain sight.** Two conditions, "a job is queued"
//!   (workers wait for it) and "there is room" (submitters wait for it),
//!   so two condition variables, each with one kind of waiter: the shape
//!   of the bounded blocking queue drill.
//!
//! The details that carry the argument:
//!
//! - **Check and take under one lock, in a loop.** A worker pops under
//!   the lock; if the queue is empty, it waits and then looks again. A
//!   woken worker may find the job already taken by another.
//! - **The job runs after the lock is let go.** The `job` is moved out of
//!   the critical section, and the guard is dropped before `job()` runs.
//!   Run it under the guard and every other worker waits for it: one job at
//!   a time, however many workers (the zoo's `LockWhileRunning`).
//! - **`notify_one`, both ways.** A job pushed can be run by one worker;
//!   a job popped makes room for one submitter. Each condition variable
//!   has one kind of waiter, so the one it wakes can use what changed.
//! - **`while`, not `if`, around the wait for room.** A submitter woken
//!   for a slot may find it taken by another submitter that came just then
//!   (the zoo's `IfNotWhile`).
//! - **Box before the lock.** `Box::new(job)` allocates; done before
//!   `lock`, the allocation is not part of the critical section.
//!
//! A step-1 pool never shuts down. Its workers hold the shared state in an
//! `Arc`, so dropping the pool leaves them asleep for good, waiting for
//! jobs that nobody can submit. The Rust book's first pool is the same:
//! its workers "loop forever".

use std::collections::VecDeque;
use std::fmt;

use kit::sync::{Arc, Condvar, Mutex, thread};

use crate::{Execute, Job};

// ANCHOR: queue
/// N workers that take jobs from one bounded queue.
pub struct Pool {
    shared: Arc<Shared>,
    capacity: usize,
    /// Never joined: a step-1 pool has no end.
    workers: Vec<thread::JoinHandle<()>>,
}

/// What the pool and its workers share.
struct Shared {
    jobs: Mutex<VecDeque<Job>>,
    /// Workers wait here for a job.
    job_queued: Condvar,
    /// Submitters wait here for room.
    room: Condvar,
}

impl Execute for Pool {
    fn new(workers: usize, capacity: usize) -> Self {
        assert!(workers > 0, "a pool needs at least one worker");
        assert!(capacity > 0, "a queue needs room for at least one job");
        let shared = Arc::new(Shared {
            jobs: Mutex::new(VecDeque::with_capacity(capacity)),
            job_queued: Condvar::new(),
            room: Condvar::new(),
        });
        let workers = (0..workers)
            .map(|_| {
                let shared = Arc::clone(&shared);
                thread::spawn(move || work(&shared))
            })
            .collect();
        Pool {
            shared,
            capacity,
            workers,
        }
    }

    fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        let job: Job = Box::new(job);
        let mut jobs = self.shared.jobs.lock();
        while jobs.len() >= self.capacity {
            jobs = self.shared.room.wait(jobs);
        }
        jobs.push_back(job);
        drop(jobs);
        self.shared.job_queued.notify_one();
    }
}

/// A worker's life: take a job, run it, for ever.
fn work(shared: &Shared) {
    loop {
        let job = {
            let mut jobs = shared.jobs.lock();
            loop {
                match jobs.pop_front() {
                    Some(job) => break job,
                    None => jobs = shared.job_queued.wait(jobs),
                }
            }
        };
        // The guard is gone: other workers take jobs while this one runs.
        shared.room.notify_one();
        job();
    }
}
// ANCHOR_END: queue

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("workers", &self.workers.len())
            .field("capacity", &self.capacity)
            .field("queued", &self.shared.jobs.lock().len())
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    /// One worker, busy; a queue of one, full: the next `execute` waits
    /// until the worker takes the queued job.
    #[test]
    fn a_full_queue_makes_execute_wait() {
        let pool = std::sync::Arc::new(Pool::new(1, 1));
        let (let_go, gate) = mpsc::channel::<()>();
        let (started_tx, started) = mpsc::channel();
        pool.execute(move || {
            started_tx.send(()).unwrap();
            gate.recv().unwrap();
        });
        started.recv().unwrap();
        pool.execute(|| ());
        let (returned_tx, returned) = mpsc::channel();
        let submitter = {
            let pool = std::sync::Arc::clone(&pool);
            std::thread::spawn(move || {
                pool.execute(|| ());
                returned_tx.send(()).unwrap();
            })
        };
        assert!(
            returned.recv_timeout(Duration::from_millis(100)).is_err(),
            "execute returned with the queue full"
        );
        let_go.send(()).unwrap();
        returned.recv_timeout(Duration::from_secs(5)).unwrap();
        submitter.join().unwrap();
    }
}
