//! Step 3: a panicking job does not kill its worker.
//!
//! In step 2 a job that panics unwinds through `work` and ends its
//! worker's thread. That default is the bug, for three reasons:
//!
//! - **The pool shrinks in silence.** Nobody joins a worker until the
//!   shutdown, so nobody hears of its end. The pool goes on taking jobs
//!   with one worker fewer: "at most `workers` at once" still holds, and
//!   "up to `workers` at once" quietly does not.
//! - **At zero, it stops.** Once every worker has met a panicking job,
//!   jobs wait in the queue for ever, and once the queue is full,
//!   `execute` waits for ever too: a deadlock whose cause is long gone by
//!   the time anyone looks.
//! - **One bad job costs the others.** A panic is the job's failure, not
//!   the pool's; a pool shared by a crawl or a server must not lose a
//!   worker to one bad page or request.
//!
//! So the worker runs each job inside `std::panic::catch_unwind`, counts
//! a panic, and takes the next job. The count leaves with the worker: each
//! worker returns its own count when it ends, and `join` adds them up (the
//! counts travel through `JoinHandle::join`, which also orders them before
//! `join` returns). The panic's message is printed as usual by the panic
//! hook, before the unwinding starts.
//!
//! **`AssertUnwindSafe`.** `catch_unwind` takes an `UnwindSafe` closure,
//! and a `Box<dyn FnOnce() + Send>` is not one: the compiler cannot know
//! what the job captured. We assert it, and the assertion is about the
//! pool's own state: no lock of the pool is held while a job runs, and
//! the job is consumed by the call, so a panic leaves nothing of the pool
//! half changed. What the job itself shared with other code may be half
//! changed; that is for its owner to judge, and the count tells them a
//! job panicked.
//!
//! This catches unwinding panics only. Built with `panic = "abort"`, a
//! panicking job ends the process, pool and all: std's `catch_unwind`
//! "only catches unwinding panics, not those that abort the process".
//!
//! Everything else is step 2's, unchanged.

use std::collections::VecDeque;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use kit::sync::{Arc, Condvar, Mutex, thread};

use crate::{Execute, Job, ThreadPool};

/// N workers on one bounded queue, a shutdown that runs every job, and
/// workers that outlive a panicking job.
pub struct Pool {
    shared: Arc<Shared>,
    capacity: usize,
    /// Each returns how many of its jobs panicked. Empty once the pool has
    /// shut down.
    workers: Vec<thread::JoinHandle<usize>>,
}

struct State {
    jobs: VecDeque<Job>,
    shutting_down: bool,
}

struct Shared {
    state: Mutex<State>,
    job_queued: Condvar,
    room: Condvar,
}

impl Execute for Pool {
    fn new(workers: usize, capacity: usize) -> Self {
        assert!(workers > 0, "a pool needs at least one worker");
        assert!(capacity > 0, "a queue needs room for at least one job");
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                jobs: VecDeque::with_capacity(capacity),
                shutting_down: false,
            }),
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
        let mut state = self.shared.state.lock();
        while state.jobs.len() >= self.capacity {
            state = self.shared.room.wait(state);
        }
        state.jobs.push_back(job);
        drop(state);
        self.shared.job_queued.notify_one();
    }
}

impl ThreadPool for Pool {
    fn join(mut self) -> usize {
        self.shut_down()
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shut_down();
    }
}

// ANCHOR: panic
impl Pool {
    /// Raises the flag, wakes every worker, joins them all but the
    /// caller's own, and adds up their counts of panicked jobs.
    fn shut_down(&mut self) -> usize {
        self.shared.state.lock().shutting_down = true;
        self.shared.job_queued.notify_all();
        let me = thread::current().id();
        let mut panicked = 0;
        for worker in self.workers.drain(..) {
            if worker.thread().id() == me {
                continue;
            }
            // `Err` only if the worker itself panicked, outside any job.
            panicked += worker.join().unwrap_or(1);
        }
        panicked
    }
}

/// A worker's life: take a job and run it, catching its panic, until the
/// queue is empty and the pool is shutting down. Returns how many of its
/// jobs panicked.
fn work(shared: &Shared) -> usize {
    let mut panicked = 0;
    loop {
        let job = {
            let mut state = shared.state.lock();
            loop {
                if let Some(job) = state.jobs.pop_front() {
                    break job;
                }
                if state.shutting_down {
                    return panicked;
                }
                state = shared.job_queued.wait(state);
            }
        };
        shared.room.notify_one();
        if catch_unwind(AssertUnwindSafe(job)).is_err() {
            panicked += 1;
        }
    }
}
// ANCHOR_END: panic

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.state.lock();
        f.debug_struct("Pool")
            .field("workers", &self.workers.len())
            .field("capacity", &self.capacity)
            .field("queued", &state.jobs.len())
            .field("shutting_down", &state.shutting_down)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// One worker, three panicking jobs, then one that counts: the worker
    /// survives every panic, runs the last job, and `join` counts three.
    #[test]
    fn one_worker_outlives_three_panics() {
        let done = std::sync::Arc::new(AtomicUsize::new(0));
        let pool = Pool::new(1, 4);
        for _ in 0..3 {
            pool.execute(|| panic!("a job panics on purpose"));
        }
        let counted = std::sync::Arc::clone(&done);
        pool.execute(move || {
            counted.fetch_add(1, Ordering::SeqCst);
        });
        assert_eq!(pool.join(), 3);
        assert_eq!(done.load(Ordering::SeqCst), 1);
    }
}
