//! The conformance suite, shared by `conformance.rs` (every implementation
//! must pass) and `bugs.rs` (every bug-zoo variant must fail).
//!
//! Each check tests promises of the `DiningPhilosophers` contract in
//! `src/lib.rs` under a schedule chosen to expose one kind of mistake, and
//! returns `Err` with a message that names the bug class it found
//! (`kit::bugs`). Every philosopher a check plays runs on a thread of its
//! own and is waited for with a deadline: one that never returns fails the
//! check with a name, never hangs the test.
//!
//! The callbacks keep the table as the contract sees it: which philosopher
//! holds each fork (from the start of its pick until its put returns), and
//! who is eating. A pick of a fork that another philosopher holds is caught
//! at once, and so is a philosopher eating next to a neighbour who eats.

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::cell::RefCell;
use std::sync::{Arc, Barrier, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use dining_philosophers::DiningPhilosophers;
use kit::bugs;
use kit::call::{Call, call};
use kit::workload::Rng;

/// Philosophers at the suite's table.
const N: usize = 5;

fn left_fork(philosopher: usize) -> usize {
    philosopher
}

fn right_fork(philosopher: usize) -> usize {
    (philosopher + 1) % N
}

fn neighbours(philosopher: usize) -> [usize; 2] {
    [(philosopher + N - 1) % N, (philosopher + 1) % N]
}

/// The fork two neighbours share.
fn shared_fork(a: usize, b: usize) -> usize {
    if right_fork(a) == left_fork(b) {
        left_fork(b)
    } else {
        left_fork(a)
    }
}

/// One of a meal's five callbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    PickLeft,
    PickRight,
    Eat,
    PutLeft,
    PutRight,
}

impl Step {
    fn name(self) -> &'static str {
        match self {
            Step::PickLeft => "pick_left",
            Step::PickRight => "pick_right",
            Step::Eat => "eat",
            Step::PutLeft => "put_left",
            Step::PutRight => "put_right",
        }
    }
}

/// Whether one meal's callbacks ran as the contract says: each once, both
/// picks, then `eat`, then both puts.
fn a_proper_meal(steps: &[Step]) -> bool {
    steps.len() == 5
        && steps[..2].contains(&Step::PickLeft)
        && steps[..2].contains(&Step::PickRight)
        && steps[2] == Step::Eat
        && steps[3..].contains(&Step::PutLeft)
        && steps[3..].contains(&Step::PutRight)
}

