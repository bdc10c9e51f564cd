//! One suite, run over every channel (and over the starter with
//! `--features starter`). The checks live in `suite/mod.rs`; each runs
//! under a watchdog (`kit::stress`), so a hang fails with a name.

mod suite;

use kit::stress::assert_passes as pass;
use one_shot_channel::{step1_condvar, step2_park};
use suite::{Msg, shared};

/// The checks every channel must pass: `$make` makes one as two halves.
macro_rules! every_channel {
    ($make:expr) => {
        #[test]
        fn a_value_sent_first_is_kept() {
            pass(|| suite::a_value_sent_first_is_kept($make));
        }

        #[test]
        fn a_waiting_receiver_gets_the_value() {
            pass(|| suite::a_waiting_receiver_gets_the_value($make));
        }

        #[test]
        fn a_stray_unpark_is_not_a_value() {
            pass(|| suite::a_stray_unpark_is_not_a_value($make));
        }

        #[test]
        fn many_rounds() {
            pass(|| suite::many_rounds($make));
        }

        #[test]
        fn waiting_does_not_burn_a_core() {
            pass(|| suite::waiting_does_not_burn_a_core($make));
        }
    };
}

/// Steps 1 and 2: one shared object, so no sender to drop.
mod step1 {
    use super::*;

    every_channel!(shared::<step1_condvar::OneShot<Msg>>);
}

mod step2 {
    use super::*;

    every_channel!(shared::<step2_park::OneShot<Msg>>);
}

/// Step 3 and the starter: every check, the dropped sender's too. A module
/// per channel, so a failure names both: `starter::many_rounds`.
macro_rules! halves {
    ($($module:ident: $channel:path),* $(,)?) => {$(
        mod $module {
            use super::*;

            every_channel!($channel);

            #[test]
            fn a_dropped_sender_ends_the_wait() {
                pass(|| suite::a_dropped_sender_ends_the_wait($channel));
            }
        }
    )*};
}

halves! {
    step3: one_shot_channel::channel::<Msg>,
}

#[cfg(feature = "starter")]
halves! {
    starter: one_shot_channel::starter::channel::<Msg>,
}
