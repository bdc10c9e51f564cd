//! The cached trie against `fst` on static prefix queries, one thread.

use std::time::Instant;

use fst::{Automaton, IntoStreamer, Streamer};
use kit::report::{Align, Table};
use trie::{RwLockTrie, Suggester, rank};

use super::{Log, Op};
use crate::sweep::timing::{histogram, timed};

/// One line of the static comparison: top-3 suggestions for the log's
/// prefixes on one thread, no updates.
#[derive(Debug, Clone, PartialEq)]
pub struct Static {
    pub implementation: &'static str,
    pub queries: usize,
    pub per_sec: f64,
    pub p50_ns: u64,
    pub p99_ns: u64,
}

/// Our cached-top-k trie against `fst` on static prefix queries. Kept out
/// of the contention sweep: without a cache, `fst` streams every sentence
/// under a short prefix, about a hundred times slower, and would take the
/// sweep's whole time budget.
pub fn static_comparison(queries: usize) -> Vec<Static> {
    let log = Log::new(3);
    let ops = log.ops(100, 0, queries);
    let trie = log.trie();
    let fst = FstPeer::new(&log);
    let measure = |implementation: &'static str, service: &dyn Suggester| {
        let mut latencies = histogram();
        let started = Instant::now();
        for op in &ops {
            if let Op::Suggest { sentence, len } = *op {
                std::hint::black_box(timed(
                    || service.suggest(log.prefix(sentence, len), 3),
                    &mut latencies,
                ));
            }
        }
        Static {
            implementation,
            queries: ops.len(),
            per_sec: ops.len() as f64 / started.elapsed().as_secs_f64(),
            p50_ns: latencies.value_at_quantile(0.5),
            p99_ns: latencies.value_at_quantile(0.99),
        }
    };
    vec![
        measure("Trie (cached top 10)", &RwLockTrie::new(trie)),
        measure("fst (prefix scan)", &fst),
    ]
}

pub fn static_markdown(rows: &[Static]) -> String {
    let mut table = Table::new([
        ("implementation", Align::Left),
        ("queries", Align::Right),
        ("per second", Align::Right),
        ("p50", Align::Right),
        ("p99", Align::Right),
    ]);
    for r in rows {
        table.row([
            r.implementation.to_string(),
            r.queries.to_string(),
            format!("{:.0}", r.per_sec),
            format!("{:.2} µs", r.p50_ns as f64 / 1e3),
            format!("{:.2} µs", r.p99_ns as f64 / 1e3),
        ]);
    }
    table.markdown()
}

/// The peer for static prefix queries: an `fst` map (a compressed
/// automaton of every sentence) searched with a prefix automaton. Compact
/// and fast to walk, but it caches nothing: the top 3 of a short prefix
/// means streaming every sentence under it.
#[derive(Debug)]
pub struct FstPeer {
    map: fst::Map<Vec<u8>>,
}

impl FstPeer {
    pub fn new(log: &Log) -> Self {
        let mut sorted: Vec<(&str, u64)> = log
            .sentences
            .iter()
            .map(String::as_str)
            .zip(log.counts.iter().copied())
            .collect();
        sorted.sort_unstable();
        Self {
            map: fst::Map::from_iter(sorted).expect("sorted, distinct sentences"),
        }
    }
}

impl Suggester for FstPeer {
    fn suggest(&self, prefix: &str, k: usize) -> Vec<(String, u64)> {
        let matcher = fst::automaton::Str::new(prefix).starts_with();
        let mut stream = self.map.search(matcher).into_stream();
        let mut best: Vec<(String, u64)> = Vec::with_capacity(k + 1);
        while let Some((key, count)) = stream.next() {
            let worst = best.last().map(|(s, c)| (s.as_str(), *c));
            let text = String::from_utf8_lossy(key);
            if best.len() < k || worst.is_some_and(|w| rank((&text, count), w).is_lt()) {
                best.push((text.into_owned(), count));
                best.sort_by(|a, b| rank((&a.0, a.1), (&b.0, b.1)));
                best.truncate(k);
            }
        }
        best
    }

    fn suggest_fuzzy(&self, _prefix: &str, _max_edits: usize, _k: usize) -> Vec<(String, u64)> {
        unimplemented!("the fst peer is measured on exact prefixes only")
    }

    fn record_batch(&self, _updates: &[(&str, u64)]) {
        unimplemented!("an fst is built once and never updated")
    }
}
