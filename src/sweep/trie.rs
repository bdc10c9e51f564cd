//! The trie contention sweep: suggestions and hot-term updates from a query
//! log built on a real word list, with suggest latency beside throughput.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use fst::{Automaton, IntoStreamer, Streamer};
use hdrhistogram::Histogram;
use kit::workload::{Rng, Zipf};
use trie::{RwLockTrie, ShardedTrie, SnapshotTrie, Suggester, Trie, rank};

use super::{Contender, Point, Sweep};

/// The trie sweep: three read/write mixes, every service.
pub const SWEEP: Sweep = Sweep {
    exercise: "trie",
    title: "trie: operations per second against threads",
    unit: "million ops/s",
    bench_threads: &[1, 2, 4, 8],
    baseline: "RwLockTrie",
    versus: Some(("SnapshotTrie (batch 64)", "RwLockTrie")),
    points,
    extra: Some(latency_report),
};

fn latency_report() -> String {
    format!(
        "Suggest latency (top 3), every run:\n\n{}\nStatic prefix queries, one thread:\n\n{}",
        latency_markdown(&latency_rows()),
        static_markdown(&static_comparison(20_000))
    )
}

/// 30 k SCOWL words (see data/README.md).
const WORDS: &str = include_str!("../../data/words.txt");

/// Distinct sentences in the log.
const SENTENCES: usize = 50_000;

/// Operations per thread in one run.
pub const OPS_PER_THREAD: usize = 1 << 15;

/// The workloads: percent of operations that are suggestions (the rest
/// record a search).
const MIXES: [(&str, u64); 3] = [("read-only", 100), ("read-mostly", 99), ("write-heavy", 90)];

/// One operation of the log.
#[derive(Debug, Clone, Copy)]
pub enum Op {
    /// Type the first `len` characters of sentence `sentence`; ask for 3.
    Suggest { sentence: u32, len: u8 },
    /// Someone searched sentence `sentence`.
    Record { sentence: u32 },
}

/// The sentences of the log with their popularity: 1-3 words each, common
/// words first more often, counts falling as Zipf(1.0) with rank.
#[derive(Debug)]
pub struct Log {
    pub sentences: Vec<String>,
    pub counts: Vec<u64>,
    popularity: Zipf,
}

impl Log {
    pub fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let mut words: Vec<&str> = WORDS.lines().collect();
        // The list is alphabetical; shuffle it so popularity is not "a" first.
        for i in (1..words.len()).rev() {
            words.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let word_popularity = Zipf::new(words.len() as u64, 1.0);
        let mut seen = std::collections::HashSet::new();
        let mut sentences = Vec::with_capacity(SENTENCES);
        while sentences.len() < SENTENCES {
            let n = 1 + rng.below(3);
            let sentence: Vec<&str> = (0..n)
                .map(|_| words[word_popularity.sample(&mut rng) as usize])
                .collect();
            let sentence = sentence.join(" ");
            if seen.insert(sentence.clone()) {
                sentences.push(sentence);
            }
        }
        let counts = (0..SENTENCES)
            .map(|rank| 1 + 1_000_000 / (rank as u64 + 1))
            .collect();
        Self {
            sentences,
            counts,
            popularity: Zipf::new(SENTENCES as u64, 1.0),
        }
    }

    pub fn trie(&self) -> Trie {
        Trie::from_counts(
            self.sentences
                .iter()
                .map(String::as_str)
                .zip(self.counts.iter().copied()),
        )
    }

    /// `len` operations for thread `thread`, `suggest_percent` of them
    /// suggestions of a prefix of 1 to 8 characters.
    pub fn ops(&self, suggest_percent: u64, thread: usize, len: usize) -> Vec<Op> {
        let mut rng = Rng::for_thread(57, thread);
        (0..len)
            .map(|_| {
                let sentence = self.popularity.sample(&mut rng) as u32;
                if rng.below(100) < suggest_percent {
                    let chars = self.sentences[sentence as usize].chars().count().min(8) as u64;
                    Op::Suggest {
                        sentence,
                        len: (1 + rng.below(chars)) as u8,
                    }
                } else {
                    Op::Record { sentence }
                }
            })
            .collect()
    }

