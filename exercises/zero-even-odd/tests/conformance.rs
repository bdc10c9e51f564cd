//! One suite, run over every implementation (and over the starter with
//! `--features starter`). The checks live in `suite/mod.rs`; each runs
//! under a watchdog (`kit::stress`), so a hang fails with a name.

mod suite;

use kit::stress::assert_passes as pass;
use zero_even_odd::{ChannelZeroEvenOdd, CondvarZeroEvenOdd, ZeroEvenOdd};

/// A module of tests per implementation, so a failure names both:
/// `starter::waiters_recheck_after_waking`.
macro_rules! conformance {
    ($($module:ident: $type:ty),* $(,)?) => {$(
        mod $module {
            use super::*;

            #[test]
            fn one_thread_in_order() {
                pass(|| suite::one_thread_in_order(<$type>::new));
            }

            #[test]
            fn every_arrival_order() {
                pass(|| suite::every_arrival_order(<$type>::new));
            }

            #[test]
            fn each_waits_for_its_turn() {
                pass(|| suite::each_waits_for_its_turn(<$type>::new));
            }

            #[test]
            fn waiters_recheck_after_waking() {
                pass(|| suite::waiters_recheck_after_waking(<$type>::new));
            }

            #[test]
            fn a_finished_turn_is_remembered() {
                pass(|| suite::a_finished_turn_is_remembered(<$type>::new));
            }

            #[test]
            fn each_number_from_its_own_thread() {
                pass(|| suite::each_number_from_its_own_thread(<$type>::new));
            }

            #[test]
            fn waiting_does_not_burn_a_core() {
                pass(|| suite::waiting_does_not_burn_a_core(<$type>::new));
            }
        }
    )*};
}

conformance! {
    condvar: CondvarZeroEvenOdd,
    channels: ChannelZeroEvenOdd,
}

#[cfg(feature = "starter")]
conformance! {
    starter: zero_even_odd::starter::StarterZeroEvenOdd,
}
