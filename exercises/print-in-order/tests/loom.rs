//! Loom models: every interleaving of the three turns, up to the
//! preemption bound, for each reference; and the zoo's waiting mistakes,
//! which loom finds where a stress test may not.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p print-in-order --test loom --release`
//! and your three turns with `concur check print-in-order --loom`.
#![cfg(loom)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use kit::sync::{Arc, Mutex, thread};
use print_in_order::buggy::{FlagOutsideLock, IfNotWhile, NotifyOne};
use print_in_order::{ChannelInOrder, CondvarInOrder, InOrder};

/// The model's assertion, in its bug class's words, as
/// `concur check print-in-order --loom` shows it.
const OUT_OF_ORDER: &str = "order violated: the prints did not run first, second, third, each \
     once, in an interleaving loom found: a turn must print only after the turn before it has \
     printed, and a waiter that wakes must check that its turn has come (`while`, not `if`)";

struct Round<T> {
    object: T,
    printed: Mutex<Vec<u8>>,
}

impl<T: InOrder> Round<T> {
    fn call(&self, n: u8) {
        let print = || self.printed.lock().push(n);
        match n {
            1 => self.object.first(print),
            2 => self.object.second(print),
            _ => self.object.third(print),
        }
    }
}

/// Three threads, one per turn, in every interleaving: the prints run in
/// order, and nothing deadlocks.
fn prints_in_order<T: InOrder + 'static>(make: fn() -> T) {
    loom::model(move || {
        let round = Arc::new(Round {
            object: make(),
            printed: Mutex::new(Vec::new()),
        });
        let later: Vec<_> = [3, 2]
            .into_iter()
            .map(|n| {
                let round = Arc::clone(&round);
                thread::spawn(move || round.call(n))
            })
            .collect();
        round.call(1);
        for turn in later {
            turn.join().unwrap();
        }
        assert_eq!(*round.printed.lock(), [1, 2, 3], "{OUT_OF_ORDER}");
    });
}

#[test]
fn condvar_prints_in_order() {
    prints_in_order(CondvarInOrder::new);
}

#[test]
fn channels_print_in_order() {
    prints_in_order(ChannelInOrder::new);
}

/// Loom finds the waiter that does not check its turn: in some
/// interleaving `third` prints before `second`.
#[test]
fn loom_finds_the_unchecked_wakeup() {
    let found = catch_unwind(AssertUnwindSafe(|| prints_in_order(IfNotWhile::new)));
    assert!(
        found.is_err(),
        "loom should find IfNotWhile's unchecked wake-up"
    );
}

/// Loom finds the two lost wake-ups as deadlocks: an interleaving in which
/// every thread waits. It reports a deadlock by panicking while its threads
/// unwind, which aborts the process, so each of these models runs in a
/// child process of this test binary, and the test reads loom's verdict
/// from the child's output.
#[test]
fn loom_finds_the_lost_wakeups() {
    for zoo in ["FlagOutsideLock", "NotifyOne"] {
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
        Some("FlagOutsideLock") => prints_in_order(FlagOutsideLock::new),
        Some("NotifyOne") => prints_in_order(NotifyOne::new),
        _ => {}
    }
}

/// Your turns in the same model: `concur check print-in-order --loom`. It
/// runs in a child process, because a turn nobody wakes is a deadlock,
/// which loom reports by aborting.
#[cfg(feature = "starter")]
#[test]
fn starter_prints_in_order() {
    kit::child::assert_passes("a_named_model_in_a_child", "prints in order");
}

/// The child's side of the starter's model (its name does not say
/// "starter", so that `concur check` does not run it as a check of its
/// own); run directly, with no model named, it does nothing.
#[cfg(feature = "starter")]
#[test]
fn a_named_model_in_a_child() {
    use print_in_order::starter::StarterInOrder;
    if kit::child::requested().as_deref() == Some("prints in order") {
        prints_in_order(StarterInOrder::new);
    }
}
