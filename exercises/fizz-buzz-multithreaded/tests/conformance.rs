//! One suite, run over every implementation (and over the starter with
//! `--features starter`). The checks live in `suite/mod.rs`; each runs
//! under a watchdog (`kit::stress`), so a hang fails with a name.

mod suite;

use fizz_buzz_multithreaded::{ChannelFizzBuzz, CondvarFizzBuzz, FizzBuzz};
use kit::stress::assert_passes as pass;

/// A module of tests per implementation, so a failure names both:
/// `starter::every_method_returns_at_the_end`.
macro_rules! conformance {
    ($($module:ident: $type:ty),* $(,)?) => {$(
        mod $module {
            use super::*;

            #[test]
            fn prints_the_sequence() {
                pass(|| suite::prints_the_sequence(<$type>::new));
            }

            #[test]
            fn every_arrival_order() {
                pass(|| suite::every_arrival_order(<$type>::new));
            }

            #[test]
            fn every_method_returns_at_the_end() {
                pass(|| suite::every_method_returns_at_the_end(<$type>::new));
            }

            #[test]
            fn the_right_thread_is_woken() {
                pass(|| suite::the_right_thread_is_woken(<$type>::new));
            }

            #[test]
            fn waiting_does_not_burn_a_core() {
                pass(|| suite::waiting_does_not_burn_a_core(<$type>::new));
            }
        }
    )*};
}

conformance! {
    condvar: CondvarFizzBuzz,
    channels: ChannelFizzBuzz,
}

#[cfg(feature = "starter")]
conformance! {
    starter: fizz_buzz_multithreaded::starter::StarterFizzBuzz,
}
