//! The bug zoo: crawlers that work on a small site and are wrong.
//! `tests/bugs.rs` checks that the suite catches every one. Each is a
//! complete `crawl` with the same signature as the reference.

use std::collections::{HashSet, VecDeque};

use std::sync::atomic::{AtomicBool, Ordering};

use kit::sync::Mutex;

use crate::{HtmlParser, hostname};

// ANCHOR: premature
/// **Premature termination.** The workers take URLs from a shared queue; the
/// calling thread waits for the queue to drain and then stops them. But an
/// empty queue is not a finished crawl: a worker may be fetching a page at
/// that moment, about to queue its links. Those links, and everything only
/// they lead to, are lost.
pub fn crawl_premature(start_url: &str, parser: &dyn HtmlParser, workers: usize) -> Vec<String> {
    let host = hostname(start_url);
    let state = Mutex::new((
        VecDeque::from([start_url.to_string()]),
        HashSet::from([start_url.to_string()]),
    ));
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| {
                while !stop.load(Ordering::SeqCst) {
                    let Some(url) = state.lock().0.pop_front() else {
                        std::thread::yield_now();
                        continue;
                    };
                    for link in parser.get_urls(&url) {
                        let mut guard = state.lock();
                        let (queue, seen) = &mut *guard;
                        if !stop.load(Ordering::SeqCst)
                            && hostname(&link) == host
                            && seen.insert(link.clone())
                        {
                            queue.push_back(link);
                        }
                    }
                }
            });
        }
        // Give the workers a moment to pick up the start URL.
        std::thread::sleep(std::time::Duration::from_millis(1));
        // BUG: waits for "nothing queued", not "nothing queued and nobody
        // fetching".
        while !state.lock().0.is_empty() {
            std::thread::yield_now();
        }
        stop.store(true, Ordering::SeqCst);
    });
    let mut found: Vec<String> = state.into_inner().1.into_iter().collect();
    found.sort();
    found
}
// ANCHOR_END: premature

// ANCHOR: double_fetch
/// **Check, then act, on the visited set.** Each link is checked against
/// the visited set under one lock acquisition and added under another. Two
/// workers that find the same link between the two both see it unvisited,
/// and both queue it: the page is fetched twice.
pub fn crawl_double_fetch(start_url: &str, parser: &dyn HtmlParser, workers: usize) -> Vec<String> {
    let host = hostname(start_url);
    let queue = Mutex::new((VecDeque::from([start_url.to_string()]), 0usize));
    let seen = Mutex::new(HashSet::from([start_url.to_string()]));
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| {
                loop {
                    let url = {
                        let mut queue = queue.lock();
                        match queue.0.pop_front() {
                            Some(url) => {
                                queue.1 += 1;
                                url
                            }
                            None if queue.1 == 0 => return,
                            None => {
                                drop(queue);
                                std::thread::yield_now();
                                continue;
                            }
                        }
                    };
                    let links: Vec<String> = parser
                        .get_urls(&url)
                        .into_iter()
                        .filter(|link| hostname(link) == host)
                        // BUG: checked here...
                        .filter(|link| !seen.lock().contains(link))
                        .collect();
                    let mut queue = queue.lock();
                    for link in links {
                        // ...and remembered here, after another worker may
                        // have checked the same link.
                        seen.lock().insert(link.clone());
                        queue.0.push_back(link);
                    }
                    queue.1 -= 1;
                }
            });
        }
    });
    let mut found: Vec<String> = seen.into_inner().into_iter().collect();
    found.sort();
    found
}
// ANCHOR_END: double_fetch

// ANCHOR: unbounded
#[cfg(not(loom))]
/// **Unbounded frontier.** A crawler that follows every link it finds, with
/// no depth or page limit. On a real site that is an infinite loop waiting
/// for its trap: a calendar whose every month links to the next, a session
/// id in every URL. The frontier grows until memory runs out, and the crawl
/// never ends.
pub fn crawl_unbounded(
    start_url: &str,
    options: &crate::CrawlOptions,
) -> Result<crate::CrawlReport, crate::CrawlError> {
    let crawler = crate::ThreadPoolCrawler::new(options.clone());
    // BUG: the options' max_depth and max_pages never reach the frontier.
    crawler.crawl_within(start_url, crate::Limits::NONE)
}
// ANCHOR_END: unbounded
