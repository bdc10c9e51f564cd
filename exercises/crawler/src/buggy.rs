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

// ANCHOR: busy_late
/// **Busy, counted a moment too late.** The queue and the visited set are
/// under one lock, idle workers wait on a condition variable, and the crawl
/// ends when the queue is empty and no worker is busy: the right rule. But
/// the busy count is an atomic, raised just after the lock is released. A
/// worker that takes the last queued URL is, for that moment, neither in
/// the queue nor busy; a worker woken then sees the crawl over, and
/// everything only that page leads to is lost.
pub fn crawl_busy_counted_late(
    start_url: &str,
    parser: &dyn HtmlParser,
    workers: usize,
) -> Vec<String> {
    use std::sync::atomic::AtomicUsize;
    let host = hostname(start_url);
    // (queue, seen, over)
    let state = Mutex::new((
        VecDeque::from([start_url.to_string()]),
        HashSet::from([start_url.to_string()]),
        false,
    ));
    let changed = kit::sync::Condvar::new();
    let busy = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| {
                loop {
                    let url = {
                        let mut guard = state.lock();
                        loop {
                            if guard.2 {
                                return;
                            }
                            if let Some(url) = guard.0.pop_front() {
                                break url;
                            }
                            if busy.load(Ordering::SeqCst) == 0 {
                                guard.2 = true;
                                changed.notify_all();
                                return;
                            }
                            guard = changed.wait(guard);
                        }
                    };
                    // BUG: raised after the lock is released; it belongs in
                    // the same critical section as the pop.
                    busy.fetch_add(1, Ordering::SeqCst);
                    let links = parser.get_urls(&url);
                    let mut guard = state.lock();
                    for link in links {
                        if hostname(&link) == host && guard.1.insert(link.clone()) {
                            guard.0.push_back(link);
                        }
                    }
                    drop(guard);
                    busy.fetch_sub(1, Ordering::SeqCst);
                    changed.notify_all();
                }
            });
        }
    });
    let mut found: Vec<String> = state.into_inner().1.into_iter().collect();
    found.sort();
    found
}
// ANCHOR_END: busy_late

// ANCHOR: leaves_idle
/// **Idle workers that leave.** The termination rule is right, and idle
/// workers wait on a condition variable. But the wait is an `if`, not a
/// `while`: a worker woken by any report (one that queued nothing, say)
/// finds the queue still empty and leaves, though others are busy and
/// about to queue more. Every page is still found, by the workers that
/// stayed; when a quiet moment comes, most of the pool has gone.
pub fn crawl_leaves_when_idle(
    start_url: &str,
    parser: &dyn HtmlParser,
    workers: usize,
) -> Vec<String> {
    let host = hostname(start_url);
    // (queue, seen, busy)
    let state = Mutex::new((
        VecDeque::from([start_url.to_string()]),
        HashSet::from([start_url.to_string()]),
        0usize,
    ));
    let changed = kit::sync::Condvar::new();
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| {
                loop {
                    let url = {
                        let mut guard = state.lock();
                        if guard.0.is_empty() && guard.2 > 0 {
                            // BUG: `if`, not `while`: one wake-up and out.
                            guard = changed.wait(guard);
                        }
                        match guard.0.pop_front() {
                            Some(url) => {
                                guard.2 += 1;
                                url
                            }
                            None => {
                                changed.notify_all();
                                return;
                            }
                        }
                    };
                    let links = parser.get_urls(&url);
                    let mut guard = state.lock();
                    let (queue, seen, busy) = &mut *guard;
                    for link in links {
                        if hostname(&link) == host && seen.insert(link.clone()) {
                            queue.push_back(link);
                        }
                    }
                    *busy -= 1;
                    changed.notify_all();
                }
            });
        }
    });
    let mut found: Vec<String> = state.into_inner().1.into_iter().collect();
    found.sort();
    found
}
// ANCHOR_END: leaves_idle

// ANCHOR: lost_wakeup
/// **A lost wake-up.** The termination rule is right and the wait is a
/// loop. But the condition variable waits on a mutex of its own, not on the
/// frontier's lock: a worker looks at the frontier, lets go of its lock,
/// and only then goes to sleep. A report that lands in between (the last
/// busy worker finishing) notifies nobody, and the sleeper never wakes. A
/// condition variable must wait on the lock that guards the condition.
pub fn crawl_lost_wakeup(start_url: &str, parser: &dyn HtmlParser, workers: usize) -> Vec<String> {
    let host = hostname(start_url);
    // (queue, seen, busy)
    let state = Mutex::new((
        VecDeque::from([start_url.to_string()]),
        HashSet::from([start_url.to_string()]),
        0usize,
    ));
    // BUG: the condition variable's own lock guards nothing.
    let sleep = Mutex::new(());
    let changed = kit::sync::Condvar::new();
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| {
                loop {
                    let url = loop {
                        {
                            let mut guard = state.lock();
                            if let Some(url) = guard.0.pop_front() {
                                guard.2 += 1;
                                break url;
                            }
                            if guard.2 == 0 {
                                changed.notify_all();
                                return;
                            }
                        }
                        // The frontier's lock is gone: a report here is lost.
                        let asleep = sleep.lock();
                        drop(changed.wait(asleep));
                    };
                    let links = parser.get_urls(&url);
                    {
                        let mut guard = state.lock();
                        let (queue, seen, busy) = &mut *guard;
                        for link in links {
                            if hostname(&link) == host && seen.insert(link.clone()) {
                                queue.push_back(link);
                            }
                        }
                        *busy -= 1;
                    }
                    changed.notify_all();
                }
            });
        }
    });
    let mut found: Vec<String> = state.into_inner().1.into_iter().collect();
    found.sort();
    found
}
// ANCHOR_END: lost_wakeup

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
