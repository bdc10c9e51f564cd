//! LeetCode 1242, "Web Crawler Multithreaded".

use crate::{Frontier, HtmlParser, hostname};

// ANCHOR: crawl
/// Every URL reachable from `start_url` through links on pages of the same
/// hostname, each fetched once, on `workers` threads. The result is sorted.
pub fn crawl(start_url: &str, parser: &dyn HtmlParser, workers: usize) -> Vec<String> {
    let host = hostname(start_url);
    let frontier = Frontier::new(start_url);
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| {
                while let Some((url, depth)) = frontier.next() {
                    // If the fetch panics, report "no links" on the way out,
                    // so the others are not left waiting for this worker.
                    let mut busy = Busy(Some(&frontier));
                    let links = parser.get_urls(&url);
                    busy.0.take();
                    frontier.done(
                        links.into_iter().filter(|link| hostname(link) == host),
                        depth,
                    );
                }
            });
        }
    });
    let mut found = frontier.seen();
    found.sort();
    found
}
// ANCHOR_END: crawl

/// A worker's claim on the frontier, released with no links if dropped
/// before the worker reported.
struct Busy<'a>(Option<&'a Frontier>);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        if let Some(frontier) = self.0.take() {
            frontier.done(std::iter::empty(), 0);
        }
    }
}
