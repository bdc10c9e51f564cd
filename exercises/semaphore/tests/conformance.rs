//! One suite, run over every semaphore (and over the starter with
//! `--features starter`). The checks live in `suite/mod.rs`; each runs
//! under a watchdog (`kit::stress`), so a hang fails with a name.

mod suite;

use kit::stress::assert_passes as pass;
use semaphore::{CondvarSemaphore, RawCondvarSemaphore, Semaphore};
use suite::{Permits, Raw};

/// The checks every semaphore must pass: `$make` builds one as the suite
/// holds it.
macro_rules! every_semaphore {
    ($make:expr) => {
        #[test]
        fn one_thread_takes_every_permit() {
            pass(|| suite::one_thread_takes_every_permit($make));
        }

        #[test]
        fn never_more_holders_than_permits() {
            pass(|| suite::never_more_holders_than_permits($make));
        }

        #[test]
        fn a_release_lets_one_waiter_in() {
            pass(|| suite::a_release_lets_one_waiter_in($make));
        }

        #[test]
        fn waiting_does_not_burn_a_core() {
            pass(|| suite::waiting_does_not_burn_a_core($make));
        }
    };
}

/// Step 1: its caller releases by hand, so it promises nothing about
/// panics and early returns (that is what step 2 adds).
mod step1_condvar {
    use super::*;

    every_semaphore!(Raw::<RawCondvarSemaphore>::new);
}

/// Step 2 and the starter: every check, the permit's too. A module per
/// semaphore, so a failure names both: `starter::a_release_lets_one_waiter_in`.
macro_rules! with_permits {
    ($($module:ident: $type:ty),* $(,)?) => {$(
        mod $module {
            use super::*;

            every_semaphore!(Permits::<$type>::new);

            #[test]
            fn a_panicking_holder_gives_its_permit_back() {
                pass(|| {
                    suite::a_panicking_holder_gives_its_permit_back(<$type as Semaphore>::new)
                });
            }

            #[test]
            fn an_early_return_gives_its_permit_back() {
                pass(|| {
                    suite::an_early_return_gives_its_permit_back(<$type as Semaphore>::new)
                });
            }
        }
    )*};
}

with_permits! {
    step2_permit: CondvarSemaphore,
}

#[cfg(feature = "starter")]
with_permits! {
    starter: semaphore::starter::StarterSemaphore,
}
