//! One suite, run over every implementation (and over the starter with
//! `--features starter`). The checks live in `suite/mod.rs`; each runs
//! under a watchdog (`kit::stress`), so a hang fails with a name.

mod suite;

use foobar_alternately::{ChannelFooBar, CondvarFooBar, FooBar};
use kit::stress::assert_passes as pass;

/// A module of tests per implementation, so a failure names both:
/// `starter::foo_waits_for_bar`.
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
            fn bar_waits_for_foo() {
                pass(|| suite::bar_waits_for_foo(<$type>::new));
            }

            #[test]
            fn foo_waits_for_bar() {
                pass(|| suite::foo_waits_for_bar(<$type>::new));
            }

            #[test]
            fn a_finished_turn_is_remembered() {
                pass(|| suite::a_finished_turn_is_remembered(<$type>::new));
            }

            #[test]
            fn waiting_does_not_burn_a_core() {
                pass(|| suite::waiting_does_not_burn_a_core(<$type>::new));
            }
        }
    )*};
}

conformance! {
    condvar: CondvarFooBar,
    channels: ChannelFooBar,
}

#[cfg(feature = "starter")]
conformance! {
    starter: foobar_alternately::starter::StarterFooBar,
}
