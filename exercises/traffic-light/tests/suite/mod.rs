//! The conformance suite, shared by `conformance.rs` (every implementation
//! must pass) and `bugs.rs` (every bug-zoo variant must fail).
//!
//! Each check tests promises of the `TrafficLight` contract in `src/lib.rs`
//! under a schedule chosen to expose one kind of mistake, and returns `Err`
//! with a message that names the bug class it found (`kit::bugs`). Every
//! car a check sends runs on a thread of its own and is waited for with a
//! deadline: one that never returns fails the check with a name, never
//! hangs the test.
//!
//! The callbacks keep the intersection as the contract sees it: the light
//! (green for road A at first, switched by each `turn_green`) and the cars
//! crossing. A switch while a car is crossing, a car crossing on red, and a
//! `turn_green` for a road already green are each caught when they happen.

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::cell::RefCell;
use std::sync::{Arc, Barrier, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use kit::bugs;
use kit::call::{Call, call};
use kit::workload::Rng;
use traffic_light::{Direction, Road, TrafficLight};

fn name(road: Road) -> &'static str {
    match road {
        Road::A => "A",
        Road::B => "B",
    }
}

fn other(road: Road) -> Road {
    match road {
        Road::A => Road::B,
        Road::B => Road::A,
    }
}

fn index(road: Road) -> usize {
    match road {
        Road::A => 0,
        Road::B => 1,
    }
}

/// A direction on `road`, varied by car so that both directions of each
/// road are used.
fn heading(road: Road, car: usize) -> Direction {
    match (road, car % 2) {
        (Road::A, 0) => Direction::North,
        (Road::A, _) => Direction::South,
        (Road::B, 0) => Direction::East,
        (Road::B, _) => Direction::West,
    }
}

/// "car 3 on road B".
fn car_on(car: usize, road: Road) -> String {
    format!("car {car} on road {}", name(road))
}

