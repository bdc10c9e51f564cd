//! The bug zoo: lights that look right and are not. Each is named after its
//! bug, and `tests/bugs.rs` proves the suite catches each one under that
//! name (`LeaveWithoutLock`, whose window is nanoseconds wide, is caught by
//! the loom model in `tests/loom.rs`).

use kit::sync::{AtomicUsize, Condvar, Mutex, Ordering};

use crate::{Direction, Road, TrafficLight};

/// `MutexLight` with no road green at first: "nobody has the light yet".
/// The first car of road A turns green a light that already was. Wrong
/// answer.
#[derive(Debug)]
pub struct NoInitialGreen {
    green: Mutex<Option<Road>>,
}

impl TrafficLight for NoInitialGreen {
    const SHARED_CROSSING: bool = false;

    fn new() -> Self {
        NoInitialGreen {
            green: Mutex::new(None),
        }
    }

    fn car_arrived(
        &self,
        _car: usize,
        road: Road,
        _direction: Direction,
        turn_green: impl FnOnce(),
        cross: impl FnOnce(),
    ) {
        let mut green = self.green.lock();
        if *green != Some(road) {
            turn_green();
            *green = Some(road);
        }
        cross();
    }
}

/// Reads the light under the lock, lets go of it, and acts on what it
/// read: a car that found its road green crosses without the lock, while a
/// car of the other road switches the light and crosses too. Order
/// violated: cars of both roads in the intersection.
#[derive(Debug)]
pub struct CheckThenAct {
    green: Mutex<Road>,
}

impl TrafficLight for CheckThenAct {
    const SHARED_CROSSING: bool = false;

    fn new() -> Self {
        CheckThenAct {
            green: Mutex::new(Road::A),
        }
    }

    fn car_arrived(
        &self,
        _car: usize,
        road: Road,
        _direction: Direction,
        turn_green: impl FnOnce(),
        cross: impl FnOnce(),
    ) {
        let red = *self.green.lock() != road;
        if red {
            let mut green = self.green.lock();
            turn_green();
            *green = road;
        }
        // The light was ours a moment ago.
        cross();
    }
}

/// The light and the cars crossing, as in `RoadLock`, with one mistake
/// chosen by `BUG`.
#[derive(Debug)]
pub struct Lanes<const BUG: u8> {
    state: Mutex<Intersection>,
    emptied: Condvar,
}

#[derive(Debug)]
struct Intersection {
    green: Road,
    crossing: usize,
}

/// Switches the light as soon as a car of the red road arrives, without
/// waiting for the cars of the green road to leave the intersection. Order
/// violated: the light changes under a car that is crossing.
pub type SwitchWithoutWaiting = Lanes<0>;
/// Crosses with the lock held: safe, but the cars of the green road go one
/// at a time, though it promises they share. No parallelism.
pub type CrossUnderLock = Lanes<1>;

const NO_WAIT: u8 = 0;
const CROSS_LOCKED: u8 = 1;

impl<const BUG: u8> TrafficLight for Lanes<BUG> {
    const SHARED_CROSSING: bool = true;

    fn new() -> Self {
        Lanes {
            state: Mutex::new(Intersection {
                green: Road::A,
                crossing: 0,
            }),
            emptied: Condvar::new(),
        }
    }

    fn car_arrived(
        &self,
        _car: usize,
        road: Road,
        _direction: Direction,
        turn_green: impl FnOnce(),
        cross: impl FnOnce(),
    ) {
        let mut state = self.state.lock();
        if BUG != NO_WAIT {
            while state.green != road && state.crossing > 0 {
                state = self.emptied.wait(state);
            }
        }
        if state.green != road {
            turn_green();
            state.green = road;
        }
        state.crossing += 1;
        if BUG == CROSS_LOCKED {
            cross();
        } else {
            drop(state);
            cross();
            state = self.state.lock();
        }
        state.crossing -= 1;
        let empty = state.crossing == 0;
        drop(state);
        if empty {
            self.emptied.notify_all();
        }
    }
}

/// Counts the cars crossing in an atomic, and the last car out counts
/// itself out and notifies without taking the lock. A car of the red road
/// can read "one car crossing" under the lock, and before it sleeps, that
/// car leaves and notifies nobody: the waiter sleeps for ever. Lost
/// wake-up, in a window of nanoseconds that loom finds and a stress test
/// rarely does.
#[derive(Debug)]
pub struct LeaveWithoutLock {
    green: Mutex<Road>,
    crossing: AtomicUsize,
    emptied: Condvar,
}

impl TrafficLight for LeaveWithoutLock {
    const SHARED_CROSSING: bool = true;

    fn new() -> Self {
        LeaveWithoutLock {
            green: Mutex::new(Road::A),
            crossing: AtomicUsize::new(0),
            emptied: Condvar::new(),
        }
    }

    fn car_arrived(
        &self,
        _car: usize,
        road: Road,
        _direction: Direction,
        turn_green: impl FnOnce(),
        cross: impl FnOnce(),
    ) {
        let mut green = self.green.lock();
        while *green != road && self.crossing.load(Ordering::SeqCst) > 0 {
            green = self.emptied.wait(green);
        }
        if *green != road {
            turn_green();
            *green = road;
        }
        self.crossing.fetch_add(1, Ordering::SeqCst);
        drop(green);
        cross();
        // Counted out without the lock: the notify can fall between a
        // waiter's check and its sleep.
        if self.crossing.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.emptied.notify_all();
        }
    }
}
