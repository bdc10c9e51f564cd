//! Loom models: every interleaving of two workers, a queue of one and the
//! thread that submits and shuts down, up to the preemption bound, for
//! steps 2 and 3; and the zoo's shutdown mistakes, which loom finds where
//! a stress test may not.
//!
//! Step 1 is not modelled: its workers never end, and loom calls a model
//! whose threads are still blocked when the model's main thread returns a
//! deadlock. Step 2 is step 1 with an end, so its models check step 1's
//! queue too.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p thread-pool --test loom --release`
//! and your pool with `concur check thread-pool --loom`.
#![cfg(loom)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use kit::sync::{Arc, AtomicUsize, Ordering};
use thread_pool::buggy::{ExitOnShutdown, FlagOutsideLock, JoinBeforeSignal, NotifyOneOnShutdown};
use thread_pool::{JoiningPool, Pool, ThreadPool};

/// The models' assertions, each in its bug class's words, as
/// `concur check thread-pool --loom` shows them.
const LOST: &str = "premature termination: a job submitted before the shutdown had not run \
     when it returned, in an interleaving loom found";
const MISCOUNTED: &str = "wrong answer: `join` miscounted the jobs that panicked";

/// Jobs in `runs_every_job`.
const JOBS: usize = 3;

/// How the model ends the pool.
#[derive(Clone, Copy)]
enum Ending {
    Join,
    Drop,
}

/// Two workers, a queue of one, three jobs (so an `execute` may wait for
/// room), then `join` or a drop: in every interleaving every job runs
/// before the shutdown returns, `join` counts no panic, and nothing
/// deadlocks. The jobs count with `Relaxed`: only the shutdown's joins
/// order their counts before the main thread's load.
fn runs_every_job<P: ThreadPool + 'static>(ending: Ending) {
    loom::model(move || {
        let pool = P::new(2, 1);
        let done = Arc::new(AtomicUsize::new(0));
        for _ in 0..JOBS {
            let done = Arc::clone(&done);
            pool.execute(move || {
                done.fetch_add(1, Ordering::Relaxed);
            });
        }
        match ending {
            Ending::Join => assert_eq!(pool.join(), 0, "{MISCOUNTED}"),
            Ending::Drop => drop(pool),
        }
        assert_eq!(done.load(Ordering::Relaxed), JOBS, "{LOST}");
    });
}

/// An idle pool of two workers is shut down: in every interleaving (the
/// workers asleep already, or not yet) both leave, and `join` returns.
fn an_idle_pool_ends<P: ThreadPool + 'static>() {
    loom::model(|| {
        let pool = P::new(2, 1);
        assert_eq!(pool.join(), 0, "{MISCOUNTED}");
    });
}

/// Keeps the panics the models cause on purpose out of the output.
fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let on_purpose = info
                .payload()
                .downcast_ref::<&str>()
                .is_some_and(|said| said.contains("on purpose"));
            if !on_purpose {
                default(info);
            }
        }));
    });
}

/// Two workers, a queue of one; a job that panics, then one that counts:
/// in every interleaving the second job runs, and `join` counts one panic.
fn counts_a_panicking_job<P: ThreadPool + 'static>() {
    quiet_panics();
    loom::model(|| {
        let pool = P::new(2, 1);
        let done = Arc::new(AtomicUsize::new(0));
        pool.execute(|| panic!("a job panics on purpose"));
        let counted = Arc::clone(&done);
        pool.execute(move || {
            counted.fetch_add(1, Ordering::Relaxed);
        });
        assert_eq!(pool.join(), 1, "{MISCOUNTED}");
        assert_eq!(done.load(Ordering::Relaxed), 1, "{LOST}");
    });
}

#[test]
fn step2_shutdown_join_runs_every_job() {
    runs_every_job::<JoiningPool>(Ending::Join);
}

#[test]
fn step2_shutdown_drop_runs_every_job() {
    runs_every_job::<JoiningPool>(Ending::Drop);
}

