//! One suite, run over every implementation (and over the starter with
//! `--features starter`). The checks live in `suite/mod.rs`; each runs
//! under a watchdog (`kit::stress`), so a hang fails with a name.

mod suite;

use dining_philosophers::{DiningPhilosophers, FairStates, OrderedForks, Waiter};
use kit::stress::assert_passes as pass;

/// A module of tests per implementation, so a failure names both:
/// `starter::five_left_forks_at_once`.
macro_rules! conformance {
    ($($module:ident: $type:ty),* $(,)?) => {$(
        mod $module {
            use super::*;

            #[test]
            fn one_at_a_time() {
                pass(|| suite::one_at_a_time(<$type>::new));
            }

            #[test]
            fn neighbours_never_eat_at_once() {
                pass(|| suite::neighbours_never_eat_at_once(<$type>::new));
            }

            #[test]
            fn five_left_forks_at_once() {
                pass(|| suite::five_left_forks_at_once(<$type>::new));
            }

            #[test]
            fn non_neighbours_eat_at_once() {
                pass(|| suite::non_neighbours_eat_at_once(<$type>::new));
            }

            #[test]
            fn waiting_does_not_burn_a_core() {
                pass(|| suite::waiting_does_not_burn_a_core(<$type>::new));
            }

            #[test]
            fn no_philosopher_starves() {
                pass(|| suite::no_philosopher_starves(<$type>::new));
            }

            #[test]
            fn a_busy_table() {
                pass(|| suite::a_busy_table(<$type>::new));
            }
        }
    )*};
}

conformance! {
    ordered: OrderedForks,
    waiter: Waiter,
    states: FairStates,
}

#[cfg(feature = "starter")]
conformance! {
    starter: dining_philosophers::starter::StarterPhilosophers,
}
