//! The topk contention sweep, and the accuracy table of Space-Saving.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kit::workload::Queries;
use topk::{ExactGlobal, ExactSharded, LocalMerge, SpaceSaving, Summary, TopK};

use super::{Contender, Point, Sweep};

/// The topk sweep: Zipf query streams of three skews, every counter.
pub const SWEEP: Sweep = Sweep {
    exercise: "topk",
    title: "topk: queries recorded per second against threads",
    unit: "million queries/s",
    bench_threads: &[1, 2, 4, 8],
    baseline: "ExactGlobal",
    versus: Some(("LocalMerge", "ExactSharded")),
    points,
    extra: Some(accuracy_report),
};

fn accuracy_report() -> String {
    let rows = accuracy_table(1_000_000, 1_000_000);
    format!(
        "Space-Saving against exact counts, 1M queries:\n\n{}",
        accuracy_markdown(&rows)
    )
}

/// Distinct queries in the sweep's streams.
const VOCABULARY: u64 = 100_000;

/// Queries each thread records in one run.
pub const RECORDS_PER_THREAD: usize = 1 << 16;

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
    let contenders = Implementation::all()
        .into_iter()
        .map(|implementation| {
            let (queries, streams) = (Arc::clone(&queries), Arc::clone(&streams));
            Contender {
                name: implementation.name(),
                run: Box::new(move || implementation.run_once(&queries, &streams)),
            }
        })
        .collect();
    Point {
        exercise: "topk",
        workload,
        threads,
        ops: (threads * RECORDS_PER_THREAD) as u64,
        contenders,
    }
}

/// The counters in the sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Implementation {
    ExactGlobal,
    ExactSharded,
    LocalMerge,
    SpaceSaving,
    /// The candidate's counter (with the `starter` feature).
    #[cfg(feature = "starter")]
    Starter,
}

impl Implementation {
    pub fn all() -> Vec<Implementation> {
        vec![
            Implementation::ExactGlobal,
            Implementation::ExactSharded,
            Implementation::LocalMerge,
            Implementation::SpaceSaving,
            #[cfg(feature = "starter")]
            Implementation::Starter,
        ]
    }

    pub fn name(self) -> &'static str {
        match self {
            Implementation::ExactGlobal => "ExactGlobal",
            Implementation::ExactSharded => "ExactSharded",
            Implementation::LocalMerge => "LocalMerge",
            Implementation::SpaceSaving => "SpaceSaving",
            #[cfg(feature = "starter")]
            Implementation::Starter => "StarterTopK",
        }
    }

    /// One run: a fresh counter, every thread records its stream, then one
    /// `top(100)`. Both are timed: a strategy that defers work to `top`
    /// (merging per-thread maps) pays for it here.
    pub fn run_once(self, queries: &Queries, streams: &[Vec<u32>]) -> Duration {
        match self {
            Implementation::ExactGlobal => time(ExactGlobal::new(), queries, streams),
            Implementation::ExactSharded => time(ExactSharded::new(), queries, streams),
            Implementation::LocalMerge => time(LocalMerge::new(), queries, streams),
            Implementation::SpaceSaving => time(SpaceSaving::new(CAPACITY), queries, streams),
            #[cfg(feature = "starter")]
            Implementation::Starter => time(topk::starter::StarterTopK::new(), queries, streams),
        }
    }
}

fn time<T: TopK>(counter: T, queries: &Queries, streams: &[Vec<u32>]) -> Duration {
    let recording = kit::contention::run_once(&counter, streams, |counter, &q| {
        counter.record(queries.text(q))
    });
    let asking = Instant::now();
    std::hint::black_box(counter.top(K));
    recording + asking.elapsed()
}

/// How well Space-Saving found the true top k of one stream.
#[derive(Debug, Clone, PartialEq)]
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

pub const ACCURACY_HEADER: &str = "s,m,n,k,precision,recall,max_error,bound,counters,distinct";

pub fn accuracy_csv_row(a: &Accuracy) -> String {
    format!(
        "{},{},{},{},{:.4},{:.4},{},{},{},{}",
        a.s, a.m, a.n, a.k, a.precision, a.recall, a.max_error, a.bound, a.counters, a.distinct
    )
}

/// The table as Markdown, for the book and the terminal.
pub fn accuracy_markdown(rows: &[Accuracy]) -> String {
    let mut out = String::from(
        "| s | m | N | k | precision | recall | largest error | bound N/m | counters | distinct queries |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for a in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {:.2} | {:.2} | {} | {} | {} | {} |",
            a.s, a.m, a.n, a.k, a.precision, a.recall, a.max_error, a.bound, a.counters, a.distinct
        );
    }
    out
}
