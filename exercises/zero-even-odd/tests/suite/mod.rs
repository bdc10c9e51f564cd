//! The conformance suite, shared by `conformance.rs` (every implementation
//! must pass) and `bugs.rs` (every bug-zoo variant must fail).
//!
//! Each check tests promises of the `ZeroEvenOdd` contract in `src/lib.rs`
//! under a schedule chosen to expose one kind of mistake, and returns
//! `Err` with a message that names the bug class it found (`kit::bugs`).
//! `zero`, `odd` and `even` each run on a thread of their own
//! (`kit::call`), joined with a deadline: a method that never returns
//! fails the check with a name, never hangs the test.

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use kit::bugs::{self, BugClass};
use kit::call::{Call, call};
use kit::workload::Rng;
use zero_even_odd::ZeroEvenOdd;

/// Which method printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Zero,
    Odd,
    Even,
}

impl Who {
    fn name(self) -> &'static str {
        match self {
            Who::Zero => "zero",
            Who::Odd => "odd",
            Who::Even => "even",
        }
    }

    /// The method that must print `number`.
    fn owner(number: usize) -> Who {
        if number == 0 {
            Who::Zero
        } else if number % 2 == 1 {
            Who::Odd
        } else {
            Who::Even
        }
    }
}

const ALL: [Who; 3] = [Who::Zero, Who::Odd, Who::Even];

/// What the prints did: `Began(who, number)` when `who`'s print of
/// `number` started, `Ended` when it returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    Began(Who, usize),
    Ended(Who, usize),
}

