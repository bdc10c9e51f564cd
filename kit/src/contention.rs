//! The timed multi-thread loop that every contention benchmark shares.
//!
//! One *run* is: all threads wait at a start line, are released together, and
//! each applies its own pre-generated operations to the shared value once. The
//! run's time is from the release to the moment the last thread is done, so it
//! includes the slowest thread, as a user waiting for the whole batch would.
//! Operations are generated before the clock starts: a benchmark of a map
//! must not time a random number generator.
//!
//! The criterion benches call [`run_once`] from `iter_custom`; `concur bench`
//! calls it in a loop for a fixed time. Both build a fresh shared value for
//! every run, as bustle does, so one run's growth or garbage does not leak
//! into the next.

use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

/// Applies `per_thread[i]` to `shared` on thread `i`, all threads at once,
/// and returns the time from the first thread's start to the last thread's
/// end.
///
/// Each worker reads the clock itself. The calling thread cannot: once the
/// workers are released, it may not get a core back until one of them is
/// done (two workers on a two-core machine), and a clock read that late
/// makes a run look faster than it was.
pub fn run_once<T, O, F>(shared: &T, per_thread: &[Vec<O>], apply: F) -> Duration
where
    T: Sync + ?Sized,
    O: Sync,
    F: Fn(&T, &O) + Sync,
{
    run_with_state(shared, per_thread, || (), |shared, op, _| apply(shared, op)).0
}

