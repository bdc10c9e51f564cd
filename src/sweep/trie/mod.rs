//! The trie contention sweep: suggestions and hot-term updates from a query
//! log built on a real word list (`log.rs`), with suggest latency beside
//! throughput (`latency.rs`) and a static comparison with `fst`
//! (`static_peer.rs`).

mod latency;
mod log;
mod static_peer;

use std::sync::Arc;

use hdrhistogram::Histogram;
use trie::{RwLockTrie, ShardedTrie, SnapshotTrie, Suggester, Trie};

use super::timing::{self, histogram, merged};
use super::{Contender, Extra, ExtraTable, Point, Sample, Scale, Starter, Sweep};

pub use latency::{Latency, latency_markdown, latency_rows};
pub use log::{Log, MIXES, OPS_PER_THREAD, Op};
pub use static_peer::{FstPeer, Static, static_comparison, static_markdown};

/// The trie sweep: three read/write mixes, every service.
pub const SWEEP: Sweep = Sweep {
    exercise: "trie",
    title: "trie: operations per second against threads",
    unit: "million ops/s",
    x_label: "threads",
    log_y: false,
    cpu_bound: true,
    bench_threads: &[1, 2, 4],
    baseline: "RwLockTrie",
    versus: Some(("SnapshotTrie (batch 64)", "RwLockTrie")),
    single: Some(SINGLE),
    points,
    extras: &[LATENCY, STATIC],
    starter: Starter {
        name: "StarterTrie",
        reference: "RwLockTrie",
        built: cfg!(feature = "trie-starter"),
        settings: None,
        gap: "a suggest that walks the whole subtree instead of reading the node's cached best, caches rebuilt from scratch on every update instead of fixed along one path, or a lock held while results are copied",
    },
};

/// Suggest latency (top 3), from every run of every configuration.
const LATENCY: Extra = Extra {
    name: "trie-latency",
    title: "Suggest latency (top 3), every run",
    make: |measured, _| {
        let rows = latency_rows(measured);
        ExtraTable::with_rows(latency_markdown(&rows), rows)
    },
};

/// The cached trie against `fst` on static prefix queries: an experiment of
/// its own, sized by the scale.
const STATIC: Extra = Extra {
    name: "trie-static",
    title: "Static prefix queries, one thread",
    make: |_, scale| {
        let queries = if scale == Scale::Test { 200 } else { 20_000 };
        ExtraTable {
            markdown: static_markdown(&static_comparison(queries)),
            csv: None,
            chart: None,
        }
    },
};

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
    let contender = |name: &'static str, make: fn(Trie) -> Box<dyn Suggester>| {
        let (log, base, ops) = (Arc::clone(log), Arc::clone(base), Arc::clone(&ops));
        // The base trie is shared (a clone is one `Arc`), so a service's
        // first write to a path copies it; later writes to it are in place.
        Contender::new(name, move || timed(&*make((*base).clone()), &log, &ops))
    };
    let single = (threads == 1).then(|| {
        let (log, base, ops) = (Arc::clone(log), Arc::clone(base), Arc::clone(&ops));
        Contender::new(SINGLE, move || alone((*base).clone(), &log, &ops[0]))
    });
    Point {
        exercise: "trie",
        workload,
        threads,
        ops: (threads * OPS_PER_THREAD) as u64,
        contenders: single
            .into_iter()
            .chain([
                contender("RwLockTrie", |t| Box::new(RwLockTrie::new(t))),
                contender("ShardedTrie", |t| Box::new(ShardedTrie::new(t))),
                contender("SnapshotTrie", |t| Box::new(SnapshotTrie::new(t))),
                // Publishing every SNAPSHOT_BATCH updates: cheaper writes, reads
                // up to that many updates stale.
                contender("SnapshotTrie (batch 64)", |t| {
                    Box::new(SnapshotTrie::with_batch(t, SNAPSHOT_BATCH))
                }),
                #[cfg(feature = "trie-starter")]
                contender("StarterTrie", |t| {
                    Box::new(trie::starter::StarterTrie::new(t))
                }),
            ])
            .collect(),
    }
}

/// The baseline's name: the plain `Trie`, one thread, no lock.
pub const SINGLE: &str = "Trie, no lock";

/// One suggestion, timed into `latencies`.
fn suggest_timed(suggest: impl FnOnce() -> Vec<(String, u64)>, latencies: &mut Histogram<u64>) {
    std::hint::black_box(timing::timed(suggest, latencies));
}

/// The baseline: the services' own `Trie`, owned by one thread, with no
/// lock and no copy.
fn alone(trie: Trie, log: &Log, ops: &[Op]) -> Sample {
    let (took, (_, latency)) = kit::contention::run_alone(
        (trie, histogram()),
        ops,
        |(trie, latencies), op| match *op {
            Op::Suggest { sentence, len } => {
                suggest_timed(|| trie.suggest(log.prefix(sentence, len), 3), latencies)
            }
            Op::Record { sentence } => trie.record(&log.sentences[sentence as usize], 1),
        },
    );
    Sample {
        took,
        phases: Vec::new(),
        latency: Some(latency),
    }
}

/// Updates per published version for the batched snapshot line.
const SNAPSHOT_BATCH: usize = 64;

/// Runs the ops, timing the run and every suggestion.
fn timed(service: &(impl Suggester + ?Sized), log: &Log, ops: &[Vec<Op>]) -> Sample {
    let (took, histograms) = kit::contention::run_with_state(
        service,
        ops,
        histogram,
        |service, op, latencies| match *op {
            Op::Suggest { sentence, len } => {
                suggest_timed(|| service.suggest(log.prefix(sentence, len), 3), latencies)
            }
            Op::Record { sentence } => service.record(&log.sentences[sentence as usize], 1),
        },
    );
    Sample {
        took,
        phases: Vec::new(),
        latency: Some(merged(&histograms)),
    }
}