/// "1", "1 and 2", "1, 2 and 4".
fn listed(items: &[String]) -> String {
    match items {
        [] => "none".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// One of a car's two callbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    TurnGreen,
    Cross,
}

/// What a run's callbacks do besides keeping the intersection.
#[derive(Debug, Clone, Copy, Default)]
struct Plan {
    /// Each `cross` waits, up to `TOGETHER`, until this many cars of its
    /// road have begun to cross.
    together: Option<usize>,
}

/// A car whose `cross` waited in vain for the others of its road.
#[derive(Debug, Clone, Copy)]
struct Alone {
    car: usize,
    road: Road,
    /// Cars of its road that had begun to cross, itself included.
    began: usize,
}

/// The intersection as the callbacks see it.
#[derive(Debug)]
struct State {
    light: Road,
    /// The cars crossing, by road.
    crossing: [Vec<usize>; 2],
    /// Crossings begun, by road.
    began: [usize; 2],
    switches: usize,
    /// The first broken promise seen, as a failure message.
    problem: Option<String>,
    alone: Option<Alone>,
}

impl Default for State {
    fn default() -> Self {
        State {
            light: Road::A,
            crossing: [Vec::new(), Vec::new()],
            began: [0, 0],
            switches: 0,
            problem: None,
            alone: None,
        }
    }
}

/// Keeps the first problem noted: a later one is often its consequence.
fn note(state: &mut State, problem: String) {
    if state.problem.is_none() {
        state.problem = Some(problem);
    }
}

/// One object, one run, and what its callbacks saw.
struct Crossing<T> {
    object: T,
    plan: Plan,
    /// The schedule, as the failure messages describe it.
    schedule: String,
    state: Mutex<State>,
    changed: Condvar,
}

impl<T: TrafficLight> Crossing<T> {
    fn new(make: fn() -> T, plan: Plan, schedule: impl Into<String>) -> Arc<Self> {
        Arc::new(Crossing {
            object: make(),
            plan,
            schedule: schedule.into(),
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Car `car` arrives on `road`, and its crossing takes `hold`.
    fn drive(&self, car: usize, road: Road, hold: Duration) {
        let steps = RefCell::new(Vec::with_capacity(2));
        self.object.car_arrived(
            car,
            road,
            heading(road, car),
            || {
                steps.borrow_mut().push(Step::TurnGreen);
                self.turn_green(car, road);
            },
            || {
                steps.borrow_mut().push(Step::Cross);
                self.cross(car, road, hold);
            },
        );
        let steps = steps.into_inner();
        if steps != [Step::Cross] && steps != [Step::TurnGreen, Step::Cross] {
            let ran: Vec<&str> = steps
                .iter()
                .map(|step| match step {
                    Step::TurnGreen => "turn_green",
                    Step::Cross => "cross",
                })
                .collect();
            note(
                &mut self.state(),
                bugs::WRONG_ANSWER.says(format!(
                    "{}'s callbacks ran as [{}] ({}): a car crosses exactly once before \
                     car_arrived returns, and turns the light green at most once, before it \
                     crosses",
                    car_on(car, road),
                    ran.join(", "),
                    self.schedule
                )),
            );
        }
    }

    fn turn_green(&self, car: usize, road: Road) {
        let mut state = self.state();
        if state.light == road {
            let problem = bugs::WRONG_ANSWER.says(format!(
                "{} called turn_green while the light was already green for road {} ({}): \
                 the light is green for road A at first, and a car turns it green only when \
                 its road is red, once for each switch",
                car_on(car, road),
                name(road),
                self.schedule
            ));
            note(&mut state, problem);
        }
        let inside: Vec<String> = [Road::A, Road::B]
            .iter()
            .flat_map(|&r| state.crossing[index(r)].iter().map(move |&c| car_on(c, r)))
            .collect();
        if !inside.is_empty() {
            let problem = bugs::ORDER_VIOLATED.says(format!(
                "the light turned green for road {} ({}) while {} {} crossing ({}): the \
                 light changes only when the intersection is empty; a car at a red light \
                 waits until the last car of the other road has crossed",
                name(road),
                car_on(car, road),
                listed(&inside),
                if inside.len() == 1 { "was" } else { "were" },
                self.schedule
            ));
            note(&mut state, problem);
        }
        state.light = road;
        state.switches += 1;
    }

    fn cross(&self, car: usize, road: Road, hold: Duration) {
        {
            let mut state = self.state();
            if state.light != road {
                let problem = bugs::ORDER_VIOLATED.says(format!(
                    "{} began to cross while the light was green for road {} ({}): a car \
                     crosses only while its road is green; if it is red, the car turns it \
                     green first, once the intersection is empty",
                    car_on(car, road),
                    name(state.light),
                    self.schedule
                ));
                note(&mut state, problem);
            }
            if let Some(&there) = state.crossing[index(other(road))].first() {
                let problem = bugs::ORDER_VIOLATED.says(format!(
                    "{} and {} crossed at the same time ({}): cars of the two roads are never \
                     in the intersection together",
                    car_on(there, other(road)),
                    car_on(car, road),
                    self.schedule
                ));
                note(&mut state, problem);
            }
            state.crossing[index(road)].push(car);
            state.began[index(road)] += 1;
        }
        self.changed.notify_all();
        if let Some(group) = self.plan.together {
            self.wait_for_company(car, road, group);
        }
        if !hold.is_zero() {
            thread::sleep(hold);
        }
        self.state().crossing[index(road)].retain(|&c| c != car);
        self.changed.notify_all();
    }

    /// With `together`: waits, up to `TOGETHER`, until `group` cars of
    /// `road` have begun to cross. Once one has waited in vain, the check
    /// has its answer, and nobody else waits.
    fn wait_for_company(&self, car: usize, road: Road, group: usize) {
        let state = self.state();
        if state.alone.is_some() {
            return;
        }
        let (mut state, wait) = self
            .changed
            .wait_timeout_while(state, TOGETHER, |state| {
                state.began[index(road)] < group && state.alone.is_none()
            })
            .unwrap_or_else(|p| p.into_inner());
        if wait.timed_out() && state.began[index(road)] < group && state.alone.is_none() {
            let began = state.began[index(road)];
            state.alone = Some(Alone { car, road, began });
        }
    }

    /// Waits up to the deadline for every car to return, then judges the
    /// run: a panic first (a `todo!()`), then the first broken promise,
    /// then a car that never returned.
    fn finish(&self, calls: Vec<(String, Call<()>)>) -> Result<(), String> {
        let deadline = Instant::now() + DEADLINE;
        let mut stuck = Vec::new();
        let mut panicked = None;
        for (who, mut caller) in calls {
            if caller.returned_within(deadline.saturating_duration_since(Instant::now())) {
                if let Err(message) = caller.join(Duration::ZERO, bugs::LOST_WAKEUP, "") {
                    panicked.get_or_insert(message);
                }
            } else {
                stuck.push(who);
            }
        }
        if let Some(message) = panicked {
            return Err(message);
        }
        let state = self.state();
        if let Some(problem) = state.problem.clone() {
            return Err(problem);
        }
        if !stuck.is_empty() {
            let inside: Vec<String> = [Road::A, Road::B]
                .iter()
                .flat_map(|&r| state.crossing[index(r)].iter().map(move |&c| car_on(c, r)))
                .collect();
            return Err(bugs::LOST_WAKEUP.says(format!(
                "{} did not return within {} s ({}); the light was green for road {}, and \
                 crossing: {}. A car waited for a change nobody announced: the last car out \
                 of the intersection must wake the cars at the red light, and a car must \
                 check the light and the cars inside and go to sleep under one lock",
                listed(&stuck),
                DEADLINE.as_secs(),
                self.schedule,
                name(state.light),
                listed(&inside)
            )));
        }
        Ok(())
    }
}

/// How long a car may take to return once the intersection could let it
/// through: far more than a correct light needs on a loaded machine.
const DEADLINE: Duration = Duration::from_secs(5);

/// How long a crossing waits for the others of its road in
/// `cars_of_one_road_share`.
const TOGETHER: Duration = Duration::from_secs(2);

/// Starts car `car` on `road` on a thread of its own, after `delay`, once
/// `gate` (if any) lets it go, with a crossing that takes `hold`.
fn send<T: TrafficLight + 'static>(
    crossing: &Arc<Crossing<T>>,
    car: usize,
    road: Road,
    delay: Duration,
    gate: Option<Arc<Barrier>>,
    hold: Duration,
) -> (String, Call<()>) {
    let who = car_on(car, road);
    let crossing = Arc::clone(crossing);
    let caller = call(who.clone(), delay, move || {
        if let Some(gate) = gate {
            gate.wait();
        }
        crossing.drive(car, road, hold);
    });
    (who, caller)
}

/// Cars on `roads`, numbered from `first`, all called at once (a barrier
/// lines them up), each crossing taking `hold`.
fn at_once<T: TrafficLight + 'static>(
    crossing: &Arc<Crossing<T>>,
    roads: &[Road],
    first: usize,
    hold: Duration,
) -> Vec<(String, Call<()>)> {
    let gate = Arc::new(Barrier::new(roads.len()));
    roads
        .iter()
        .enumerate()
        .map(|(i, &road)| {
            send(
                crossing,
                first + i,
                road,
                Duration::ZERO,
                Some(Arc::clone(&gate)),
                hold,
            )
        })
        .collect()
}

const A: Road = Road::A;
const B: Road = Road::B;

/// On one thread, cars of both roads one after another: the light switches
/// exactly when the road changes, starting from green for A.
pub fn one_car_at_a_time<T: TrafficLight + 'static>(make: fn() -> T) -> Result<(), String> {
    let roads = [A, A, B, B, A, B, B, A];
    let switches =
        roads.windows(2).filter(|pair| pair[0] != pair[1]).count() + usize::from(roads[0] != A);
    let schedule = "one thread, cars on roads A, A, B, B, A, B, B, A, one after another";
    let crossing = Crossing::new(make, Plan::default(), schedule);
    let caller = call("the cars' thread", Duration::ZERO, {
        let crossing = Arc::clone(&crossing);
        move || {
            for (car, &road) in roads.iter().enumerate() {
                crossing.drive(car + 1, road, Duration::ZERO);
            }
        }
    });
    crossing.finish(vec![("the cars' thread".to_string(), caller)])?;
    let made = crossing.state().switches;
    if made != switches {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "turn_green was called {made} times ({schedule}); the road changed {switches} \
             times, and the light must be switched once for each change"
        )));
    }
    Ok(())
}