/// [`run_once`], with a piece of state per thread (a latency histogram,
/// say) that `apply` may update and that comes back with the time.
pub fn run_with_state<T, O, S, F>(
    shared: &T,
    per_thread: &[Vec<O>],
    state: impl Fn() -> S + Sync,
    apply: F,
) -> (Duration, Vec<S>)
where
    T: Sync + ?Sized,
    O: Sync,
    S: Send,
    F: Fn(&T, &O, &mut S) + Sync,
{
    let start_line = Barrier::new(per_thread.len());
    let ends: Vec<(Instant, Instant, S)> = thread::scope(|scope| {
        let workers: Vec<_> = per_thread
            .iter()
            .map(|ops| {
                let (start_line, apply, state) = (&start_line, &apply, &state);
                scope.spawn(move || {
                    let mut mine = state();
                    start_line.wait();
                    let started = Instant::now();
                    for op in ops {
                        apply(shared, op, &mut mine);
                    }
                    (started, Instant::now(), mine)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let first_start = ends.iter().map(|end| end.0).min();
    let last_end = ends.iter().map(|end| end.1).max();
    let took = match (first_start, last_end) {
        (Some(start), Some(end)) => end.duration_since(start),
        _ => Duration::ZERO,
    };
    (took, ends.into_iter().map(|end| end.2).collect())
}

/// The single-threaded baseline of a run: `state`, built by the calling
/// thread as the shared values of [`run_once`] are, moves to one worker,
/// which applies `ops` to it through `&mut`, with no synchronisation at
/// all. Returns the time and the state.
///
/// A parallel design is worth its locks only if it beats this: McSherry,
/// Isard and Murray's COST ("Scalability! But at what COST?", HotOS 2015)
/// is the number of threads it needs to.
pub fn run_alone<S, O, F>(state: S, ops: &[O], apply: F) -> (Duration, S)
where
    S: Send,
    O: Sync,
    F: Fn(&mut S, &O) + Send,
{
    thread::scope(|scope| {
        scope
            .spawn(move || {
                let mut state = state;
                let started = Instant::now();
                for op in ops {
                    apply(&mut state, op);
                }
                (started.elapsed(), state)
            })
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// The median of some measurements (the mean of the middle two for an even
/// count). Medians, not means: one descheduled run should not move a figure.
pub fn median(values: &mut [f64]) -> f64 {
    assert!(!values.is_empty(), "the median of nothing");
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// This machine's scaling ceiling: throughput of `threads` threads doing
/// independent CPU-bound work (no shared data at all), divided by one
/// thread's. No lock-based structure can beat it, so speed-ups are reported
/// against it. On a 2-core cloud VM it is often well below 2.
pub fn scaling_ceiling(threads: usize, rounds: usize) -> f64 {
    let work = |_: &(), seed: &u64| {
        std::hint::black_box(busy_work(*seed));
    };
    let mut ratios: Vec<f64> = (0..rounds.max(1))
        .map(|_| {
            let one = run_once(&(), &[vec![1u64; 24]], work);
            let many: Vec<Vec<u64>> = (0..threads).map(|t| vec![t as u64; 24]).collect();
            let all = run_once(&(), &many, work);
            threads as f64 * one.as_secs_f64() / all.as_secs_f64()
        })
        .collect();
    median(&mut ratios)
}

/// Below this scaling ceiling, a machine is busy: two threads of
/// independent work reach 1.8 to 2.0 times one on a quiet one.
pub const BUSY_BELOW: f64 = 1.6;

/// A warning for a measured ceiling that shows a busy machine, if it does.
pub fn busy_warning(ceiling: f64) -> Option<String> {
    (ceiling < BUSY_BELOW).then(|| {
        format!(
            "warning: the scaling ceiling was {ceiling:.2}x, where a quiet machine gives 1.8x to \
             2.0x: something else is using the CPU, so the figures above 1 thread are not to \
             be trusted now. Close other programs (builds, browsers) and run it again."
        )
    })
}

/// How long a cache line takes to move from one core to the other: two
/// threads hand one atomic back and forth, each waiting for the other's
/// write. Returns `samples` one-way times in nanoseconds, each the mean of
/// 20,000 hand-offs, taken 50 ms apart.
///
/// Every lock a thread takes, and every counter it bumps, is such a
/// hand-off when the other core used it last. On a cloud VM the host may
/// move the two virtual cores between neighbouring and distant physical
/// ones from one moment to the next, and this time with them (we have seen
/// 50 ns and 250 ns in the same second): a design that moves a line on
/// every operation is fast or slow with it, one that moves none is not.
pub fn line_handoff_ns(samples: usize) -> Vec<f64> {
    use std::sync::atomic::{AtomicU64, Ordering};
    const ROUNDS: u64 = 10_000;
    // Alone on its line: nothing else the threads touch moves with it.
    #[repr(align(128))]
    struct Line(AtomicU64);
    let line = Line(AtomicU64::new(0));
    let line = &line.0;
    // Waits for the other thread's turn; yields now and then, so that on
    // one free core the two threads still take turns and finish.
    let wait_for = |turn: u64| {
        let mut spins = 0u32;
        while line.load(Ordering::Acquire) != turn {
            spins += 1;
            if spins.is_multiple_of(1024) {
                thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
    };
    (0..samples)
        .map(|sample| {
            if sample > 0 {
                thread::sleep(Duration::from_millis(50));
            }
            line.store(0, Ordering::SeqCst);
            let per_thread = [vec![0u64], vec![1u64]];
            let took = run_once(&(), &per_thread, |_, &me| {
                for round in 0..ROUNDS {
                    wait_for(2 * round + me);
                    line.store(2 * round + me + 1, Ordering::Release);
                }
            });
            took.as_nanos() as f64 / (2 * ROUNDS) as f64
        })
        .collect()
}

/// `rounds` rounds of a small hash that the optimiser cannot remove: the
/// stand-in for a critical section's or a job's own work in a sweep. A
/// round is a few nanoseconds.
pub fn work(rounds: u32, seed: u64) -> u64 {
    let mut x = seed;
    for _ in 0..rounds {
        x = std::hint::black_box(x.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17));
    }
    x
}

/// A millisecond or two of arithmetic that stays in registers.
fn busy_work(seed: u64) -> u64 {
    let mut x = seed | 1;
    for _ in 0..1_000_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn every_thread_applies_every_op() {
        let sum = AtomicU64::new(0);
        let ops: Vec<Vec<u64>> = (0..3).map(|t| vec![t + 1; 100]).collect();
        let took = run_once(&sum, &ops, |s, v| {
            s.fetch_add(*v, Ordering::Relaxed);
        });
        assert_eq!(sum.load(Ordering::Relaxed), 100 * (1 + 2 + 3));
        assert!(took > Duration::ZERO);
    }

    #[test]
    fn line_handoff_finishes_and_is_positive() {
        let samples = line_handoff_ns(2);
        assert_eq!(samples.len(), 2);
        assert!(
            samples.iter().all(|&ns| ns > 0.0 && ns.is_finite()),
            "{samples:?}"
        );
    }

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
    }
}
