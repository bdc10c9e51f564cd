//! The spin lock's sweep: lock acquisitions per second against threads,
//! for the spin-lock exercise's step 1 (`swap`) and step 3 (test and
//! test-and-set, behind a guard), std's `Mutex` and parking_lot's, beside
//! one thread doing the same work with no lock at all.
//!
//! Every lock guards the same thing the same way: a counter read and
//! written with two separate relaxed operations, which is right only if
//! the lock lets one thread in at a time. A run that ends with a wrong
//! count is reported, not timed.
//!
//! At 4 threads on a 2-core machine, a thread can be descheduled while it
//! holds the lock. A spinning waiter then burns its whole time slice on a
//! lock that cannot come free; a sleeping waiter gives its core to the
//! holder. That is the trap the chart shows.

use std::sync::Arc;

use kit::contention::work;
use kit::sync::{AtomicU64, Ordering};
use spin_lock::{Lock, RawLock, SpinLock, SwapLock};

use super::{Contender, Point, Starter, Sweep};

/// The sweep: a short and a longer critical section, every lock.
pub const SWEEP: Sweep = Sweep {
    exercise: "spin-lock",
    title: "spin lock against mutexes: critical sections per second",
    unit: "million locks/s",
    x_label: "threads",
    log_y: true,
    // Every acquisition is a hand-off between threads: the ceiling of
    // independent work says nothing about it.
    cpu_bound: false,
    bench_threads: &[1, 2, 4],
    baseline: "std Mutex",
    versus: Some(("SpinLock", "std Mutex")),
    single: Some(SINGLE),
    points,
    extras: &[],
    starter: Starter {
        name: "StarterLock",
        reference: "SpinLock",
        built: cfg!(feature = "spin-lock-starter"),
        settings: None,
        gap: "spinning on swap or compare_exchange (every try writes the lock's line, which the holder needs back) instead of on a load, or no spin_loop hint",
    },
};

/// The baseline's name: the same work on one thread, with no lock.
pub const SINGLE: &str = "no lock, one thread";

/// A workload: the work done while holding the lock, and between two
/// acquisitions, in rounds of a small hash.
#[derive(Debug, Clone, Copy)]
struct Workload {
    name: &'static str,
    /// Rounds of work inside the critical section.
    inside: u32,
    /// Rounds of work between releasing the lock and taking it again.
    outside: u32,
    /// Acquisitions in one run, split between the threads.
    locks: usize,
}

/// "short": the counter alone, the lock taken back to back: all
/// contention. "long": about a hundred nanoseconds of work inside and as
/// much outside, so that a holder can be descheduled mid-section.
const WORKLOADS: [Workload; 2] = [
    Workload {
        name: "short",
        inside: 0,
        outside: 0,
        locks: if cfg!(debug_assertions) {
            1 << 12
        } else {
            1 << 20
        },
    },
    Workload {
        name: "long",
        inside: 64,
        outside: 64,
        locks: if cfg!(debug_assertions) {
            1 << 10
        } else {
            1 << 19
        },
    },
];

fn points(threads: &[usize]) -> Box<dyn Iterator<Item = Point>> {
    let threads = threads.to_vec();
    Box::new(
        WORKLOADS
            .into_iter()
            .flat_map(move |w| threads.clone().into_iter().map(move |t| point(w, t))),
    )
}

fn point(workload: Workload, threads: usize) -> Point {
    let per_thread = workload.locks / threads;
    let mut contenders = vec![
        contender::<Swap>("SwapLock (step 1)", workload, threads, per_thread),
        contender::<Guards<SpinLock>>("SpinLock", workload, threads, per_thread),
        contender::<std::sync::Mutex<()>>("std Mutex", workload, threads, per_thread),
        contender::<kit::sync::Mutex<()>>("parking_lot Mutex", workload, threads, per_thread),
        #[cfg(feature = "spin-lock-starter")]
        contender::<Guards<spin_lock::starter::StarterLock>>(
            "StarterLock",
            workload,
            threads,
            per_thread,
        ),
    ];
    if threads == 1 {
        contenders.push(Contender::new(SINGLE, move || alone(workload, per_thread)));
    }
    Point {
        exercise: "spin-lock",
        workload: workload.name,
        threads,
        ops: (per_thread * threads) as u64,
        contenders,
    }
}

/// A lock as the sweep uses it: run a closure while holding it.
trait Guarding: Sync {
    fn new() -> Self;
    fn holding(&self, section: impl FnOnce());
}

/// Step 1 releases by hand.
struct Swap(SwapLock);

impl Guarding for Swap {
    fn new() -> Self {
        Swap(<SwapLock as RawLock>::new())
    }
    fn holding(&self, section: impl FnOnce()) {
        self.0.lock();
        section();
        self.0.unlock();
    }
}

/// Step 3, or your starter: the guard releases.
struct Guards<L>(L);

impl<L: Lock> Guarding for Guards<L> {
    fn new() -> Self {
        Guards(L::new())
    }
    fn holding(&self, section: impl FnOnce()) {
        let _held = self.0.lock();
        section();
    }
}

impl Guarding for std::sync::Mutex<()> {
    fn new() -> Self {
        std::sync::Mutex::new(())
    }
    fn holding(&self, section: impl FnOnce()) {
        // A poisoned lock would mean a panic in a section, which does not
        // happen here; go on rather than stop the bench.
        let _held = self.lock().unwrap_or_else(|p| p.into_inner());
        section();
    }
}

impl Guarding for kit::sync::Mutex<()> {
    fn new() -> Self {
        kit::sync::Mutex::new(())
    }
    fn holding(&self, section: impl FnOnce()) {
        let _held = self.lock();
        section();
    }
}

/// The lock and what it guards, side by side as in a `Mutex<T>`.
struct Guarded<L> {
    lock: L,
    count: AtomicU64,
}

/// The counter's increment, in two steps: correct only under the lock.
fn increment(count: &AtomicU64) {
    let seen = count.load(Ordering::Relaxed);
    count.store(seen + 1, Ordering::Relaxed);
}

/// One lock in the sweep: each run makes a fresh one, and `threads`
/// threads take it `per_thread` times each.
fn contender<L: Guarding + 'static>(
    name: &'static str,
    workload: Workload,
    threads: usize,
    per_thread: usize,
) -> Contender {
    let rounds: Arc<Vec<Vec<()>>> = Arc::new(vec![vec![(); per_thread]; threads]);
    Contender::new(name, move || {
        let guarded = Guarded {
            lock: L::new(),
            count: AtomicU64::new(0),
        };
        let took = kit::contention::run_once(&guarded, &rounds, |guarded, ()| {
            guarded.lock.holding(|| {
                increment(&guarded.count);
                std::hint::black_box(work(workload.inside, 1));
            });
            std::hint::black_box(work(workload.outside, 2));
        });
        let (counted, expected) = (guarded.count.into_inner(), (threads * per_thread) as u64);
        assert_eq!(
            counted, expected,
            "{name} let two threads in at once: {counted} increments counted of {expected}"
        );
        took
    })
}

/// The baseline: the same sections on one thread, no lock, a plain counter.
fn alone(workload: Workload, locks: usize) -> std::time::Duration {
    let rounds = vec![(); locks];
    kit::contention::run_alone(0u64, &rounds, |count, ()| {
        *count += 1;
        std::hint::black_box(work(workload.inside, 1));
        std::hint::black_box(work(workload.outside, 2));
    })
    .0
}