/// The only order the contract allows: 0 1 0 2 ... 0 n, each number from
/// its owner, each print ended before the next begins.
fn sequence(n: usize) -> Vec<Event> {
    (1..=n)
        .flat_map(|number| {
            let owner = Who::owner(number);
            [
                Event::Began(Who::Zero, 0),
                Event::Ended(Who::Zero, 0),
                Event::Began(owner, number),
                Event::Ended(owner, number),
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

impl<T: ZeroEvenOdd> Round<T> {
    fn new(make: fn(usize) -> T, n: usize) -> Arc<Self> {
        Arc::new(Round {
            object: make(n),
            n,
            log: Mutex::new(Vec::new()),
        })
    }

    /// Calls `who`'s method with a print that takes `hold`.
    fn call(&self, who: Who, hold: Duration) {
        let print = |number: usize| {
            self.note(Event::Began(who, number));
            if !hold.is_zero() {
                thread::sleep(hold);
            }
            self.note(Event::Ended(who, number));
        };
        match who {
            Who::Zero => self.object.zero(print),
            Who::Odd => self.object.odd(print),
            Who::Even => self.object.even(print),
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

    /// What is wrong with the prints of a finished run, or `None`. A
    /// number from the wrong method, or printed other than once, is a
    /// wrong answer; `class` names an order broken in this check's
    /// schedule.
    fn diagnose(&self, class: BugClass, schedule: &str) -> Option<String> {
        let events = self.events();
        let printed: Vec<(Who, usize)> = events
            .iter()
            .filter_map(|e| match *e {
                Event::Began(who, number) => Some((who, number)),
                Event::Ended(..) => None,
            })
            .collect();
        if let Some(&(who, number)) = printed
            .iter()
            .find(|&&(who, number)| number > self.n || Who::owner(number) != who)
        {
            let why = if number > self.n {
                format!("the numbers stop at n = {}", self.n)
            } else {
                format!(
                    "{number} is {}'s to print: zero prints the zeros, odd the odd numbers, \
                     even the even ones. The output alone can look right; the check looks at \
                     which method printed each number",
                    Who::owner(number).name()
                )
            };
            return Some(bugs::WRONG_ANSWER.says(format!(
                "{} printed {number} ({schedule}); {why}",
                who.name()
            )));
        }
        let zeros = printed.iter().filter(|&&(_, number)| number == 0).count();
        if zeros != self.n {
            return Some(bugs::WRONG_ANSWER.says(format!(
                "zero printed 0 {zeros} times with n = {} ({schedule}); it must print it n \
                 times, once before each number",
                self.n
            )));
        }
        for number in 1..=self.n {
            let times = printed.iter().filter(|&&(_, seen)| seen == number).count();
            if times != 1 {
                return Some(bugs::WRONG_ANSWER.says(format!(
                    "{} printed {number} {times} times ({schedule}); each number from 1 to n \
                     is printed exactly once",
                    Who::owner(number).name()
                )));
            }
        }
        let due = sequence(self.n);
        let at = events
            .iter()
            .zip(&due)
            .position(|(seen, wanted)| seen != wanted)?;
        Some(class.says(format!(
            "{} where {} was due, at event {} of {} ({schedule}); the events up to it: {}. The \
             prints run 0 1 0 2 ... 0 n, each beginning only after the one before has returned",
            shown(&events[at..=at]),
            shown(&due[at..=at]),
            at + 1,
            due.len(),
            shown(&events[at.saturating_sub(7)..=at])
        )))
    }
}

/// Events as a reader follows them: "zero began 0, zero ended 0, odd
/// began 1".
fn shown(events: &[Event]) -> String {
    if events.is_empty() {
        return "nothing".to_string();
    }
    events
        .iter()
        .map(|e| match *e {
            Event::Began(who, number) => format!("{} began {number}", who.name()),
            Event::Ended(who, number) => format!("{} ended {number}", who.name()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// How long a method may take to return once the others have been
/// called: far more than a correct one needs on a loaded machine.
const DEADLINE: Duration = Duration::from_secs(5);

/// How long a check lets a method run alone before it looks at what it
/// printed.
const SETTLE: Duration = Duration::from_millis(100);

/// Starts `who`'s method on a thread of its own, after `delay`.
fn spawn<T: ZeroEvenOdd + 'static>(
    round: &Arc<Round<T>>,
    who: Who,
    delay: Duration,
    hold: Duration,
) -> Call<()> {
    let round = Arc::clone(round);
    call(who.name(), delay, move || round.call(who, hold))
}

/// Waits for a method to return; one still blocked at the deadline is a
/// lost wake-up, and `why` says why it should have returned.
fn join(caller: Call<()>, why: &str) -> Result<(), String> {
    caller.join(DEADLINE, bugs::LOST_WAKEUP, why)
}

const NEVER_WOKEN: &str = "all three methods had been called, and it waited for a step nobody \
     woke it for: a notify sent before the waiter checked the counter, notify_one where two \
     threads wait for different steps, or a method that waits after its last print";

/// Calls `zero`, `odd` and `even` on one thread, in that order, with n = 0
/// and n = 1: the answer with no concurrency at all.
pub fn one_thread_in_order<T: ZeroEvenOdd + 'static>(make: fn(usize) -> T) -> Result<(), String> {
    for n in [0, 1] {
        let round = Round::new(make, n);
        let all = {
            let round = Arc::clone(&round);
            call("zero, odd and even, in order", Duration::ZERO, move || {
                for who in ALL {
                    round.call(who, Duration::ZERO);
                }
            })
        };
        join(
            all,
            &format!(
                "with n = {n}, on one thread, zero then odd then even, one of them waited for \
                 ever: a method whose print is next must not wait, and none may wait after its \
                 last print"
            ),
        )?;
        if let Some(message) = round.diagnose(
            bugs::ORDER_VIOLATED,
            &format!("n = {n}, zero, odd and even called in order on one thread"),
        ) {
            return Err(message);
        }
    }
    Ok(())
}

/// Runs per order of arrival in `every_arrival_order`.
const ROUNDS: usize = 10;

/// All six orders of arrival, many times, with random gaps between
/// arrivals. Half the runs make a few prints that take 1.5 ms each, so that
/// a thread that lets the next one go before its print has returned is
/// seen; the other half many quick prints.
pub fn every_arrival_order<T: ZeroEvenOdd + 'static>(make: fn(usize) -> T) -> Result<(), String> {
    let mut rng = Rng::new(1116);
    for order in [
        [Who::Zero, Who::Odd, Who::Even],
        [Who::Zero, Who::Even, Who::Odd],
        [Who::Odd, Who::Zero, Who::Even],
        [Who::Odd, Who::Even, Who::Zero],
        [Who::Even, Who::Zero, Who::Odd],
        [Who::Even, Who::Odd, Who::Zero],
    ] {
        for round_number in 0..ROUNDS {
            // Slow prints first: they show a turn passed on too early.
            let (n, hold) = if round_number.is_multiple_of(2) {
                (5, Duration::from_micros(1500))
            } else {
                (50, Duration::ZERO)
            };
            let round = Round::new(make, n);
            let callers: Vec<Call<()>> = order
                .iter()
                .enumerate()
                .map(|(place, &who)| {
                    let delay = Duration::from_micros(place as u64 * 500 + rng.below(500));
                    spawn(&round, who, delay, hold)
                })
                .collect();
            for caller in callers {
                join(caller, NEVER_WOKEN)?;
            }
            let arrival = order.map(Who::name).join(", ");
            if let Some(message) = round.diagnose(
                bugs::ORDER_VIOLATED,
                &format!("arrival order {arrival}, n = {n}, round {round_number}"),
            ) {
                return Err(message);
            }
        }
    }
    Ok(())
}

/// Calls `odd`, `even` and `zero` alone in turn, with n = 2: odd and even
/// may print nothing before zero has printed, and zero only its first 0
/// before odd has printed 1.
pub fn each_waits_for_its_turn<T: ZeroEvenOdd + 'static>(
    make: fn(usize) -> T,
) -> Result<(), String> {
    for alone in [Who::Odd, Who::Even, Who::Zero] {
        let round = Round::new(make, 2);
        let first = spawn(&round, alone, Duration::ZERO, Duration::ZERO);
        thread::sleep(SETTLE);
        let early = round.events();
        // Alone, zero may print its first 0 (two events) and no more.
        let allowed = if alone == Who::Zero { 2 } else { 0 };
        if early.len() > allowed {
            let rule = if alone == Who::Zero {
                "its second 0 must wait until odd has printed 1"
            } else {
                "every number waits for the 0 before it"
            };
            return Err(bugs::ORDER_VIOLATED.says(format!(
                "{}, called alone with n = 2, printed {}: {rule}",
                alone.name(),
                shown(&early)
            )));
        }
        let others: Vec<Call<()>> = ALL
            .iter()
            .filter(|&&who| who != alone)
            .map(|&who| spawn(&round, who, Duration::ZERO, Duration::ZERO))
            .collect();
        join(first, NEVER_WOKEN)?;
        for other in others {
            join(other, NEVER_WOKEN)?;
        }
        if let Some(message) = round.diagnose(
            bugs::ORDER_VIOLATED,
            &format!(
                "n = 2, {} called alone, the others 100 ms later",
                alone.name()
            ),
        ) {
            return Err(message);
        }
    }
    Ok(())
}

/// `even`, then `odd`, both waiting when `zero` arrives, with n = 2: zero's
/// first 0 wakes two waiters that wait for different steps. Each must
/// check, once woken, that its step has come, and the one whose step it is
/// (odd) must wake. parking_lot's condition variable wakes waiters in the
/// order they began to wait, so a `notify_one` wakes even, the wrong one.
pub fn waiters_recheck_after_waking<T: ZeroEvenOdd + 'static>(
    make: fn(usize) -> T,
) -> Result<(), String> {
    for round_number in 0..10 {
        let round = Round::new(make, 2);
        let even = spawn(&round, Who::Even, Duration::ZERO, Duration::ZERO);
        thread::sleep(Duration::from_millis(20));
        let odd = spawn(&round, Who::Odd, Duration::ZERO, Duration::ZERO);
        thread::sleep(Duration::from_millis(20));
        let early = round.events();
        if !early.is_empty() {
            return Err(bugs::ORDER_VIOLATED.says(format!(
                "{} before zero had been called: every number waits for the 0 before it",
                shown(&early)
            )));
        }
        let zero = spawn(&round, Who::Zero, Duration::ZERO, Duration::ZERO);
        let both = "even and odd were both waiting when zero printed its first 0, and odd was \
                    never woken: notify_one wakes one waiter, and parking_lot's wakes the one \
                    that has waited longest, here even, which finds it is not its step and \
                    sleeps again; wake every waiter when they wait for different things";
        join(odd, both)?;
        join(zero, NEVER_WOKEN)?;
        join(even, NEVER_WOKEN)?;
        if let Some(message) = round.diagnose(
            bugs::UNCHECKED_WAKEUP,
            &format!(
                "round {round_number}: even, then odd, were waiting when zero printed its first \
                 0; a waiter that wakes must check that its step has come, in a loop: `while`, \
                 not `if`"
            ),
        ) {
            return Err(message);
        }
    }
    Ok(())
}

/// With n = 1, each method is called only after the one before it has
/// returned: the signal that lets it go was sent before it began to wait,
/// and must not be lost.
pub fn a_finished_turn_is_remembered<T: ZeroEvenOdd + 'static>(
    make: fn(usize) -> T,
) -> Result<(), String> {
    let round = Round::new(make, 1);
    join(
        spawn(&round, Who::Zero, Duration::ZERO, Duration::ZERO),
        "with n = 1, zero goes first and has nothing to wait for after its one print: it must \
         print and return",
    )?;
    join(
        spawn(&round, Who::Odd, Duration::ZERO, Duration::ZERO),
        "it was called after zero had printed and returned, and waits for a signal that was \
         sent before it began to wait: keep how far the sequence has got under the lock, and \
         wait only while it says not yet",
    )?;
    join(
        spawn(&round, Who::Even, Duration::ZERO, Duration::ZERO),
        "with n = 1, even has nothing to print: it must return at once",
    )?;
    round
        .diagnose(
            bugs::ORDER_VIOLATED,
            "n = 1, each called after the one before returned",
        )
        .map_or(Ok(()), Err)
}

/// All three called at once, for n from 1 to 6: each number must come
/// from its own method. A swap of odd and even still reads 0 1 0 2 ...,
/// so this promise is checked by who printed, not by what.
pub fn each_number_from_its_own_thread<T: ZeroEvenOdd + 'static>(
    make: fn(usize) -> T,
) -> Result<(), String> {
    for n in 1..=6 {
        let round = Round::new(make, n);
        let callers: Vec<Call<()>> = ALL
            .iter()
            .map(|&who| spawn(&round, who, Duration::ZERO, Duration::ZERO))
            .collect();
        for caller in callers {
            join(caller, NEVER_WOKEN)?;
        }
        if let Some(message) = round.diagnose(
            bugs::ORDER_VIOLATED,
            &format!("n = {n}, all three called at once"),
        ) {
            return Err(message);
        }
    }
    Ok(())
}

/// How long `even` waits in `waiting_does_not_burn_a_core`.
const WAIT: Duration = Duration::from_millis(500);

/// `even` waits half a second before the others are called: it should
/// sleep, not spin.
pub fn waiting_does_not_burn_a_core<T: ZeroEvenOdd + 'static>(
    make: fn(usize) -> T,
) -> Result<(), String> {
    let round = Round::new(make, 2);
    let waiter = spawn(&round, Who::Even, Duration::ZERO, Duration::ZERO);
    thread::sleep(WAIT);
    let zero = spawn(&round, Who::Zero, Duration::ZERO, Duration::ZERO);
    let odd = spawn(&round, Who::Odd, Duration::ZERO, Duration::ZERO);
    join(zero, NEVER_WOKEN)?;
    join(odd, NEVER_WOKEN)?;
    let ran = waiter.join_ran(DEADLINE, bugs::LOST_WAKEUP, NEVER_WOKEN)?;
    if let Some(message) = round.diagnose(
        bugs::ORDER_VIOLATED,
        "n = 2, even called half a second before the others",
    ) {
        return Err(message);
    }
    ran.slept("even", "its number")
}
