//! Loom models: every interleaving of `foo` and `bar`, up to the preemption
//! bound, for each reference; and two of the zoo's mistakes, which loom
//! finds where a stress test may not.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p foobar-alternately --test loom --release`
//! and your foo and bar with `concur check foobar-alternately --loom`.
#![cfg(loom)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use foobar_alternately::buggy::{FlagOutsideLock, FlipBeforePrint};
use foobar_alternately::{ChannelFooBar, CondvarFooBar, FooBar};
use kit::sync::{Arc, Mutex, thread};

/// The model's assertion, in its bug class's words, as
/// `concur check foobar-alternately --loom` shows it.
const NOT_ALTERNATE: &str = "order violated: the prints did not alternate foo, bar, foo, bar, \
     in an interleaving loom found: each print must begin only after the other's print before \
     it has returned; hand the turn over after the print, not before";

/// Prints per method in the models: two is enough to hand the turn over
/// and back again, and keeps the interleavings few.
const N: usize = 2;

struct Run<T> {
    object: T,
    printed: Mutex<Vec<&'static str>>,
}

impl<T: FooBar> Run<T> {
    fn foo(&self) {
        self.object.foo(|| self.printed.lock().push("foo"));
    }

    fn bar(&self) {
        self.object.bar(|| self.printed.lock().push("bar"));
    }
}

/// `foo` on the model's main thread, `bar` on another, in every
/// interleaving: the prints alternate, and nothing deadlocks.
fn takes_turns<T: FooBar + 'static>(make: fn(usize) -> T) {
    loom::model(move || {
        let run = Arc::new(Run {
            object: make(N),
            printed: Mutex::new(Vec::new()),
        });
        let bar = {
            let run = Arc::clone(&run);
            thread::spawn(move || run.bar())
        };
        run.foo();
        bar.join().unwrap();
        assert_eq!(
            *run.printed.lock(),
            ["foo", "bar", "foo", "bar"],
            "{NOT_ALTERNATE}"
        );
    });
}

#[test]
fn condvar_takes_turns() {
    takes_turns(CondvarFooBar::new);
}

#[test]
fn channels_take_turns() {
    takes_turns(ChannelFooBar::new);
}

/// Loom finds the turn handed over before the print: in some interleaving
/// `bar` prints before the `foo` whose turn it followed.
#[test]
fn loom_finds_the_flip_before_the_print() {
    let found = catch_unwind(AssertUnwindSafe(|| takes_turns(FlipBeforePrint::new)));
    assert!(
        found.is_err(),
        "loom should find FlipBeforePrint's bar printing before foo"
    );
}

/// Loom finds the turn read outside the lock as a deadlock: an
/// interleaving in which both threads wait. It reports a deadlock by
/// panicking while its threads unwind, which aborts the process, so the
/// model runs in a child process of this test binary, and the test reads
/// loom's verdict from the child's output.
#[test]
fn loom_finds_the_lost_wakeup() {
    if let Err(said) = kit::child::expect_deadlock("zoo_model_in_a_child", "FlagOutsideLock") {
        panic!(
            "loom should find FlagOutsideLock's lost wake-up as a deadlock; the child said:\n{said}"
        );
    }
}

/// The child's side of `loom_finds_the_lost_wakeup`; run directly, with no
/// model named, it does nothing.
#[test]
fn zoo_model_in_a_child() {
    if let Some("FlagOutsideLock") = kit::child::requested().as_deref() {
        takes_turns(FlagOutsideLock::new);
    }
}

/// Your foo and bar in the same model: `concur check foobar-alternately
/// --loom`. It runs in a child process, because a turn nobody wakes is a
/// deadlock, which loom reports by aborting.
#[cfg(feature = "starter")]
#[test]
fn starter_takes_turns() {
    kit::child::assert_passes("a_named_model_in_a_child", "takes turns");
}

/// The child's side of the starter's model (its name does not say
/// "starter", so that `concur check` does not run it as a check of its
/// own); run directly, with no model named, it does nothing.
#[cfg(feature = "starter")]
#[test]
fn a_named_model_in_a_child() {
    use foobar_alternately::starter::StarterFooBar;
    if kit::child::requested().as_deref() == Some("takes turns") {
        takes_turns(StarterFooBar::new);
    }
}
