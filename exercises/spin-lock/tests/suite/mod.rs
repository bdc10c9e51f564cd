//! The conformance suite, shared by `conformance.rs` (every lock must pass)
//! and `bugs.rs` (every bug-zoo lock must fail).
//!
//! Each check tests promises of the contracts in `src/lib.rs` under a
//! schedule chosen to expose one kind of mistake, and returns `Err` with a
//! message that names the bug class it found (`kit::bugs`). Every thread a
//! check starts is joined with a deadline: a thread that never gets the
//! lock fails the check with a name, never hangs the test. (A thread stuck
//! spinning is left behind, still spinning, as `kit::stress` leaves its
//! own.)
//!
//! The data a critical section touches lives in atomics used with
//! `Relaxed` only, as the crate's documentation explains: the lock's own
//! orderings are all that orders them.

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use kit::bugs;
use kit::call::call;
use kit::stress::Stress;
use spin_lock::{Lock, RawLock};

/// A lock as most checks use it: a critical section run while holding it.
pub trait Hold: Send + Sync + 'static {
    fn hold<R>(&self, section: impl FnOnce() -> R) -> R;
}

/// Steps 1 and 2: `lock`, the section, `unlock`.
#[derive(Debug)]
pub struct Raw<L>(L);

impl<L: RawLock> Raw<L> {
    pub fn new() -> Self {
        Raw(L::new())
    }
}

impl<L: RawLock + 'static> Hold for Raw<L> {
    fn hold<R>(&self, section: impl FnOnce() -> R) -> R {
        self.0.lock();
        let result = section();
        self.0.unlock();
        result
    }
}

/// Step 3 and the starter: take a guard, run the section, hand the guard
/// back with `Lock::unlock`.
#[derive(Debug)]
pub struct Guarded<L>(L);

impl<L: Lock> Guarded<L> {
    pub fn new() -> Self {
        Guarded(L::new())
    }
}

impl<L: Lock + 'static> Hold for Guarded<L> {
    fn hold<R>(&self, section: impl FnOnce() -> R) -> R {
        let guard = self.0.lock();
        let result = section();
        L::unlock(guard);
        result
    }
}

/// How long a thread may take to get a lock nobody holds: far more than a
/// correct lock needs on a loaded machine.
const DEADLINE: Duration = Duration::from_secs(5);

/// One read-modify-write in two `Relaxed` steps: right only if the lock
/// keeps sections apart and carries each section's write to the next.
fn add_one(count: &AtomicUsize) {
    let seen = count.load(Ordering::Relaxed);
    count.store(seen + 1, Ordering::Relaxed);
}

/// One thread takes and releases the lock three times in a row: nothing
/// else runs, so nothing may wait.
pub fn one_thread_takes_it_again<H: Hold>(make: fn() -> H) -> Result<(), String> {
    let lock = make();
    let count = Arc::new(AtomicUsize::new(0));
    let run = {
        let count = Arc::clone(&count);
        call(
            "one thread, three sections in a row",
            Duration::ZERO,
            move || {
                for _ in 0..3 {
                    lock.hold(|| add_one(&count));
                }
            },
        )
    };
    run.join(
        DEADLINE,
        bugs::SELF_DEADLOCK,
        "it was the only thread, so it waits for itself. A spin lock is not reentrant: does \
         `lock` take the flag twice (a helper, or the guard's constructor, that locks again), \
         or does the release leave the flag set?",
    )?;
    let counted = count.load(Ordering::SeqCst);
    if counted != 3 {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "three sections on one thread, each adding one, counted {counted}"
        )));
    }
    Ok(())
}

/// A thread holds the lock for a while; another asks for it meanwhile. It
/// must not get in until the holder lets go, and must get in after.
pub fn a_held_lock_keeps_others_out<H: Hold>(make: fn() -> H) -> Result<(), String> {
    let lock = Arc::new(make());
    let (held_tx, held) = mpsc::channel();
    let (let_go, let_go_rx) = mpsc::channel::<()>();
    let holder = {
        let lock = Arc::clone(&lock);
        call("the holder", Duration::ZERO, move || {
            lock.hold(|| {
                let _ = held_tx.send(());
                let _ = let_go_rx.recv_timeout(DEADLINE);
            });
        })
    };
    if held.recv_timeout(DEADLINE).is_err() {
        holder.join(
            DEADLINE,
            bugs::DEADLOCK,
            "it could not take a lock nobody held",
        )?;
        return Err(bugs::WRONG_ANSWER.says("the holder returned without running its section"));
    }
    let entered = Arc::new(AtomicBool::new(false));
    let mut other = {
        let (lock, entered) = (Arc::clone(&lock), Arc::clone(&entered));
        call("the second thread", Duration::ZERO, move || {
            lock.hold(|| entered.store(true, Ordering::SeqCst));
        })
    };
    other.returned_within(Duration::from_millis(100));
    if entered.load(Ordering::SeqCst) {
        let _ = let_go.send(());
        return Err(bugs::BOUND_EXCEEDED.says(
            "a second thread got the lock while the first still held it: a lock admits one \
             holder at a time, so `lock` must wait while the flag says taken",
        ));
    }
    let _ = let_go.send(());
    holder.join(DEADLINE, bugs::DEADLOCK, "it could not release the lock")?;
    other.join(
        DEADLINE,
        bugs::DEADLOCK,
        "the holder released the lock, and the thread waiting for it never got it: does the \
         release clear the flag, and does the wait read the flag again?",
    )
}

