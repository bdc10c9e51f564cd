//! Loom models: every interleaving of two threads taking the one permit,
//! up to the preemption bound, for each step; and the zoo's two-step take
//! and release outside the lock, which loom finds where a stress test may
//! not.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p semaphore --test loom --release`
//! and your semaphore with `concur check semaphore --loom`.
#![cfg(loom)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use kit::sync::{Arc, AtomicUsize, Ordering, thread};
use semaphore::buggy::{CheckThenTake, NoWakeup, ReleaseOutsideLock};
use semaphore::{CondvarSemaphore, RawCondvarSemaphore, RawSemaphore, Semaphore};

/// The model's assertion, in its bug class's words, as
/// `concur check semaphore --loom` shows it.
const OVER: &str = "bound exceeded: more holders than permits, in an interleaving loom found: \
     checking that a permit is free and taking it must be one critical section";

/// A semaphore as the model uses it: work done while holding a permit.
trait Hold: Send + Sync + 'static {
    fn hold(&self, work: impl FnOnce());
}

struct Raw<S>(S);

impl<S: RawSemaphore + 'static> Hold for Raw<S> {
    fn hold(&self, work: impl FnOnce()) {
        self.0.acquire();
        work();
        self.0.release();
    }
}

struct Permits<S>(S);

impl<S: Semaphore + 'static> Hold for Permits<S> {
    fn hold(&self, work: impl FnOnce()) {
        let permit = self.0.acquire();
        work();
        S::release(permit);
    }
}

/// One permit, two threads that each take it once: never both inside, and
/// nothing deadlocks.
fn one_at_a_time<H: Hold>(make: fn() -> H) {
    loom::model(move || {
        let semaphore = Arc::new(make());
        let inside = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let (semaphore, inside) = (Arc::clone(&semaphore), Arc::clone(&inside));
                thread::spawn(move || {
                    semaphore.hold(|| {
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "{OVER}");
                        inside.fetch_sub(1, Ordering::SeqCst);
                    });
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
    });
}

/// One permit; the main thread and another take it once each, in either
/// order: whichever comes second waits, and the first one's release must
/// wake it, in every interleaving.
fn release_wakes<H: Hold>(make: fn() -> H) {
    loom::model(move || {
        let semaphore = Arc::new(make());
        let other = {
            let semaphore = Arc::clone(&semaphore);
            thread::spawn(move || semaphore.hold(|| ()))
        };
        semaphore.hold(|| ());
        other.join().unwrap();
    });
}

#[test]
fn step1_condvar_one_at_a_time() {
    one_at_a_time(|| Raw(<RawCondvarSemaphore as RawSemaphore>::new(1)));
}

#[test]
fn step1_condvar_release_wakes() {
    release_wakes(|| Raw(<RawCondvarSemaphore as RawSemaphore>::new(1)));
}

#[test]
fn step2_permit_one_at_a_time() {
    one_at_a_time(|| Permits(<CondvarSemaphore as Semaphore>::new(1)));
}

#[test]
fn step2_permit_release_wakes() {
    release_wakes(|| Permits(<CondvarSemaphore as Semaphore>::new(1)));
}

/// Loom finds the two-step take: both threads find the permit free, then
/// both take it.
#[test]
fn loom_finds_the_check_then_take() {
    let found = catch_unwind(AssertUnwindSafe(|| {
        one_at_a_time(|| Permits(<CheckThenTake as Semaphore>::new(1)))
    }))
    .expect_err("loom should find CheckThenTake's two holders");
    let said = found.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        said.contains(OVER),
        "loom failed it for another reason: {said}"
    );
}

/// Loom finds the lost wake-ups as deadlocks: an interleaving in which the
/// waiter sleeps and nobody will wake it. It reports a deadlock by
/// panicking while its threads unwind, which aborts the process, so each
/// model runs in a child process of this test binary, and the test reads
/// loom's verdict from the child's output.
#[test]
fn loom_finds_the_lost_wakeups() {
    for zoo in ["ReleaseOutsideLock", "NoWakeup"] {
        if let Err(said) = kit::child::expect_deadlock("zoo_model_in_a_child", zoo) {
            panic!("loom should find {zoo}'s lost wake-up as a deadlock; the child said:\n{said}");
        }
    }
}

/// The child's side of `loom_finds_the_lost_wakeups`; run directly, with no
/// model named, it does nothing.
#[test]
fn zoo_model_in_a_child() {
    match kit::child::requested().as_deref() {
        Some("ReleaseOutsideLock") => {
            release_wakes(|| Permits(<ReleaseOutsideLock as Semaphore>::new(1)))
        }
        Some("NoWakeup") => release_wakes(|| Permits(<NoWakeup as Semaphore>::new(1))),
        _ => {}
    }
}

/// Your semaphore in the same models: `concur check semaphore --loom`.
/// Each runs in a child process, because a waiter nobody wakes is a
/// deadlock, which loom reports by aborting.
#[cfg(feature = "starter")]
#[test]
fn starter_one_at_a_time() {
    kit::child::assert_passes("a_named_model_in_a_child", "one at a time");
}

#[cfg(feature = "starter")]
#[test]
fn starter_release_wakes() {
    kit::child::assert_passes("a_named_model_in_a_child", "release wakes");
}

/// The child's side of the starter's models (its name does not say
/// "starter", so that `concur check` does not run it as a check of its
/// own); run directly, with no model named, it does nothing.
#[cfg(feature = "starter")]
#[test]
fn a_named_model_in_a_child() {
    use semaphore::starter::StarterSemaphore;
    match kit::child::requested().as_deref() {
        Some("one at a time") => one_at_a_time(|| Permits(<StarterSemaphore as Semaphore>::new(1))),
        Some("release wakes") => release_wakes(|| Permits(<StarterSemaphore as Semaphore>::new(1))),
        _ => {}
    }
}
