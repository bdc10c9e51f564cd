//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name.

mod suite;

use crawler::buggy::{crawl_double_fetch, crawl_premature};
use kit::stress::assert_caught;

#[test]
fn premature_termination_is_caught() {
    assert_caught(
        suite::visits_every_page_once(crawl_premature),
        "premature termination",
    );
}

#[test]
fn double_fetch_is_caught() {
    assert_caught(
        suite::visits_every_page_once(crawl_double_fetch),
        "double fetch",
    );
}

#[test]
fn an_unbounded_frontier_is_caught() {
    assert_caught(
        suite::ends_on_a_trap_site(crawler::buggy::crawl_unbounded),
        "unbounded frontier",
    );
}

/// Each bug is in one place only.
#[test]
fn each_bug_breaks_only_its_own_part() {
    assert_eq!(suite::leetcode_examples(crawl_double_fetch), Ok(()));
    assert_eq!(suite::fetches_in_parallel(crawl_double_fetch), Ok(()));
}
