//! The frontier: URLs waiting to be fetched, the URLs ever seen, and the
//! termination rule.
//!
//! [`FrontierState`] is the logic, with no locks: the async crawler's single
//! coordinator drives it directly. [`Frontier`] puts it behind one lock and
//! one condition variable for crawlers with many threads. Both follow the
//! same rules:
//!
//! **The termination rule.** A worker that finds the queue empty may not
//! simply leave: another worker may be fetching a page right now and about
//! to add its links. The crawl is over exactly when the queue is empty (or
//! the page budget is spent) *and* no worker is busy. So the frontier counts
//! busy workers: taking a URL makes a worker busy, and reporting its links
//! (even none) makes it idle again. An idle worker that finds nothing to do
//! waits until either work arrives or the last busy worker reports with
//! nothing new; that last report wakes everyone to leave.
//!
//! **Visited once.** "Have I seen this URL?" and "remember it" are one step
//! (`HashSet::insert`), so two workers that discover the same link cannot
//! both queue it.
//!
//! **Bounded.** A site can be infinite (a calendar whose every month links
//! to the next). At most `max_pages` pages are fetched in all, and URLs
//! deeper than `max_depth` links from the start (if a depth limit is set)
//! are recorded as discovered but never fetched. The frontier counts what
//! each limit left unfetched, so a crawl cut short can say so.

use std::collections::{HashSet, VecDeque};

use kit::sync::{Condvar, Mutex};

/// How far a crawl may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Pages fetched at most.
    pub max_pages: usize,
    /// Links followed from the start at most (`u32::MAX`: no limit).
    pub max_depth: u32,
}

impl Limits {
    /// No limit: for finite sites (and LeetCode).
    pub const NONE: Limits = Limits {
        max_pages: usize::MAX,
        max_depth: u32::MAX,
    };
}

// ANCHOR: state
/// The frontier's logic, without synchronisation.
#[derive(Debug)]
pub struct FrontierState {
    queue: VecDeque<(String, u32)>,
    seen: HashSet<String>,
    /// Workers holding a URL they have not reported on yet.
    busy: usize,
    /// URLs handed out for fetching.
    taken: usize,
    /// URLs discovered deeper than `max_depth`: seen, never queued.
    too_deep: usize,
    limits: Limits,
}

impl FrontierState {
    pub fn new(start: &str, limits: Limits) -> Self {
        Self {
            queue: VecDeque::from([(start.to_string(), 0)]),
            seen: HashSet::from([start.to_string()]),
            busy: 0,
            taken: 0,
            too_deep: 0,
            limits,
        }
    }

    /// A URL to fetch and its depth, making the caller busy; `None` if
    /// there is nothing to fetch right now (which is not the end: see
    /// [`is_over`](Self::is_over)).
    pub fn take(&mut self) -> Option<(String, u32)> {
        if self.taken >= self.limits.max_pages {
            return None;
        }
        let job = self.queue.pop_front()?;
        self.busy += 1;
        self.taken += 1;
        Some(job)
    }

    /// The caller fetched a page at `depth` and found `links`: the new
    /// ones are remembered, those within `max_depth` queued, and the caller
    /// is idle again.
    pub fn report(&mut self, links: impl IntoIterator<Item = String>, depth: u32) {
        let depth = depth.saturating_add(1);
        for link in links {
            if self.seen.insert(link.clone()) {
                if depth <= self.limits.max_depth {
                    self.queue.push_back((link, depth));
                } else {
                    self.too_deep += 1;
                }
            }
        }
        self.busy -= 1;
    }

    /// Puts a URL back to be fetched again later (after a 429), without
    /// counting it twice against the page budget.
    pub fn retry(&mut self, url: String, depth: u32) {
        self.queue.push_back((url, depth));
        self.busy -= 1;
        self.taken -= 1;
    }

    /// Over: nothing left to fetch, and nobody busy who could find more.
    pub fn is_over(&self) -> bool {
        self.busy == 0 && (self.queue.is_empty() || self.taken >= self.limits.max_pages)
    }

    /// Every URL discovered so far.
    pub fn seen(&self) -> Vec<String> {
        self.seen.iter().cloned().collect()
    }

    /// Pages handed out for fetching so far.
    pub fn taken(&self) -> usize {
        self.taken
    }

    /// What the limits left out so far: URLs queued but never fetched
    /// because the page budget is spent, and URLs discovered deeper than
    /// `max_depth`. Final once the crawl is over.
    pub fn left_out(&self) -> LeftOut {
        LeftOut {
            over_budget: if self.taken >= self.limits.max_pages {
                self.queue.len()
            } else {
                0
            },
            too_deep: self.too_deep,
        }
    }
}
// ANCHOR_END: state

/// Discovered URLs a crawl's limits kept it from fetching.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeftOut {
    /// Queued when the page budget ran out.
    pub over_budget: usize,
    /// Deeper than the depth limit.
    pub too_deep: usize,
}

// ANCHOR: frontier
/// The frontier for many threads: the state behind one lock, and a
/// condition variable for idle workers to wait on.
#[derive(Debug)]
pub struct Frontier {
    state: Mutex<FrontierState>,
    changed: Condvar,
}

impl Frontier {
    /// A frontier holding `start`, with no limits.
    pub fn new(start: &str) -> Self {
        Self::with_limits(start, Limits::NONE)
    }

    pub fn with_limits(start: &str, limits: Limits) -> Self {
        Self {
            state: Mutex::new(FrontierState::new(start, limits)),
            changed: Condvar::new(),
        }
    }

    /// The next URL to fetch with its depth, making the caller busy; or
    /// `None` when the crawl is over. Blocks while there is nothing to
    /// fetch but others are busy.
    pub fn next(&self) -> Option<(String, u32)> {
        let mut state = self.state.lock();
        loop {
            if let Some(job) = state.take() {
                return Some(job);
            }
            if state.is_over() {
                self.changed.notify_all();
                return None;
            }
            state = self.changed.wait(state);
        }
    }

    /// Reports the links found on a page fetched at `depth`.
    pub fn done(&self, links: impl IntoIterator<Item = String>, depth: u32) {
        self.state.lock().report(links, depth);
        // Wake waiters: there is new work, or this was the last busy worker
        // and the crawl is over.
        self.changed.notify_all();
    }

    /// Puts a URL back to be fetched again (after a 429).
    pub fn retry(&self, url: String, depth: u32) {
        self.state.lock().retry(url, depth);
        self.changed.notify_all();
    }

    /// Every URL seen so far (all of them, once the crawl is over).
    pub fn seen(&self) -> Vec<String> {
        self.state.lock().seen()
    }

    /// Pages handed out for fetching.
    pub fn taken(&self) -> usize {
        self.state.lock().taken()
    }

    /// What the limits left out (see [`FrontierState::left_out`]).
    pub fn left_out(&self) -> LeftOut {
        self.state.lock().left_out()
    }
}
// ANCHOR_END: frontier
