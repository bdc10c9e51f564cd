//! Counting words while segmenting: one shared map, or one map per worker.
//!
//! A shared `Mutex<HashMap>` is correct, and every token of every worker
//! takes its lock: the workers, independent until now, start queueing for
//! one cache line. Per-worker maps share nothing while counting and pay once,
//! at the end, to merge: the combiner of map-reduce.

use std::collections::HashMap;

use kit::sync::Mutex;

use crate::Cut;
use crate::chunk::line_chunks;

/// Tokens that count as words: not only whitespace.
pub fn is_word(token: &str) -> bool {
    !token.chars().all(char::is_whitespace)
}

// ANCHOR: count_shared
/// Every worker adds to one shared map behind one lock.
pub fn count_shared<'a, C: Cut>(text: &'a str, cut: &C, workers: usize) -> HashMap<&'a str, u64> {
    let counts: Mutex<HashMap<&'a str, u64>> = Mutex::default();
    std::thread::scope(|scope| {
        for chunk in line_chunks(text, workers) {
            let counts = &counts;
            scope.spawn(move || {
                for line in chunk.lines() {
                    for token in cut.cut(line).into_iter().filter(|t| is_word(t)) {
                        *counts.lock().entry(token).or_default() += 1;
                    }
                }
            });
        }
    });
    counts.into_inner()
}
// ANCHOR_END: count_shared

// ANCHOR: count_local
/// Every worker counts in its own map; the maps are merged at the end.
pub fn count_local<'a, C: Cut>(text: &'a str, cut: &C, workers: usize) -> HashMap<&'a str, u64> {
    let maps: Vec<HashMap<&'a str, u64>> = std::thread::scope(|scope| {
        let handles: Vec<_> = line_chunks(text, workers)
            .into_iter()
            .map(|chunk| {
                scope.spawn(move || {
                    let mut mine: HashMap<&'a str, u64> = HashMap::new();
                    for line in chunk.lines() {
                        for token in cut.cut(line).into_iter().filter(|t| is_word(t)) {
                            *mine.entry(token).or_default() += 1;
                        }
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    // The merge: the largest map absorbs the others.
    let mut maps = maps.into_iter();
    let mut total = maps.next().unwrap_or_default();
    for map in maps {
        for (word, n) in map {
            *total.entry(word).or_default() += n;
        }
    }
    total
}
// ANCHOR_END: count_local

/// The `k` most frequent words: count descending, then word by bytes.
pub fn top<'a>(counts: &HashMap<&'a str, u64>, k: usize) -> Vec<(&'a str, u64)> {
    let mut all: Vec<(&str, u64)> = counts.iter().map(|(w, c)| (*w, *c)).collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    all.truncate(k);
    all
}
