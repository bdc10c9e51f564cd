//! # Traffic Light Controlled Intersection (LeetCode 1279)
//!
//! Two roads cross: road A runs north and south, road B east and west. One
//! light controls the intersection, green for one road at a time, and
//! green for road A at first. Cars arrive on threads of their own, each
//! calling `car_arrived` with its road and two callbacks: `turn_green`,
//! which switches the light to the car's road, and `cross`, which drives
//! the car through. A car crosses only while its road is green. If its road
//! is red, the car itself turns the light green for it (once, for that
//! switch), then crosses. Cars of the two roads are never in the
//! intersection at the same time.
//!
//! The lesson is the trade-off between a simple lock and concurrency, each
//! side in its own file:
//!
//! - [`MutexLight`] (`mutex.rs`): the light under one mutex, and every car
//!   crosses with it held. Obviously right, and one car at a time, though
//!   the cars of the green road could all go together.
//! - [`RoadLock`] (`road_lock.rs`): the light and a count of the cars in
//!   the intersection under a mutex; cars of the green road share the
//!   intersection, and a car at a red light waits, on a condition
//!   variable, until it is empty before it switches. A reader-writer lock
//!   with two kinds of reader.
//!
//! `buggy.rs` holds the bug zoo (no road green at first, a light read under
//! the lock and switched after it, a switch that does not wait for the
//! intersection to empty, a car that crosses holding the lock, a leave that
//! wakes without the lock), and `starter.rs` is the candidate's file.

// ANCHOR: contract
/// One of the two roads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Road {
    /// North and south.
    A,
    /// East and west.
    B,
}

/// Where a car is heading: north or south on road A, east or west on B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    North,
    South,
    East,
    West,
}

impl Direction {
    /// The road a car heading this way is on.
    pub fn road(self) -> Road {
        match self {
            Direction::North | Direction::South => Road::A,
            Direction::East | Direction::West => Road::B,
        }
    }
}

/// A light over an intersection of two roads, green for road A at first,
/// that lets cars cross whichever threads they arrive on.
///
/// The promises:
/// - each call runs `cross` exactly once before it returns, and
///   `turn_green` at most once, before `cross`;
/// - the light is what the `turn_green` calls make it: green for road A at
///   first, then for the road of the last car that called it. A car calls
///   it only when its road is red, so the calls alternate roads, B first,
///   and cars of the red road that arrive together switch the light once,
///   not once each;
/// - a car crosses only while its road is green: the light does not change
///   while any car is crossing, so cars of the two roads never cross at
///   the same time;
/// - nothing hangs: every car crosses and returns once cars stop arriving
///   (a car at a red light may wait while cars of the green road keep
///   coming, but not for a wake-up that never comes);
/// - if [`SHARED_CROSSING`](Self::SHARED_CROSSING) is `true`, cars of the
///   green road cross at the same time: when only cars of one road arrive,
///   each may wait, inside its `cross`, for the others to begin crossing.
///
/// One object serves one run: any number of cars, each on its own thread,
/// `direction` always on `road`.
pub trait TrafficLight: Send + Sync {
    /// Whether cars of the green road may be in the intersection together:
    /// `true` is a promise the suite holds an implementation to; `false`
    /// (one car at a time) is allowed, and LeetCode's answer.
    const SHARED_CROSSING: bool;

    /// A light green for road A, and an empty intersection.
    fn new() -> Self
    where
        Self: Sized;

    /// Car `car`, on `road` heading `direction`, crosses: it calls
    /// `turn_green` first if its road is red, then `cross`.
    fn car_arrived(
        &self,
        car: usize,
        road: Road,
        direction: Direction,
        turn_green: impl FnOnce(),
        cross: impl FnOnce(),
    );
}
// ANCHOR_END: contract

mod mutex;
mod road_lock;

pub mod buggy;
#[cfg(feature = "starter")]
pub mod starter;

pub use mutex::MutexLight;
pub use road_lock::RoadLock;
