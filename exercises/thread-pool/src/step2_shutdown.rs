//! Step 2: a shutdown that loses no job.
//!
//! Step 1's workers loop for ever. Here the pool can end: `join` (and
//! drop, which does the same) tells the workers to stop, waits for them,
//! and returns. Three details carry the argument:
//!
//! - **The news is state, under the queue's lock.** A `shutting_down`
//!   flag beside the queue, set under the same mutex that the workers
//!   check it under. A worker reads "a job, or leave?" in one critical
//!   section, and `wait` releases that lock and sleeps in one step, so the
//!   flag cannot be raised between a worker's check and its sleep. Raised
//!   without the lock (an `AtomicBool` "because it is atomic"), it can:
//!   the notify then finds nobody asleep, and the worker sleeps on (the
//!   zoo's `FlagOutsideLock`, which loom finds).
//! - **Signal, then join; and wake them all.** Joining first waits for a
//!   worker that nobody told to stop: for ever (the zoo's
//!   `JoinBeforeSignal`, the hang the Rust book shows before it fixes its
//!   `Drop`). Every idle worker waits for this one piece of news, so
//!   `notify_all`: `notify_one` wakes one worker and leaves the others
//!   asleep, and the join hangs on them (the zoo's
//!   `NotifyOneOnShutdown`).
//! - **The queue first, the flag second.** A worker leaves only when the
//!   queue is empty *and* the flag is up, so the jobs submitted before
//!   the shutdown still run. Check the flag first and they are dropped
//!   with the queue (the zoo's `ExitOnShutdown`). And `join` returns only
//!   after every worker has ended: return earlier, and the jobs still
//!   running or queued finish after it, or never, if `main` returns (the
//!   zoo's `DropWithoutJoin`).
//!
//! **A pool dropped by its own job.** If a job holds the last `Arc` of the
//! pool, the drop runs on a worker, and that worker would join itself:
//! std's `JoinHandle::join` "may panic on some platforms if a thread
//! attempts to join itself or otherwise may create a deadlock" (the zoo's
//! `JoinsItself`). So the shutdown skips the worker it runs on. That
//! worker runs what is still queued once its job returns, sees the flag,
//! and leaves on its own.
//!
//! What a panicking job does here: it unwinds out of `work`, and its
//! worker's thread ends. `join` counts the workers that ended that way
//! (`JoinHandle::join` returns `Err` for a thread that panicked), so the
//! count is right; but the pool ran with one worker fewer from the moment
//! of the panic, and with none once every worker has met a panicking job.
//! Step 3 fixes that.

use std::collections::VecDeque;
use std::fmt;

use kit::sync::{Arc, Condvar, Mutex, thread};

use crate::{Execute, Job, ThreadPool};

// ANCHOR: shutdown
/// N workers on one bounded queue, and a shutdown that runs every job.
pub struct Pool {
    shared: Arc<Shared>,
    capacity: usize,
    /// Empty once the pool has shut down.
    workers: Vec<thread::JoinHandle<()>>,
}

/// The queue and the news of the shutdown, under one lock.
struct State {
    jobs: VecDeque<Job>,
    shutting_down: bool,
}

struct Shared {
    state: Mutex<State>,
    /// Workers wait here for a job, or for the shutdown.
    job_queued: Condvar,
    /// Submitters wait here for room.
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

impl Pool {
    /// Raises the flag, wakes every worker, and joins them all but the
    /// caller's own; returns how many ended in a panic. A second call
    /// finds no worker left to join.
    fn shut_down(&mut self) -> usize {
        self.shared.state.lock().shutting_down = true;
        self.shared.job_queued.notify_all();
        let me = thread::current().id();
        let mut panicked = 0;
        for worker in self.workers.drain(..) {
            if worker.thread().id() == me {
                // Dropped by one of our own jobs: this worker cannot wait
                // for itself. It leaves once its job returns.
                continue;
            }
            if worker.join().is_err() {
                panicked += 1;
            }
        }
        panicked
    }
}

/// A worker's life: take a job and run it, until the queue is empty and
/// the pool is shutting down.
fn work(shared: &Shared) {
    loop {
        let job = {
            let mut state = shared.state.lock();
            loop {
                if let Some(job) = state.jobs.pop_front() {
                    break job;
                }
                if state.shutting_down {
                    return;
                }
                state = shared.job_queued.wait(state);
            }
        };
        shared.room.notify_one();
        job();
    }
}
// ANCHOR_END: shutdown

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

    /// Jobs queued when the pool is dropped still run, before the drop
    /// returns.
    #[test]
    fn drop_runs_the_jobs_still_queued() {
        let done = std::sync::Arc::new(AtomicUsize::new(0));
        let pool = Pool::new(1, 8);
        for _ in 0..8 {
            let done = std::sync::Arc::clone(&done);
            pool.execute(move || {
                std::thread::sleep(std::time::Duration::from_millis(2));
                done.fetch_add(1, Ordering::SeqCst);
            });
        }
        drop(pool);
        assert_eq!(done.load(Ordering::SeqCst), 8);
    }

    /// Step 2's flaw, which step 3 fixes: a panicking job ends its
    /// worker's thread. `join` counts it, but the worker is gone.
    #[test]
    fn a_panicking_job_ends_its_worker() {
        let pool = Pool::new(2, 2);
        pool.execute(|| panic!("a job panics on purpose"));
        assert_eq!(pool.join(), 1);
    }
}