    fn prefix(&self, sentence: u32, len: u8) -> &str {
        let text = &self.sentences[sentence as usize];
        let end = text
            .char_indices()
            .nth(len as usize)
            .map_or(text.len(), |(i, _)| i);
        &text[..end]
    }
}

fn points(threads: &[usize]) -> Box<dyn Iterator<Item = Point>> {
    let threads = threads.to_vec();
    let log = Arc::new(Log::new(3));
    let base = Arc::new(log.trie());
    Box::new(MIXES.into_iter().flat_map(move |(name, percent)| {
        let (log, base) = (Arc::clone(&log), Arc::clone(&base));
        threads
            .clone()
            .into_iter()
            .map(move |t| point(name, percent, t, &log, &base))
    }))
}

fn point(
    workload: &'static str,
    percent: u64,
    threads: usize,
    log: &Arc<Log>,
    base: &Arc<Trie>,
) -> Point {
    let ops: Arc<Vec<Vec<Op>>> = Arc::new(
        (0..threads)
            .map(|t| log.ops(percent, t, OPS_PER_THREAD))
            .collect(),
    );
    let contenders: Vec<Contender> = Implementation::all()
        .into_iter()
        .map(|implementation| {
            let (log, base, ops) = (Arc::clone(log), Arc::clone(base), Arc::clone(&ops));
            Contender {
                name: implementation.name(),
                run: Box::new(move || {
                    let service = implementation.build(&base);
                    timed(
                        workload,
                        implementation.name(),
                        threads,
                        &*service,
                        &log,
                        &ops,
                    )
                }),
            }
        })
        .collect();
    Point {
        exercise: "trie",
        workload,
        threads,
        ops: (threads * OPS_PER_THREAD) as u64,
        contenders,
    }
}

/// Updates per published version for the batched snapshot line.
const SNAPSHOT_BATCH: usize = 64;

/// The services in the sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Implementation {
    RwLock,
    Sharded,
    Snapshot,
    /// The snapshot service publishing every `SNAPSHOT_BATCH` updates:
    /// cheaper writes, reads up to that many updates stale.
    SnapshotBatched,
    /// The candidate's service (with the `starter` feature).
    #[cfg(feature = "starter")]
    Starter,
}

impl Implementation {
    pub fn all() -> Vec<Implementation> {
        vec![
            Implementation::RwLock,
            Implementation::Sharded,
            Implementation::Snapshot,
            Implementation::SnapshotBatched,
            #[cfg(feature = "starter")]
            Implementation::Starter,
        ]
    }

    pub fn name(self) -> &'static str {
        match self {
            Implementation::RwLock => "RwLockTrie",
            Implementation::Sharded => "ShardedTrie",
            Implementation::Snapshot => "SnapshotTrie",
            Implementation::SnapshotBatched => "SnapshotTrie (batch 64)",
            #[cfg(feature = "starter")]
            Implementation::Starter => "StarterTrie",
        }
    }

    /// A fresh service holding the log's sentences. The base trie is shared
    /// (a clone is one `Arc`), so a service's first write to a path copies
    /// it; later writes to it are in place.
    fn build(self, base: &Trie) -> Box<dyn Suggester> {
        match self {
            Implementation::RwLock => Box::new(RwLockTrie::new(base.clone())),
            Implementation::Sharded => Box::new(ShardedTrie::new(base.clone())),
            Implementation::Snapshot => Box::new(SnapshotTrie::new(base.clone())),
            Implementation::SnapshotBatched => {
                Box::new(SnapshotTrie::with_batch(base.clone(), SNAPSHOT_BATCH))
            }
            #[cfg(feature = "starter")]
            Implementation::Starter => Box::new(trie::starter::StarterTrie::new(base.clone())),
        }
    }
}

