//! The conformance suite, shared by `conformance.rs` (every implementation
//! must pass) and `bugs.rs` (every bug-zoo variant must fail).
//!
//! Each check tests promises of the `FizzBuzz` contract in `src/lib.rs`
//! under a schedule chosen to expose one kind of mistake, and returns `Err`
//! with a message that names the bug class it found (`kit::bugs`). Every
//! method a check calls runs on a thread of its own and is waited for with
//! a deadline: one that never returns fails the check with a name, never
//! hangs the test. Where the sequence stopped says which name: half-way,
//! a lost wake-up; after the last item, a missed termination.

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use fizz_buzz_multithreaded::{FizzBuzz, Part};
use kit::bugs;
use kit::call::{Call, Ran, call};
use kit::workload::Rng;

/// What one print said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Said {
    Fizz,
    Buzz,
    FizzBuzz,
    Number(u32),
}

impl fmt::Display for Said {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Said::Fizz => f.write_str("fizz"),
            Said::Buzz => f.write_str("buzz"),
            Said::FizzBuzz => f.write_str("fizzbuzz"),
            Said::Number(i) => write!(f, "{i}"),
        }
    }
}

/// What the sequence says at item `i`, worked out here rather than by the
/// contract's `Part::of`, so that the suite does not trust the code it
/// checks.
fn expected(i: u32) -> Said {
    if i.is_multiple_of(15) {
        Said::FizzBuzz
    } else if i.is_multiple_of(3) {
        Said::Fizz
    } else if i.is_multiple_of(5) {
        Said::Buzz
    } else {
        Said::Number(i)
    }
}

/// The method that prints item `i`.
fn owner(i: u32) -> Part {
    match expected(i) {
        Said::Fizz => Part::Fizz,
        Said::Buzz => Part::Buzz,
        Said::FizzBuzz => Part::FizzBuzz,
        Said::Number(_) => Part::Number,
    }
}

fn name(part: Part) -> &'static str {
    match part {
        Part::Fizz => "fizz",
        Part::Buzz => "buzz",
        Part::FizzBuzz => "fizzbuzz",
        Part::Number => "number",
    }
}

/// What the prints did: `Began` when a print started, `Ended` when it
/// returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    Began(Said),
    Ended(Said),
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Began(said) => write!(f, "{said} began"),
            Event::Ended(said) => write!(f, "{said} ended"),
        }
    }
}

/// What happened in one run: the prints, in order, and which methods have
/// returned.
#[derive(Default)]
struct Record {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    events: Vec<Event>,
    returned: Vec<Part>,
}

impl Record {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn note(&self, event: Event) {
        self.state().events.push(event);
    }

    fn events(&self) -> Vec<Event> {
        self.state().events.clone()
    }

    /// What the prints said, in the order they began.
    fn printed(&self) -> Vec<Said> {
        self.events()
            .into_iter()
            .filter_map(|event| match event {
                Event::Began(said) => Some(said),
                Event::Ended(_) => None,
            })
            .collect()
    }

    fn note_return(&self, part: Part) {
        self.state().returned.push(part);
        self.changed.notify_all();
    }

    /// Waits until `count` methods have returned, or `deadline` has passed,
    /// and says which have.
    fn wait_for_returns(&self, count: usize, deadline: Duration) -> Vec<Part> {
        let state = self.state();
        let (state, _) = self
            .changed
            .wait_timeout_while(state, deadline, |state| state.returned.len() < count)
            .unwrap_or_else(|p| p.into_inner());
        state.returned.clone()
    }
}

/// Notes a method's return when dropped: by a return, or by a panic's
/// unwinding (a `todo!()`), so that the check does not wait for it.
struct Returns<'a> {
    record: &'a Record,
    part: Part,
}

impl Drop for Returns<'_> {
    fn drop(&mut self) {
        self.record.note_return(self.part);
    }
}

/// One object, one run, and what its prints did.
struct Round<T> {
    object: T,
    n: u32,
    record: Record,
}

impl<T: FizzBuzz> Round<T> {
    fn new(make: fn(u32) -> T, n: u32) -> Arc<Self> {
        Arc::new(Round {
            object: make(n),
            n,
            record: Record::default(),
        })
    }

