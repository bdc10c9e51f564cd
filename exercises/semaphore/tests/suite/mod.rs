//! The conformance suite, shared by `conformance.rs` (every semaphore must
//! pass) and `bugs.rs` (every bug-zoo semaphore must fail).
//!
//! Each check tests promises of the contracts in `src/lib.rs` under a
//! schedule chosen to expose one kind of mistake, and returns `Err` with a
//! message that names the bug class it found (`kit::bugs`). Every thread a
//! check starts is joined with a deadline: a waiter that never gets a
//! permit fails the check with a name, never hangs the test.

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::{Duration, Instant};

use kit::bugs;
use kit::call::{Call, call};
use kit::stress::Stress;
use semaphore::{RawSemaphore, Semaphore};

/// A semaphore as most checks use it: work done while holding a permit.
pub trait Hold: Send + Sync + 'static {
    fn hold<R>(&self, work: impl FnOnce() -> R) -> R;
}

/// Step 1: `acquire`, the work, `release`.
#[derive(Debug)]
pub struct Raw<S>(S);

impl<S: RawSemaphore> Raw<S> {
    pub fn new(permits: usize) -> Self {
        Raw(S::new(permits))
    }
}

impl<S: RawSemaphore + 'static> Hold for Raw<S> {
    fn hold<R>(&self, work: impl FnOnce() -> R) -> R {
        self.0.acquire();
        let result = work();
        self.0.release();
        result
    }
}

/// Step 2 and the starter: take a permit, do the work, hand the permit
/// back with `Semaphore::release`.
#[derive(Debug)]
pub struct Permits<S>(S);

impl<S: Semaphore> Permits<S> {
    pub fn new(permits: usize) -> Self {
        Permits(S::new(permits))
    }
}

impl<S: Semaphore + 'static> Hold for Permits<S> {
    fn hold<R>(&self, work: impl FnOnce() -> R) -> R {
        let permit = self.0.acquire();
        let result = work();
        S::release(permit);
        result
    }
}

/// How long a thread may take to get a free permit: far more than a
/// correct semaphore needs on a loaded machine.
const DEADLINE: Duration = Duration::from_secs(5);

/// How long a check watches a thread that must still be waiting.
const STILL_WAITING: Duration = Duration::from_millis(100);

/// One thread takes all three permits of a semaphore of three, holds them,
/// gives them back, and takes them again: nothing else runs, so nothing
/// may wait.
pub fn one_thread_takes_every_permit<H: Hold>(make: fn(usize) -> H) -> Result<(), String> {
    let semaphore = make(3);
    let run = call("one thread, three permits", Duration::ZERO, move || {
        for _ in 0..2 {
            semaphore.hold(|| semaphore.hold(|| semaphore.hold(|| ())));
        }
    });
    run.join(
        DEADLINE,
        bugs::SELF_DEADLOCK,
        "it was the only thread, holding fewer permits than the semaphore has, so it waits for \
         itself: `acquire` must not wait while a permit is free (is the count compared the \
         right way, and does a release give the permit back?)",
    )
}

/// Threads in `never_more_holders_than_permits`.
const THREADS: usize = 6;
/// Holds per thread in `never_more_holders_than_permits`.
const HOLDS: usize = 2_000;

/// Many threads take permits many times; each holder counts the holders
/// inside. With one permit (the crawler's politeness limit: one request in
/// flight per host) and with three.
pub fn never_more_holders_than_permits<H: Hold>(make: fn(usize) -> H) -> Result<(), String> {
    struct Shared<H> {
        semaphore: H,
        inside: AtomicUsize,
        most: AtomicUsize,
    }
    for permits in [1, 3] {
        let shared = Arc::new(Shared {
            semaphore: make(permits),
            inside: AtomicUsize::new(0),
            most: AtomicUsize::new(0),
        });
        Stress::new(
            THREADS,
            bugs::LOST_WAKEUP,
            "threads wait while a permit is free: a release that wakes nobody, or whose \
             wake-up falls before the waiter sleeps",
        )
        .run(Arc::clone(&shared), |shared, _| {
            for _ in 0..HOLDS {
                shared.semaphore.hold(|| {
                    let now = shared.inside.fetch_add(1, Ordering::SeqCst) + 1;
                    shared.most.fetch_max(now, Ordering::SeqCst);
                    // Work of some length, so that an overlap shows.
                    for _ in 0..64 {
                        std::hint::spin_loop();
                    }
                    shared.inside.fetch_sub(1, Ordering::SeqCst);
                });
            }
        })
        .map_err(|e| e.to_string())?;
        let most = shared.most.load(Ordering::SeqCst);
        if most > permits {
            return Err(bugs::BOUND_EXCEEDED.says(format!(
                "{most} threads held a permit at once, of a semaphore with {permits}: checking \
                 that a permit is free and taking it must be one critical section, or two \
                 threads take the same last permit"
            )));
        }
    }
    Ok(())
}

