//! The conformance suite, shared by `conformance.rs` (every implementation
//! must pass) and `bugs.rs` (every bug-zoo variant must fail).
//!
//! Each check tests promises of the `H2O` contract in `src/lib.rs` under a
//! schedule chosen to expose one kind of mistake, and returns `Err` with a
//! message that names the bug class it found (`kit::bugs`). Every atom a
//! check calls runs on a thread of its own and is waited for with a
//! deadline: one that never returns fails the check with a name, never
//! hangs the test.
//!
//! The checks read the release log: taken in the order they began, the
//! releases fall into threes, and each three must be two hydrogens and an
//! oxygen whose releases all return before the next three begin.

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use building_h2o::H2O;
use kit::bugs;
use kit::call::{Call, call};
use kit::workload::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Atom {
    Hydrogen,
    Oxygen,
}

/// An atom as the messages name it: its kind and the place it has in the
/// schedule, from 1 (`H1`, `O3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Called {
    atom: Atom,
    id: usize,
}

impl fmt::Display for Called {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let letter = match self.atom {
            Atom::Hydrogen => "H",
            Atom::Oxygen => "O",
        };
        write!(f, "{letter}{}", self.id)
    }
}

/// What the releases did: `Began` when a release started, `Ended` when it
/// returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    Began(Called),
    Ended(Called),
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Began(who) => write!(f, "{who} began"),
            Event::Ended(who) => write!(f, "{who} ended"),
        }
    }
}

/// How many releases in `events` have begun.
fn begun(events: &[Event]) -> usize {
    events
        .iter()
        .filter(|event| matches!(event, Event::Began(_)))
        .count()
}

/// A release that waited in vain for the other two of its molecule.
#[derive(Debug, Clone, Copy)]
struct Alone {
    who: Called,
    /// Its molecule, from 1.
    molecule: usize,
    /// How many of the molecule's other two had begun by the deadline.
    partners: usize,
}

/// What happened in one run: the releases, in order, and which atoms have
/// returned.
#[derive(Default)]
struct Record {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    events: Vec<Event>,
    returned: Vec<usize>,
    alone: Option<Alone>,
}

impl Record {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Notes that `who`'s release began, and says how many had begun
    /// before it.
    fn began(&self, who: Called) -> usize {
        let before = {
            let mut state = self.state();
            let before = begun(&state.events);
            state.events.push(Event::Began(who));
            before
        };
        // A release waiting for its partners looks again.
        self.changed.notify_all();
        before
    }

    fn ended(&self, who: Called) {
        self.state().events.push(Event::Ended(who));
    }

    fn events(&self) -> Vec<Event> {
        self.state().events.clone()
    }

    fn returned(&self) -> Vec<usize> {
        self.state().returned.clone()
    }

    fn alone(&self) -> Option<Alone> {
        self.state().alone
    }

    fn note_return(&self, id: usize) {
        self.state().returned.push(id);
        self.changed.notify_all();
    }

    /// Waits until `count` atoms have returned, or `deadline` has passed,
    /// and says which have.
    fn wait_for_returns(&self, count: usize, deadline: Duration) -> Vec<usize> {
        let state = self.state();
        let (state, _) = self
            .changed
            .wait_timeout_while(state, deadline, |state| state.returned.len() < count)
            .unwrap_or_else(|p| p.into_inner());
        state.returned.clone()
    }

    /// Inside `who`'s release, the `before`-th to begin: waits, up to
    /// `TOGETHER`, until the other two releases of its molecule have begun
    /// too. Once one has waited in vain, the check has its answer, and no
    /// other waits.
    fn wait_for_partners(&self, who: Called, before: usize) {
        let molecule = before / 3;
        let all_three = 3 * (molecule + 1);
        let state = self.state();
        if state.alone.is_some() {
            return;
        }
        let (mut state, wait) = self
            .changed
            .wait_timeout_while(state, TOGETHER, |state| begun(&state.events) < all_three)
            .unwrap_or_else(|p| p.into_inner());
        if wait.timed_out() && state.alone.is_none() {
            let partners = begun(&state.events) - 3 * molecule - 1;
            state.alone = Some(Alone {
                who,
                molecule: molecule + 1,
                partners,
            });
        }
    }
}

/// Notes an atom's return when dropped: by a return, or by a panic's
/// unwinding (a `todo!()`), so that the check does not wait for it.
struct Returns<'a> {
    record: &'a Record,
    id: usize,
}

impl Drop for Returns<'_> {
    fn drop(&mut self) {
        self.record.note_return(self.id);
    }
}

