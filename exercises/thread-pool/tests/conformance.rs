//! One suite, run over every pool (and over the starter with `--features
//! starter`). The checks live in `suite/mod.rs`; each runs under a
//! watchdog (`kit::stress`), so a hang fails with a name.

mod suite;

use kit::stress::assert_passes as pass;
use thread_pool::{Execute, JoiningPool, LeakyPool, Pool};

/// The checks every pool must pass: `$make` builds one.
macro_rules! every_pool {
    ($make:expr) => {
        #[test]
        fn every_job_runs() {
            pass(|| suite::every_job_runs($make));
        }

        #[test]
        fn jobs_run_side_by_side() {
            pass(|| suite::jobs_run_side_by_side($make));
        }

        #[test]
        fn a_full_queue_holds_submitters_back() {
            pass(|| suite::a_full_queue_holds_submitters_back($make));
        }

        #[test]
        fn never_more_jobs_at_once_than_workers() {
            pass(|| suite::never_more_jobs_at_once_than_workers($make));
        }

        #[test]
        fn idle_workers_sleep() {
            pass(|| suite::idle_workers_sleep($make));
        }
    };
}

/// The checks of a pool that shuts down: `$make` builds one.
macro_rules! every_shutdown {
    ($make:expr) => {
        #[test]
        fn shutdown_waits_for_every_job() {
            pass(|| suite::shutdown_waits_for_every_job($make));
        }

        #[test]
        fn an_idle_pool_shuts_down() {
            pass(|| suite::an_idle_pool_shuts_down($make));
        }

        #[test]
        fn a_job_may_drop_the_last_handle() {
            pass(|| suite::a_job_may_drop_the_last_handle($make));
        }
    };
}

/// Step 1: it never shuts down, so it promises nothing about the end
/// (that is what step 2 adds).
mod step1_channel {
    use super::*;

    every_pool!(<LeakyPool as Execute>::new);
}

/// Step 2: every check but the panicking job's (that is what step 3
/// adds; `tests/bugs.rs` shows step 2 failing it).
mod step2_shutdown {
    use super::*;

    every_pool!(<JoiningPool as Execute>::new);
    every_shutdown!(<JoiningPool as Execute>::new);
}

/// Step 3 and the starter: every check. A module per pool, so a failure
/// names both: `starter::every_job_runs`.
macro_rules! complete_pools {
    ($($module:ident: $type:ty),* $(,)?) => {$(
        mod $module {
            use super::*;

            every_pool!(<$type as Execute>::new);
            every_shutdown!(<$type as Execute>::new);

            #[test]
            fn a_panicking_job_keeps_its_worker() {
                pass(|| suite::a_panicking_job_keeps_its_worker(<$type as Execute>::new));
            }
        }
    )*};
}

complete_pools! {
    step3_panic: Pool,
}

#[cfg(feature = "starter")]
complete_pools! {
    starter: thread_pool::starter::StarterPool,
}