    /// Calls `part`'s method with a print that takes `hold`.
    fn play(&self, part: Part, hold: Duration) {
        let _returns = Returns {
            record: &self.record,
            part,
        };
        let print = |said: Said| {
            self.record.note(Event::Began(said));
            if !hold.is_zero() {
                thread::sleep(hold);
            }
            self.record.note(Event::Ended(said));
        };
        match part {
            Part::Fizz => self.object.fizz(|| print(Said::Fizz)),
            Part::Buzz => self.object.buzz(|| print(Said::Buzz)),
            Part::FizzBuzz => self.object.fizzbuzz(|| print(Said::FizzBuzz)),
            Part::Number => self.object.number(|i| print(Said::Number(i))),
        }
    }

    /// What is wrong with the prints of a run in which every method
    /// returned, or `None`.
    fn diagnose(&self, schedule: &str) -> Option<String> {
        let n = self.n;
        let events = self.record.events();
        let printed = self.record.printed();
        let sequence: Vec<Said> = (1..=n).map(expected).collect();
        let (mut printed_sorted, mut sequence_sorted) = (printed.clone(), sequence.clone());
        printed_sorted.sort();
        sequence_sorted.sort();
        if printed_sorted != sequence_sorted {
            // Not an order: the wrong items, or the right ones by the
            // wrong method.
            let at = printed
                .iter()
                .zip(&sequence)
                .position(|(got, want)| got != want)
                .unwrap_or(printed.len().min(sequence.len()));
            let got = printed
                .get(at)
                .map_or_else(|| "nothing".to_string(), ToString::to_string);
            let want = sequence.get(at).map_or_else(
                || "nothing (the sequence had ended)".to_string(),
                ToString::to_string,
            );
            return Some(bugs::WRONG_ANSWER.says(format!(
                "with n = {n}, item {} came out as {got}, where the sequence has {want} \
                 ({schedule}); the prints were {}: fizzbuzz prints the multiples of 15, fizz \
                 the other multiples of 3, buzz the other multiples of 5, and number every \
                 other item, each exactly once",
                at + 1,
                joined(&printed)
            )));
        }
        let want: Vec<Event> = sequence
            .iter()
            .flat_map(|&said| [Event::Began(said), Event::Ended(said)])
            .collect();
        if events == want {
            return None;
        }
        let at = events
            .iter()
            .zip(&want)
            .position(|(got, want)| got != want)
            .unwrap_or(events.len().min(want.len()));
        let got = events
            .get(at)
            .map_or_else(|| "nothing".to_string(), ToString::to_string);
        let due = match want.get(at) {
            Some(Event::Began(said)) => format!("{said} should have begun"),
            Some(Event::Ended(said)) => format!("{said} should have ended"),
            None => "nothing should have come".to_string(),
        };
        Some(bugs::ORDER_VIOLATED.says(format!(
            "with n = {n}, the prints ran as {}: {got} where {due} ({schedule}); each item's \
             print must begin only after the one before it has returned: move the turn on \
             after the print, not before",
            window(&events, at)
        )))
    }

    /// Why `stuck` had not returned by the deadline, from where the
    /// sequence stopped.
    fn why_stuck(&self, stuck: &[Part], schedule: &str) -> String {
        let n = self.n;
        let printed = self.record.printed();
        let names: Vec<&str> = stuck.iter().map(|&part| name(part)).collect();
        let who = listed(&names);
        let waited = DEADLINE.as_secs();
        if printed.len() >= n as usize {
            return bugs::MISSED_TERMINATION.says(format!(
                "{who} never returned after the last number (n = {n}, {schedule}): the whole \
                 sequence was printed, and {who} still waited {waited} s later for a turn \
                 that will never come; after item n, the turn must say that the sequence is \
                 over, every waiter must be woken, and each must stop waiting once it is over"
            ));
        }
        let next = printed.len() as u32 + 1;
        let turn = owner(next);
        if !stuck.contains(&turn) {
            return bugs::PREMATURE_TERMINATION.says(format!(
                "{} returned before printing item {next} of {n}, its own ({schedule}), and \
                 {who} then waited for ever: a method returns only once the whole sequence \
                 is printed",
                name(turn)
            ));
        }
        bugs::LOST_WAKEUP.says(format!(
            "the sequence stopped after {} of {n} items ({}; {schedule}): item {next} is \
             {}'s, and {who} still waited {waited} s later; {NEVER_WOKEN}",
            printed.len(),
            joined(&printed),
            name(turn)
        ))
    }
}

