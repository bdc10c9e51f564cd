//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name. (`FlagOutsideLock`, whose window is a few
//! nanoseconds wide, is the loom model's: see `tests/loom.rs`.)

mod suite;

use kit::bugs;
use kit::stress::assert_caught;
use thread_pool::buggy::{
    DropWithoutJoin, ExitOnShutdown, IfNotWhile, JoinBeforeSignal, JoinsItself, LockWhileRunning,
    NoCatchUnwind, NotifyOneOnShutdown, SpinWorker, ThreadPerJob, Unbounded, UncountedPanics,
};
use thread_pool::{Execute, JoiningPool};

#[test]
fn a_lock_held_while_the_job_runs_is_caught() {
    assert_caught(bugs::NO_PARALLELISM, || {
        suite::jobs_run_side_by_side(<LockWhileRunning as Execute>::new)
    });
}

#[test]
fn an_unbounded_queue_is_caught() {
    assert_caught(bugs::BOUND_EXCEEDED, || {
        suite::a_full_queue_holds_submitters_back(<Unbounded as Execute>::new)
    });
}

#[test]
fn if_instead_of_while_is_caught() {
    assert_caught(bugs::UNCHECKED_WAKEUP, || {
        suite::a_full_queue_holds_submitters_back(<IfNotWhile as Execute>::new)
    });
}

#[test]
fn a_thread_per_job_is_caught() {
    assert_caught(bugs::BOUND_EXCEEDED, || {
        suite::never_more_jobs_at_once_than_workers(<ThreadPerJob as Execute>::new)
    });
}

#[test]
fn spinning_workers_are_caught() {
    // Where the system does not count a thread's CPU time, the check has
    // nothing to judge by.
    if kit::stress::thread_cpu_time().is_none() {
        return;
    }
    assert_caught(bugs::BUSY_WAIT, || {
        suite::idle_workers_sleep(<SpinWorker as Execute>::new)
    });
}

#[test]
fn a_drop_that_does_not_join_is_caught() {
    assert_caught(bugs::ORDER_VIOLATED, || {
        suite::shutdown_waits_for_every_job(<DropWithoutJoin as Execute>::new)
    });
}

#[test]
fn workers_that_leave_jobs_queued_are_caught() {
    assert_caught(bugs::PREMATURE_TERMINATION, || {
        suite::shutdown_waits_for_every_job(<ExitOnShutdown as Execute>::new)
    });
}

#[test]
fn a_join_before_the_signal_is_caught() {
    assert_caught(bugs::MISSED_TERMINATION, || {
        suite::an_idle_pool_shuts_down(<JoinBeforeSignal as Execute>::new)
    });
}

#[test]
fn notify_one_on_shutdown_is_caught() {
    assert_caught(bugs::LOST_WAKEUP, || {
        suite::an_idle_pool_shuts_down(<NotifyOneOnShutdown as Execute>::new)
    });
}

#[test]
fn a_pool_that_joins_itself_is_caught() {
    assert_caught(bugs::SELF_DEADLOCK, || {
        suite::a_job_may_drop_the_last_handle(<JoinsItself as Execute>::new)
    });
}

#[test]
fn a_worker_killed_by_a_panic_is_caught() {
    assert_caught(bugs::PREMATURE_TERMINATION, || {
        suite::a_panicking_job_keeps_its_worker(<NoCatchUnwind as Execute>::new)
    });
}

/// Step 2 is `NoCatchUnwind`: the check that step 3 adds fails it.
#[test]
fn step2_loses_its_workers_to_panics() {
    assert_caught(bugs::PREMATURE_TERMINATION, || {
        suite::a_panicking_job_keeps_its_worker(<JoiningPool as Execute>::new)
    });
}

#[test]
fn panics_left_uncounted_are_caught() {
    assert_caught(bugs::WRONG_ANSWER, || {
        suite::a_panicking_job_keeps_its_worker(<UncountedPanics as Execute>::new)
    });
}

/// Each bug is in one place only: what it does not touch still passes.
#[test]
fn each_bug_breaks_only_its_own_part() {
    // A serialised pool still runs every job, one at a time.
    assert_eq!(
        suite::every_job_runs(<LockWhileRunning as Execute>::new),
        Ok(())
    );
    // An unbounded queue still runs its jobs side by side.
    assert_eq!(
        suite::jobs_run_side_by_side(<Unbounded as Execute>::new),
        Ok(())
    );
    // A thread per job waits for its threads, and catches their panics.
    assert_eq!(
        suite::shutdown_waits_for_every_job(<ThreadPerJob as Execute>::new),
        Ok(())
    );
    assert_eq!(
        suite::a_panicking_job_keeps_its_worker(<ThreadPerJob as Execute>::new),
        Ok(())
    );
    // A pool that does not join is shut down fast.
    assert_eq!(
        suite::an_idle_pool_shuts_down(<DropWithoutJoin as Execute>::new),
        Ok(())
    );
    // A pool that joins itself is fine when dropped from outside.
    assert_eq!(
        suite::shutdown_waits_for_every_job(<JoinsItself as Execute>::new),
        Ok(())
    );
    // Spinning workers get the answers right.
    assert_eq!(
        suite::shutdown_waits_for_every_job(<SpinWorker as Execute>::new),
        Ok(())
    );
    // Without panics, a pool without `catch_unwind` is step 2, and fine.
    assert_eq!(
        suite::never_more_jobs_at_once_than_workers(<NoCatchUnwind as Execute>::new),
        Ok(())
    );
}
