//! Stress runs with a watchdog: N threads against one shared value, and a
//! failure, never a hang, when they do not finish.
//!
//! A deadlocked test is the worst kind of failure: `cargo test` sits silent
//! until CI kills it, and the candidate learns nothing. Here every worker is
//! a detached thread, the caller waits with a deadline, and a run that misses
//! it returns [`Failure::Stuck`] with the bug the caller said a hang would
//! mean ("lock-order deadlock", "lost wake-up", ...). The stuck threads are
//! left behind, blocked; the test binary exits when its tests are done.
//!
//! Workers start together behind a barrier, so they really contend instead of
//! running one after another while the next thread is still being spawned.

use std::any::Any;
use std::fmt;
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

/// How to run a stress test.
#[derive(Debug, Clone)]
pub struct Stress {
    /// Worker threads.
    pub threads: usize,
    /// How long the whole run may take before it counts as stuck. Generous:
    /// a correct run finishes in a small fraction of it even on a loaded CI
    /// machine.
    pub deadline: Duration,
    /// What a hang most likely means for this test, shown in the failure.
    pub if_stuck: &'static str,
}

impl Stress {
    pub fn new(threads: usize, if_stuck: &'static str) -> Self {
        Self {
            threads,
            deadline: Duration::from_secs(10),
            if_stuck,
        }
    }

    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Runs `work(&shared, thread_index)` on every thread and waits for all of
    /// them, at most until the deadline.
    pub fn run<T, F>(&self, shared: Arc<T>, work: F) -> Result<Finished, Failure>
    where
        T: Send + Sync + 'static,
        F: Fn(&T, usize) + Send + Sync + 'static,
    {
        assert!(self.threads > 0, "a stress run needs at least one thread");
        let work = Arc::new(work);
        let start_line = Arc::new(Barrier::new(self.threads));
        let (done, finished) = mpsc::channel();
        let started = Instant::now();

        for index in 0..self.threads {
            let (shared, work, start_line, done) = (
                Arc::clone(&shared),
                Arc::clone(&work),
                Arc::clone(&start_line),
                done.clone(),
            );
            thread::Builder::new()
                .name(format!("stress-{index}"))
                .spawn(move || {
                    start_line.wait();
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        work(&shared, index)
                    }));
                    // The receiver is gone only if the run already failed.
                    let _ = done.send((index, outcome.map_err(panic_message)));
                })
                .expect("failed to spawn a stress thread");
        }
        drop(done);

        let mut remaining = self.threads;
        while remaining > 0 {
            let left = self.deadline.saturating_sub(started.elapsed());
            match finished.recv_timeout(left) {
                Ok((_, Ok(()))) => remaining -= 1,
                Ok((thread, Err(message))) => return Err(Failure::Panicked { thread, message }),
                Err(_) => {
                    return Err(Failure::Stuck {
                        finished: self.threads - remaining,
                        threads: self.threads,
                        deadline: self.deadline,
                        likely: self.if_stuck,
                    });
                }
            }
        }
        Ok(Finished {
            elapsed: started.elapsed(),
        })
    }
}

/// A run in which every thread returned.
#[derive(Debug, Clone, Copy)]
pub struct Finished {
    pub elapsed: Duration,
}

/// Why a stress run failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Some threads had not returned by the deadline.
    Stuck {
        finished: usize,
        threads: usize,
        deadline: Duration,
        likely: &'static str,
    },
    /// A worker panicked: a failed assertion inside the work, or a `todo!()`.
    Panicked { thread: usize, message: String },
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Stuck {
                finished,
                threads,
                deadline,
                likely,
            } => write!(
                f,
                "stuck: only {finished} of {threads} threads finished within {deadline:?}; \
                 likely bug: {likely}"
            ),
            Failure::Panicked { thread, message } => {
                write!(f, "thread stress-{thread} panicked: {message}")
            }
        }
    }
}

impl std::error::Error for Failure {}

/// Fails the test with the check's own message, which names the bug class
/// it found: the other half of [`assert_caught`], for implementations that
/// must pass.
#[track_caller]
pub fn assert_passes(check: Result<(), String>) {
    if let Err(message) = check {
        panic!("{message}");
    }
}

/// For a bug zoo's tests: asserts that a check failed, and that its message
/// names `bug_class`, then prints the message as a candidate with that bug
/// would read it (`cargo test --test bugs -- --nocapture` shows it).
pub fn assert_caught(check: Result<(), String>, bug_class: &str) {
    match check {
        Ok(()) => panic!("the suite passed an implementation with a {bug_class} bug"),
        Err(message) => {
            assert!(
                message.contains(bug_class),
                "the suite failed the implementation, but did not name the {bug_class}: {message}"
            );
            eprintln!("caught, as a candidate would see it: {message}");
        }
    }
}

fn panic_message(payload: Box<dyn Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn a_correct_run_finishes() {
        let counter = Arc::new(AtomicUsize::new(0));
        let run = Stress::new(4, "nothing: this cannot hang").run(Arc::clone(&counter), |c, _| {
            for _ in 0..1000 {
                c.fetch_add(1, Ordering::Relaxed);
            }
        });
        assert!(run.is_ok(), "{run:?}");
        assert_eq!(counter.load(Ordering::Relaxed), 4000);
    }

    /// Two threads take two locks in opposite orders, and a barrier between
    /// the two acquisitions guarantees each holds the lock the other wants.
    #[test]
    fn the_watchdog_fires_on_a_deadlock() {
        let locks = Arc::new((Mutex::new(()), Mutex::new(()), Barrier::new(2)));
        let stress = Stress::new(2, "lock-order deadlock").deadline(Duration::from_millis(300));
        let started = Instant::now();
        let run = stress.run(locks, |(a, b, both_hold_one), index| {
            let (first, second) = if index == 0 { (a, b) } else { (b, a) };
            let _held = first.lock().unwrap();
            both_hold_one.wait();
            let _never = second.lock().unwrap();
        });
        let failure = run.expect_err("a deadlock must not pass");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(matches!(failure, Failure::Stuck { finished: 0, .. }));
        assert!(
            failure.to_string().contains("lock-order deadlock"),
            "{failure}"
        );
    }

    #[test]
    fn a_panic_in_a_worker_is_reported() {
        let run = Stress::new(2, "n/a").run(Arc::new(()), |_, index| {
            assert!(index != 1, "thread one disagrees");
        });
        match run {
            Err(Failure::Panicked { thread: 1, message }) => {
                assert!(message.contains("thread one disagrees"))
            }
            other => panic!("expected a panic report, got {other:?}"),
        }
    }
}
