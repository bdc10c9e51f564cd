//! Your drill: one light, two roads, and never cars of both in the
//! intersection.
//!
//! Check it with `cargo test -p traffic-light --features starter` or
//! `concur check traffic-light`. Ask `concur hint traffic-light` when
//! stuck.

#![allow(unused_imports)] // the imports are what you will need

use kit::sync::{Condvar, Mutex};

use crate::{Direction, Road, TrafficLight};

/// A light over the intersection, green for road A at first.
#[derive(Debug, Default)]
pub struct StarterLight {
    // TODO: which road is green, under a lock the cars share.
}

impl TrafficLight for StarterLight {
    // Set this to `true` only if cars of the green road can cross at the
    // same time in yours: the suite then checks that they do.
    const SHARED_CROSSING: bool = false;

    fn new() -> Self {
        // TODO: green for road A.
        Self::default()
    }

    fn car_arrived(
        &self,
        car: usize,
        road: Road,
        direction: Direction,
        turn_green: impl FnOnce(),
        cross: impl FnOnce(),
    ) {
        // TODO: if `road` is red, call `turn_green` and make it green; then
        // cross, so that the light cannot change until you have.
        let _ = (car, road, direction, turn_green, cross);
        todo!("StarterLight::car_arrived")
    }
}