/// Sections per thread in `one_holder_at_a_time`.
const SECTIONS: usize = 20_000;
/// Threads in `one_holder_at_a_time`: more than a small machine's cores,
/// so that some wait while others hold.
const THREADS: usize = 4;

/// Many threads take the lock many times; each section checks that it is
/// alone, and adds one to a count with a `Relaxed` load and store.
pub fn one_holder_at_a_time<H: Hold>(make: fn() -> H) -> Result<(), String> {
    struct Shared<H> {
        lock: H,
        /// Threads inside a section now (`Relaxed`: its read-modify-writes
        /// are atomic whatever the ordering, and must add no ordering of
        /// their own to the lock's).
        inside: AtomicUsize,
        /// Sections that found another thread inside.
        overlaps: AtomicUsize,
        count: AtomicUsize,
    }
    let shared = Arc::new(Shared {
        lock: make(),
        inside: AtomicUsize::new(0),
        overlaps: AtomicUsize::new(0),
        count: AtomicUsize::new(0),
    });
    Stress::new(
        THREADS,
        bugs::DEADLOCK,
        "a lock never released, or released where no waiter sees it",
    )
    .run(Arc::clone(&shared), |shared, _| {
        for _ in 0..SECTIONS {
            shared.lock.hold(|| {
                if shared.inside.fetch_add(1, Ordering::Relaxed) != 0 {
                    shared.overlaps.fetch_add(1, Ordering::Relaxed);
                }
                add_one(&shared.count);
                // A section of some length, so that an overlap shows.
                for _ in 0..16 {
                    std::hint::spin_loop();
                }
                shared.inside.fetch_sub(1, Ordering::Relaxed);
            });
        }
    })
    .map_err(|e| e.to_string())?;
    let overlaps = shared.overlaps.load(Ordering::SeqCst);
    let total = THREADS * SECTIONS;
    if overlaps > 0 {
        return Err(bugs::CHECK_THEN_ACT.says(format!(
            "{overlaps} of {total} critical sections found another thread inside: two threads \
             took the lock at once. Taking it must be one atomic step that both checks and sets \
             the flag (`swap`, `compare_exchange`); a load that sees it free, then a store that \
             takes it, lets two threads in between the two"
        )));
    }
    let counted = shared.count.load(Ordering::SeqCst);
    if counted != total {
        return Err(bugs::STALE_READ.says(format!(
            "{total} sections each added one under the lock, and the count is {counted}, though \
             no two sections overlapped: a section read the count without the last section's \
             write. The lock must carry it: `Acquire` when taking, `Release` when releasing"
        )));
    }
    Ok(())
}

/// Step 3's promise: a holder that panics releases the lock as the panic
/// unwinds, and the next thread gets it.
pub fn a_panicking_holder_releases_the_lock<L: Lock + 'static>(
    make: fn() -> L,
) -> Result<(), String> {
    let lock = Arc::new(make());
    let panicking = {
        let lock = Arc::clone(&lock);
        call("a holder that panics", Duration::ZERO, move || {
            let unwound = catch_unwind(AssertUnwindSafe(|| {
                let _guard = lock.lock();
                panic!("a holder panics inside its critical section, on purpose");
            }));
            assert!(unwound.is_err());
        })
    };
    panicking.join(DEADLINE, bugs::DEADLOCK, "it could not take a free lock")?;
    let next = call("the next thread", Duration::ZERO, move || {
        L::unlock(lock.lock());
    });
    next.join(
        DEADLINE,
        bugs::DEADLOCK,
        "a holder panicked inside its critical section, and the lock was never released: put \
         the release in the guard's `Drop`, which runs while a panic unwinds too",
    )
}

/// The critical section of `an_early_return_releases_the_lock`: it takes
/// the lock, finds it has nothing to do, and returns early.
fn section_that_gives_up<L: Lock>(lock: &L, give_up: bool) -> Result<(), &'static str> {
    let guard = lock.lock();
    if give_up {
        return Err("nothing to do");
    }
    L::unlock(guard);
    Ok(())
}

/// Step 3's promise: a section that returns early releases the lock.
pub fn an_early_return_releases_the_lock<L: Lock + 'static>(make: fn() -> L) -> Result<(), String> {
    let lock = Arc::new(make());
    let early = {
        let lock = Arc::clone(&lock);
        call("a section that returns early", Duration::ZERO, move || {
            section_that_gives_up(&*lock, true)
        })
    };
    let gave_up = early.join(DEADLINE, bugs::DEADLOCK, "it could not take a free lock")?;
    if gave_up.is_ok() {
        return Err(bugs::WRONG_ANSWER.says("the section did not return early"));
    }
    let next = call("the next thread", Duration::ZERO, move || {
        section_that_gives_up(&*lock, false)
    });
    next.join(
        DEADLINE,
        bugs::DEADLOCK,
        "a section returned early (`return`, `?`) while holding the lock, and the lock was \
         never released: put the release in the guard's `Drop`, which runs on every way out \
         of a scope",
    )?
    .map_err(|e| bugs::WRONG_ANSWER.says(e))
}
