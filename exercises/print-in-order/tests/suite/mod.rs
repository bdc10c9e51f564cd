//! The conformance suite, shared by `conformance.rs` (every implementation
//! must pass) and `bugs.rs` (every bug-zoo variant must fail).
//!
//! Each check tests promises of the `InOrder` contract in `src/lib.rs`
//! under a schedule chosen to expose one kind of mistake, and returns `Err`
//! with a message that names the bug class it found (`kit::bugs`). Every
//! thread a check starts is joined with a deadline: a turn that never
//! returns fails the check with a name, never hangs the test.

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use kit::bugs::{self, BugClass};
use kit::call::{Call, call};
use kit::workload::Rng;
use print_in_order::InOrder;

/// What the prints did: `Began(n)` when print `n` started, `Ended(n)` when
/// it returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    Began(u8),
    Ended(u8),
}

/// The only order the contract allows.
const IN_ORDER: [Event; 6] = [
    Event::Began(1),
    Event::Ended(1),
    Event::Began(2),
    Event::Ended(2),
    Event::Began(3),
    Event::Ended(3),
];

/// One object, one round, and what its prints did.
struct Round<T> {
    object: T,
    log: Mutex<Vec<Event>>,
}

impl<T: InOrder> Round<T> {
    fn new(make: fn() -> T) -> Arc<Self> {
        Arc::new(Round {
            object: make(),
            log: Mutex::new(Vec::new()),
        })
    }

    /// Calls turn `n` (1 = `first`) with a print that takes `hold`.
    fn call(&self, n: u8, hold: Duration) {
        let print = || {
            self.note(Event::Began(n));
            if !hold.is_zero() {
                thread::sleep(hold);
            }
            self.note(Event::Ended(n));
        };
        match n {
            1 => self.object.first(print),
            2 => self.object.second(print),
            _ => self.object.third(print),
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

    /// What is wrong with the prints so far, or `None`. `class` names an
    /// order broken in this check's schedule.
    fn diagnose(&self, class: BugClass, schedule: &str) -> Option<String> {
        let events = self.events();
        for n in 1..=3 {
            let runs = events.iter().filter(|e| **e == Event::Began(n)).count();
            if runs != 1 {
                return Some(bugs::WRONG_ANSWER.says(format!(
                    "{} ran its print {runs} times in one round ({schedule}); it must run it \
                     exactly once",
                    name(n)
                )));
            }
        }
        (events != IN_ORDER).then(|| {
            class.says(format!(
                "the prints ran as {} ({schedule}); each must begin only after the one before \
                 it has returned",
                shown(&events)
            ))
        })
    }
}

fn name(n: u8) -> &'static str {
    ["first", "second", "third"][usize::from(n) - 1]
}

/// Events as a reader follows them: "first began, first ended, ...".
fn shown(events: &[Event]) -> String {
    events
        .iter()
        .map(|e| match *e {
            Event::Began(n) => format!("{} began", name(n)),
            Event::Ended(n) => format!("{} ended", name(n)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// How long a turn may take to return once its turn has come: far more
/// than a correct one needs on a loaded machine.
const DEADLINE: Duration = Duration::from_secs(5);

/// Starts turn `n` on a thread of its own, after `delay`.
fn spawn<T: InOrder + 'static>(
    round: &Arc<Round<T>>,
    n: u8,
    delay: Duration,
    hold: Duration,
) -> Call<()> {
    let round = Arc::clone(round);
    call(name(n), delay, move || round.call(n, hold))
}

/// Waits for a turn to return; a turn still blocked at the deadline,
/// although every turn before it had finished, is a lost wake-up.
fn join(turn: Call<()>, why: &str) -> Result<(), String> {
    turn.join(
        DEADLINE,
        bugs::LOST_WAKEUP,
        &format!("every turn before it had finished; {why}"),
    )
}

const NEVER_WOKEN: &str = "a waiter nobody woke: a notify sent before the waiter checked its \
     condition, notify_one where two threads wait for different turns, or a turn that never \
     signals the next";

/// Calls on one thread, in order, on a fresh object: the answer with no
/// concurrency at all.
pub fn one_thread_in_order<T: InOrder + 'static>(make: fn() -> T) -> Result<(), String> {
    let round = Round::new(make);
    let all = {
        let round = Arc::clone(&round);
        call(
            "first, second and third, in order",
            Duration::ZERO,
            move || {
                for n in 1..=3 {
                    round.call(n, Duration::ZERO);
                }
            },
        )
    };
    join(
        all,
        "on one thread, in order, one of them waited for ever: a turn whose turn has come \
         must not wait",
    )?;
    round
        .diagnose(bugs::ORDER_VIOLATED, "called in order on one thread")
        .map_or(Ok(()), Err)
}

/// Rounds per order of arrival in `every_arrival_order`.
const ROUNDS: usize = 20;

/// Every order of arrival, many times, with random gaps between arrivals
/// and prints that sometimes take a while (so that a turn that lets the
/// next one go before its print has returned is seen).
pub fn every_arrival_order<T: InOrder + 'static>(make: fn() -> T) -> Result<(), String> {
    let mut rng = Rng::new(1114);
    for order in [
        [1, 2, 3],
        [1, 3, 2],
        [2, 1, 3],
        [2, 3, 1],
        [3, 1, 2],
        [3, 2, 1],
    ] {
        for round_number in 0..ROUNDS {
            let round = Round::new(make);
            let hold = Duration::from_micros(if round_number % 2 == 0 { 0 } else { 1500 });
            let callers: Vec<Call<()>> = order
                .iter()
                .enumerate()
                .map(|(place, &n)| {
                    let delay = Duration::from_micros(place as u64 * 500 + rng.below(500));
                    spawn(&round, n, delay, hold)
                })
                .collect();
            let arrival = order.map(name).join(", ");
            for caller in callers {
                join(caller, NEVER_WOKEN)?;
            }
            if let Some(message) = round.diagnose(
                bugs::ORDER_VIOLATED,
                &format!("arrival order {arrival}, round {round_number}"),
            ) {
                return Err(message);
            }
        }
    }
    Ok(())
}

/// Calls `second`, then `third`, alone: neither may print before the turn
/// before it has.
pub fn a_turn_waits_for_the_one_before<T: InOrder + 'static>(
    make: fn() -> T,
) -> Result<(), String> {
    for alone in [2, 3] {
        let round = Round::new(make);
        let caller = spawn(&round, alone, Duration::ZERO, Duration::ZERO);
        thread::sleep(Duration::from_millis(100));
        let early = round.events();
        if !early.is_empty() {
            return Err(bugs::ORDER_VIOLATED.says(format!(
                "{} printed although first had not been called ({}): a turn must wait for the \
                 one before it",
                name(alone),
                shown(&early)
            )));
        }
        for n in 1..alone {
            join(
                spawn(&round, n, Duration::ZERO, Duration::ZERO),
                NEVER_WOKEN,
            )?;
        }
        join(caller, NEVER_WOKEN)?;
        for n in alone + 1..=3 {
            join(
                spawn(&round, n, Duration::ZERO, Duration::ZERO),
                NEVER_WOKEN,
            )?;
        }
        if let Some(message) = round.diagnose(
            bugs::ORDER_VIOLATED,
            &format!("{} called alone, the others after it", name(alone)),
        ) {
            return Err(message);
        }
    }
    Ok(())
}

/// `third`, then `second`, both waiting when `first` arrives: one signal
/// wakes two waiters that wait for different turns. Each must check, once
/// woken, that its turn has come, and the one whose turn it is must wake.
pub fn waiters_recheck_after_waking<T: InOrder + 'static>(make: fn() -> T) -> Result<(), String> {
    for round_number in 0..10 {
        let round = Round::new(make);
        let third = spawn(&round, 3, Duration::ZERO, Duration::ZERO);
        thread::sleep(Duration::from_millis(20));
        let second = spawn(&round, 2, Duration::ZERO, Duration::ZERO);
        thread::sleep(Duration::from_millis(20));
        let early = round.events();
        if !early.is_empty() {
            return Err(bugs::ORDER_VIOLATED.says(format!(
                "{} before first had been called: a turn must wait for the one before it",
                shown(&early)
            )));
        }
        let first = spawn(&round, 1, Duration::ZERO, Duration::ZERO);
        let both = "second and third were both waiting when first finished, and one was never \
                    woken: notify_one wakes one waiter, which may be the wrong one; wake every \
                    waiter when they wait for different things";
        join(first, NEVER_WOKEN)?;
        join(second, both)?;
        join(third, both)?;
        if let Some(message) = round.diagnose(
            bugs::UNCHECKED_WAKEUP,
            &format!(
                "round {round_number}: third and second were both waiting when first printed; \
                 a waiter that wakes must check that its turn has come, in a loop: `while`, \
                 not `if`"
            ),
        ) {
            return Err(message);
        }
    }
    Ok(())
}

