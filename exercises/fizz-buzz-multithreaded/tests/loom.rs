//! Loom models: every interleaving of the four methods, up to the
//! preemption bound, for each reference; and the zoo's mistakes that loom
//! finds where a stress test may not.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p fizz-buzz-multithreaded --test loom --release`
//! and your four methods with `concur check fizz-buzz-multithreaded --loom`.
#![cfg(loom)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use fizz_buzz_multithreaded::buggy::{AdvanceBeforePrint, CheckThenSleep, NotifyOne};
use fizz_buzz_multithreaded::{ChannelFizzBuzz, CondvarFizzBuzz, FizzBuzz, Part};
use kit::sync::{Arc, Mutex, thread};

/// The model's n: the smallest at which one method prints twice in a row
/// (1, 2), hands the turn to another (fizz), and two methods print nothing
/// and must still hear of the end. With n = 5 the reference models take
/// minutes instead of seconds.
const N: u32 = 3;

/// The model's assertion, in its bug class's words, as
/// `concur check fizz-buzz-multithreaded --loom` shows it.
const OUT_OF_SEQUENCE: &str = "order violated: the prints did not run 1, 2, fizz, in an \
     interleaving loom found: each item's print must begin only after the one before it has \
     returned; move the turn on after the print, not before";

/// What one print said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Said {
    Fizz,
    Buzz,
    FizzBuzz,
    Number(u32),
}

struct Game<T> {
    object: T,
    printed: Mutex<Vec<Said>>,
}

impl<T: FizzBuzz> Game<T> {
    fn play(&self, part: Part) {
        let print = |said: Said| self.printed.lock().push(said);
        match part {
            Part::Fizz => self.object.fizz(|| print(Said::Fizz)),
            Part::Buzz => self.object.buzz(|| print(Said::Buzz)),
            Part::FizzBuzz => self.object.fizzbuzz(|| print(Said::FizzBuzz)),
            Part::Number => self.object.number(|i| print(Said::Number(i))),
        }
    }
}

/// Four threads, one per method, in every interleaving: the sequence is
/// printed in order, every method returns, and nothing deadlocks.
fn prints_the_sequence<T: FizzBuzz + 'static>(make: fn(u32) -> T) {
    loom::model(move || {
        let game = Arc::new(Game {
            object: make(N),
            printed: Mutex::new(Vec::new()),
        });
        let others: Vec<_> = [Part::Fizz, Part::Buzz, Part::FizzBuzz]
            .into_iter()
            .map(|part| {
                let game = Arc::clone(&game);
                thread::spawn(move || game.play(part))
            })
            .collect();
        game.play(Part::Number);
        for other in others {
            other.join().unwrap();
        }
        assert_eq!(
            *game.printed.lock(),
            [Said::Number(1), Said::Number(2), Said::Fizz],
            "{OUT_OF_SEQUENCE}"
        );
    });
}

#[test]
fn condvar_prints_the_sequence() {
    prints_the_sequence(CondvarFizzBuzz::new);
}

#[test]
fn channels_print_the_sequence() {
    prints_the_sequence(ChannelFizzBuzz::new);
}

/// Loom finds the turn passed on before the print: in some interleaving
/// fizz prints before number's 2.
#[test]
fn loom_finds_the_early_hand_off() {
    let found = catch_unwind(AssertUnwindSafe(|| {
        prints_the_sequence(AdvanceBeforePrint::new)
    }));
    assert!(
        found.is_err(),
        "loom should find AdvanceBeforePrint's print out of order"
    );
}

/// Loom finds the two lost wake-ups as deadlocks: an interleaving in which
/// every thread waits. It reports a deadlock by panicking while its threads
/// unwind, which aborts the process, so each of these models runs in a
/// child process of this test binary, and the test reads loom's verdict
/// from the child's output.
#[test]
fn loom_finds_the_lost_wakeups() {
    for zoo in ["CheckThenSleep", "NotifyOne"] {
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
        Some("CheckThenSleep") => prints_the_sequence(CheckThenSleep::new),
        Some("NotifyOne") => prints_the_sequence(NotifyOne::new),
        _ => {}
    }
}

/// Your four methods in the same model: `concur check
/// fizz-buzz-multithreaded --loom`. It runs in a child process, because a
/// method nobody wakes (or nobody tells of the end) is a deadlock, which
/// loom reports by aborting.
#[cfg(feature = "starter")]
#[test]
fn starter_prints_the_sequence() {
    kit::child::assert_passes("a_named_model_in_a_child", "prints the sequence");
}

/// The child's side of the starter's model (its name does not say
/// "starter", so that `concur check` does not run it as a check of its
/// own); run directly, with no model named, it does nothing.
#[cfg(feature = "starter")]
#[test]
fn a_named_model_in_a_child() {
    use fizz_buzz_multithreaded::starter::StarterFizzBuzz;
    if kit::child::requested().as_deref() == Some("prints the sequence") {
        prints_the_sequence(StarterFizzBuzz::new);
    }
}
