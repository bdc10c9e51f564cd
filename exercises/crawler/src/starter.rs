//! Your crawler. Make `cargo test -p crawler --features starter` pass.
//!
//! LeetCode 1242: starting from `start_url`, visit every URL with the same
//! hostname that can be reached through `parser.get_urls`, each exactly
//! once, on `workers` threads, and return them all, sorted. Read `lib.rs`
//! first. Stuck? The README has hints.

use crate::HtmlParser;

#[allow(unused_variables)] // until you use them
pub fn crawl(start_url: &str, parser: &dyn HtmlParser, workers: usize) -> Vec<String> {
    // TODO:
    // 1. A shared queue of URLs to fetch and a set of URLs seen, behind one
    //    lock; `crate::hostname` tells whether a link stays on the site.
    // 2. `workers` threads (`std::thread::scope`) that take a URL, fetch
    //    its links, and queue the unseen ones. Checking "seen?" and marking
    //    it must be one step.
    // 3. When may a worker stop? Not merely when the queue is empty.
    todo!("starter::crawl")
}