/// Each turn called only after the one before has returned: the signal
/// that lets it go was sent before it began to wait, and must not be lost.
pub fn a_finished_turn_is_remembered<T: InOrder + 'static>(make: fn() -> T) -> Result<(), String> {
    let round = Round::new(make);
    for n in 1..=3 {
        join(
            spawn(&round, n, Duration::ZERO, Duration::ZERO),
            "it was called after the turn before it had returned, and waits for a signal that \
             was sent before it began to wait: keep the state (how far the round has got) under \
             the lock, and wait only while it says not yet",
        )?;
    }
    round
        .diagnose(
            bugs::ORDER_VIOLATED,
            "each turn called after the one before returned",
        )
        .map_or(Ok(()), Err)
}

/// How long `third` waits in `waiting_does_not_burn_a_core`.
const WAIT: Duration = Duration::from_millis(500);

/// `third` waits half a second for its turn: it should sleep, not spin.
pub fn waiting_does_not_burn_a_core<T: InOrder + 'static>(make: fn() -> T) -> Result<(), String> {
    let round = Round::new(make);
    let waiter = spawn(&round, 3, Duration::ZERO, Duration::ZERO);
    thread::sleep(WAIT);
    for n in 1..=2 {
        join(
            spawn(&round, n, Duration::ZERO, Duration::ZERO),
            NEVER_WOKEN,
        )?;
    }
    let ran = waiter.join_ran(
        DEADLINE,
        bugs::LOST_WAKEUP,
        &format!("every turn before it had finished; {NEVER_WOKEN}"),
    )?;
    if let Some(message) = round.diagnose(bugs::ORDER_VIOLATED, "third called half a second early")
    {
        return Err(message);
    }
    ran.slept("third", "its turn")
}
