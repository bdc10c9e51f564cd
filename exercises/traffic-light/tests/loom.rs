//! Loom models: every interleaving of three cars, two on road A and one on
//! road B, up to the preemption bound, for each reference; and two of the
//! zoo's mistakes, which loom finds where a stress test may not.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p traffic-light --test loom --release`
//! and your light with `concur check traffic-light --loom`.
#![cfg(loom)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use kit::sync::{Arc, Mutex, thread};
use traffic_light::buggy::{CheckThenAct, LeaveWithoutLock};
use traffic_light::{Direction, MutexLight, Road, RoadLock, TrafficLight};

/// The model's assertion on the cars that crossed, in its bug class's
/// words, as `concur check traffic-light --loom` shows it; the promises
/// `Seen::broke` records are worded so too.
const UNCROSSED: &str = "wrong answer: not every car crossed exactly once, though every \
     car_arrived returned";

/// What the model's callbacks saw. Nothing panics inside a callback, while
/// other threads are still running: the model records the first broken
/// promise, and asserts once every thread has finished.
#[derive(Debug)]
struct Seen {
    light: Road,
    /// Cars crossing on road A and on road B.
    crossing: [usize; 2],
    crossed: usize,
    broken: Option<&'static str>,
}

impl Seen {
    fn broke(&mut self, promise: &'static str) {
        self.broken.get_or_insert(promise);
    }
}

fn index(road: Road) -> usize {
    match road {
        Road::A => 0,
        Road::B => 1,
    }
}

struct Junction<T> {
    object: T,
    seen: Mutex<Seen>,
}

impl<T: TrafficLight> Junction<T> {
    fn drive(&self, car: usize, road: Road) {
        let direction = match road {
            Road::A => Direction::North,
            Road::B => Direction::East,
        };
        self.object.car_arrived(
            car,
            road,
            direction,
            || {
                let mut seen = self.seen.lock();
                if seen.light == road {
                    seen.broke("wrong answer: turn_green for a road already green");
                }
                if seen.crossing != [0, 0] {
                    seen.broke("order violated: the light changed while a car was crossing");
                }
                seen.light = road;
            },
            || {
                {
                    let mut seen = self.seen.lock();
                    if seen.light != road {
                        seen.broke("order violated: a car crossed on red");
                    }
                    seen.crossing[index(road)] += 1;
                }
                let mut seen = self.seen.lock();
                seen.crossing[index(road)] -= 1;
                seen.crossed += 1;
            },
        );
    }
}

/// Car 1 on road A on the model's main thread, car 2 on road B and car 3
/// on road A on threads of their own: in every interleaving, all three
/// cross, no promise is broken, and nothing deadlocks.
fn all_cross<T: TrafficLight + 'static>(make: fn() -> T) {
    loom::model(move || {
        let junction = Arc::new(Junction {
            object: make(),
            seen: Mutex::new(Seen {
                light: Road::A,
                crossing: [0, 0],
                crossed: 0,
                broken: None,
            }),
        });
        let others: Vec<_> = [(2, Road::B), (3, Road::A)]
            .into_iter()
            .map(|(car, road)| {
                let junction = Arc::clone(&junction);
                thread::spawn(move || junction.drive(car, road))
            })
            .collect();
        junction.drive(1, Road::A);
        for other in others {
            other.join().unwrap();
        }
        let seen = junction.seen.lock();
        assert_eq!(
            seen.broken,
            None,
            "{}, in an interleaving loom found",
            seen.broken.unwrap_or_default()
        );
        assert_eq!(seen.crossed, 3, "{UNCROSSED}");
    });
}

#[test]
fn the_mutex_light_lets_all_cross() {
    all_cross(MutexLight::new);
}

#[test]
fn the_road_lock_lets_all_cross() {
    all_cross(RoadLock::new);
}

/// Loom finds the light acted on after the lock was let go: in some
/// interleaving a car of road A crosses while the light is green for B.
#[test]
fn loom_finds_the_check_then_act() {
    let found = catch_unwind(AssertUnwindSafe(|| all_cross(CheckThenAct::new)));
    assert!(
        found.is_err(),
        "loom should find CheckThenAct's cars of both roads in the intersection"
    );
}

/// Loom finds the count taken out without the lock as a deadlock: an
/// interleaving in which the car at the red light sleeps through the only
/// notify. It reports a deadlock by panicking while its threads unwind,
/// which aborts the process, so the model runs in a child process of this
/// test binary, and the test reads loom's verdict from the child's output.
#[test]
fn loom_finds_the_lost_wakeup() {
    if let Err(said) = kit::child::expect_deadlock("zoo_model_in_a_child", "LeaveWithoutLock") {
        panic!(
            "loom should find LeaveWithoutLock's lost wake-up as a deadlock; the child said:\n{said}"
        );
    }
}

/// The child's side of `loom_finds_the_lost_wakeup`; run directly, with no
/// model named, it does nothing.
#[test]
fn zoo_model_in_a_child() {
    if kit::child::requested().as_deref() == Some("LeaveWithoutLock") {
        all_cross(LeaveWithoutLock::new);
    }
}

/// Your light in the same model: `concur check traffic-light --loom`. It
/// runs in a child process, because a car nobody wakes is a deadlock,
/// which loom reports by aborting.
#[cfg(feature = "starter")]
#[test]
fn starter_lets_all_cross() {
    kit::child::assert_passes("a_named_model_in_a_child", "all cross");
}

/// The child's side of the starter's model (its name does not say
/// "starter", so that `concur check` does not run it as a check of its
/// own); run directly, with no model named, it does nothing.
#[cfg(feature = "starter")]
#[test]
fn a_named_model_in_a_child() {
    use traffic_light::starter::StarterLight;
    if kit::child::requested().as_deref() == Some("all cross") {
        all_cross(StarterLight::new);
    }
}
