//! The conformance suite, shared by `conformance.rs` (every implementation
//! must pass) and `bugs.rs` (every bug-zoo variant must fail).
//!
//! Each check tests promises of the `FooBar` contract in `src/lib.rs` under
//! a schedule chosen to expose one kind of mistake, and returns `Err` with
//! a message that names the bug class it found (`kit::bugs`). `foo` and
//! `bar` each run on a thread of their own (`kit::call`), joined with a
//! deadline: a method that never returns fails the check with a name,
//! never hangs the test.

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use foobar_alternately::FooBar;
use kit::bugs::{self, BugClass};
use kit::call::{Call, call};
use kit::workload::Rng;

/// Which method a print belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Foo,
    Bar,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Foo => "foo",
            Side::Bar => "bar",
        }
    }
}

/// What the prints did: `Began` when a print started, `Ended` when it
/// returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    Began(Side),
    Ended(Side),
}

/// The only order the contract allows: foo's print, then bar's, `n` times,
/// each one ended before the next begins.
fn alternating(n: usize) -> Vec<Event> {
    (0..n)
        .flat_map(|_| {
            [
                Event::Began(Side::Foo),
                Event::Ended(Side::Foo),
                Event::Began(Side::Bar),
                Event::Ended(Side::Bar),
            ]
        })
        .collect()
}

/// One object, one run, and what its prints did.
struct Round<T> {
    object: T,
    n: usize,
    log: Mutex<Vec<Event>>,
}

impl<T: FooBar> Round<T> {
    fn new(make: fn(usize) -> T, n: usize) -> Arc<Self> {
        Arc::new(Round {
            object: make(n),
            n,
            log: Mutex::new(Vec::new()),
        })
    }

    /// Calls `side`'s method with a print that takes `hold`.
    fn call(&self, side: Side, hold: Duration) {
        let print = || {
            self.note(Event::Began(side));
            if !hold.is_zero() {
                thread::sleep(hold);
            }
            self.note(Event::Ended(side));
        };
        match side {
            Side::Foo => self.object.foo(print),
            Side::Bar => self.object.bar(print),
        }
    }

    fn note(&self, event: Event) {
        self.log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(event);
    }

    fn events(&self) -> Vec<Event> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// What is wrong with the prints of a finished run, or `None`. A count
    /// other than `n` is a wrong answer; `class` names an order broken in
    /// this check's schedule.
    fn diagnose(&self, class: BugClass, schedule: &str) -> Option<String> {
        let events = self.events();
        for side in [Side::Foo, Side::Bar] {
            let prints = events.iter().filter(|e| **e == Event::Began(side)).count();
            if prints != self.n {
                return Some(bugs::WRONG_ANSWER.says(format!(
                    "{} ran its print {prints} times with n = {} ({schedule}); it must run it \
                     exactly n times",
                    side.name(),
                    self.n
                )));
            }
        }
        let due = alternating(self.n);
        let at = events
            .iter()
            .zip(&due)
            .position(|(seen, wanted)| seen != wanted)?;
        Some(class.says(format!(
            "{} where {} was due, at event {} of {} ({schedule}); the events up to it: {}. foo \
             and bar take turns, foo first, and a print begins only after the other's has \
             returned",
            shown(&events[at..=at]),
            shown(&due[at..=at]),
            at + 1,
            due.len(),
            shown(&events[at.saturating_sub(7)..=at])
        )))
    }
}

