//! The topk contention sweep, and the accuracy table of Space-Saving.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kit::report::{Align, Table};
use kit::workload::Queries;
use topk::{ExactGlobal, ExactSharded, LocalMerge, SpaceSaving, Summary, TopK, select_top};

use super::{Contender, Extra, ExtraTable, Point, Scale, Starter, Sweep};

/// The topk sweep: Zipf query streams of three skews, every counter.
pub const SWEEP: Sweep = Sweep {
    exercise: "topk",
    title: "topk: queries recorded per second against threads",
    unit: "million queries/s",
    x_label: "threads",
    log_y: false,
    cpu_bound: true,
    bench_threads: &[1, 2, 4],
    baseline: "ExactGlobal",
    versus: Some(("LocalMerge", "ExactSharded")),
    single: Some(SINGLE),
    points,
    extras: &[ACCURACY],
    starter: Starter {
        name: "StarterTopK",
        reference: "ExactSharded",
        built: cfg!(feature = "topk-starter"),
        settings: None,
        gap: "a String allocated on every record (look the query up by &str first, and allocate only for a new one), fewer shards, or a top() that copies and sorts every query instead of selecting the k best with a heap",
    },
};

/// Space-Saving's accuracy against exact counts: its own experiment, not
/// the sweep's runs. At full scale, the book's table and the 10-million
/// query stream; quicker for `concur bench`; tiny in a test run.
const ACCURACY: Extra = Extra {
    name: "topk-accuracy",
    title: "Space-Saving against exact counts",
    make: |_, scale| {
        let (vocabulary, n, big) = match scale {
            Scale::Test => (20_000, 50_000, None),
            Scale::Quick => (1_000_000, 1_000_000, None),
            Scale::Full => (1_000_000, 1_000_000, Some(10_000_000)),
        };
        let mut rows = accuracy_table(vocabulary, n);
        if let Some(big) = big {
            rows.extend(accuracy(
                &Queries::new(vocabulary, 1.0, 31),
                1.0,
                10_000,
                big,
                &[100],
            ));
        }
        ExtraTable::with_rows(accuracy_markdown(&rows), rows)
    },
};

/// Distinct queries in the sweep's streams.
const VOCABULARY: u64 = 100_000;

/// Queries each thread records in one run: five times the vocabulary, and
/// ten times at two threads. A real query log is far longer than its
/// vocabulary; a stream about as long as it (the sweep's first size, 2^16)
/// made merging per-thread counts cost as much as counting them. (Short in
/// a debug build, which measures nothing worth keeping.)
pub const RECORDS_PER_THREAD: usize = if cfg!(debug_assertions) {
    1 << 14
} else {
    1 << 19
};

/// Counters per thread for Space-Saving in the sweep.
pub const CAPACITY: usize = 10_000;

/// The k a run asks for once its records are in.
const K: usize = 100;

/// The Zipf exponents of the three workloads, and their names.
const SKEWS: [(f64, &str); 3] = [(0.8, "zipf-0.8"), (1.0, "zipf-1.0"), (1.2, "zipf-1.2")];

fn points(threads: &[usize]) -> Box<dyn Iterator<Item = Point>> {
    let threads = threads.to_vec();
    Box::new(SKEWS.into_iter().flat_map(move |(s, name)| {
        let queries = Arc::new(Queries::new(VOCABULARY, s, 17));
        threads
            .clone()
            .into_iter()
            .map(move |t| point(name, Arc::clone(&queries), t))
    }))
}

fn point(workload: &'static str, queries: Arc<Queries>, threads: usize) -> Point {
    let streams: Arc<Vec<Vec<u32>>> = Arc::new(
        (0..threads)
            .map(|t| queries.stream(23, t, RECORDS_PER_THREAD))
            .collect(),
    );
    let single = (threads == 1).then(|| {
        let (queries, streams) = (Arc::clone(&queries), Arc::clone(&streams));
        Contender::new(SINGLE, move || alone(&queries, &streams[0]))
    });
    Point {
        exercise: "topk",
        workload,
        threads,
        ops: (threads * RECORDS_PER_THREAD) as u64,
        contenders: single
            .into_iter()
            .chain([
                contender("ExactGlobal", &queries, &streams, ExactGlobal::new),
                contender("ExactSharded", &queries, &streams, ExactSharded::new),
                contender("LocalMerge", &queries, &streams, LocalMerge::new),
                contender("SpaceSaving", &queries, &streams, || {
                    SpaceSaving::new(CAPACITY)
                }),
                #[cfg(feature = "topk-starter")]
                contender(
                    "StarterTopK",
                    &queries,
                    &streams,
                    topk::starter::StarterTopK::new,
                ),
            ])
            .collect(),
    }
}

/// The baseline's name: exact counts in a plain `HashMap`, one thread.
pub const SINGLE: &str = "HashMap counts, no lock";

