//! One suite, run over every implementation (and over the starter with
//! `--features starter`). The checks live in `suite/mod.rs`; each runs
//! under a watchdog (`kit::stress`), so a hang fails with a name.

mod suite;

use building_h2o::{CondvarH2O, H2O, SemaphoreH2O};
use kit::stress::assert_passes as pass;

/// A module of tests per implementation, so a failure names both:
/// `starter::molecules_do_not_overlap`.
macro_rules! conformance {
    ($($module:ident: $type:ty),* $(,)?) => {$(
        mod $module {
            use super::*;

            #[test]
            fn one_molecule() {
                pass(|| suite::one_molecule(<$type>::new));
            }

            #[test]
            fn atoms_wait_for_their_molecule() {
                pass(|| suite::atoms_wait_for_their_molecule(<$type>::new));
            }

            #[test]
            fn molecules_do_not_overlap() {
                pass(|| suite::molecules_do_not_overlap(<$type>::new));
            }

            #[test]
            fn a_molecule_releases_at_once() {
                pass(|| suite::a_molecule_releases_at_once(<$type>::new));
            }

            #[test]
            fn both_partners_are_woken() {
                pass(|| suite::both_partners_are_woken(<$type>::new));
            }

            #[test]
            fn random_arrivals() {
                pass(|| suite::random_arrivals(<$type>::new));
            }
        }
    )*};
}

conformance! {
    condvar: CondvarH2O,
    semaphores: SemaphoreH2O,
}

#[cfg(feature = "starter")]
conformance! {
    starter: building_h2o::starter::StarterH2O,
}