/// Items as a reader follows them: "1, 2, fizz".
fn joined(printed: &[Said]) -> String {
    if printed.is_empty() {
        return "nothing printed".to_string();
    }
    printed
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The events around `at`, where the run first went wrong.
fn window(events: &[Event], at: usize) -> String {
    let (from, to) = (at.saturating_sub(2), (at + 3).min(events.len()));
    let shown = events[from..to]
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{}{shown}{}",
        if from > 0 { "..., " } else { "" },
        if to < events.len() { ", ..." } else { "" }
    )
}

/// "fizz", "fizz and buzz", "fizz, buzz and fizzbuzz".
fn listed(names: &[&str]) -> String {
    match names {
        [] => "nobody".to_string(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// How long a method may take to return once the sequence allows it: far
/// more than a correct one needs on a loaded machine.
const DEADLINE: Duration = Duration::from_secs(5);

const NEVER_WOKEN: &str = "a waiter nobody woke: notify_one where methods wait for different \
     items wakes one of them, perhaps not the one whose item is next; or a method checked its \
     turn, let the lock go, and slept after the turn had come";

/// Starts `part`'s method on a thread of its own, after `delay`.
fn spawn<T: FizzBuzz + 'static>(
    round: &Arc<Round<T>>,
    part: Part,
    delay: Duration,
    hold: Duration,
) -> (Part, Call<()>) {
    let round = Arc::clone(round);
    (
        part,
        call(name(part), delay, move || round.play(part, hold)),
    )
}

/// Waits up to the deadline for every method to return, then joins them.
/// A method that panicked comes back as its panic (a `todo!()` reads "not
/// implemented yet"), before any other is blamed; one still blocked is
/// named by where the sequence stopped.
fn finish<T: FizzBuzz>(
    round: &Round<T>,
    calls: Vec<(Part, Call<()>)>,
    schedule: &str,
) -> Result<Vec<(Part, Ran<()>)>, String> {
    let returned = round.record.wait_for_returns(calls.len(), DEADLINE);
    let mut ran = Vec::new();
    let mut stuck = Vec::new();
    for (part, method) in calls {
        if returned.contains(&part) {
            // It has returned, so the join does not wait.
            ran.push((
                part,
                method.join_ran(DEADLINE, bugs::DEADLOCK, "it had returned")?,
            ));
        } else {
            // Left behind, blocked, as `Call::join` leaves a stuck call.
            stuck.push(part);
        }
    }
    if stuck.is_empty() {
        Ok(ran)
    } else {
        Err(round.why_stuck(&stuck, schedule))
    }
}

/// One run: each method starts after its delay in `arrivals`, and each
/// print takes `hold`. What each method cost, once all four have returned
/// and the prints are right.
fn play<T: FizzBuzz + 'static>(
    make: fn(u32) -> T,
    n: u32,
    arrivals: &[(Part, Duration)],
    hold: Duration,
    schedule: &str,
) -> Result<Vec<(Part, Ran<()>)>, String> {
    let round = Round::new(make, n);
    let calls = arrivals
        .iter()
        .map(|&(part, delay)| spawn(&round, part, delay, hold))
        .collect();
    let ran = finish(&round, calls, schedule)?;
    round.diagnose(schedule).map_or(Ok(ran), Err)
}

/// The four methods, all at once.
fn at_once() -> Vec<(Part, Duration)> {
    Part::ALL
        .iter()
        .map(|&part| (part, Duration::ZERO))
        .collect()
}

/// All four at once, n = 15: the sequence with every kind of item.
pub fn prints_the_sequence<T: FizzBuzz + 'static>(make: fn(u32) -> T) -> Result<(), String> {
    for round in 0..10 {
        play(
            make,
            15,
            &at_once(),
            Duration::ZERO,
            &format!("the four methods called at once, round {round}"),
        )?;
    }
    Ok(())
}

