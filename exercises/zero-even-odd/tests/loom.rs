//! Loom models: every interleaving of the three methods, up to the
//! preemption bound, for each reference; and the zoo's waiting mistakes,
//! which loom finds where a stress test may not.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p zero-even-odd --test loom --release`
//! and your zero, even and odd with `concur check zero-even-odd --loom`.
#![cfg(loom)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use kit::sync::{Arc, Mutex, thread};
use zero_even_odd::buggy::{FlagOutsideLock, IfNotWhile, NotifyOne};
use zero_even_odd::{ChannelZeroEvenOdd, CondvarZeroEvenOdd, ZeroEvenOdd};

/// The model's assertion, in its bug class's words, as
/// `concur check zero-even-odd --loom` shows it.
const OUT_OF_SEQUENCE: &str = "order violated: the prints did not run 0 1 0 2, in an \
     interleaving loom found: each print must begin only after the one before it has returned, \
     and a waiter that wakes must check that its number is due (`while`, not `if`)";

/// How far the numbers go in the models: 0 1 0 2 has one number for each
/// of odd and even, and keeps the interleavings few.
const N: usize = 2;

struct Run<T> {
    object: T,
    printed: Mutex<Vec<usize>>,
}

impl<T: ZeroEvenOdd> Run<T> {
    fn print(&self, number: usize) {
        self.printed.lock().push(number);
    }

    fn zero(&self) {
        self.object.zero(|number| self.print(number));
    }

    fn odd(&self) {
        self.object.odd(|number| self.print(number));
    }

    fn even(&self) {
        self.object.even(|number| self.print(number));
    }
}

/// `zero` on the model's main thread, `even` and `odd` on two others, in
/// every interleaving: the prints run 0 1 0 2, and nothing deadlocks.
fn prints_in_sequence<T: ZeroEvenOdd + 'static>(make: fn(usize) -> T) {
    loom::model(move || {
        let run = Arc::new(Run {
            object: make(N),
            printed: Mutex::new(Vec::new()),
        });
        let even = {
            let run = Arc::clone(&run);
            thread::spawn(move || run.even())
        };
        let odd = {
            let run = Arc::clone(&run);
            thread::spawn(move || run.odd())
        };
        run.zero();
        even.join().unwrap();
        odd.join().unwrap();
        assert_eq!(*run.printed.lock(), [0, 1, 0, 2], "{OUT_OF_SEQUENCE}");
    });
}

#[test]
fn condvar_prints_in_sequence() {
    prints_in_sequence(CondvarZeroEvenOdd::new);
}

#[test]
fn channels_print_in_sequence() {
    prints_in_sequence(ChannelZeroEvenOdd::new);
}

/// Loom finds the waiter that does not check its step: in some
/// interleaving `even` is woken by zero's first 0 and prints 2 at once.
#[test]
fn loom_finds_the_unchecked_wakeup() {
    let found = catch_unwind(AssertUnwindSafe(|| prints_in_sequence(IfNotWhile::new)));
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
        Some("FlagOutsideLock") => prints_in_sequence(FlagOutsideLock::new),
        Some("NotifyOne") => prints_in_sequence(NotifyOne::new),
        _ => {}
    }
}

/// Your zero, even and odd in the same model: `concur check zero-even-odd
/// --loom`. It runs in a child process, because a thread nobody wakes is a
/// deadlock, which loom reports by aborting.
#[cfg(feature = "starter")]
#[test]
fn starter_prints_in_sequence() {
    kit::child::assert_passes("a_named_model_in_a_child", "prints in sequence");
}

/// The child's side of the starter's model (its name does not say
/// "starter", so that `concur check` does not run it as a check of its
/// own); run directly, with no model named, it does nothing.
#[cfg(feature = "starter")]
#[test]
fn a_named_model_in_a_child() {
    use zero_even_odd::starter::StarterZeroEvenOdd;
    if kit::child::requested().as_deref() == Some("prints in sequence") {
        prints_in_sequence(StarterZeroEvenOdd::new);
    }
}