/// Rounds in `two_roads_never_cross_together`.
const ROUNDS: usize = 20;

/// A car of each road, called at once, each crossing taking 2 ms: a light
/// that lets a car act on a light it read before it let go of the lock
/// lets both in.
pub fn two_roads_never_cross_together<T: TrafficLight + 'static>(
    make: fn() -> T,
) -> Result<(), String> {
    for round in 0..ROUNDS {
        let roads = if round.is_multiple_of(2) {
            [A, B]
        } else {
            [B, A]
        };
        let crossing = Crossing::new(
            make,
            Plan::default(),
            format!(
                "a car of road {} and one of road {} called at once, each crossing taking \
                 2 ms, round {round}",
                name(roads[0]),
                name(roads[1])
            ),
        );
        let calls = at_once(&crossing, &roads, 1, Duration::from_millis(2));
        crossing.finish(calls)?;
    }
    Ok(())
}

/// Two cars of road A crossing for 20 ms, and a car of road B called 5 ms
/// in: it must wait for both to leave before it switches the light.
pub fn the_light_waits_for_the_intersection_to_empty<T: TrafficLight + 'static>(
    make: fn() -> T,
) -> Result<(), String> {
    for round in 0..3 {
        let crossing = Crossing::new(
            make,
            Plan::default(),
            format!(
                "cars 1 and 2 of road A called at once, each crossing taking 20 ms, and car 3 \
                 of road B called 5 ms later, round {round}"
            ),
        );
        let mut calls = at_once(&crossing, &[A, A], 1, Duration::from_millis(20));
        calls.push(send(
            &crossing,
            3,
            B,
            Duration::from_millis(5),
            None,
            Duration::ZERO,
        ));
        crossing.finish(calls)?;
    }
    Ok(())
}