#[test]
fn step2_shutdown_an_idle_pool_ends() {
    an_idle_pool_ends::<JoiningPool>();
}

#[test]
fn step3_panic_join_runs_every_job() {
    runs_every_job::<Pool>(Ending::Join);
}

#[test]
fn step3_panic_drop_runs_every_job() {
    runs_every_job::<Pool>(Ending::Drop);
}

#[test]
fn step3_panic_an_idle_pool_ends() {
    an_idle_pool_ends::<Pool>();
}

#[test]
fn step3_panic_counts_a_panicking_job() {
    counts_a_panicking_job::<Pool>();
}

/// Loom finds the jobs left behind: a worker that checks the flag before
/// the queue leaves with the second job still queued.
#[test]
fn loom_finds_the_jobs_left_behind() {
    let found = catch_unwind(AssertUnwindSafe(|| {
        runs_every_job::<ExitOnShutdown>(Ending::Join)
    }))
    .expect_err("loom should find ExitOnShutdown's lost job");
    let said = found.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        said.contains(LOST),
        "loom failed it for another reason: {said}"
    );
}

/// Loom finds the workers nobody wakes as deadlocks: an interleaving in
/// which a worker sleeps and no notify will reach it, so `join` waits for
/// ever. It reports a deadlock by panicking while its threads unwind, which
/// aborts the process, so each model runs in a child process of this test
/// binary, and the test reads loom's verdict from the child's output.
#[test]
fn loom_finds_the_workers_nobody_wakes() {
    for zoo in ["FlagOutsideLock", "NotifyOneOnShutdown", "JoinBeforeSignal"] {
        if let Err(said) = kit::child::expect_deadlock("zoo_model_in_a_child", zoo) {
            panic!(
                "loom should find {zoo}'s sleeping worker as a deadlock; the child said:\n{said}"
            );
        }
    }
}

/// The child's side of `loom_finds_the_workers_nobody_wakes`; run
/// directly, with no model named, it does nothing.
#[test]
fn zoo_model_in_a_child() {
    match kit::child::requested().as_deref() {
        Some("FlagOutsideLock") => an_idle_pool_ends::<FlagOutsideLock>(),
        Some("NotifyOneOnShutdown") => an_idle_pool_ends::<NotifyOneOnShutdown>(),
        Some("JoinBeforeSignal") => an_idle_pool_ends::<JoinBeforeSignal>(),
        _ => {}
    }
}

/// Your pool in the same models: `concur check thread-pool --loom`. Each
/// runs in a child process, because a worker nobody wakes is a deadlock,
/// which loom reports by aborting.
#[cfg(feature = "starter")]
#[test]
fn starter_join_runs_every_job() {
    kit::child::assert_passes("a_named_model_in_a_child", "join runs every job");
}

#[cfg(feature = "starter")]
#[test]
fn starter_drop_runs_every_job() {
    kit::child::assert_passes("a_named_model_in_a_child", "drop runs every job");
}

#[cfg(feature = "starter")]
#[test]
fn starter_an_idle_pool_ends() {
    kit::child::assert_passes("a_named_model_in_a_child", "an idle pool ends");
}

#[cfg(feature = "starter")]
#[test]
fn starter_counts_a_panicking_job() {
    kit::child::assert_passes("a_named_model_in_a_child", "counts a panicking job");
}

/// The child's side of the starter's models (its name does not say
/// "starter", so that `concur check` does not run it as a check of its
/// own); run directly, with no model named, it does nothing.
#[cfg(feature = "starter")]
#[test]
fn a_named_model_in_a_child() {
    use thread_pool::starter::StarterPool;
    match kit::child::requested().as_deref() {
        Some("join runs every job") => runs_every_job::<StarterPool>(Ending::Join),
        Some("drop runs every job") => runs_every_job::<StarterPool>(Ending::Drop),
        Some("an idle pool ends") => an_idle_pool_ends::<StarterPool>(),
        Some("counts a panicking job") => counts_a_panicking_job::<StarterPool>(),
        _ => {}
    }
}
