//! The light under one mutex, and the crossing too.
//!
//! LeetCode's answer, and the one to write first in an interview. A car
//! locks the light, switches it if its road is red, crosses, and unlocks.
//! Every promise is plain from the code: the light cannot change while a
//! car crosses, because the car crossing holds the only lock that changes
//! it; a red road is switched once, by the car that holds the lock when it
//! is red, and every car after it finds it green.
//!
//! The price: one car at a time, even when ten cars of the green road are
//! waiting and the intersection could take them all. Nothing waits except
//! for the mutex, so there is no condition variable, and no wake-up to
//! lose. `SHARED_CROSSING` is `false`: that is a promise this light does
//! not make.

use kit::sync::Mutex;

use crate::{Direction, Road, TrafficLight};

// ANCHOR: mutex
/// The road that is green, under a mutex that every car holds while it
/// crosses.
#[derive(Debug)]
pub struct MutexLight {
    green: Mutex<Road>,
}

impl TrafficLight for MutexLight {
    const SHARED_CROSSING: bool = false;

    fn new() -> Self {
        MutexLight {
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
        let mut green = self.green.lock();
        if *green != road {
            turn_green();
            *green = road;
        }
        cross();
    }
}
// ANCHOR_END: mutex