/// Three cars of road A at once, then three of road B. For a light that
/// promises shared crossings, each crossing waits up to 2 s for the other
/// two of its road to begin; for one that does not, nobody waits, and only
/// the other promises are checked.
pub fn cars_of_one_road_share<T: TrafficLight + 'static>(make: fn() -> T) -> Result<(), String> {
    let (plan, waits) = if T::SHARED_CROSSING {
        (
            Plan { together: Some(3) },
            "each crossing waiting up to 2 s for the other two of its road to begin",
        )
    } else {
        (
            Plan::default(),
            "the light does not promise shared crossings, so nobody waits for company",
        )
    };
    let crossing = Crossing::new(
        make,
        plan,
        format!("three cars of road A called at once, then three of road B; {waits}"),
    );
    let first = at_once(&crossing, &[A, A, A], 1, Duration::ZERO);
    crossing.finish(first)?;
    let second = at_once(&crossing, &[B, B, B], 4, Duration::ZERO);
    crossing.finish(second)?;
    if let Some(alone) = crossing.state().alone {
        return Err(bugs::NO_PARALLELISM.says(format!(
            "{} crossed alone for {} s: only {} of the three cars of road {} had begun to \
             cross, though its road was green and nothing else was waiting ({}). A light whose \
             SHARED_CROSSING is true lets the cars of the green road cross together: is the \
             lock held while a car crosses?",
            car_on(alone.car, alone.road),
            TOGETHER.as_secs(),
            alone.began,
            name(alone.road),
            crossing.schedule
        )));
    }
    Ok(())
}

/// Twenty runs of ten cars on random roads, called within 3 ms of each
/// other, each crossing taking up to 300 µs: the whole contract under
/// contention.
pub fn random_traffic<T: TrafficLight + 'static>(make: fn() -> T) -> Result<(), String> {
    let mut rng = Rng::new(1279);
    for run in 0..20 {
        let roads: Vec<Road> = (0..10)
            .map(|_| if rng.below(2) == 0 { A } else { B })
            .collect();
        let order: String = roads.iter().map(|&road| name(road)).collect();
        let crossing = Crossing::new(
            make,
            Plan::default(),
            format!(
                "ten cars on roads {order}, called within 3 ms of each other, each crossing \
                 taking up to 300 µs, run {run}"
            ),
        );
        let calls = roads
            .iter()
            .enumerate()
            .map(|(i, &road)| {
                let delay = Duration::from_micros(rng.below(3000));
                let hold = Duration::from_micros(rng.below(300));
                send(&crossing, i + 1, road, delay, None, hold)
            })
            .collect();
        crossing.finish(calls)?;
    }
    Ok(())
}
