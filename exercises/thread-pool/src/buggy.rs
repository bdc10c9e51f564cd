//! The bug zoo: pools that look right and are not. Each is step 3 with one
//! mistake, chosen by `BUG`, and named after it, except `ThreadPerJob`, a
//! "pool" of a different shape; `tests/bugs.rs` proves the suite catches
//! each one under its bug class. `FlagOutsideLock`, whose window is
//! nanoseconds wide, is caught by the loom model in `tests/loom.rs`.

use std::collections::VecDeque;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use kit::sync::{Arc, AtomicBool, Condvar, Mutex, MutexGuard, Ordering, spin_hint, thread};

use crate::{Execute, Job, ThreadPool};

/// Step 3's pool with one mistake, chosen by `BUG`.
pub struct Flawed<const BUG: u8> {
    shared: Arc<Shared>,
    capacity: usize,
    workers: Vec<thread::JoinHandle<usize>>,
}

/// The worker keeps the queue's guard while its job runs: every other
/// worker, and every `execute`, waits for the job to end. One job at a
/// time, however many workers: the Rust book's `while let Ok(job) =
/// receiver.lock().unwrap().recv()`, in our queue. No parallelism.
pub type LockWhileRunning = Flawed<0>;
/// `execute` never waits for room: the queue grows without bound, and a
/// submitter faster than the workers fills the memory instead of slowing
/// down. Bound exceeded.
pub type Unbounded = Flawed<1>;
/// A worker that takes a job wakes every submitter waiting for room
/// (`notify_all`), and `execute` waits with `if`, not `while`: all of
/// them push, though one slot came free. Unchecked wake-up.
pub type IfNotWhile = Flawed<2>;
/// Drop raises the flag and wakes the workers, but does not join them: it
/// returns while jobs still run or wait, and a program whose `main`
/// returns then never runs them. Order violated.
pub type DropWithoutJoin = Flawed<3>;
/// A worker checks the flag before the queue: on shutdown it leaves with
/// jobs still queued, and they never run. Premature termination.
pub type ExitOnShutdown = Flawed<4>;
/// The shutdown joins the workers first and raises the flag after: it
/// waits for workers that nobody told to stop. The hang the Rust book
/// shows before it fixes its `Drop`. Missed termination.
pub type JoinBeforeSignal = Flawed<5>;
/// The shutdown wakes one worker (`notify_one`): the others sleep on, and
/// the join waits for them for ever. Fine with one worker. Lost wake-up.
pub type NotifyOneOnShutdown = Flawed<6>;
/// The flag in an `AtomicBool`, raised without the lock ("it is atomic"),
/// then `notify_all`. A worker checks the flag and goes to sleep under the
/// lock; a shutdown that falls between the two notifies nobody, and the
/// worker sleeps on. Lost wake-up, in a window of nanoseconds that loom
/// finds and a stress test rarely does.
pub type FlagOutsideLock = Flawed<7>;
/// The shutdown joins every worker, the one it runs on too: a pool dropped
/// by one of its own jobs waits for itself (std's join of the current
/// thread panics on Linux; elsewhere it may hang). Self-deadlock.
pub type JoinsItself = Flawed<8>;
/// No `catch_unwind`: a panicking job ends its worker's thread, and the
/// pool shrinks, to nothing after `workers` panics. Step 2's behaviour.
/// Premature termination.
pub type NoCatchUnwind = Flawed<9>;
/// Catches a panic and forgets it: `join` reports no panicked jobs. Wrong
/// answer.
pub type UncountedPanics = Flawed<10>;
/// An idle worker polls the queue in a loop instead of sleeping on the
/// condition variable: right answers, and a core burned per idle worker.
/// Busy-waiting.
pub type SpinWorker = Flawed<11>;

const LOCK_WHILE_RUNNING: u8 = 0;
const UNBOUNDED: u8 = 1;
const IF_NOT_WHILE: u8 = 2;
const DROP_WITHOUT_JOIN: u8 = 3;
const EXIT_ON_SHUTDOWN: u8 = 4;
const JOIN_BEFORE_SIGNAL: u8 = 5;
const NOTIFY_ONE_ON_SHUTDOWN: u8 = 6;
const FLAG_OUTSIDE_LOCK: u8 = 7;
const JOINS_ITSELF: u8 = 8;
const NO_CATCH_UNWIND: u8 = 9;
const UNCOUNTED_PANICS: u8 = 10;
const SPIN_WORKER: u8 = 11;

struct State {
    jobs: VecDeque<Job>,
    shutting_down: bool,
}

struct Shared {
    state: Mutex<State>,
    /// The flag as `FlagOutsideLock` keeps it; the others use `State`'s.
    stop: AtomicBool,
    job_queued: Condvar,
    room: Condvar,
}

