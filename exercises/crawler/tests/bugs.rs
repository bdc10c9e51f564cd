//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name.

mod suite;

use crawler::buggy::{
    crawl_busy_counted_late, crawl_double_fetch, crawl_leaves_when_idle, crawl_lost_wakeup,
    crawl_premature,
};
use kit::bugs;
use kit::stress::assert_caught;

#[test]
fn premature_termination_is_caught() {
    assert_caught(bugs::PREMATURE_TERMINATION, || {
        suite::visits_every_page_once(crawl_premature)
    });
    assert_caught(bugs::PREMATURE_TERMINATION, || {
        suite::fetches_in_parallel(crawl_premature)
    });
}

#[test]
fn double_fetch_is_caught() {
    assert_caught(bugs::CHECK_THEN_ACT, || {
        suite::each_page_fetched_once_under_contention(crawl_double_fetch)
    });
}

#[test]
fn a_busy_count_raised_late_is_caught() {
    assert_caught(bugs::PREMATURE_TERMINATION, || {
        suite::a_chain_with_many_workers(crawl_busy_counted_late)
    });
}

#[test]
fn idle_workers_that_leave_are_caught() {
    assert_caught(bugs::PREMATURE_TERMINATION, || {
        suite::workers_wait_through_a_quiet_moment(crawl_leaves_when_idle)
    });
}

#[test]
fn a_lost_wake_up_is_caught() {
    assert_caught(bugs::MISSED_TERMINATION, || {
        suite::every_short_crawl_ends(crawl_lost_wakeup)
    });
}

#[test]
fn an_unbounded_frontier_is_caught() {
    assert_caught(bugs::UNBOUNDED_FRONTIER, || {
        suite::ends_on_a_trap_site(crawler::buggy::crawl_unbounded)
    });
}

/// Each bug is in one place only.
#[test]
fn each_bug_breaks_only_its_own_part() {
    assert_eq!(suite::leetcode_examples(crawl_double_fetch), Ok(()));
    assert_eq!(suite::fetches_in_parallel(crawl_double_fetch), Ok(()));
    // Workers that leave when idle still find every page, once each.
    assert_eq!(
        suite::visits_every_page_once(crawl_leaves_when_idle),
        Ok(())
    );
}
