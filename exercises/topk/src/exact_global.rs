//! One mutex around one count map: the first answer anyone gives.
//!
//! Correct and simple. Every `record` from every thread takes the same lock,
//! so under concurrent writes the lock is the bottleneck, exactly as with
//! `Hashtable`. `top` holds the lock while it selects, which stalls the
//! writers for as long as a scan of every distinct query takes.

use std::collections::HashMap;

use kit::sync::Mutex;

use crate::{TopK, select_top};

// ANCHOR: exact_global
/// Exact counts in one `HashMap` behind one [`Mutex`].
#[derive(Debug, Default)]
pub struct ExactGlobal {
    counts: Mutex<HashMap<String, u64>>,
}

impl ExactGlobal {
    pub fn new() -> Self {
        Self::default()
    }
}

impl TopK for ExactGlobal {
    fn record_n(&self, query: &str, n: u64) {
        let mut counts = self.counts.lock();
        // Look up by &str first: a String is allocated only for a new query.
        match counts.get_mut(query) {
            Some(count) => *count += n,
            None => {
                counts.insert(query.to_string(), n);
            }
        }
    }

    fn top(&self, k: usize) -> Vec<(String, u64)> {
        let counts = self.counts.lock();
        select_top(counts.iter().map(|(q, &c)| (q.as_str(), c)), k)
    }
}
// ANCHOR_END: exact_global
