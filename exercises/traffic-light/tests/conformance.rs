//! One suite, run over every implementation (and over the starter with
//! `--features starter`). The checks live in `suite/mod.rs`; each runs
//! under a watchdog (`kit::stress`), so a hang fails with a name.

mod suite;

use kit::stress::assert_passes as pass;
use traffic_light::{MutexLight, RoadLock, TrafficLight};

/// A module of tests per implementation, so a failure names both:
/// `starter::two_roads_never_cross_together`.
macro_rules! conformance {
    ($($module:ident: $type:ty),* $(,)?) => {$(
        mod $module {
            use super::*;

            #[test]
            fn one_car_at_a_time() {
                pass(|| suite::one_car_at_a_time(<$type>::new));
            }

            #[test]
            fn two_roads_never_cross_together() {
                pass(|| suite::two_roads_never_cross_together(<$type>::new));
            }

            #[test]
            fn the_light_waits_for_the_intersection_to_empty() {
                pass(|| suite::the_light_waits_for_the_intersection_to_empty(<$type>::new));
            }

            #[test]
            fn cars_of_one_road_share() {
                pass(|| suite::cars_of_one_road_share(<$type>::new));
            }

            #[test]
            fn random_traffic() {
                pass(|| suite::random_traffic(<$type>::new));
            }
        }
    )*};
}

conformance! {
    mutex: MutexLight,
    road_lock: RoadLock,
}

#[cfg(feature = "starter")]
conformance! {
    starter: traffic_light::starter::StarterLight,
}