/// A participant in `a_release_lets_one_waiter_in`: holds a permit until
/// told to let go.
struct Holder {
    call: Call<()>,
    let_go: Sender<()>,
}

fn holder<H: Hold>(semaphore: &Arc<H>, id: usize, entered: &Sender<usize>) -> Holder {
    let (let_go, told) = mpsc::channel::<()>();
    let (semaphore, entered) = (Arc::clone(semaphore), entered.clone());
    let call = call(format!("holder {id}"), Duration::ZERO, move || {
        semaphore.hold(|| {
            let _ = entered.send(id);
            let _ = told.recv_timeout(DEADLINE);
        });
    });
    Holder { call, let_go }
}

/// Waits until `first`, the first holder of a fresh semaphore, holds its
/// permit; a panic on its way in (a `todo!()`) comes back as it is.
fn first_in(mut first: Holder, entered: &Receiver<usize>) -> Result<Holder, String> {
    let deadline = Instant::now() + DEADLINE;
    while Instant::now() < deadline {
        if entered.recv_timeout(Duration::from_millis(10)).is_ok() {
            return Ok(first);
        }
        if first.call.returned_within(Duration::ZERO) {
            first.call.join(Duration::ZERO, bugs::DEADLOCK, "")?;
            return Err(bugs::WRONG_ANSWER.says("the first holder returned without its permit"));
        }
    }
    Err(bugs::SELF_DEADLOCK
        .says("the first thread could not take the only permit of a fresh semaphore"))
}

/// Who entered within `within`, in order.
fn entered_within(entered: &Receiver<usize>, within: Duration) -> Vec<usize> {
    let mut ids = Vec::new();
    while let Ok(id) = entered.recv_timeout(within) {
        ids.push(id);
    }
    ids
}

/// One permit, held; two threads wait for it. Each release must let
/// exactly one of them in: none is a lost wake-up, two is a waiter that
/// went in without checking.
pub fn a_release_lets_one_waiter_in<H: Hold>(make: fn(usize) -> H) -> Result<(), String> {
    let semaphore = Arc::new(make(1));
    let (entered_tx, entered) = mpsc::channel();
    let mut holders = vec![first_in(holder(&semaphore, 0, &entered_tx), &entered)?];
    holders.push(holder(&semaphore, 1, &entered_tx));
    holders.push(holder(&semaphore, 2, &entered_tx));
    let early = entered_within(&entered, STILL_WAITING);
    if !early.is_empty() {
        return Err(bugs::BOUND_EXCEEDED.says(format!(
            "holders {early:?} got the only permit while holder 0 still held it: `acquire` \
             must wait while every permit is held"
        )));
    }
    let mut current = 0;
    for release in 1..=2 {
        let _ = holders[current].let_go.send(());
        let Ok(next) = entered.recv_timeout(DEADLINE) else {
            return Err(bugs::LOST_WAKEUP.says(format!(
                "a permit was given back (release {release}) while threads waited for it, and \
                 none of them got it within {} s: a release must wake a waiter, after changing \
                 the count under the lock the waiters check it under",
                DEADLINE.as_secs()
            )));
        };
        let also = entered_within(&entered, STILL_WAITING);
        if !also.is_empty() {
            return Err(bugs::UNCHECKED_WAKEUP.says(format!(
                "one permit came back (release {release}), and holders {next} and {also:?} all \
                 went in: a waiter that wakes must check that a permit is free, in a loop: \
                 `while`, not `if`"
            )));
        }
        current = next;
    }
    let _ = holders[current].let_go.send(());
    for holder in holders {
        holder.call.join(
            DEADLINE,
            bugs::DEADLOCK,
            "it could not give its permit back",
        )?;
    }
    Ok(())
}

