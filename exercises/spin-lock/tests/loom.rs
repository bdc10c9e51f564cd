//! Loom models: every interleaving of two threads taking the lock, up to
//! the preemption bound, under the C++ memory model, for steps 2 and 3;
//! and the zoo's two-step take and `Relaxed` orderings, which loom finds
//! where an x86 stress test cannot.
//!
//! Step 1 is not modelled: its spin is a loop of `swap`s, each a write
//! even when it fails, and loom 0.7 runs out of branches on it ("Model
//! exceeded maximum number of branches"). Step 2 takes the lock with a
//! `compare_exchange`, which writes nothing when it fails, and spins on a
//! load; loom explores that to the end.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p spin-lock --test loom --release`
//! and your lock with `concur check spin-lock --loom`.
#![cfg(loom)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use kit::sync::{Arc, AtomicUsize, Ordering, thread};
use spin_lock::buggy::{RelaxedLock, TestThenSet};
use spin_lock::{Lock, RawLock, SpinLock, TtasLock};

/// A lock as the model uses it: a critical section run while holding it.
trait Hold: Send + Sync + 'static {
    fn hold(&self, section: impl FnOnce());
}

struct Raw<L>(L);

impl<L: RawLock + 'static> Hold for Raw<L> {
    fn hold(&self, section: impl FnOnce()) {
        self.0.lock();
        section();
        self.0.unlock();
    }
}

struct Guarded<L>(L);

impl<L: Lock + 'static> Hold for Guarded<L> {
    fn hold(&self, section: impl FnOnce()) {
        let guard = self.0.lock();
        section();
        L::unlock(guard);
    }
}

/// The model's two assertions, each in its bug class's words, as
/// `concur check spin-lock --loom` shows them.
const OVERLAP: &str = "check-then-act race: two threads inside the lock at once, in an \
     interleaving loom found";
const STALE: &str = "stale read: a holder read the count without the other holder's write, \
     in an interleaving loom found: an Acquire or a Release is missing";

/// What the critical sections share: the lock, and two counters that are
/// only ever touched with `Relaxed`, so that nothing but the lock orders
/// them.
struct Shared<H> {
    lock: H,
    /// Threads inside a section now.
    inside: AtomicUsize,
    /// Sections run: a load and a store, each `Relaxed`.
    count: AtomicUsize,
}

impl<H: Hold> Shared<H> {
    fn section(&self) {
        self.lock.hold(|| {
            assert_eq!(self.inside.fetch_add(1, Ordering::Relaxed), 0, "{OVERLAP}");
            // Loom lets this load return any store that nothing orders it
            // after: with a correct lock, only the last holder's.
            let seen = self.count.load(Ordering::Relaxed);
            self.count.store(seen + 1, Ordering::Relaxed);
            self.inside.fetch_sub(1, Ordering::Relaxed);
        });
    }
}

/// Two threads, one section each: they never overlap, and the second sees
/// the first one's write, so the count ends at 2.
fn sections_apart_and_in_order<H: Hold>(make: fn() -> H) {
    loom::model(move || {
        let shared = Arc::new(Shared {
            lock: make(),
            inside: AtomicUsize::new(0),
            count: AtomicUsize::new(0),
        });
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let shared = Arc::clone(&shared);
                thread::spawn(move || shared.section())
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        // The joins order both sections before this load.
        assert_eq!(shared.count.load(Ordering::Relaxed), 2, "{STALE}");
    });
}

#[test]
fn step2_ttas_keeps_sections_apart_and_in_order() {
    sections_apart_and_in_order(|| Raw(TtasLock::new()));
}

#[test]
fn step3_guard_keeps_sections_apart_and_in_order() {
    sections_apart_and_in_order(|| Guarded(<SpinLock as Lock>::new()));
}

/// Runs a model that must fail, and checks that it failed on one of the
/// model's assertions (one of `why`), not for another reason such as
/// loom's own limits.
fn loom_finds(model: impl FnOnce(), why: &[&str]) {
    let found = catch_unwind(AssertUnwindSafe(model)).expect_err("loom found nothing");
    let said = found
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| found.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert!(
        why.iter().any(|why| said.contains(why)),
        "loom failed the model, but not with any of {why:?}: {said}"
    );
}

/// Loom finds the stale read of `Relaxed` orderings: the second holder's
/// load returns the count from before the first holder's store, because
/// nothing orders the two. Taking the flag never lets both in at once.
#[test]
fn loom_finds_the_relaxed_orderings() {
    loom_finds(
        || sections_apart_and_in_order(|| Raw(RelaxedLock::new())),
        &[STALE],
    );
}

/// Loom finds the two-step take, in either of its two forms: both threads
/// read the flag free, then both set it, and are inside at once; or the
/// second reads the flag free from before the first took it (nothing
/// orders that read after the first's take and release), and goes in
/// without seeing the first one's write.
#[test]
fn loom_finds_the_test_then_set() {
    loom_finds(
        || sections_apart_and_in_order(|| Raw(TestThenSet::new())),
        &[OVERLAP, STALE],
    );
}

/// Your lock in the same model: `concur check spin-lock --loom`. A lock
/// with a missing `Acquire` or `Release` passes every x86 stress test and
/// fails here.
#[cfg(feature = "starter")]
#[test]
fn starter_keeps_sections_apart_and_in_order() {
    sections_apart_and_in_order(|| Guarded(<spin_lock::starter::StarterLock as Lock>::new()));
}
