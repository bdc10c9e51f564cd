//! Your drill: a thread pool with a bounded queue, a shutdown that loses
//! no job, and workers that outlive a panicking job.
//!
//! Check it with `cargo test -p thread-pool --features starter` or
//! `concur check thread-pool`. Ask `concur hint thread-pool` when stuck.

#![allow(unused_imports)] // the imports are what you will need

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};

use kit::sync::{Arc, Condvar, Mutex, thread};

use crate::{Execute, Job, ThreadPool};

/// `workers` threads that run jobs from a queue of at most `capacity`.
#[derive(Debug)]
pub struct StarterPool {
    capacity: usize,
    // TODO: what the pool shares with its workers (the queued jobs,
    // whether the pool is shutting down, a way for workers to sleep until
    // either changes, and one for submitters to sleep until there is
    // room), and the workers' join handles.
}

impl Execute for StarterPool {
    fn new(workers: usize, capacity: usize) -> Self {
        assert!(workers > 0, "a pool needs at least one worker");
        assert!(capacity > 0, "a queue needs room for at least one job");
        // TODO: start `workers` threads. Each loops: take the oldest job
        // (asleep while there is none), let go of the lock, run the job
        // (a panic caught and counted), and again; it leaves when the
        // queue is empty and the pool is shutting down.
        todo!("StarterPool::new")
    }

    fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        // TODO: wait, asleep, while `capacity` jobs are queued; queue this
        // one; wake a worker.
        let _ = (self.capacity, job);
        todo!("StarterPool::execute")
    }
}

impl ThreadPool for StarterPool {
    fn join(self) -> usize {
        // TODO: tell the workers the pool is shutting down, wake them all,
        // wait for each (but not for the one you may be running on), and
        // add up the panics they counted.
        todo!("StarterPool::join")
    }
}

impl Drop for StarterPool {
    fn drop(&mut self) {
        // TODO: the same shutdown as `join`, its count thrown away. (Until
        // then, a dropped pool leaves its workers behind.)
    }
}