/// Step 2's promise: a holder that panics gives its permit back as the
/// panic unwinds, and the next thread gets it.
pub fn a_panicking_holder_gives_its_permit_back<S: Semaphore + 'static>(
    make: fn(usize) -> S,
) -> Result<(), String> {
    let semaphore = Arc::new(make(1));
    let panicking = {
        let semaphore = Arc::clone(&semaphore);
        call("a holder that panics", Duration::ZERO, move || {
            let unwound = catch_unwind(AssertUnwindSafe(|| {
                let _permit = semaphore.acquire();
                panic!("a holder panics while it holds a permit, on purpose");
            }));
            assert!(unwound.is_err());
        })
    };
    panicking.join(DEADLINE, bugs::DEADLOCK, "it could not take a free permit")?;
    let next = call("the next thread", Duration::ZERO, move || {
        S::release(semaphore.acquire());
    });
    next.join(
        DEADLINE,
        bugs::DEADLOCK,
        "a holder panicked while it held the only permit, and the permit never came back: give \
         it back in the permit's `Drop`, which runs while a panic unwinds too",
    )
}

/// The work of `an_early_return_gives_its_permit_back`: it takes a permit,
/// finds it has nothing to do, and returns early.
fn work_that_gives_up<S: Semaphore>(semaphore: &S, give_up: bool) -> Result<(), &'static str> {
    let permit = semaphore.acquire();
    if give_up {
        return Err("nothing to do");
    }
    S::release(permit);
    Ok(())
}

/// Step 2's promise: work that returns early gives its permit back.
pub fn an_early_return_gives_its_permit_back<S: Semaphore + 'static>(
    make: fn(usize) -> S,
) -> Result<(), String> {
    let semaphore = Arc::new(make(1));
    let early = {
        let semaphore = Arc::clone(&semaphore);
        call("work that returns early", Duration::ZERO, move || {
            work_that_gives_up(&*semaphore, true)
        })
    };
    let gave_up = early.join(DEADLINE, bugs::DEADLOCK, "it could not take a free permit")?;
    if gave_up.is_ok() {
        return Err(bugs::WRONG_ANSWER.says("the work did not return early"));
    }
    let next = call("the next thread", Duration::ZERO, move || {
        work_that_gives_up(&*semaphore, false)
    });
    next.join(
        DEADLINE,
        bugs::DEADLOCK,
        "work returned early (`return`, `?`) while it held the only permit, and the permit \
         never came back: give it back in the permit's `Drop`, which runs on every way out of \
         a scope",
    )?
    .map_err(|e| bugs::WRONG_ANSWER.says(e))
}

/// How long the waiter waits in `waiting_does_not_burn_a_core`.
const WAIT: Duration = Duration::from_millis(500);

/// A thread waits half a second for the only permit: it should sleep, not
/// spin.
pub fn waiting_does_not_burn_a_core<H: Hold>(make: fn(usize) -> H) -> Result<(), String> {
    let semaphore = Arc::new(make(1));
    let (entered_tx, entered) = mpsc::channel();
    let first = first_in(holder(&semaphore, 0, &entered_tx), &entered)?;
    let waiter = {
        let semaphore = Arc::clone(&semaphore);
        call("the waiter", Duration::ZERO, move || semaphore.hold(|| ()))
    };
    thread::sleep(WAIT);
    let _ = first.let_go.send(());
    first.call.join(
        DEADLINE,
        bugs::DEADLOCK,
        "it could not give its permit back",
    )?;
    let ran = waiter.join_ran(
        DEADLINE,
        bugs::LOST_WAKEUP,
        "the permit came back and the waiter never got it",
    )?;
    ran.slept("the waiter", "a permit")
}