/// One object, one run, and what its releases did.
struct Round<T> {
    object: T,
    /// The atoms of the schedule, in its order: atom `id` is `atoms[id - 1]`.
    atoms: Vec<Atom>,
    /// Whether each release waits for the other two of its molecule.
    together: bool,
    record: Record,
}

impl<T: H2O> Round<T> {
    fn new(make: fn() -> T, atoms: Vec<Atom>, together: bool) -> Arc<Self> {
        Arc::new(Round {
            object: make(),
            atoms,
            together,
            record: Record::default(),
        })
    }

    fn called(&self, id: usize) -> Called {
        Called {
            atom: self.atoms[id - 1],
            id,
        }
    }

    /// Calls atom `who` with a release that takes `hold`.
    fn play(&self, who: Called, hold: Duration) {
        let _returns = Returns {
            record: &self.record,
            id: who.id,
        };
        let release = || {
            let before = self.record.began(who);
            if self.together {
                self.record.wait_for_partners(who, before);
            }
            if !hold.is_zero() {
                thread::sleep(hold);
            }
            self.record.ended(who);
        };
        match who.atom {
            Atom::Hydrogen => self.object.hydrogen(release),
            Atom::Oxygen => self.object.oxygen(release),
        }
    }

    /// Waits up to the deadline for every atom to return, then judges the
    /// run. An atom that panicked comes back as its panic (a `todo!()`
    /// reads "not implemented yet"); then what the log shows; then the
    /// atoms still blocked; then releases that could not run together.
    fn finish(&self, calls: Vec<(usize, Call<()>)>, schedule: &str) -> Result<(), String> {
        let returned = self.record.wait_for_returns(calls.len(), DEADLINE);
        let mut stuck = Vec::new();
        for (id, caller) in calls {
            if returned.contains(&id) {
                // It has returned, so the join does not wait.
                caller.join(DEADLINE, bugs::DEADLOCK, "it had returned")?;
            } else {
                // Left behind, blocked, as `Call::join` leaves a stuck call.
                stuck.push(id);
            }
        }
        if let Some(message) = self.diagnose(schedule) {
            return Err(message);
        }
        if !stuck.is_empty() {
            return Err(self.why_stuck(&stuck, schedule));
        }
        if let Some(alone) = self.record.alone() {
            return Err(bugs::NO_PARALLELISM.says(format!(
                "{}'s release waited {} s for the other two atoms of molecule {} to begin \
                 theirs, and {} of the two had ({schedule}): the three releases of a molecule \
                 must be able to run at the same time; is a lock held across release()?",
                alone.who,
                TOGETHER.as_secs(),
                alone.molecule,
                alone.partners
            )));
        }
        Ok(())
    }

    /// What is wrong with the releases so far, or `None`.
    fn diagnose(&self, schedule: &str) -> Option<String> {
        let events = self.record.events();
        let returned = self.record.returned();
        // Each call runs its release exactly once, before it returns.
        for id in 1..=self.atoms.len() {
            let who = self.called(id);
            let runs = events
                .iter()
                .filter(|event| **event == Event::Began(who))
                .count();
            if runs > 1 || (runs == 0 && returned.contains(&id)) {
                return Some(bugs::WRONG_ANSWER.says(format!(
                    "{who} ran its release {runs} times before it returned ({schedule}); each \
                     call must run its release exactly once"
                )));
            }
        }
        // The molecules, in the order the releases began.
        let mut began: Vec<Called> = Vec::new();
        let mut ended: Vec<Called> = Vec::new();
        for event in &events {
            match *event {
                Event::Began(who) => {
                    if began.len().is_multiple_of(3) && ended.len() < began.len() {
                        let molecule = began.len() / 3;
                        let running: Vec<Called> = began
                            .iter()
                            .filter(|atom| !ended.contains(atom))
                            .copied()
                            .collect();
                        return Some(bugs::ORDER_VIOLATED.says(format!(
                            "{who} began its release, the first of molecule {}, while {} of \
                             molecule {molecule} had not returned ({schedule}): a molecule's \
                             three releases must all return before the next one's begin; \
                             the releases ran as {}",
                            molecule + 1,
                            listed(&running),
                            shown(&events)
                        )));
                    }
                    began.push(who);
                    if began.len().is_multiple_of(3) {
                        let molecule = &began[began.len() - 3..];
                        let hydrogens = molecule
                            .iter()
                            .filter(|atom| atom.atom == Atom::Hydrogen)
                            .count();
                        if hydrogens != 2 {
                            return Some(bugs::ORDER_VIOLATED.says(format!(
                                "molecule {} was {}: {} and {} ({schedule}); each molecule \
                                 is two hydrogens and one oxygen, released together; the \
                                 releases ran as {}",
                                began.len() / 3,
                                listed(molecule),
                                counted(hydrogens, "hydrogen"),
                                counted(3 - hydrogens, "oxygen"),
                                shown(&events)
                            )));
                        }
                    }
                }
                Event::Ended(who) => ended.push(who),
            }
        }
        None
    }