/// The baseline: `ExactGlobal` without its lock, on one thread.
fn alone(queries: &Queries, stream: &[u32]) -> Duration {
    let counts: HashMap<String, u64> = HashMap::new();
    let (recording, counts) = kit::contention::run_alone(counts, stream, |counts, &q| {
        let query = queries.text(q);
        match counts.get_mut(query) {
            Some(count) => *count += 1,
            None => {
                counts.insert(query.to_string(), 1);
            }
        }
    });
    let asking = Instant::now();
    std::hint::black_box(select_top(counts.iter().map(|(q, &c)| (q.as_str(), c)), K));
    recording + asking.elapsed()
}

/// One counter in the sweep: each run makes a fresh one with `make`.
fn contender<T: TopK + 'static>(
    name: &'static str,
    queries: &Arc<Queries>,
    streams: &Arc<Vec<Vec<u32>>>,
    make: fn() -> T,
) -> Contender {
    let (queries, streams) = (Arc::clone(queries), Arc::clone(streams));
    Contender::new(name, move || time(make(), &queries, &streams))
}

fn time<T: TopK>(counter: T, queries: &Queries, streams: &[Vec<u32>]) -> Duration {
    let recording = kit::contention::run_once(&counter, streams, |counter, &q| {
        counter.record(queries.text(q))
    });
    let asking = Instant::now();
    std::hint::black_box(counter.top(K));
    recording + asking.elapsed()
}

/// How well Space-Saving found the true top k of one stream: a row of
/// `topk-accuracy.csv`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Accuracy {
    /// Zipf exponent of the stream.
    pub s: f64,
    /// Counters.
    pub m: usize,
    /// Stream length.
    pub n: u64,
    pub k: usize,
    /// Of the k reported, the fraction whose true count is at least the
    /// true k-th count (so ties do not count against it).
    pub precision: f64,
    /// Of the true top k, the fraction that was reported.
    pub recall: f64,
    /// The largest overestimate among the k reported.
    pub max_error: u64,
    /// The guaranteed bound on any overestimate: N / m.
    pub bound: u64,
    /// Counters in use: the memory.
    pub counters: usize,
    /// Distinct queries in the stream: what exact counting would hold.
    pub distinct: usize,
}

/// Space-Saving with `m` counters on `n` queries drawn from `queries`,
/// scored at each k against exact counts.
pub fn accuracy(queries: &Queries, s: f64, m: usize, n: usize, ks: &[usize]) -> Vec<Accuracy> {
    let stream = queries.stream(29, 0, n);
    let mut exact = vec![0u64; queries.vocabulary.len()];
    let mut summary = Summary::new(m);
    for &q in &stream {
        exact[q as usize] += 1;
        summary.record_n(queries.text(q), 1);
    }
    let index: HashMap<&str, usize> = queries
        .vocabulary
        .iter()
        .enumerate()
        .map(|(i, q)| (q.as_str(), i))
        .collect();
    let distinct = exact.iter().filter(|&&c| c > 0).count();
    ks.iter()
        .map(|&k| {
            let truth = topk::select_top(
                exact
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c > 0)
                    .map(|(i, &c)| (queries.vocabulary[i].as_str(), c)),
                k,
            );
            let kth = truth.last().map_or(0, |(_, c)| *c);
            let reported = topk::select_top(summary.counters().map(|(q, c, _)| (q, c)), k);
            let true_count = |query: &str| exact[index[query]];
            let deserving = reported
                .iter()
                .filter(|(q, _)| true_count(q) >= kth)
                .count();
            let found = truth
                .iter()
                .filter(|(q, _)| reported.iter().any(|(r, _)| r == q))
                .count();
            Accuracy {
                s,
                m,
                n: n as u64,
                k,
                precision: deserving as f64 / reported.len().max(1) as f64,
                recall: found as f64 / truth.len().max(1) as f64,
                max_error: reported
                    .iter()
                    .map(|(q, c)| c - true_count(q))
                    .max()
                    .unwrap_or(0),
                bound: n as u64 / m as u64,
                counters: summary.len(),
                distinct,
            }
        })
        .collect()
}

/// The accuracy table of the book: s in {0.8, 1.0, 1.2}, m in {1k, 10k}, k in
/// {10, 100}, on `n` queries from a vocabulary of `vocabulary`.
pub fn accuracy_table(vocabulary: u64, n: usize) -> Vec<Accuracy> {
    let mut rows = Vec::new();
    for (s, _) in SKEWS {
        let queries = Queries::new(vocabulary, s, 31);
        for m in [1_000, 10_000] {
            rows.extend(accuracy(&queries, s, m, n, &[10, 100]));
        }
    }
    rows
}

/// The table as Markdown, for the book and the terminal.
pub fn accuracy_markdown(rows: &[Accuracy]) -> String {
    let mut table = Table::new(
        [
            "s",
            "m",
            "N",
            "k",
            "precision",
            "recall",
            "largest error",
            "bound N/m",
            "counters",
            "distinct queries",
        ]
        .map(|c| (c, Align::Right)),
    );
    for a in rows {
        table.row([
            a.s.to_string(),
            a.m.to_string(),
            a.n.to_string(),
            a.k.to_string(),
            format!("{:.2}", a.precision),
            format!("{:.2}", a.recall),
            a.max_error.to_string(),
            a.bound.to_string(),
            a.counters.to_string(),
            a.distinct.to_string(),
        ]);
    }
    table.markdown()
}
