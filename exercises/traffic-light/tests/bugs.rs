//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name. (`LeaveWithoutLock` is the loom model's: see
//! `tests/loom.rs`.)

mod suite;

use kit::bugs;
use kit::stress::assert_caught;
use traffic_light::TrafficLight;
use traffic_light::buggy::{CheckThenAct, CrossUnderLock, NoInitialGreen, SwitchWithoutWaiting};

#[test]
fn no_road_green_at_first_is_caught() {
    assert_caught(bugs::WRONG_ANSWER, || {
        suite::one_car_at_a_time(NoInitialGreen::new)
    });
}

#[test]
fn acting_on_a_light_read_under_the_lock_is_caught() {
    assert_caught(bugs::ORDER_VIOLATED, || {
        suite::two_roads_never_cross_together(CheckThenAct::new)
    });
}

#[test]
fn a_switch_that_does_not_wait_is_caught() {
    assert_caught(bugs::ORDER_VIOLATED, || {
        suite::the_light_waits_for_the_intersection_to_empty(SwitchWithoutWaiting::new)
    });
}

#[test]
fn crossing_under_the_lock_is_caught() {
    assert_caught(bugs::NO_PARALLELISM, || {
        suite::cars_of_one_road_share(CrossUnderLock::new)
    });
}

/// Each bug is in one place only: what it does not touch still passes.
#[test]
fn each_bug_breaks_only_its_own_part() {
    // One car at a time on one thread: nothing races.
    assert_eq!(suite::one_car_at_a_time(CheckThenAct::new), Ok(()));
    assert_eq!(suite::one_car_at_a_time(SwitchWithoutWaiting::new), Ok(()));
    assert_eq!(suite::one_car_at_a_time(CrossUnderLock::new), Ok(()));
    // Cars of one road, then of the other: nobody to wait for.
    assert_eq!(
        suite::cars_of_one_road_share(SwitchWithoutWaiting::new),
        Ok(())
    );
    // Crossing under the lock: one car at a time, and every promise but
    // sharing kept.
    assert_eq!(
        suite::two_roads_never_cross_together(CrossUnderLock::new),
        Ok(())
    );
    assert_eq!(
        suite::the_light_waits_for_the_intersection_to_empty(CrossUnderLock::new),
        Ok(())
    );
    assert_eq!(suite::random_traffic(CrossUnderLock::new), Ok(()));
}