    /// Why `stuck` had not returned by the deadline.
    fn why_stuck(&self, stuck: &[usize], schedule: &str) -> String {
        let hydrogens = self
            .atoms
            .iter()
            .filter(|&&atom| atom == Atom::Hydrogen)
            .count();
        let oxygens = self.atoms.len() - hydrogens;
        let molecules = (hydrogens / 2).min(oxygens);
        let released = begun(&self.record.events());
        let who: Vec<Called> = stuck.iter().map(|&id| self.called(id)).collect();
        let waited = DEADLINE.as_secs();
        if released < 3 * molecules {
            return bugs::LOST_WAKEUP.says(format!(
                "{} did not return within {waited} s ({schedule}): {} and {} had arrived, \
                 enough for {}, and only {} began a release; {NEVER_WOKEN}",
                listed(&who),
                counted(hydrogens, "hydrogen"),
                counted(oxygens, "oxygen"),
                counted(molecules, "molecule"),
                counted(released, "atom")
            ));
        }
        bugs::DEADLOCK.says(format!(
            "{} did not return within {waited} s of being released ({schedule}): after its \
             release, an atom must not wait for anything that may not come",
            listed(&who)
        ))
    }
}

/// Events as a reader follows them: "H1 began, H1 ended, ...".
fn shown(events: &[Event]) -> String {
    events
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// "1 oxygen", "2 hydrogens".
fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// "H1", "H1 and O3", "H1, H2 and O3".
fn listed<D: fmt::Display>(items: &[D]) -> String {
    let names: Vec<String> = items.iter().map(ToString::to_string).collect();
    match names.as_slice() {
        [] => "none".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// How long an atom may take to return once its molecule can form: far
/// more than a correct one needs on a loaded machine.
const DEADLINE: Duration = Duration::from_secs(5);

/// How long a release waits for the other two of its molecule, in
/// `a_molecule_releases_at_once`.
const TOGETHER: Duration = Duration::from_secs(2);

const NEVER_WOKEN: &str = "a waiter nobody woke: the atom that completes a molecule must wake \
     both of its partners (notify_all: notify_one wakes one), the last atom of a molecule to \
     return must wake the atoms waiting for a place, and an atom must check and sleep under one \
     lock";

/// Starts atom `id` of `round` on a thread of its own, after `delay`.
fn spawn<T: H2O + 'static>(
    round: &Arc<Round<T>>,
    id: usize,
    delay: Duration,
    hold: Duration,
) -> (usize, Call<()>) {
    let who = round.called(id);
    let round = Arc::clone(round);
    (
        id,
        call(who.to_string(), delay, move || round.play(who, hold)),
    )
}

/// One run: each atom starts after its delay in `arrivals`, and each
/// release takes `hold` (and, if `together`, first waits for the other two
/// of its molecule).
fn play<T: H2O + 'static>(
    make: fn() -> T,
    arrivals: &[(Atom, Duration)],
    hold: Duration,
    together: bool,
    schedule: &str,
) -> Result<(), String> {
    let atoms = arrivals.iter().map(|&(atom, _)| atom).collect();
    let round = Round::new(make, atoms, together);
    let calls = arrivals
        .iter()
        .enumerate()
        .map(|(index, &(_, delay))| spawn(&round, index + 1, delay, hold))
        .collect();
    round.finish(calls, schedule)
}

/// Atoms all called at once.
fn at_once(atoms: &[Atom]) -> Vec<(Atom, Duration)> {
    atoms.iter().map(|&atom| (atom, Duration::ZERO)).collect()
}

const H: Atom = Atom::Hydrogen;
const O: Atom = Atom::Oxygen;

/// Two hydrogens and an oxygen, all at once: one molecule.
pub fn one_molecule<T: H2O + 'static>(make: fn() -> T) -> Result<(), String> {
    for round in 0..20 {
        play(
            make,
            &at_once(&[H, H, O]),
            Duration::ZERO,
            false,
            &format!("two hydrogens and an oxygen called at once, round {round}"),
        )?;
    }
    Ok(())
}