/// Every order of arrival of the four methods.
fn orders() -> Vec<[Part; 4]> {
    let mut orders = Vec::new();
    for a in 0..4 {
        for b in 0..4 {
            for c in 0..4 {
                for d in 0..4 {
                    let places = [a, b, c, d];
                    if (0..4).all(|place| places.contains(&place)) {
                        orders.push(places.map(|place| Part::ALL[place]));
                    }
                }
            }
        }
    }
    orders
}

/// Rounds per order of arrival in `every_arrival_order`.
const ROUNDS: usize = 4;

/// Every order of arrival, with random gaps between arrivals, and prints
/// that take 1.5 ms in every other round: a method that lets the next item
/// go before its own print has returned is seen.
pub fn every_arrival_order<T: FizzBuzz + 'static>(make: fn(u32) -> T) -> Result<(), String> {
    let mut rng = Rng::new(1195);
    for order in orders() {
        for round in 0..ROUNDS {
            let (hold, pace) = if round.is_multiple_of(2) {
                (Duration::ZERO, "")
            } else {
                (Duration::from_micros(1500), ", each print taking 1.5 ms")
            };
            let arrivals: Vec<(Part, Duration)> = order
                .iter()
                .enumerate()
                .map(|(place, &part)| {
                    let delay = place as u64 * 500 + rng.below(500);
                    (part, Duration::from_micros(delay))
                })
                .collect();
            let arrival = order.map(name).join(", ");
            play(
                make,
                15,
                &arrivals,
                hold,
                &format!("arrival order {arrival}, round {round}{pace}"),
            )?;
        }
    }
    Ok(())
}

/// Small and awkward n: fizz, buzz and fizzbuzz asleep first, number 5 ms
/// later. Every method must return at the end, the ones with nothing to
/// print included.
pub fn every_method_returns_at_the_end<T: FizzBuzz + 'static>(
    make: fn(u32) -> T,
) -> Result<(), String> {
    for n in [1, 2, 3, 4, 5, 6, 14, 15, 16] {
        let arrivals = [
            (Part::Fizz, Duration::ZERO),
            (Part::Buzz, Duration::ZERO),
            (Part::FizzBuzz, Duration::ZERO),
            (Part::Number, Duration::from_millis(5)),
        ];
        play(
            make,
            n,
            &arrivals,
            Duration::ZERO,
            "fizz, buzz and fizzbuzz called 5 ms before number",
        )?;
    }
    Ok(())
}

/// fizzbuzz, buzz and fizz go to sleep in that order, 20 ms apart, then
/// number arrives (n = 5). A condition variable's waiters queue in the
/// order they slept (parking_lot's and loom's both wake the head of the
/// queue on `notify_one`), so `notify_one` wakes fizzbuzz for item 2 and
/// buzz for item 3, and fizz, whose item 3 is, is never woken.
pub fn the_right_thread_is_woken<T: FizzBuzz + 'static>(make: fn(u32) -> T) -> Result<(), String> {
    let arrivals = [
        (Part::FizzBuzz, Duration::ZERO),
        (Part::Buzz, Duration::from_millis(20)),
        (Part::Fizz, Duration::from_millis(40)),
        (Part::Number, Duration::from_millis(60)),
    ];
    for round in 0..3 {
        play(
            make,
            5,
            &arrivals,
            Duration::ZERO,
            &format!(
                "fizzbuzz, buzz and fizz asleep, in that order, when number arrived; round \
                 {round}"
            ),
        )?;
    }
    Ok(())
}

/// How long fizz waits in `waiting_does_not_burn_a_core`.
const WAIT: Duration = Duration::from_millis(500);

/// fizz is called half a second before the others (n = 3): it should
/// sleep, not spin, while it waits for items 1 and 2.
pub fn waiting_does_not_burn_a_core<T: FizzBuzz + 'static>(
    make: fn(u32) -> T,
) -> Result<(), String> {
    let arrivals = [
        (Part::Fizz, Duration::ZERO),
        (Part::Number, WAIT),
        (Part::Buzz, WAIT),
        (Part::FizzBuzz, WAIT),
    ];
    let ran = play(
        make,
        3,
        &arrivals,
        Duration::ZERO,
        "fizz called half a second before the others",
    )?;
    let Some((_, fizz)) = ran.iter().find(|(part, _)| *part == Part::Fizz) else {
        return Ok(());
    };
    fizz.slept("fizz", "its item")
}
