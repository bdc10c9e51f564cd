//! The frontier: URLs waiting to be fetched, the URLs ever seen, and the
//! termination rule, behind one lock and one condition variable.
//!
//! **The termination rule.** A worker that finds the queue empty may not
//! simply leave: another worker may be fetching a page right now and about
//! to add its links. The crawl is over exactly when the queue is empty *and*
//! no worker is busy. So the frontier counts busy workers: taking a URL
//! makes a worker busy, and reporting its links (even none) makes it idle
//! again. An idle worker that finds nothing to do waits on the condition
//! variable until either work arrives or the last busy worker reports with
//! nothing new; that last report wakes everyone to leave.
//!
//! **Visited once.** "Have I seen this URL?" and "remember it" happen under
//! the same lock, so two workers that discover the same link cannot both
//! queue it.

use std::collections::{HashSet, VecDeque};

use kit::sync::{Condvar, Mutex};

#[derive(Debug, Default)]
struct State {
    queue: VecDeque<String>,
    seen: HashSet<String>,
    /// Workers holding a URL they have not reported on yet.
    busy: usize,
    /// Set once the crawl is over: queue empty and nobody busy.
    finished: bool,
}

// ANCHOR: frontier
/// The shared work list of a crawl and its termination protocol.
#[derive(Debug, Default)]
pub struct Frontier {
    state: Mutex<State>,
    changed: Condvar,
}

impl Frontier {
    /// A frontier holding `start`.
    pub fn new(start: &str) -> Self {
        let frontier = Self::default();
        {
            let mut state = frontier.state.lock();
            state.seen.insert(start.to_string());
            state.queue.push_back(start.to_string());
        }
        frontier
    }

    /// The next URL to fetch, making the caller busy; or `None` when the
    /// crawl is over. Blocks while the queue is empty but others are busy.
    pub fn next(&self) -> Option<String> {
        let mut state = self.state.lock();
        loop {
            if let Some(url) = state.queue.pop_front() {
                state.busy += 1;
                return Some(url);
            }
            if state.busy == 0 || state.finished {
                // Nothing queued and nobody left who could queue anything.
                state.finished = true;
                self.changed.notify_all();
                return None;
            }
            state = self.changed.wait(state);
        }
    }

    /// Reports the links found on the page the caller fetched: the new
    /// ones are queued, and the caller is idle again.
    pub fn done(&self, links: impl IntoIterator<Item = String>) {
        let mut state = self.state.lock();
        for link in links {
            // Check and insert in one step, under the lock.
            if state.seen.insert(link.clone()) {
                state.queue.push_back(link);
            }
        }
        state.busy -= 1;
        // Wake waiters: there is new work, or this was the last busy worker
        // and the crawl is over.
        self.changed.notify_all();
    }

    /// Every URL seen so far (all of them, once the crawl is over).
    pub fn seen(&self) -> Vec<String> {
        self.state.lock().seen.iter().cloned().collect()
    }
}
// ANCHOR_END: frontier