/// "pick_left, eat, put_left", or "nothing".
fn shown(steps: &[Step]) -> String {
    if steps.is_empty() {
        return "nothing".to_string();
    }
    steps
        .iter()
        .map(|step| step.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// "fork 0 by philosopher 0, fork 1 free, ...".
fn holders(held: &[Option<usize>; N]) -> String {
    held.iter()
        .enumerate()
        .map(|(fork, holder)| match holder {
            Some(p) => format!("fork {fork} by philosopher {p}"),
            None => format!("fork {fork} free"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "0", "0 and 2", "0, 1 and 3".
fn listed(items: &[String]) -> String {
    match items {
        [] => "none".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The threads a check names: "philosopher 3", "philosophers 0, 1 and 4".
fn who(names: &[String]) -> String {
    let numbers: Option<Vec<String>> = names
        .iter()
        .map(|name| name.strip_prefix("philosopher ").map(str::to_string))
        .collect();
    match numbers {
        Some(numbers) if numbers.len() > 1 => format!("philosophers {}", listed(&numbers)),
        _ => listed(names),
    }
}

/// What a run's callbacks do besides keeping the table: how long they take,
/// and what they wait for.
#[derive(Debug, Clone, Copy, Default)]
struct Plan {
    /// How long each pick takes; the fork is held meanwhile.
    pick: Duration,
    /// Each philosopher's first `pick_left` waits, up to this long, until
    /// all five have begun theirs.
    all_left: Option<Duration>,
    /// Each `eat` waits, up to `TOGETHER`, until a philosopher who is not
    /// its neighbour has begun to eat too.
    together: bool,
    /// Philosophers 1 and 4 eat in turns around philosopher 0 (see
    /// `no_philosopher_starves`).
    siege: bool,
}

/// The table as the callbacks see it.
#[derive(Debug, Default)]
struct State {
    /// Who holds each fork: from the start of its pick until its put.
    held: [Option<usize>; N],
    eating: [bool; N],
    /// Meals begun by each philosopher (its `eat` called).
    began: [usize; N],
    /// The first broken promise seen, as a failure message.
    problem: Option<String>,
    /// Philosophers whose first `pick_left` has reached the meeting point.
    at_meeting: [bool; N],
    /// All five had picked up their left fork at once.
    all_met: bool,
    /// A philosopher waited in vain at the meeting point; nobody else waits.
    meeting_off: bool,
    /// A philosopher who ate alone, waiting in vain for company.
    alone: Option<usize>,
    /// The siege is over: the besiegers leave.
    stop: bool,
}

/// The state, and a condition variable for the callbacks that wait.
#[derive(Debug, Default)]
struct Record {
    state: Mutex<State>,
    changed: Condvar,
}

impl Record {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits, up to `limit`, until `done` holds; says whether it does.
    fn wait_until(&self, limit: Duration, done: impl Fn(&State) -> bool) -> bool {
        let state = self.state();
        let (state, _) = self
            .changed
            .wait_timeout_while(state, limit, |state| !done(state))
            .unwrap_or_else(|p| p.into_inner());
        done(&state)
    }
}

/// Keeps the first problem noted: a later one is often its consequence.
fn note(state: &mut State, problem: String) {
    if state.problem.is_none() {
        state.problem = Some(problem);
    }
}

/// One object, one dinner, and what its callbacks saw.
struct Table<T> {
    object: T,
    plan: Plan,
    /// The schedule, as the failure messages describe it.
    schedule: String,
    record: Record,
}

impl<T: DiningPhilosophers> Table<T> {
    fn new(make: fn(usize) -> T, plan: Plan, schedule: impl Into<String>) -> Arc<Self> {
        Arc::new(Table {
            object: make(N),
            plan,
            schedule: schedule.into(),
            record: Record::default(),
        })
    }

    /// One meal of `philosopher`, whose `eat` takes `hold`.
    fn dine(&self, philosopher: usize, hold: Duration) {
        let steps = RefCell::new(Vec::with_capacity(5));
        let step = |s: Step| steps.borrow_mut().push(s);
        self.object.wants_to_eat(
            philosopher,
            || {
                step(Step::PickLeft);
                self.pick(philosopher, left_fork(philosopher), true);
            },
            || {
                step(Step::PickRight);
                self.pick(philosopher, right_fork(philosopher), false);
            },
            || {
                let picked = {
                    let steps = steps.borrow();
                    steps.contains(&Step::PickLeft) && steps.contains(&Step::PickRight)
                };
                step(Step::Eat);
                self.eat(philosopher, hold, picked);
            },
            || {
                step(Step::PutLeft);
                self.put(philosopher, left_fork(philosopher));
            },
            || {
                step(Step::PutRight);
                self.put(philosopher, right_fork(philosopher));
            },
        );
        let steps = steps.into_inner();
        if !a_proper_meal(&steps) {
            note(
                &mut self.record.state(),
                bugs::WRONG_ANSWER.says(format!(
                    "philosopher {philosopher}'s meal ran its callbacks as {} ({}): each meal \
                     runs each of its five callbacks once, before wants_to_eat returns: both \
                     picks, then eat, then both puts",
                    shown(&steps),
                    self.schedule
                )),
            );
        }
    }

    fn pick(&self, philosopher: usize, fork: usize, left: bool) {
        {
            let mut state = self.record.state();
            if let Some(holder) = state.held[fork]
                && holder != philosopher
            {
                let problem = bugs::ORDER_VIOLATED.says(format!(
                    "philosopher {philosopher} picked up fork {fork} while philosopher \
                     {holder} held it ({}): a fork is held from its pick until its put returns, \
                     by one philosopher at a time, so neighbours {holder} and {philosopher} could \
                     eat at once. Take the fork and make it yours in one step, under one lock",
                    self.schedule
                ));
                note(&mut state, problem);
            }
            state.held[fork] = Some(philosopher);
        }
        if left {
            self.meet(philosopher);
        }
        if !self.plan.pick.is_zero() {
            thread::sleep(self.plan.pick);
        }
    }

    /// With `all_left`: each philosopher's first `pick_left` waits until
    /// all five have begun theirs, or until the wait runs out.
    fn meet(&self, philosopher: usize) {
        let Some(limit) = self.plan.all_left else {
            return;
        };
        let mut state = self.record.state();
        if state.at_meeting[philosopher] || state.meeting_off {
            return;
        }
        state.at_meeting[philosopher] = true;
        if state.at_meeting.iter().all(|&met| met) {
            state.all_met = true;
            self.record.changed.notify_all();
            return;
        }
        let (mut state, wait) = self
            .record
            .changed
            .wait_timeout_while(state, limit, |state| !state.all_met && !state.meeting_off)
            .unwrap_or_else(|p| p.into_inner());
        if wait.timed_out() && !state.all_met {
            state.meeting_off = true;
            self.record.changed.notify_all();
        }
    }

    fn eat(&self, philosopher: usize, hold: Duration, picked: bool) {
        let meal = {
            let mut state = self.record.state();
            for fork in [left_fork(philosopher), right_fork(philosopher)] {
                if !picked && state.held[fork] != Some(philosopher) {
                    let problem = bugs::WRONG_ANSWER.says(format!(
                        "philosopher {philosopher} began to eat without holding fork {fork} \
                         ({}): both picks come before eat",
                        self.schedule
                    ));
                    note(&mut state, problem);
                }
            }
            for neighbour in neighbours(philosopher) {
                if state.eating[neighbour] {
                    let problem = bugs::ORDER_VIOLATED.says(format!(
                        "neighbours {neighbour} and {philosopher} ate at once, though fork {} \
                         lies between them ({}): a philosopher eats only while it holds both \
                         its forks, and a fork is held by one philosopher at a time",
                        shared_fork(neighbour, philosopher),
                        self.schedule
                    ));
                    note(&mut state, problem);
                }
            }
            state.eating[philosopher] = true;
            state.began[philosopher] += 1;
            state.began[philosopher]
        };
        self.record.changed.notify_all();
        if self.plan.together {
            self.wait_for_company(philosopher);
        }
        if self.plan.siege {
            self.take_turns(philosopher, meal);
        }
        if !hold.is_zero() {
            thread::sleep(hold);
        }
        self.record.state().eating[philosopher] = false;
        self.record.changed.notify_all();
    }

    fn put(&self, philosopher: usize, fork: usize) {
        let mut state = self.record.state();
        if state.held[fork] == Some(philosopher) {
            state.held[fork] = None;
        }
    }

    /// With `together`: waits, up to `TOGETHER`, until a philosopher who
    /// is not a neighbour has begun a meal. Once one has waited in vain,
    /// the check has its answer, and nobody else waits.
    fn wait_for_company(&self, philosopher: usize) {
        let company = |state: &State| {
            (0..N).any(|other| {
                other != philosopher
                    && !neighbours(philosopher).contains(&other)
                    && state.began[other] > 0
            })
        };
        let state = self.record.state();
        if state.alone.is_some() {
            return;
        }
        let (mut state, wait) = self
            .record
            .changed
            .wait_timeout_while(state, TOGETHER, |state| !company(state))
            .unwrap_or_else(|p| p.into_inner());
        if wait.timed_out() && !company(&state) && state.alone.is_none() {
            state.alone = Some(philosopher);
        }
    }

    /// With `siege`: philosopher 1's meal `k` lasts until philosopher 4 has
    /// begun its meal `k`, and 4's meal `k` until 1 has begun its meal
    /// `k + 1`, so that one of them eats at every moment; each waits at
    /// most `PATIENCE`, and not at all once the siege is over.
    fn take_turns(&self, philosopher: usize, meal: usize) {
        let (other, due) = match philosopher {
            1 => (4, meal),
            4 => (1, meal + 1),
            _ => return,
        };
        self.record
            .wait_until(PATIENCE, |state| state.stop || state.began[other] >= due);
    }

    fn stop(&self) {
        self.record.state().stop = true;
        self.record.changed.notify_all();
    }

    fn stopped(&self) -> bool {
        self.record.state().stop
    }

    /// Waits up to the deadline for every call to return, then judges the
    /// run: a panic first (a `todo!()`), then the first broken promise,
    /// then a call that never returned.
    fn finish(&self, calls: Vec<(String, Call<()>)>) -> Result<(), String> {
        let deadline = Instant::now() + DEADLINE;
        let mut stuck = Vec::new();
        let mut panicked = None;
        for (name, mut caller) in calls {
            if caller.returned_within(deadline.saturating_duration_since(Instant::now())) {
                if let Err(message) = caller.join(Duration::ZERO, bugs::DEADLOCK, "") {
                    panicked.get_or_insert(message);
                }
            } else {
                stuck.push(name);
            }
        }
        if let Some(message) = panicked {
            return Err(message);
        }
        if let Some(problem) = self.record.state().problem.clone() {
            return Err(problem);
        }
        if !stuck.is_empty() {
            return Err(self.hang(&stuck));
        }
        Ok(())
    }

    /// Why `stuck` did not return: a cycle if every fork is held, each by
    /// a different philosopher.
    fn hang(&self, stuck: &[String]) -> String {
        let state = self.record.state();
        let mut holders_seen: Vec<usize> = state.held.iter().flatten().copied().collect();
        holders_seen.sort_unstable();
        holders_seen.dedup();
        let waited = DEADLINE.as_secs();
        if holders_seen.len() == N {
            let met = if state.all_met {
                " (the check held each philosopher's first pick_left until all five had \
                 begun one, so all five had picked up their left fork at once)"
            } else {
                ""
            };
            return bugs::LOCK_ORDER_DEADLOCK.says(format!(
                "{} did not return within {waited} s ({}): every fork is held, each by a \
                 different philosopher ({}), so each holds one fork and waits for the one its \
                 neighbour holds: a cycle of waits round the table{met}. Take the two forks in \
                 one global order (the lower-numbered first), or seat at most four at a time",
                who(stuck),
                self.schedule,
                holders(&state.held)
            ));
        }
        let eating: Vec<String> = (0..N)
            .filter(|&p| state.eating[p])
            .map(|p| p.to_string())
            .collect();
        bugs::DEADLOCK.says(format!(
            "{} did not return within {waited} s ({}); then {}, and eating: {}. A \
             philosopher waits for a fork nobody will put down, or for a wake-up nobody sends",
            who(stuck),
            self.schedule,
            holders(&state.held),
            listed(&eating)
        ))
    }
}

/// How long a philosopher may take to return once it could eat: far more
/// than a correct one needs on a loaded machine.
const DEADLINE: Duration = Duration::from_secs(5);

/// How long an `eat` waits for company in `non_neighbours_eat_at_once`.
const TOGETHER: Duration = Duration::from_secs(2);

/// How long a first `pick_left` waits for the other four in
/// `five_left_forks_at_once`.
const MEETING: Duration = Duration::from_millis(200);

/// How long a check waits for a philosopher alone at the table to begin
/// eating, before it looks for the reason.
const SETTLE: Duration = Duration::from_secs(2);

/// Starts `play` on a thread of its own, named after `philosopher`.
fn spawn<T, F>(table: &Arc<Table<T>>, philosopher: usize, play: F) -> (String, Call<()>)
where
    T: DiningPhilosophers + 'static,
    F: FnOnce(&Table<T>) + Send + 'static,
{
    let name = format!("philosopher {philosopher}");
    let table = Arc::clone(table);
    let caller = call(name.clone(), Duration::ZERO, move || play(&table));
    (name, caller)
}

/// Each of `philosophers` on a thread of its own, all calling at once (a
/// barrier lines them up), each eating `meals` times. Each meal takes a
/// random time below `eat` microseconds, and each pause between meals one
/// below `think` (none for 0).
fn at_once<T: DiningPhilosophers + 'static>(
    table: &Arc<Table<T>>,
    philosophers: &[usize],
    meals: usize,
    eat: u64,
    think: u64,
    seed: u64,
) -> Vec<(String, Call<()>)> {
    let gate = Arc::new(Barrier::new(philosophers.len()));
    philosophers
        .iter()
        .map(|&p| {
            let gate = Arc::clone(&gate);
            spawn(table, p, move |table| {
                let mut rng = Rng::for_thread(seed, p);
                let mut below = |micros: u64| {
                    Duration::from_micros(if micros == 0 { 0 } else { rng.below(micros) })
                };
                gate.wait();
                for meal in 0..meals {
                    if meal > 0 {
                        thread::sleep(below(think));
                    }
                    let hold = below(eat);
                    table.dine(p, hold);
                }
            })
        })
        .collect()
}

/// On one thread, each philosopher eats in turn, twice round the table:
/// nobody else is at the table, so nobody waits.
pub fn one_at_a_time<T: DiningPhilosophers + 'static>(make: fn(usize) -> T) -> Result<(), String> {
    let table = Table::new(
        make,
        Plan::default(),
        "one thread, each philosopher eating in turn, twice round the table",
    );
    let caller = call("the diners' thread", Duration::ZERO, {
        let table = Arc::clone(&table);
        move || {
            for _ in 0..2 {
                for p in 0..N {
                    table.dine(p, Duration::ZERO);
                }
            }
        }
    });
    table.finish(vec![("the diners' thread".to_string(), caller)])
}

/// Rounds in `neighbours_never_eat_at_once`.
const ROUNDS: usize = 10;

/// All five at once, three meals each (of up to 1 ms, with pauses of up to
/// 0.5 ms), every pick taking 1 ms: a table
/// that checks a fork is free apart from taking it lets two neighbours
/// both take it.
pub fn neighbours_never_eat_at_once<T: DiningPhilosophers + 'static>(
    make: fn(usize) -> T,
) -> Result<(), String> {
    let everyone: Vec<usize> = (0..N).collect();
    for round in 0..ROUNDS {
        let table = Table::new(
            make,
            Plan {
                pick: Duration::from_millis(1),
                ..Plan::default()
            },
            format!(
                "five philosophers called at once, three meals each, every pick taking 1 ms, \
                 round {round}"
            ),
        );
        let calls = at_once(&table, &everyone, 3, 1000, 500, 1226 + round as u64);
        table.finish(calls)?;
    }
    Ok(())
}

/// All five at once, each first `pick_left` waiting until all five have
/// begun one (for up to 200 ms): a table where everyone takes the left
/// fork first then holds five forks in five hands, and nobody can eat.
pub fn five_left_forks_at_once<T: DiningPhilosophers + 'static>(
    make: fn(usize) -> T,
) -> Result<(), String> {
    let table = Table::new(
        make,
        Plan {
            all_left: Some(MEETING),
            ..Plan::default()
        },
        "five philosophers called at once, each first pick_left waiting up to 200 ms for all \
         five to have begun one",
    );
    let everyone: Vec<usize> = (0..N).collect();
    let calls = at_once(&table, &everyone, 1, 0, 0, 0);
    table.finish(calls)
}

/// Two philosophers who are not neighbours, alone at the table and called
/// at once, each `eat` waiting up to 2 s for the other's to begin.
pub fn non_neighbours_eat_at_once<T: DiningPhilosophers + 'static>(
    make: fn(usize) -> T,
) -> Result<(), String> {
    for (a, b) in [(0, 2), (1, 3), (2, 4), (3, 0), (4, 1)] {
        let table = Table::new(
            make,
            Plan {
                together: true,
                ..Plan::default()
            },
            format!(
                "philosophers {a} and {b}, who share no fork, alone at the table and called \
                 at once, each eat waiting up to 2 s for the other's to begin"
            ),
        );
        let calls = at_once(&table, &[a, b], 1, 0, 0, 0);
        table.finish(calls)?;
        if let Some(alone) = table.record.state().alone {
            let other = if alone == a { b } else { a };
            return Err(bugs::NO_PARALLELISM.says(format!(
                "philosopher {alone} ate alone for {} s while philosopher {other}, who shares no \
                 fork with it, waited to eat ({}): two philosophers who are not neighbours must \
                 be able to eat at once. Is one lock held across the whole meal?",
                TOGETHER.as_secs(),
                table.schedule
            )));
        }
    }
    Ok(())
}

/// How long philosopher 1 eats in `waiting_does_not_burn_a_core`.
const WAIT: Duration = Duration::from_millis(500);

/// Philosopher 1 eats for half a second; its neighbour 0, called once 1
/// has begun, should sleep while it waits, not spin.
pub fn waiting_does_not_burn_a_core<T: DiningPhilosophers + 'static>(
    make: fn(usize) -> T,
) -> Result<(), String> {
    let table = Table::new(
        make,
        Plan::default(),
        "philosopher 1 eating for half a second, its neighbour 0 called once 1 had begun",
    );
    let eater = spawn(&table, 1, |table| table.dine(1, WAIT));
    if !table.record.wait_until(SETTLE, |state| state.began[1] > 0) {
        table.finish(vec![eater])?;
        return Err(bugs::DEADLOCK.says(format!(
            "philosopher 1, alone at the table, had not begun to eat {} s after it was \
             called ({}): a philosopher whose forks are free must not wait",
            SETTLE.as_secs(),
            table.schedule
        )));
    }
    let (name, waiter) = spawn(&table, 0, |table| table.dine(0, Duration::ZERO));
    table.finish(vec![eater])?;
    let ran = waiter.join_ran(
        DEADLINE,
        bugs::DEADLOCK,
        "its neighbour had finished eating, and it still waited: a waiting philosopher must be \
         woken when a fork it waits for is put down",
    )?;
    table.finish(vec![])?;
    ran.slept(
        &name,
        &format!("its neighbour to finish eating ({})", table.schedule),
    )
}

/// How long philosophers 1 and 4 pause between meals in
/// `no_philosopher_starves`.
const THINK: Duration = Duration::from_millis(2);

/// How long a besieger's meal waits for the other besieger's next meal.
const PATIENCE: Duration = Duration::from_millis(250);

/// How long philosopher 0 may wait to eat in `no_philosopher_starves`.
const STARVE: Duration = Duration::from_secs(3);

/// Philosopher 0's neighbours, 1 and 4, eat in turns, each pausing 2 ms
/// between meals, and each meal lasting until the other has begun its next
/// one (or 250 ms have passed): one of them eats at every moment that they
/// have their way. Philosopher 0, called in the middle of it, must still
/// get to eat.
pub fn no_philosopher_starves<T: DiningPhilosophers + 'static>(
    make: fn(usize) -> T,
) -> Result<(), String> {
    let table = Table::new(
        make,
        Plan {
            siege: true,
            ..Plan::default()
        },
        "philosophers 1 and 4 eating in turns, each pausing 2 ms between meals, each meal \
         lasting until the other's next had begun (or 250 ms); philosopher 0 called among them",
    );
    let besiegers: Vec<(String, Call<()>)> = [1, 4]
        .into_iter()
        .map(|p| {
            spawn(&table, p, move |table| {
                while !table.stopped() {
                    table.dine(p, Duration::ZERO);
                    thread::sleep(THINK);
                }
            })
        })
        .collect();
    if !table
        .record
        .wait_until(SETTLE, |state| state.began[1] > 1 && state.began[4] > 0)
    {
        table.stop();
        table.finish(besiegers)?;
        return Err(bugs::DEADLOCK.says(format!(
            "philosophers 1 and 4, who share no fork, had not both begun to eat {} s after they \
             were called, alone at the table ({}): a philosopher whose forks are free must not \
             wait",
            SETTLE.as_secs(),
            table.schedule
        )));
    }
    let before = {
        let state = table.record.state();
        state.began[1] + state.began[4]
    };
    let (name, mut hungry) = spawn(&table, 0, |table| table.dine(0, Duration::ZERO));
    let fed = hungry.returned_within(STARVE);
    let meals = {
        let state = table.record.state();
        state.began[1] + state.began[4] - before
    };
    table.stop();
    if !fed {
        return Err(bugs::DEADLOCK.says(format!(
            "{name} starved: it waited {} s to eat while its neighbours 1 and 4 ate {meals} \
             meals between them ({}). At every moment one of them was eating, and each came \
             back for more: a hungry philosopher who only eats when neither neighbour eats can \
             wait for ever. Serve the hungry in the order they came (a ticket), so that a \
             neighbour who comes back waits for the one who was there first",
            STARVE.as_secs(),
            table.schedule
        )));
    }
    let mut calls = besiegers;
    calls.push((name, hungry));
    table.finish(calls)
}

/// Meals per philosopher in `a_busy_table`.
const MEALS: usize = 20;

/// All five at once, twenty meals each, with random meals and pauses: the
/// whole contract under contention, five times.
pub fn a_busy_table<T: DiningPhilosophers + 'static>(make: fn(usize) -> T) -> Result<(), String> {
    let everyone: Vec<usize> = (0..N).collect();
    for run in 0..5_u64 {
        let table = Table::new(
            make,
            Plan::default(),
            format!(
                "five philosophers called at once, {MEALS} meals each, meals of up to 200 µs \
                 and pauses of up to 300 µs, run {run}"
            ),
        );
        let calls = at_once(&table, &everyone, MEALS, 200, 300, 1226 + run);
        table.finish(calls)?;
    }
    Ok(())
}
