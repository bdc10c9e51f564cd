//! One suite, run over every lock (and over the starter with `--features
//! starter`). The checks live in `suite/mod.rs`; each runs under a watchdog
//! (`kit::stress`), so a hang fails with a name.

mod suite;

use kit::stress::assert_passes as pass;
use spin_lock::{Lock, SpinLock, SwapLock, TtasLock};
use suite::{Guarded, Raw};

/// The checks every lock must pass, raw or guarded: `$make` builds one as
/// the suite holds it.
macro_rules! every_lock {
    ($make:expr) => {
        #[test]
        fn one_thread_takes_it_again() {
            pass(|| suite::one_thread_takes_it_again($make));
        }

        #[test]
        fn a_held_lock_keeps_others_out() {
            pass(|| suite::a_held_lock_keeps_others_out($make));
        }

        #[test]
        fn one_holder_at_a_time() {
            pass(|| suite::one_holder_at_a_time($make));
        }
    };
}

/// Steps 1 and 2: their caller releases by hand, so they promise nothing
/// about panics and early returns (that is what step 3 adds).
macro_rules! raw_locks {
    ($($module:ident: $type:ty),* $(,)?) => {$(
        mod $module {
            use super::*;

            every_lock!(Raw::<$type>::new);
        }
    )*};
}

/// Step 3 and the starter: every check, the guard's too. A module per lock,
/// so a failure names both: `starter::one_holder_at_a_time`.
macro_rules! guarded_locks {
    ($($module:ident: $type:ty),* $(,)?) => {$(
        mod $module {
            use super::*;

            every_lock!(Guarded::<$type>::new);

            #[test]
            fn a_panicking_holder_releases_the_lock() {
                pass(|| {
                    suite::a_panicking_holder_releases_the_lock(<$type as Lock>::new)
                });
            }

            #[test]
            fn an_early_return_releases_the_lock() {
                pass(|| {
                    suite::an_early_return_releases_the_lock(<$type as Lock>::new)
                });
            }
        }
    )*};
}

raw_locks! {
    step1_swap: SwapLock,
    step2_ttas: TtasLock,
}

guarded_locks! {
    step3_guard: SpinLock,
}

#[cfg(feature = "starter")]
guarded_locks! {
    starter: spin_lock::starter::StarterLock,
}
