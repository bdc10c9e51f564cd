//! # Thread pool (a primitive)
//!
//! A fixed number of worker threads take jobs from one shared queue and
//! run them. Starting a thread costs far more than handing a closure to
//! one that is already running, so a program with many small jobs (the
//! pages of a crawl, the requests of a server) starts its threads once
//! and keeps them. The pool is also a bound: never more than `workers`
//! jobs at once, and never more than `capacity` waiting.
//!
//! It is built in three steps, the way Rust Atomics and Locks (Mara Bos)
//! builds its primitives, each a file of its own so that a reader can
//! diff them:
//!
//! - `step1_channel.rs`: N workers on one bounded queue, a `VecDeque`
//!   under a `Mutex` with two `Condvar`s. `execute` waits while the queue
//!   is full. The pool never shuts down.
//! - `step2_shutdown.rs`: a `shutting_down` flag under the same lock.
//!   `join` (and drop) raise it, wake every worker, and join them; a
//!   worker leaves only once the queue is empty, so no job is lost.
//! - `step3_panic.rs`: each job runs inside `catch_unwind`. A panicking
//!   job no longer takes its worker with it; the worker counts the panic
//!   and takes the next job, and `join` reports the count.
//!
//! The first step is the pool of chapter 21 of the Rust book, with its
//! unbounded channel replaced by a queue that pushes back; the second is
//! that chapter's graceful shutdown. The third is what the chapter leaves
//! out: its worker dies with a panicking job, and the pool shrinks.
//!
//! `buggy.rs` holds the bug zoo, and `starter.rs` is the candidate's file.

/// What a pool runs: a closure, boxed so that jobs of different types
/// share one queue.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

// ANCHOR: contract
/// Step 1: a pool of worker threads that run jobs from one bounded queue.
///
/// The promises:
/// - `new(workers, capacity)` starts `workers` threads, and every job runs
///   on one of them: not on the caller's thread, not on a thread started
///   for it. So at most `workers` jobs run at once;
/// - jobs run side by side, up to `workers` at once: a queued job does not
///   wait for a running one to end while a worker is free (a pool that runs
///   one job at a time is serialised, however many threads it has);
/// - at most `capacity` jobs wait in the queue: `execute` waits, asleep,
///   while `capacity` jobs wait, and returns once its job is queued. It
///   never drops a job and never runs one itself;
/// - every job queued runs: no worker sleeps while a job waits;
/// - an idle worker sleeps: it does not spin on a core while the queue is
///   empty.
///
/// `workers` and `capacity` are at least 1. A job runs at most once because
/// it is an `FnOnce`: the compiler keeps that promise, the pool keeps "at
/// least once".
///
/// A job may submit jobs to its own pool, through an `Arc` of it. But if
/// every worker is in such a job, waiting in `execute` for room, nobody
/// takes a job off the queue to make room: a deadlock that the bound makes
/// possible. Keep what jobs submit below the capacity, or submit it from
/// another thread.
///
/// A step-1 pool never shuts down: dropping it leaves its workers asleep,
/// waiting for jobs that cannot come, until the process ends.
pub trait Execute: Send + Sync {
    /// A pool of `workers` threads, all idle, and a queue with room for
    /// `capacity` jobs.
    fn new(workers: usize, capacity: usize) -> Self
    where
        Self: Sized;

    /// Queues `job` for a worker, waiting while the queue is full.
    fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static;
}

/// Steps 2 and 3, and your starter: a pool that shuts down, and keeps its
/// workers when a job panics.
///
/// The promises of [`Execute`], and:
/// - `join` waits until every job submitted before it has run, queued or
///   running when `join` was called; then the workers leave, and `join`
///   waits for each of them to end. It returns how many jobs panicked;
/// - dropping the pool does the same (and the count is lost): a pool
///   dropped at the end of `main` loses no job;
/// - a job that panics does not take its worker with it: the worker goes
///   on to the next job, the pool keeps its `workers` workers, and `join`
///   counts the panic (step 2 breaks this promise; step 3 keeps it);
/// - the pool may be dropped by one of its own jobs (one that held the
///   last `Arc` of it): it then waits for every worker but the one that
///   runs that job, which cannot wait for itself; that worker runs what is
///   still queued once the job returns, and then leaves.
///
/// No job can arrive during the shutdown: `join` takes the pool by value,
/// and drop runs when nothing else holds it, so the borrow checker rules
/// out an `execute` racing with either.
pub trait ThreadPool: Execute {
    /// Runs every job submitted, stops the workers and joins them; returns
    /// how many jobs panicked.
    fn join(self) -> usize;
}
// ANCHOR_END: contract

pub mod step1_channel;
pub mod step2_shutdown;
pub mod step3_panic;

pub mod buggy;
#[cfg(feature = "starter")]
pub mod starter;

/// Step 1: N workers on one bounded queue, never shut down.
pub type LeakyPool = step1_channel::Pool;
/// Step 2: `join` and drop run every job, then stop and join the workers.
pub type JoiningPool = step2_shutdown::Pool;
/// Step 3: a panicking job is caught and counted; its worker lives on.
pub use step3_panic::Pool;
