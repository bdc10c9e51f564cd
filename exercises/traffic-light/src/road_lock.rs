//! The light and the cars in the intersection, under one mutex.
//!
//! A reader-writer lock with two kinds of reader. Cars of the green road
//! are readers of one kind: any number may be in the intersection at once.
//! A car of the red road needs the intersection empty before it switches
//! the light, as a writer needs the lock free, and after the switch it is
//! a reader of the other kind, and the cars of its road join it.
//!
//! The state is the green road and how many cars are crossing. A car
//! enters under the mutex: if its road is green, it counts itself in at
//! once; if red, it waits on the condition variable while cars are still
//! crossing, then switches the light (the first car of its road to find
//! the intersection empty does; the others find it already green) and
//! counts itself in. It crosses with the lock released, so that the
//! others can enter too, and counts itself out under the lock again. The
//! last car out wakes every waiter: they all wait for the same thing, an
//! empty intersection, and they may all go.
//!
//! `turn_green` runs under the mutex, between "the intersection is empty"
//! and "the light is ours": nobody can enter or switch in between, so each
//! switch is made once, by one car, while nobody is crossing.
//!
//! The price of sharing is fairness. While cars of the green road keep
//! coming, the intersection may never empty, and a car at the red light
//! waits as long as they do: a writer starved by readers. Letting a
//! waiting car hold back new cars of the green road fixes that, and costs
//! some of the sharing. `MutexLight` has neither problem, and no sharing.

use kit::sync::{Condvar, Mutex};

use crate::{Direction, Road, TrafficLight};

// ANCHOR: road_lock
/// The light, and the cars in the intersection.
#[derive(Debug)]
struct Intersection {
    green: Road,
    crossing: usize,
}

/// Cars of the green road share the intersection; a switch waits until it
/// is empty.
#[derive(Debug)]
pub struct RoadLock {
    state: Mutex<Intersection>,
    emptied: Condvar,
}

impl TrafficLight for RoadLock {
    const SHARED_CROSSING: bool = true;

    fn new() -> Self {
        RoadLock {
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
        // Red, and cars of the other road still inside: wait until the
        // last of them has left.
        while state.green != road && state.crossing > 0 {
            state = self.emptied.wait(state);
        }
        if state.green != road {
            turn_green();
            state.green = road;
        }
        state.crossing += 1;
        drop(state);

        cross();

        let mut state = self.state.lock();
        state.crossing -= 1;
        let empty = state.crossing == 0;
        drop(state);
        if empty {
            self.emptied.notify_all();
        }
    }
}
// ANCHOR_END: road_lock
