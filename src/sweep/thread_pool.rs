//! The thread pool's sweep: small jobs run per second against workers,
//! for the thread-pool exercise's pool (step 3), rayon's `spawn` on a
//! rayon pool of as many threads, and a new thread for every job, beside
//! one thread running the same jobs one after another with no pool.
//!
//! A run submits every job from one thread and ends when the last job has
//! run. Making the pool and shutting it down are outside the clock, as a
//! long-lived server's pool would be; a thread per job pays for its thread
//! on every job, which is the point of a pool.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use kit::contention::work;
use thread_pool::ThreadPool;

use super::{Contender, Point, Starter, Sweep};

/// The sweep: tiny jobs and small ones, every way to run them.
pub const SWEEP: Sweep = Sweep {
    exercise: "thread-pool",
    title: "thread pool: small jobs run per second",
    unit: "million jobs/s",
    x_label: "workers",
    log_y: true,
    cpu_bound: true,
    bench_threads: &[1, 2, 4],
    baseline: "Pool",
    versus: Some(("Pool", "rayon spawn")),
    single: Some(SINGLE),
    points,
    extras: &[],
    starter: Starter {
        name: "StarterPool",
        reference: "Pool",
        built: cfg!(feature = "thread-pool-starter"),
        settings: None,
        gap: "a worker that holds the queue's lock while it runs its job (jobs then run one at a time), notify_all where notify_one is enough, or a queue so small that the submitter sleeps on every job",
    },
};

/// The baseline's name: the jobs called in turn on one thread.
pub const SINGLE: &str = "no pool, one thread";

/// A workload: how much work a job does, and how many jobs a run submits.
#[derive(Debug, Clone, Copy)]
struct Workload {
    name: &'static str,
    /// Rounds of `kit::contention::work` in one job.
    rounds: u32,
    jobs: usize,
}

/// The pools' queue capacity: enough that the submitter rarely waits.
const CAPACITY: usize = 256;

/// "tiny": about a hundred nanoseconds of work a job, less than a hand-off
/// between threads costs, so the pool's own cost is all there is to see.
/// "small": about five microseconds, where a pool should scale with its
/// workers and a thread per job still pays more for the thread than for
/// the job.
const WORKLOADS: [Workload; 2] = [
    Workload {
        name: "tiny",
        rounds: 64,
        jobs: if cfg!(debug_assertions) {
            1 << 8
        } else {
            1 << 14
        },
    },
    Workload {
        name: "small",
        rounds: 4096,
        jobs: if cfg!(debug_assertions) {
            1 << 6
        } else {
            1 << 12
        },
    },
];

fn points(workers: &[usize]) -> Box<dyn Iterator<Item = Point>> {
    let workers = workers.to_vec();
    Box::new(
        WORKLOADS
            .into_iter()
            .flat_map(move |w| workers.clone().into_iter().map(move |n| point(w, n))),
    )
}

fn point(workload: Workload, workers: usize) -> Point {
    let mut contenders = vec![
        pool::<thread_pool::Pool>("Pool", workload, workers),
        Contender::new("rayon spawn", move || rayon_spawn(workload, workers)),
        Contender::new("thread per job", move || thread_per_job(workload)),
        #[cfg(feature = "thread-pool-starter")]
        pool::<thread_pool::starter::StarterPool>("StarterPool", workload, workers),
    ];
    if workers == 1 {
        contenders.push(Contender::new(SINGLE, move || alone(workload)));
    }
    Point {
        exercise: "thread-pool",
        workload: workload.name,
        threads: workers,
        ops: workload.jobs as u64,
        contenders,
    }
}

/// Jobs still to run, and the thread to wake when the last has run.
struct Countdown {
    left: AtomicUsize,
    waiter: Thread,
}

impl Countdown {
    fn new(jobs: usize) -> Arc<Self> {
        Arc::new(Countdown {
            left: AtomicUsize::new(jobs),
            waiter: thread::current(),
        })
    }

    /// A job's work, then its tick.
    fn job(self: &Arc<Self>, rounds: u32, seed: u64) -> impl FnOnce() + Send + 'static {
        let countdown = Arc::clone(self);
        move || {
            std::hint::black_box(work(rounds, seed));
            if countdown.left.fetch_sub(1, Ordering::AcqRel) == 1 {
                countdown.waiter.unpark();
            }
        }
    }

    /// Sleeps until every job has run. `park` may return early, so check.
    fn wait(&self) {
        while self.left.load(Ordering::Acquire) > 0 {
            thread::park();
        }
    }
}

/// A pool of the exercise's kind: made before the clock, every job
/// submitted and run on the clock, shut down after it.
fn pool<P: ThreadPool + 'static>(
    name: &'static str,
    workload: Workload,
    workers: usize,
) -> Contender {
    Contender::new(name, move || {
        let pool = P::new(workers, CAPACITY);
        let countdown = Countdown::new(workload.jobs);
        let started = Instant::now();
        for seed in 0..workload.jobs as u64 {
            pool.execute(countdown.job(workload.rounds, seed));
        }
        countdown.wait();
        let took = started.elapsed();
        let panicked = pool.join();
        assert_eq!(panicked, 0, "{name}: {panicked} jobs panicked");
        took
    })
}

/// rayon's `spawn` on a pool of `workers` threads: fire and forget, as
/// our `execute` is. From outside the pool a job goes to rayon's shared
/// injector queue, which is unbounded: a submitter never waits.
fn rayon_spawn(workload: Workload, workers: usize) -> Duration {
    // Dropping a rayon pool only tells its threads to end. Wait for each to
    // say it has, after the clock, so that none is still running into the
    // next contender's run.
    let (ended, exits) = std::sync::mpsc::channel();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .exit_handler(move |_| {
            let _ = ended.send(());
        })
        .build()
        .expect("rayon makes its threads");
    let countdown = Countdown::new(workload.jobs);
    let started = Instant::now();
    for seed in 0..workload.jobs as u64 {
        pool.spawn(countdown.job(workload.rounds, seed));
    }
    countdown.wait();
    let took = started.elapsed();
    drop(pool);
    for _ in 0..workers {
        exits.recv().expect("every rayon thread says it has ended");
    }
    took
}

/// A new thread for every job, all joined at the end: no pool at all.
/// The same at every worker count: nothing bounds the threads.
fn thread_per_job(workload: Workload) -> Duration {
    let countdown = Countdown::new(workload.jobs);
    let started = Instant::now();
    let threads: Vec<_> = (0..workload.jobs as u64)
        .map(|seed| thread::spawn(countdown.job(workload.rounds, seed)))
        .collect();
    for thread in threads {
        thread.join().expect("a job does not panic");
    }
    started.elapsed()
}

/// The baseline: every job called in turn on one thread.
fn alone(workload: Workload) -> Duration {
    let seeds: Vec<u64> = (0..workload.jobs as u64).collect();
    kit::contention::run_alone((), &seeds, |(), &seed| {
        std::hint::black_box(work(workload.rounds, seed));
    })
    .0
}