/// Runs the ops, timing the run and every suggestion; the suggestion
/// latencies join that configuration's histogram.
fn timed(
    workload: &str,
    implementation: &str,
    threads: usize,
    service: &(impl Suggester + ?Sized),
    log: &Log,
    ops: &[Vec<Op>],
) -> Duration {
    let (took, histograms) = kit::contention::run_with_state(
        service,
        ops,
        || Histogram::<u64>::new_with_bounds(1, 60_000_000_000, 3).expect("valid histogram bounds"),
        |service, op, latencies| match *op {
            Op::Suggest { sentence, len } => {
                let started = Instant::now();
                std::hint::black_box(service.suggest(log.prefix(sentence, len), 3));
                let nanos = started.elapsed().as_nanos() as u64;
                latencies.saturating_record(nanos.max(1));
            }
            Op::Record { sentence } => service.record(&log.sentences[sentence as usize], 1),
        },
    );
    let mut all = latencies()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let entry = all
        .entry((workload.to_string(), implementation.to_string(), threads))
        .or_insert_with(|| Histogram::new_from(&histograms[0]));
    for histogram in &histograms {
        let _ = entry.add(histogram);
    }
    took
}

type Latencies = HashMap<(String, String, usize), Histogram<u64>>;

/// Every suggestion latency measured in this process, by configuration.
fn latencies() -> &'static Mutex<Latencies> {
    static LATENCIES: OnceLock<Mutex<Latencies>> = OnceLock::new();
    LATENCIES.get_or_init(Mutex::default)
}

/// Suggest latency of one configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Latency {
    pub workload: String,
    pub implementation: String,
    pub threads: usize,
    pub p50_ns: u64,
    pub p99_ns: u64,
    pub samples: u64,
}

/// The latencies measured so far, in sweep order.
pub fn latency_rows() -> Vec<Latency> {
    let all = latencies()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut rows: Vec<Latency> = all
        .iter()
        .filter(|(_, h)| !h.is_empty())
        .map(|((workload, implementation, threads), h)| Latency {
            workload: workload.clone(),
            implementation: implementation.clone(),
            threads: *threads,
            p50_ns: h.value_at_quantile(0.50),
            p99_ns: h.value_at_quantile(0.99),
            samples: h.len(),
        })
        .collect();
    let order = |w: &str| {
        MIXES
            .iter()
            .position(|(name, _)| *name == w)
            .unwrap_or(usize::MAX)
    };
    rows.sort_by(|a, b| {
        (order(&a.workload), a.threads, &a.implementation).cmp(&(
            order(&b.workload),
            b.threads,
            &b.implementation,
        ))
    });
    rows
}

pub const LATENCY_HEADER: &str = "workload,implementation,threads,p50_ns,p99_ns,samples";

pub fn latency_csv_row(l: &Latency) -> String {
    format!(
        "{},{},{},{},{},{}",
        l.workload, l.implementation, l.threads, l.p50_ns, l.p99_ns, l.samples
    )
}

/// The latency table as Markdown, p99 also as a multiple of p50.
pub fn latency_markdown(rows: &[Latency]) -> String {
    let mut out = String::from(
        "| workload | threads | implementation | p50 | p99 | p99 / p50 |\n|---|---:|---|---:|---:|---:|\n",
    );
    for l in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.2} µs | {:.2} µs | {:.1}x |",
            l.workload,
            l.threads,
            l.implementation,
            l.p50_ns as f64 / 1e3,
            l.p99_ns as f64 / 1e3,
            l.p99_ns as f64 / l.p50_ns.max(1) as f64
        );
    }
    out
}

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
        let mut latencies =
            Histogram::<u64>::new_with_bounds(1, 60_000_000_000, 3).expect("valid bounds");
        let started = Instant::now();
        for op in &ops {
            if let Op::Suggest { sentence, len } = *op {
                let one = Instant::now();
                std::hint::black_box(service.suggest(log.prefix(sentence, len), 3));
                latencies.saturating_record((one.elapsed().as_nanos() as u64).max(1));
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
    let mut out = String::from(
        "| implementation | queries | per second | p50 | p99 |\n|---|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {:.2} µs | {:.2} µs |",
            r.implementation,
            r.queries,
            r.per_sec,
            r.p50_ns as f64 / 1e3,
            r.p99_ns as f64 / 1e3
        );
    }
    out
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
