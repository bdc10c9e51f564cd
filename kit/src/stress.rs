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
//!
//! Every check of a suite runs under a watchdog too ([`assert_passes`]), even
//! a one-thread check: a lock taken twice by one thread hangs as surely as two
//! threads taking two locks in opposite orders. When a run is stuck, the
//! watchdog looks at what the stuck threads are doing (on Linux, from
//! `/proc`): blocked (waiting on a lock or a signal) or still running (a spin
//! that never ends). That tells a self-deadlock from an endless loop.

use std::any::Any;
use std::fmt;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::bugs::{self, BugClass};

/// How to run a stress test.
#[derive(Debug, Clone)]
pub struct Stress {
    /// Worker threads.
    pub threads: usize,
    /// How long the whole run may take before it counts as stuck. Generous:
    /// a correct run finishes in a small fraction of it even on a loaded CI
    /// machine.
    pub deadline: Duration,
    /// What a hang most likely means for this test, and what to look at,
    /// shown in the failure.
    pub if_stuck: (BugClass, &'static str),
}

impl Stress {
    /// `threads` workers; a hang is reported as `class`, with `hint`.
    pub fn new(threads: usize, class: BugClass, hint: &'static str) -> Self {
        Self {
            threads,
            deadline: Duration::from_secs(10),
            if_stuck: (class, hint),
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
        let tids = Arc::new(Mutex::new(vec![None; self.threads]));
        // Workers carry the check's name, so that a crash in one is put on
        // the right check.
        let owner = thread::current()
            .name()
            .unwrap_or("check")
            .trim_end_matches(" (check)")
            .to_string();

        for index in 0..self.threads {
            let (shared, work, start_line, done, tids) = (
                Arc::clone(&shared),
                Arc::clone(&work),
                Arc::clone(&start_line),
                done.clone(),
                Arc::clone(&tids),
            );
            thread::Builder::new()
                .name(format!("{} stress-{index}", owner))
                .spawn(move || {
                    lock(&tids)[index] = os_thread_id();
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

        let mut running = vec![true; self.threads];
        let mut remaining = self.threads;
        while remaining > 0 {
            let left = self.deadline.saturating_sub(started.elapsed());
            match finished.recv_timeout(left) {
                Ok((index, Ok(()))) => {
                    running[index] = false;
                    remaining -= 1;
                }
                Ok((thread, Err(message))) => return Err(Failure::Panicked { thread, message }),
                Err(_) => {
                    let stuck: Vec<u32> = lock(&tids)
                        .iter()
                        .zip(&running)
                        .filter(|(_, running)| **running)
                        .filter_map(|(tid, _)| *tid)
                        .collect();
                    return Err(Failure::Stuck {
                        finished: self.threads - remaining,
                        threads: self.threads,
                        deadline: self.deadline,
                        likely: self.if_stuck,
                        activity: activity(&stuck),
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
        likely: (BugClass, &'static str),
        /// What the stuck threads were doing, where the system tells.
        activity: Option<Activity>,
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
                activity,
            } => {
                write!(
                    f,
                    "stuck: only {finished} of {threads} threads finished within {}",
                    seconds(*deadline)
                )?;
                if let Some(activity) = activity {
                    write!(f, ", and the stuck ones are {activity}")?;
                }
                write!(f, ". Likely bug: {}: {}", likely.0, likely.1)
            }
            Failure::Panicked { thread, message } => {
                write!(f, "thread stress-{thread} panicked: {message}")
            }
        }
    }
}

impl std::error::Error for Failure {}

/// How long one check of a suite may take in all before the outer watchdog
/// calls it stuck. A last resort: the runs inside a check have deadlines of
/// their own, which fire first with a more specific name; this one only has
/// to stay above what a correct but slow implementation needs for a whole
/// check (dozens of runs, in a debug build, on a loaded 2-core machine).
pub const CHECK_DEADLINE: Duration = Duration::from_secs(120);

/// What a hang means when nothing more specific is known: threads waiting
/// for each other, or for a wake-up that never comes.
pub const HANG: (BugClass, &str) = (
    bugs::DEADLOCK,
    "threads wait for each other, or for a wake-up that never comes (a lock never released, \
     a channel never closed, a condition no thread will make true)",
);

/// What a hang of one thread doing the work itself means: it waits for
/// itself.
pub const ONE_THREAD_HANG: (BugClass, &str) = (
    bugs::SELF_DEADLOCK,
    "one thread waits for a lock it already holds (the locks here are not reentrant: does \
     one method lock the same shard twice, or call another that locks it again?)",
);

/// Runs one check of a suite on a thread of its own, under a watchdog, and
/// fails the test with the check's own message (which names the bug class
/// it found). A check that does not return within [`CHECK_DEADLINE`] fails
/// as a deadlock, or as an endless loop if its thread is still running.
///
/// Under `concur check` (`CONCUR_RESULTS_DIR` set) the outcome is also
/// written to a file named after the test, so that a run stopped early
/// still reports what finished.
#[track_caller]
pub fn assert_passes<F>(check: F)
where
    F: FnOnce() -> Result<(), String> + Send + 'static,
{
    let outcome = watch(CHECK_DEADLINE, HANG, check);
    record_outcome(&outcome);
    if let Err(message) = outcome {
        panic!("{message}");
    }
}

/// Runs `check` on a detached thread and waits at most `deadline`. A panic
/// inside becomes an `Err` naming it. A check still running at the deadline
/// is left behind and reported as `if_blocked` (a class and what it likely
/// means) if its thread uses no CPU, as an endless loop if it does.
pub fn watch<F>(
    deadline: Duration,
    if_blocked: (BugClass, &'static str),
    check: F,
) -> Result<(), String>
where
    F: FnOnce() -> Result<(), String> + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let tid = Arc::new(Mutex::new(None));
    let shared = Arc::clone(&tid);
    thread::Builder::new()
        .name(
            thread::current()
                .name()
                .map_or("check".to_string(), |name| format!("{name} (check)")),
        )
        .spawn(move || {
            *lock(&shared) = os_thread_id();
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(check));
            let _ = tx.send(outcome.map_err(panic_message));
        })
        .expect("failed to spawn a check thread");
    match rx.recv_timeout(deadline) {
        Ok(Ok(result)) => result,
        Ok(Err(message)) => Err(bugs::named(&message)),
        Err(_) => {
            let activity = lock(&tid).and_then(|tid| activity(&[tid]));
            let (class, why) = match activity {
                Some(Activity::Running) => (
                    bugs::ENDLESS_LOOP,
                    "its thread is still running: a loop or spin that never ends \
                     (waiting for a flag nobody sets?)",
                ),
                Some(Activity::Blocked) => if_blocked,
                // The thread ended just now, or the system does not say.
                None => HANG,
            };
            Err(class.says(format!(
                "the check did not finish within {}; {why}",
                seconds(deadline)
            )))
        }
    }
}

/// For a bug zoo's tests: asserts that a check failed, and that its message
/// names `class`, then prints the message as a candidate with that bug would
/// read it (`cargo test --test bugs -- --nocapture` shows it). The check
/// runs under the same watchdog as in the suite.
#[track_caller]
pub fn assert_caught<F>(class: BugClass, check: F)
where
    F: FnOnce() -> Result<(), String> + Send + 'static,
{
    match watch(CHECK_DEADLINE, HANG, check) {
        Ok(()) => panic!("the suite passed an implementation with a {class} bug"),
        Err(message) => {
            assert_eq!(
                bugs::classify(&message),
                Some(class),
                "the suite failed the implementation, but did not name the {class}: {message}"
            );
            eprintln!("caught, as a candidate would see it: {message}");
        }
    }
}

/// Sets a flag when dropped: a worker that others wait on (`while
/// !done.load(..)`) holds one, so that its end, by a return or by a panic,
/// releases them. Without it, a writer's `todo!()` leaves its readers
/// spinning for the rest of the test binary, taking the cores the next
/// checks need.
#[derive(Debug)]
pub struct Finish<'a>(&'a std::sync::atomic::AtomicBool);

impl<'a> Finish<'a> {
    pub fn new(flag: &'a std::sync::atomic::AtomicBool) -> Self {
        Finish(flag)
    }
}

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Where `concur check` collects outcomes, if it is listening.
const RESULTS_DIR: &str = "CONCUR_RESULTS_DIR";

/// Writes this test's outcome for `concur check`: a file named after the
/// test (libtest names each test's thread after it), `ok` or `failed` on the
/// first line, the message after.
fn record_outcome(outcome: &Result<(), String>) {
    let Some(dir) = std::env::var_os(RESULTS_DIR).map(PathBuf::from) else {
        return;
    };
    let name = thread::current()
        .name()
        .unwrap_or("unnamed")
        .replace("::", "__");
    let text = match outcome {
        Ok(()) => "ok\n".to_string(),
        Err(message) => format!("failed\n{message}\n"),
    };
    // Best effort: the panic below still reports a failure to libtest.
    let _ = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(dir.join(format!("{name}.result")), text));
}

/// What stuck threads are doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// Using no CPU: waiting on a lock, a condition variable, a channel.
    Blocked,
    /// Using CPU: spinning, yielding, looping.
    Running,
}

impl fmt::Display for Activity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Activity::Blocked => "blocked (waiting, using no CPU)",
            Activity::Running => "still running (using CPU: spinning or looping)",
        })
    }
}

/// The calling thread's id in the kernel, where `/proc` shows it (Linux).
fn os_thread_id() -> Option<u32> {
    std::fs::read_link("/proc/thread-self")
        .ok()?
        .file_name()?
        .to_str()?
        .parse()
        .ok()
}

/// The CPU time the calling thread has used so far, from `/proc` (in
/// steps of a clock tick, 10 ms); `None` where the system does not say.
/// A check reads it before and after a call that should block, to tell a
/// thread that sleeps from one that spins.
pub fn thread_cpu_time() -> Option<Duration> {
    // USER_HZ, the unit of `/proc`'s CPU times, is 100 on every Linux
    // architecture Rust builds for.
    Some(Duration::from_millis(10) * u32::try_from(cpu_ticks(os_thread_id()?)?).ok()?)
}

/// CPU time a thread has used, in clock ticks, from `/proc`.
fn cpu_ticks(tid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
    // The fields after the command name, which is in parentheses and may
    // hold spaces: state is the first, utime the 12th, stime the 13th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// Whether any of `tids` uses CPU over a short window; `None` where the
/// system does not say.
fn activity(tids: &[u32]) -> Option<Activity> {
    let before: Vec<u64> = tids.iter().map(|&t| cpu_ticks(t)).collect::<Option<_>>()?;
    if before.is_empty() {
        return None;
    }
    thread::sleep(Duration::from_millis(300));
    let after: Vec<u64> = tids.iter().map(|&t| cpu_ticks(t)).collect::<Option<_>>()?;
    // A clock tick is 10 ms; a spinning thread gets tens in 300 ms even on
    // a busy machine, a blocked one none.
    let used = after.iter().zip(&before).map(|(a, b)| a - b).max()?;
    Some(if used >= 3 {
        Activity::Running
    } else {
        Activity::Blocked
    })
}

fn seconds(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub fn panic_message(payload: Box<dyn Any + Send>) -> String {
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
        let run = Stress::new(4, bugs::DEADLOCK, "nothing: this cannot hang").run(
            Arc::clone(&counter),
            |c, _| {
                for _ in 0..1000 {
                    c.fetch_add(1, Ordering::Relaxed);
                }
            },
        );
        assert!(run.is_ok(), "{run:?}");
        assert_eq!(counter.load(Ordering::Relaxed), 4000);
    }

    /// A flag a thread sets when it is done, or dropped (a panic): loops of
    /// other threads that wait on the flag end either way.
    #[test]
    fn finish_sets_its_flag_on_a_panic_too() {
        let flag = std::sync::atomic::AtomicBool::new(false);
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _done = Finish::new(&flag);
            panic!("a worker fails");
        }));
        assert!(flag.load(Ordering::SeqCst));
    }

    /// Two threads take two locks in opposite orders, and a barrier between
    /// the two acquisitions guarantees each holds the lock the other wants.
    #[test]
    fn the_watchdog_fires_on_a_deadlock() {
        let locks = Arc::new((Mutex::new(()), Mutex::new(()), Barrier::new(2)));
        let stress = Stress::new(2, bugs::LOCK_ORDER_DEADLOCK, "opposite orders")
            .deadline(Duration::from_millis(300));
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
        let run = Stress::new(2, bugs::DEADLOCK, "n/a").run(Arc::new(()), |_, index| {
            assert!(index != 1, "thread one disagrees");
        });
        match run {
            Err(Failure::Panicked { thread: 1, message }) => {
                assert!(message.contains("thread one disagrees"))
            }
            other => panic!("expected a panic report, got {other:?}"),
        }
    }

    #[test]
    fn the_watchdog_names_a_lock_taken_twice_by_one_thread() {
        let started = Instant::now();
        let outcome = watch(Duration::from_millis(300), ONE_THREAD_HANG, || {
            let lock = parking_lot::Mutex::new(0);
            let _first = lock.lock();
            let _again = lock.lock();
            Ok(())
        });
        let message = outcome.expect_err("a self-deadlock must not pass");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(
            bugs::classify(&message),
            Some(bugs::SELF_DEADLOCK),
            "{message}"
        );
    }

    #[test]
    fn the_watchdog_tells_a_spin_from_a_block() {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let spinning = Arc::clone(&stop);
        let outcome = watch(Duration::from_millis(300), HANG, move || {
            while !spinning.load(Ordering::Relaxed) {
                std::hint::spin_loop();
            }
            Ok(())
        });
        // Let the spinner go, so it does not burn a core for the other tests.
        stop.store(true, Ordering::Relaxed);
        let message = outcome.expect_err("an endless loop must not pass");
        if os_thread_id().is_some() {
            assert_eq!(
                bugs::classify(&message),
                Some(bugs::ENDLESS_LOOP),
                "{message}"
            );
        }
    }

    #[test]
    fn a_panic_in_a_check_is_named() {
        let todo = watch(Duration::from_secs(5), HANG, || todo!("StarterMap::insert"));
        assert_eq!(
            bugs::classify(&todo.unwrap_err()),
            Some(bugs::NOT_IMPLEMENTED)
        );
        let other = watch(Duration::from_secs(5), HANG, || {
            let v: Vec<u8> = Vec::new();
            let _ = std::hint::black_box(&v)[3];
            Ok(())
        });
        let message = other.unwrap_err();
        assert!(message.starts_with("unexpected panic: "), "{message}");
    }
}
