//! Loom models: every interleaving of a table of three, each philosopher
//! eating once, up to the preemption bound, for each reference; and two of
//! the zoo's mistakes, which loom finds where a stress test may not.
//!
//! A round table of three keeps the model small, and every pair of
//! philosophers are neighbours there: at most one eats at a time.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p dining-philosophers --test loom --release`
//! and your table with `concur check dining-philosophers --loom`.
#![cfg(loom)]

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use dining_philosophers::buggy::{CheckThenTake, LeftFirst};
use dining_philosophers::{DiningPhilosophers, FairStates, OrderedForks, Waiter};
use kit::sync::{Arc, Mutex, thread};

/// Philosophers at the model's table.
const SEATS: usize = 3;

/// The model's assertions, each in its bug class's words, as
/// `concur check dining-philosophers --loom` shows them.
const MEAL: &str = "wrong answer: a meal did not run both picks, then eat, then both puts, \
     each once, before wants_to_eat returned; its callbacks ran as";
const TOGETHER: &str = "order violated: neighbours ate at once, in an interleaving loom found: \
     a fork is held by one philosopher at a time, from its pick until its put returns; take \
     the fork and make it yours in one step, under one lock";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    PickLeft,
    PickRight,
    Eat,
    PutLeft,
    PutRight,
}

/// What the model's callbacks saw: who is eating, and the first time two
/// ate at once. Nothing panics inside a callback, while other threads are
/// still running: the model records what it saw, and asserts once every
/// thread has finished.
#[derive(Debug, Default)]
struct Seen {
    eating: [bool; SEATS],
    together: Option<(usize, usize)>,
}

struct Dinner<T> {
    object: T,
    seen: Mutex<Seen>,
}

impl<T: DiningPhilosophers> Dinner<T> {
    /// One meal of `philosopher`, and the order its callbacks ran in.
    fn dine(&self, philosopher: usize) -> Vec<Step> {
        let steps = RefCell::new(Vec::new());
        let step = |s: Step| steps.borrow_mut().push(s);
        self.object.wants_to_eat(
            philosopher,
            || step(Step::PickLeft),
            || step(Step::PickRight),
            || {
                step(Step::Eat);
                self.eat(philosopher);
            },
            || step(Step::PutLeft),
            || step(Step::PutRight),
        );
        steps.into_inner()
    }

    fn eat(&self, philosopher: usize) {
        {
            let mut seen = self.seen.lock();
            // At a table of three, everyone else is a neighbour.
            if let Some(other) = (0..SEATS).find(|&p| seen.eating[p])
                && seen.together.is_none()
            {
                seen.together = Some((other, philosopher));
            }
            seen.eating[philosopher] = true;
        }
        self.seen.lock().eating[philosopher] = false;
    }
}

/// Both picks, then eat, then both puts, each once.
fn assert_a_proper_meal(steps: &[Step]) {
    assert_eq!(steps.len(), 5, "{MEAL} {steps:?}");
    assert!(steps[..2].contains(&Step::PickLeft), "{MEAL} {steps:?}");
    assert!(steps[..2].contains(&Step::PickRight), "{MEAL} {steps:?}");
    assert_eq!(steps[2], Step::Eat, "{MEAL} {steps:?}");
    assert!(steps[3..].contains(&Step::PutLeft), "{MEAL} {steps:?}");
    assert!(steps[3..].contains(&Step::PutRight), "{MEAL} {steps:?}");
}

/// Three philosophers, one meal each, philosopher 0 on the model's main
/// thread: in every interleaving everyone eats, each meal runs its
/// callbacks in order, no two neighbours eat at once, and nothing
/// deadlocks.
fn everyone_eats<T: DiningPhilosophers + 'static>(make: fn(usize) -> T) {
    loom::model(move || {
        let dinner = Arc::new(Dinner {
            object: make(SEATS),
            seen: Mutex::new(Seen::default()),
        });
        let others: Vec<_> = (1..SEATS)
            .map(|p| {
                let dinner = Arc::clone(&dinner);
                thread::spawn(move || dinner.dine(p))
            })
            .collect();
        let mut meals = vec![dinner.dine(0)];
        for other in others {
            meals.push(other.join().unwrap());
        }
        for steps in &meals {
            assert_a_proper_meal(steps);
        }
        let seen = dinner.seen.lock();
        assert_eq!(seen.together, None, "{TOGETHER}");
    });
}

#[test]
fn ordered_forks_feed_everyone() {
    everyone_eats(OrderedForks::new);
}

#[test]
fn the_waiter_feeds_everyone() {
    everyone_eats(Waiter::new);
}

#[test]
fn fair_states_feed_everyone() {
    everyone_eats(FairStates::new);
}

/// Loom finds the check apart from the take: in some interleaving two
/// neighbours both find their shared fork free, and eat at once.
#[test]
fn loom_finds_the_check_then_take_race() {
    let found = catch_unwind(AssertUnwindSafe(|| everyone_eats(CheckThenTake::new)));
    assert!(
        found.is_err(),
        "loom should find CheckThenTake's neighbours eating at once"
    );
}

/// Loom finds everyone-left-first as a deadlock: the interleaving in which
/// each philosopher has locked its left fork before any has locked its
/// right. It reports a deadlock by panicking while its threads unwind,
/// which aborts the process, so the model runs in a child process of this
/// test binary, and the test reads loom's verdict from the child's output.
#[test]
fn loom_finds_the_lock_order_deadlock() {
    if let Err(said) = kit::child::expect_deadlock("zoo_model_in_a_child", "LeftFirst") {
        panic!("loom should find LeftFirst's deadlock; the child said:\n{said}");
    }
}

/// The child's side of `loom_finds_the_lock_order_deadlock`; run directly,
/// with no model named, it does nothing.
#[test]
fn zoo_model_in_a_child() {
    if kit::child::requested().as_deref() == Some("LeftFirst") {
        everyone_eats(LeftFirst::new);
    }
}

/// Your table in the same model: `concur check dining-philosophers
/// --loom`. It runs in a child process, because philosophers who each hold
/// a fork the next one waits for are a deadlock, which loom reports by
/// aborting.
#[cfg(feature = "starter")]
#[test]
fn starter_feeds_everyone() {
    kit::child::assert_passes("a_named_model_in_a_child", "everyone eats");
}

/// The child's side of the starter's model (its name does not say
/// "starter", so that `concur check` does not run it as a check of its
/// own); run directly, with no model named, it does nothing.
#[cfg(feature = "starter")]
#[test]
fn a_named_model_in_a_child() {
    use dining_philosophers::starter::StarterPhilosophers;
    if kit::child::requested().as_deref() == Some("everyone eats") {
        everyone_eats(StarterPhilosophers::new);
    }
}
