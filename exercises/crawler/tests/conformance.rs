//! One suite, run over every crawler (and over the starter with
//! `--features starter`). The checks live in `suite/mod.rs`; each runs
//! under a watchdog (`kit::stress`), so a hang fails with a name.

mod suite;

use kit::stress::assert_passes as pass;

/// A module of tests per crawler: `starter::visits_every_page_once`.
macro_rules! conformance {
    ($($module:ident: $crawl:expr),* $(,)?) => {$(
        mod $module {
            use super::*;

            #[test]
            fn leetcode_examples() {
                pass(|| suite::leetcode_examples($crawl));
            }

            #[test]
            fn visits_every_page_once() {
                pass(|| suite::visits_every_page_once($crawl));
            }

            #[test]
            fn each_page_fetched_once_under_contention() {
                pass(|| suite::each_page_fetched_once_under_contention($crawl));
            }

            #[test]
            fn fetches_in_parallel() {
                pass(|| suite::fetches_in_parallel($crawl));
            }

            #[test]
            fn a_chain_with_many_workers() {
                pass(|| suite::a_chain_with_many_workers($crawl));
            }

            #[test]
            fn every_short_crawl_ends() {
                pass(|| suite::every_short_crawl_ends($crawl));
            }

            #[test]
            fn workers_wait_through_a_quiet_moment() {
                pass(|| suite::workers_wait_through_a_quiet_moment($crawl));
            }
        }
    )*};
}

conformance! {
    leetcode: crawler::crawl,
}

#[cfg(feature = "starter")]
conformance! {
    starter: crawler::starter::crawl,
}