/// Too few atoms for a molecule, for 100 ms: nothing may be released. Then
/// the rest arrive, and every molecule forms.
pub fn atoms_wait_for_their_molecule<T: H2O + 'static>(make: fn() -> T) -> Result<(), String> {
    let cases: [(&[Atom], &[Atom], &str); 2] = [
        (&[H, H, H, H], &[O, O], "four hydrogens"),
        (&[O, O, H], &[H, H, H], "two oxygens and a hydrogen"),
    ];
    for (first, rest, what) in cases {
        let atoms = first.iter().chain(rest).copied().collect();
        let round = Round::new(make, atoms, false);
        let mut calls = Vec::new();
        for id in 1..=first.len() {
            calls.push(spawn(&round, id, Duration::ZERO, Duration::ZERO));
        }
        thread::sleep(Duration::from_millis(100));
        let early = round.record.events();
        if !early.is_empty() {
            let schedule = format!("{what} called alone, too few for a molecule");
            return Err(round.diagnose(&schedule).unwrap_or_else(|| {
                bugs::ORDER_VIOLATED.says(format!(
                    "the releases ran as {} ({schedule}): an atom must wait until its \
                     molecule has two hydrogens and an oxygen",
                    shown(&early)
                ))
            }));
        }
        for id in first.len() + 1..=first.len() + rest.len() {
            calls.push(spawn(&round, id, Duration::ZERO, Duration::ZERO));
        }
        round.finish(
            calls,
            &format!("{what} called first, the rest 100 ms later"),
        )?;
    }
    Ok(())
}

/// Molecule 1's atoms at once, molecule 2's 5 ms later, every release
/// taking 20 ms: molecule 2 must wait until molecule 1's releases have
/// returned.
pub fn molecules_do_not_overlap<T: H2O + 'static>(make: fn() -> T) -> Result<(), String> {
    let orders = [[H, H, O], [H, O, H], [O, H, H]];
    for first in orders {
        for second in orders {
            let arrivals: Vec<(Atom, Duration)> = first
                .iter()
                .map(|&atom| (atom, Duration::ZERO))
                .chain(second.iter().map(|&atom| (atom, Duration::from_millis(5))))
                .collect();
            play(
                make,
                &arrivals,
                Duration::from_millis(20),
                false,
                "three atoms at once and three more 5 ms later, each release taking 20 ms",
            )?;
        }
    }
    Ok(())
}

/// Three molecules' atoms at once, and each release waits, inside its
/// callback, for the other two of its molecule to begin theirs.
pub fn a_molecule_releases_at_once<T: H2O + 'static>(make: fn() -> T) -> Result<(), String> {
    play(
        make,
        &at_once(&[H, H, O, H, O, H, O, H, H]),
        Duration::ZERO,
        true,
        "nine atoms called at once, each release waiting for the other two of its molecule",
    )
}

/// Two atoms of a molecule asleep, 20 ms apart, when the third arrives: it
/// must wake both.
pub fn both_partners_are_woken<T: H2O + 'static>(make: fn() -> T) -> Result<(), String> {
    let cases = [
        ([H, H, O], "two hydrogens asleep when the oxygen came"),
        (
            [O, H, H],
            "an oxygen and a hydrogen asleep when the second hydrogen came",
        ),
    ];
    for (atoms, what) in cases {
        let arrivals: Vec<(Atom, Duration)> = (0..)
            .zip(atoms)
            .map(|(place, atom)| (atom, Duration::from_millis(20 * place)))
            .collect();
        for round in 0..3 {
            play(
                make,
                &arrivals,
                Duration::ZERO,
                false,
                &format!("{what}, round {round}"),
            )?;
        }
    }
    Ok(())
}

/// Three molecules' atoms in a random order, with random gaps, and
/// releases that take half a millisecond in every other round.
pub fn random_arrivals<T: H2O + 'static>(make: fn() -> T) -> Result<(), String> {
    let mut rng = Rng::new(1117);
    for round in 0..20_usize {
        let mut atoms = [H, H, O, H, H, O, H, H, O];
        // Fisher-Yates, from the seeded generator.
        for i in (1..atoms.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            atoms.swap(i, j);
        }
        let arrivals: Vec<(Atom, Duration)> = atoms
            .iter()
            .map(|&atom| (atom, Duration::from_micros(rng.below(2000))))
            .collect();
        let hold = if round.is_multiple_of(2) {
            Duration::ZERO
        } else {
            Duration::from_micros(500)
        };
        let order: String = atoms
            .iter()
            .map(|&atom| if atom == H { 'H' } else { 'O' })
            .collect();
        play(
            make,
            &arrivals,
            hold,
            false,
            &format!("nine atoms called in the order {order}, within 2 ms, round {round}"),
        )?;
    }
    Ok(())
}