impl<const BUG: u8> Execute for Flawed<BUG> {
    fn new(workers: usize, capacity: usize) -> Self {
        assert!(workers > 0, "a pool needs at least one worker");
        assert!(capacity > 0, "a queue needs room for at least one job");
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                jobs: VecDeque::with_capacity(capacity),
                shutting_down: false,
            }),
            stop: AtomicBool::new(false),
            job_queued: Condvar::new(),
            room: Condvar::new(),
        });
        let workers = (0..workers)
            .map(|_| {
                let shared = Arc::clone(&shared);
                thread::spawn(move || Self::work(&shared))
            })
            .collect();
        Flawed {
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
        match BUG {
            // "There is always room."
            UNBOUNDED => {}
            IF_NOT_WHILE => {
                // One wait, whatever woke it.
                if state.jobs.len() >= self.capacity {
                    state = self.shared.room.wait(state);
                }
            }
            _ => {
                while state.jobs.len() >= self.capacity {
                    state = self.shared.room.wait(state);
                }
            }
        }
        state.jobs.push_back(job);
        drop(state);
        self.shared.job_queued.notify_one();
    }
}

impl<const BUG: u8> ThreadPool for Flawed<BUG> {
    fn join(mut self) -> usize {
        self.shut_down()
    }
}

impl<const BUG: u8> Drop for Flawed<BUG> {
    fn drop(&mut self) {
        self.shut_down();
    }
}

impl<const BUG: u8> Flawed<BUG> {
    fn shut_down(&mut self) -> usize {
        let mut panicked = 0;
        if BUG == JOIN_BEFORE_SIGNAL {
            // "Wait for them to finish, then tell them we are done."
            panicked += self.join_workers();
        }
        if BUG == FLAG_OUTSIDE_LOCK {
            self.shared.stop.store(true, Ordering::SeqCst);
        } else {
            self.shared.state.lock().shutting_down = true;
        }
        if BUG == NOTIFY_ONE_ON_SHUTDOWN {
            self.shared.job_queued.notify_one();
        } else {
            self.shared.job_queued.notify_all();
        }
        if BUG == DROP_WITHOUT_JOIN {
            // "They will finish on their own."
            self.workers.clear();
            return 0;
        }
        panicked + self.join_workers()
    }

    fn join_workers(&mut self) -> usize {
        let me = thread::current().id();
        let mut panicked = 0;
        for worker in self.workers.drain(..) {
            if BUG != JOINS_ITSELF && worker.thread().id() == me {
                continue;
            }
            panicked += worker.join().unwrap_or(1);
        }
        panicked
    }

    /// Whether the pool is shutting down, as this variant keeps the flag.
    fn stopping(shared: &Shared, state: &MutexGuard<'_, State>) -> bool {
        if BUG == FLAG_OUTSIDE_LOCK {
            shared.stop.load(Ordering::SeqCst)
        } else {
            state.shutting_down
        }
    }

    fn work(shared: &Shared) -> usize {
        let mut panicked = 0;
        loop {
            let mut state = shared.state.lock();
            let job = loop {
                if BUG == EXIT_ON_SHUTDOWN && Self::stopping(shared, &state) {
                    // "Shutting down: stop now."
                    return panicked;
                }
                if let Some(job) = state.jobs.pop_front() {
                    break job;
                }
                if Self::stopping(shared, &state) {
                    return panicked;
                }
                if BUG == SPIN_WORKER {
                    // "Nothing yet: look again."
                    drop(state);
                    spin_hint();
                    state = shared.state.lock();
                } else {
                    state = shared.job_queued.wait(state);
                }
            };
            if BUG != LOCK_WHILE_RUNNING {
                drop(state);
            }
            if BUG == IF_NOT_WHILE {
                shared.room.notify_all();
            } else {
                shared.room.notify_one();
            }
            match BUG {
                NO_CATCH_UNWIND => job(),
                _ => {
                    if catch_unwind(AssertUnwindSafe(job)).is_err() && BUG != UNCOUNTED_PANICS {
                        panicked += 1;
                    }
                }
            }
            // `LockWhileRunning`'s guard lives until here.
        }
    }
}

impl<const BUG: u8> fmt::Debug for Flawed<BUG> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Flawed")
            .field("bug", &BUG)
            .field("workers", &self.workers.len())
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

/// Not a pool: `execute` starts a thread for each job, and `join` joins
/// them all. Every job runs, and none waits; but nothing bounds the jobs
/// at once, or the threads, or the memory their stacks take: a burst of
/// 10,000 jobs is 10,000 threads. Bound exceeded. (As "a thread per
/// task", it is also the baseline a pool is measured against.)
#[derive(Debug)]
pub struct ThreadPerJob {
    /// Each returns whether its job panicked.
    threads: Mutex<Vec<thread::JoinHandle<bool>>>,
}

impl Execute for ThreadPerJob {
    fn new(workers: usize, capacity: usize) -> Self {
        assert!(workers > 0, "a pool needs at least one worker");
        assert!(capacity > 0, "a queue needs room for at least one job");
        ThreadPerJob {
            threads: Mutex::new(Vec::new()),
        }
    }

    fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        let thread = thread::spawn(move || catch_unwind(AssertUnwindSafe(job)).is_err());
        self.threads.lock().push(thread);
    }
}

impl ThreadPool for ThreadPerJob {
    fn join(self) -> usize {
        self.join_threads()
    }
}

impl Drop for ThreadPerJob {
    fn drop(&mut self) {
        self.join_threads();
    }
}

impl ThreadPerJob {
    /// Joins every thread started so far; returns how many jobs panicked.
    fn join_threads(&self) -> usize {
        let threads = std::mem::take(&mut *self.threads.lock());
        threads
            .into_iter()
            .map(|thread| usize::from(thread.join().unwrap_or(true)))
            .sum()
    }
}