/// Events as a reader follows them: "foo began, foo ended, bar began".
fn shown(events: &[Event]) -> String {
    if events.is_empty() {
        return "nothing".to_string();
    }
    events
        .iter()
        .map(|e| match *e {
            Event::Began(side) => format!("{} began", side.name()),
            Event::Ended(side) => format!("{} ended", side.name()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// How long a method may take to return once the other has been called:
/// far more than a correct one needs on a loaded machine.
const DEADLINE: Duration = Duration::from_secs(5);

/// How long a check lets a method run alone before it looks at what it
/// printed.
const SETTLE: Duration = Duration::from_millis(100);

/// Starts `side`'s method on a thread of its own, after `delay`.
fn spawn<T: FooBar + 'static>(
    round: &Arc<Round<T>>,
    side: Side,
    delay: Duration,
    hold: Duration,
) -> Call<()> {
    let round = Arc::clone(round);
    call(side.name(), delay, move || round.call(side, hold))
}

/// Waits for a method to return; one still blocked at the deadline is a
/// lost wake-up, and `why` says why it should have returned.
fn join(caller: Call<()>, why: &str) -> Result<(), String> {
    caller.join(DEADLINE, bugs::LOST_WAKEUP, why)
}

const NEVER_WOKEN: &str = "both methods had been called, and it waited for a turn nobody \
     handed it: a notify sent before the waiter checked the turn, a turn handed over with no \
     notify, or a method that waits after its last print";

/// Calls `foo`, then `bar`, on one thread, with n = 0 and n = 1: the
/// answer with no concurrency at all.
pub fn one_thread_in_order<T: FooBar + 'static>(make: fn(usize) -> T) -> Result<(), String> {
    for n in [0, 1] {
        let round = Round::new(make, n);
        let both = {
            let round = Arc::clone(&round);
            call("foo, then bar", Duration::ZERO, move || {
                round.call(Side::Foo, Duration::ZERO);
                round.call(Side::Bar, Duration::ZERO);
            })
        };
        join(
            both,
            &format!(
                "with n = {n}, on one thread, foo then bar, one of them waited for ever: a method \
                 whose turn has come must not wait, and foo must not wait for bar after its last \
                 print"
            ),
        )?;
        if let Some(message) = round.diagnose(
            bugs::ORDER_VIOLATED,
            &format!("n = {n}, foo then bar on one thread"),
        ) {
            return Err(message);
        }
    }
    Ok(())
}

/// Runs per order of arrival in `every_arrival_order`.
const ROUNDS: usize = 20;

/// Foo first and bar first, many times, with random gaps between arrivals.
/// Half the runs make a few prints that take 1.5 ms each, so that a thread
/// that hands the turn over before its print has returned is seen; the
/// other half many quick prints.
pub fn every_arrival_order<T: FooBar + 'static>(make: fn(usize) -> T) -> Result<(), String> {
    let mut rng = Rng::new(1115);
    for order in [[Side::Foo, Side::Bar], [Side::Bar, Side::Foo]] {
        for round_number in 0..ROUNDS {
            // Slow prints first: they show a turn passed on too early.
            let (n, hold) = if round_number.is_multiple_of(2) {
                (4, Duration::from_micros(1500))
            } else {
                (50, Duration::ZERO)
            };
            let round = Round::new(make, n);
            let callers: Vec<Call<()>> = order
                .iter()
                .enumerate()
                .map(|(place, &side)| {
                    let delay = Duration::from_micros(place as u64 * 500 + rng.below(500));
                    spawn(&round, side, delay, hold)
                })
                .collect();
            for caller in callers {
                join(caller, NEVER_WOKEN)?;
            }
            if let Some(message) = round.diagnose(
                bugs::ORDER_VIOLATED,
                &format!(
                    "{} called first, n = {n}, round {round_number}",
                    order[0].name()
                ),
            ) {
                return Err(message);
            }
        }
    }
    Ok(())
}

/// Calls `bar` alone: it may not print before foo has.
pub fn bar_waits_for_foo<T: FooBar + 'static>(make: fn(usize) -> T) -> Result<(), String> {
    let round = Round::new(make, 2);
    let bar_caller = spawn(&round, Side::Bar, Duration::ZERO, Duration::ZERO);
    thread::sleep(SETTLE);
    let early = round.events();
    if !early.is_empty() {
        return Err(bugs::ORDER_VIOLATED.says(format!(
            "bar, called alone, printed ({}) although foo had not been called: foo prints \
             first, and bar must wait for it",
            shown(&early)
        )));
    }
    let foo_caller = spawn(&round, Side::Foo, Duration::ZERO, Duration::ZERO);
    join(foo_caller, NEVER_WOKEN)?;
    join(bar_caller, NEVER_WOKEN)?;
    round
        .diagnose(
            bugs::ORDER_VIOLATED,
            "n = 2, bar called alone, foo 100 ms later",
        )
        .map_or(Ok(()), Err)
}

/// Calls `foo` alone with n = 2: it prints once, then must wait for bar.
pub fn foo_waits_for_bar<T: FooBar + 'static>(make: fn(usize) -> T) -> Result<(), String> {
    let round = Round::new(make, 2);
    let foo_caller = spawn(&round, Side::Foo, Duration::ZERO, Duration::ZERO);
    thread::sleep(SETTLE);
    let early = round.events();
    let foo_prints = early
        .iter()
        .filter(|e| **e == Event::Began(Side::Foo))
        .count();
    if foo_prints > 1 {
        return Err(bugs::ORDER_VIOLATED.says(format!(
            "foo, called alone with n = 2, printed {foo_prints} times ({}) although bar had not \
             been called: after each print, foo must wait for bar's",
            shown(&early)
        )));
    }
    let bar_caller = spawn(&round, Side::Bar, Duration::ZERO, Duration::ZERO);
    join(foo_caller, NEVER_WOKEN)?;
    join(bar_caller, NEVER_WOKEN)?;
    round
        .diagnose(
            bugs::ORDER_VIOLATED,
            "n = 2, foo called alone, bar 100 ms later",
        )
        .map_or(Ok(()), Err)
}

/// With n = 1, `foo` runs alone to its end, and only then is `bar`
/// called: the hand-over that lets bar go was made before bar began to
/// wait, and must not be lost.
pub fn a_finished_turn_is_remembered<T: FooBar + 'static>(
    make: fn(usize) -> T,
) -> Result<(), String> {
    let round = Round::new(make, 1);
    join(
        spawn(&round, Side::Foo, Duration::ZERO, Duration::ZERO),
        "with n = 1, foo's turn had come and nothing was left to wait for after its print: it \
         must print and return",
    )?;
    join(
        spawn(&round, Side::Bar, Duration::ZERO, Duration::ZERO),
        "it was called after foo had printed and returned, and waits for a signal that was sent \
         before it began to wait: keep whose turn it is under the lock, and wait only while it \
         is not yours",
    )?;
    round
        .diagnose(bugs::ORDER_VIOLATED, "n = 1, bar called after foo returned")
        .map_or(Ok(()), Err)
}

/// How long `bar` waits in `waiting_does_not_burn_a_core`.
const WAIT: Duration = Duration::from_millis(500);

/// `bar` waits half a second for foo: it should sleep, not spin.
pub fn waiting_does_not_burn_a_core<T: FooBar + 'static>(
    make: fn(usize) -> T,
) -> Result<(), String> {
    let round = Round::new(make, 1);
    let waiter = spawn(&round, Side::Bar, Duration::ZERO, Duration::ZERO);
    thread::sleep(WAIT);
    join(
        spawn(&round, Side::Foo, Duration::ZERO, Duration::ZERO),
        "with n = 1, foo's turn had come and nothing was left to wait for after its print: it \
         must print and return",
    )?;
    let ran = waiter.join_ran(DEADLINE, bugs::LOST_WAKEUP, NEVER_WOKEN)?;
    if let Some(message) = round.diagnose(
        bugs::ORDER_VIOLATED,
        "n = 1, bar called half a second before foo",
    ) {
        return Err(message);
    }
    ran.slept("bar", "its turn")
}
