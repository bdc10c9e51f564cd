//! Loom models: every interleaving of two molecules' atoms, up to the
//! preemption bound, for each reference; and the zoo's mistakes that loom
//! finds where a stress test may not.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p building-h2o --test loom --release`
//! and your molecules with `concur check building-h2o --loom`.
#![cfg(loom)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use building_h2o::buggy::{JoinThenSleep, NoGrouping};
use building_h2o::{CondvarH2O, H2O, SemaphoreH2O};
use kit::sync::{Arc, Mutex, thread};

/// The model's assertions, each in its bug class's words, as
/// `concur check building-h2o --loom` shows them; the releases follow.
const OVERLAP: &str = "order violated: molecules overlap, in an interleaving loom found: a \
     molecule's three releases must all return before the next one's begin; the releases ran as";
const WRONG_ATOMS: &str = "order violated: a molecule of the wrong atoms, in an interleaving \
     loom found: taken in the order they begin, each three releases are two hydrogens and an \
     oxygen; the releases ran as";
const UNRELEASED: &str = "wrong answer: not every atom was released exactly once, though every \
     call returned; the releases ran as";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Atom {
    Hydrogen,
    Oxygen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    Began(Atom),
    Ended(Atom),
}

struct Flask<T> {
    object: T,
    log: Mutex<Vec<Event>>,
}

impl<T: H2O> Flask<T> {
    fn call(&self, atom: Atom) {
        let release = || {
            self.log.lock().push(Event::Began(atom));
            self.log.lock().push(Event::Ended(atom));
        };
        match atom {
            Atom::Hydrogen => self.object.hydrogen(release),
            Atom::Oxygen => self.object.oxygen(release),
        }
    }
}

/// The releases fall into threes in the order they began, each three two
/// hydrogens and an oxygen, and each three's releases all end before the
/// next three's begin.
fn assert_molecules(log: &[Event]) {
    let (mut began, mut ended, mut hydrogens) = (0_usize, 0_usize, 0_usize);
    for event in log {
        match *event {
            Event::Began(atom) => {
                if began.is_multiple_of(3) {
                    assert_eq!(ended, began, "{OVERLAP} {log:?}");
                }
                began += 1;
                if atom == Atom::Hydrogen {
                    hydrogens += 1;
                }
                if began.is_multiple_of(3) {
                    assert_eq!(hydrogens, 2, "{WRONG_ATOMS} {log:?}");
                    hydrogens = 0;
                }
            }
            Event::Ended(_) => ended += 1,
        }
    }
    assert_eq!(began, 6, "{UNRELEASED} {log:?}");
}

/// Two molecules from four threads: two call `hydrogen` twice each, and two
/// (one of them the model's own) call `oxygen` once. A hydrogen thread's
/// second atom arrives only once its first has been let through, so each
/// molecule takes a hydrogen from each of those threads, and the two
/// oxygens race for the one oxygen place.
fn two_molecules<T: H2O + 'static>(make: fn() -> T) {
    loom::model(move || {
        let flask = Arc::new(Flask {
            object: make(),
            log: Mutex::new(Vec::new()),
        });
        let hydrogens: Vec<_> = (0..2)
            .map(|_| {
                let flask = Arc::clone(&flask);
                thread::spawn(move || {
                    flask.call(Atom::Hydrogen);
                    flask.call(Atom::Hydrogen);
                })
            })
            .collect();
        let oxygen = {
            let flask = Arc::clone(&flask);
            thread::spawn(move || flask.call(Atom::Oxygen))
        };
        flask.call(Atom::Oxygen);
        oxygen.join().unwrap();
        for hydrogen in hydrogens {
            hydrogen.join().unwrap();
        }
        assert_molecules(&flask.log.lock());
    });
}

#[test]
fn condvar_forms_molecules() {
    two_molecules(CondvarH2O::new);
}

#[test]
fn semaphores_form_molecules() {
    two_molecules(SemaphoreH2O::new);
}

/// Loom finds the missing grouping: in some interleaving three hydrogens
/// are released in a row.
#[test]
fn loom_finds_the_missing_grouping() {
    let found = catch_unwind(AssertUnwindSafe(|| two_molecules(NoGrouping::new)));
    assert!(
        found.is_err(),
        "loom should find NoGrouping's wrong molecules"
    );
}

/// Loom finds the lost wake-up as a deadlock: an interleaving in which
/// every thread waits. It reports a deadlock by panicking while its threads
/// unwind, which aborts the process, so the model runs in a child process
/// of this test binary, and the test reads loom's verdict from the child's
/// output.
#[test]
fn loom_finds_the_lost_wakeup() {
    if let Err(said) = kit::child::expect_deadlock("zoo_model_in_a_child", "JoinThenSleep") {
        panic!(
            "loom should find JoinThenSleep's lost wake-up as a deadlock; the child said:\n{said}"
        );
    }
}

/// The child's side of `loom_finds_the_lost_wakeup`; run directly, with no
/// model named, it does nothing.
#[test]
fn zoo_model_in_a_child() {
    if kit::child::requested().as_deref() == Some("JoinThenSleep") {
        two_molecules(JoinThenSleep::new);
    }
}

/// Your molecules in the same model: `concur check building-h2o --loom`.
/// It runs in a child process, because an atom nobody wakes is a deadlock,
/// which loom reports by aborting.
#[cfg(feature = "starter")]
#[test]
fn starter_forms_molecules() {
    kit::child::assert_passes("a_named_model_in_a_child", "two molecules");
}

/// The child's side of the starter's model (its name does not say
/// "starter", so that `concur check` does not run it as a check of its
/// own); run directly, with no model named, it does nothing.
#[cfg(feature = "starter")]
#[test]
fn a_named_model_in_a_child() {
    use building_h2o::starter::StarterH2O;
    if kit::child::requested().as_deref() == Some("two molecules") {
        two_molecules(StarterH2O::new);
    }
}
