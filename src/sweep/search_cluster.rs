//! The search cluster sweep: queries per second against the number of
//! shards, on the shipped corpus, with two queries in flight: shards in one
//! process, and shard processes behind the reference coordinator over HTTP
//! on loopback, whose difference is the cost of the network hop. Then
//! hedging against one slow replica (`hedging.rs`).

mod hedging;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use inverted_index::{SearchIndex, SegmentIndex, Sharded};
use search_cluster::{Coordinator, Options, Query, ScatterGather};

use super::inverted_index::{KJV, kjv_queries};
use super::{Contender, Extra, Point, Starter, Sweep};
use crate::cluster::corpus;
use crate::cluster::http::HttpCluster;
use crate::cluster::processes::{Processes, Spawn};

pub use hedging::{HedgingRow, hedging, hedging_chart, hedging_markdown};

pub const SWEEP: Sweep = Sweep {
    exercise: "search-cluster",
    title: "search-cluster: queries per second against shards, two queries in flight",
    unit: "queries/s",
    x_label: "shards",
    log_y: true,
    cpu_bound: true,
    bench_threads: &[1, 2, 4],
    baseline: IN_PROCESS,
    versus: Some((PROCESSES, IN_PROCESS)),
    single: Some(SINGLE),
    points,
    extras: &[HEDGING],
    starter: Starter {
        name: "StarterCoordinator (processes)",
        reference: PROCESSES,
        built: cfg!(feature = "search-cluster-starter"),
        settings: None,
        gap: "calls made one shard after another instead of all at once, or a hedge sent for every request",
    },
};

/// One index, searched by one thread with nothing shared: the COST line.
pub const SINGLE: &str = "one index, one thread";
pub const IN_PROCESS: &str = "in-process shards";
pub const PROCESSES: &str = "ScatterGather (processes)";

/// Queries in flight at once: one per core.
const CLIENTS: usize = 2;

/// Queries in one run, over both clients.
const QUERIES: usize = if cfg!(debug_assertions) { 40 } else { 2_000 };

/// How long each query may take before shards are left out: far above
/// what any query needs here, so that every answer is whole.
const DEADLINE: Duration = Duration::from_secs(10);

const HEDGING: Extra = Extra {
    name: "search-cluster-hedging",
    title: "Hedging against one slow replica",
    make: |_, scale| match hedging(scale) {
        Ok(rows) => {
            let chart = hedging_chart(&rows);
            super::ExtraTable {
                chart: Some(chart),
                ..super::ExtraTable::with_rows(hedging_markdown(&rows), rows)
            }
        }
        Err(e) => super::ExtraTable {
            markdown: format!("The hedging experiment could not run: {e:#}\n"),
            csv: None,
            chart: None,
        },
    },
};

/// The shipped corpus on disk, for the shard processes to read.
pub fn kjv_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/kjv.txt")
}

/// The `concur` binary that shard processes run: this one, or, from a bench
/// or test binary (`target/<profile>/deps/<name>-<hash>`), the one Cargo
/// built beside it (`target/<profile>/concur`).
pub fn concur_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    if exe.file_stem().is_some_and(|stem| stem == "concur") {
        return Ok(exe);
    }
    let beside = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("concur"));
    match beside {
        Some(path) if path.is_file() => Ok(path),
        _ => anyhow::bail!(
            "no concur binary beside {}: `cargo build --release` builds it",
            exe.display()
        ),
    }
}

/// Shard processes, the runtime their coordinator runs on, and the
/// coordinator; the processes stop when this is dropped.
pub struct Running<C> {
    pub coordinator: C,
    pub runtime: tokio::runtime::Runtime,
    pub processes: Processes,
}

impl<C: Coordinator<HttpCluster>> Running<C> {
    /// `shards` processes of `replicas` replicas on the shipped corpus.
    pub fn start(shards: usize, replicas: usize, options: Options) -> anyhow::Result<Self> {
        let program = concur_binary()?;
        let processes = Processes::start(&Spawn {
            program: &program,
            corpus: &kjv_path(),
            shards,
            replicas,
            lossy: false,
            refresh: Duration::from_millis(100),
        })?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(CLIENTS)
            .enable_all()
            .build()?;
        let coordinator = C::new(
            Arc::new(HttpCluster::new(processes.addresses.clone())),
            options,
        );
        Ok(Self {
            coordinator,
            runtime,
            processes,
        })
    }

    /// One query, whole or not.
    pub fn search(&self, text: &str) -> search_cluster::Answer {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        self.runtime
            .block_on(self.coordinator.search(Query::new(text, 10, deadline)))
    }
}

impl<C> std::fmt::Debug for Running<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("processes", &self.processes)
            .finish_non_exhaustive()
    }
}

fn points(shards: &[usize]) -> Box<dyn Iterator<Item = Point>> {
    let docs: Vec<&str> = KJV.lines().collect();
    let queries = Arc::new(kjv_queries(&docs, QUERIES, 19));
    let shards = shards.to_vec();
    Box::new(shards.into_iter().map(move |s| point(s, &queries)))
}

/// Each client's share of the queries.
fn split(queries: &[String]) -> Vec<Vec<String>> {
    (0..CLIENTS)
        .map(|c| queries.iter().skip(c).step_by(CLIENTS).cloned().collect())
        .collect()
}

fn indexed(shards: usize) -> Sharded<SegmentIndex> {
    let docs: Vec<&str> = KJV.lines().collect();
    let index = Sharded::<SegmentIndex>::new(shards, corpus::tokenizer(KJV));
    corpus::add_all(&docs, |id, doc| {
        index.add(id, doc);
    });
    index.refresh();
    index
}

fn point(shards: usize, queries: &Arc<Vec<String>>) -> Point {
    let per_client = Arc::new(split(queries));
    let single = (shards == 1).then(|| {
        let index = SegmentIndex::new(corpus::tokenizer(KJV));
        for (id, doc) in KJV.lines().enumerate() {
            index.add(id as u32, doc);
        }
        index.refresh();
        let queries = Arc::clone(queries);
        Contender::new(SINGLE, move || {
            kit::contention::run_alone(&index, &queries, |index, query| {
                std::hint::black_box(index.search(query, 10));
            })
            .0
        })
    });
    let in_process = {
        let index = Arc::new(indexed(shards));
        let per_client = Arc::clone(&per_client);
        Contender::new(IN_PROCESS, move || {
            kit::contention::run_once(&*index, &per_client, |index, query| {
                std::hint::black_box(index.search(query, 10));
            })
        })
    };
    Point {
        exercise: "search-cluster",
        workload: "KJV queries",
        threads: shards,
        ops: QUERIES as u64,
        contenders: single
            .into_iter()
            .chain([in_process])
            .chain(over_processes::<ScatterGather<HttpCluster>>(
                PROCESSES,
                shards,
                &per_client,
            ))
            .chain(starter(shards, &per_client))
            .collect(),
    }
}

/// `coordinator` over `shards` shard processes, or nothing (and a warning)
/// where they cannot start.
fn over_processes<C: Coordinator<HttpCluster>>(
    name: &'static str,
    shards: usize,
    per_client: &Arc<Vec<Vec<String>>>,
) -> Option<Contender> {
    let running = match Running::<C>::start(shards, 1, Options { hedging: false }) {
        Ok(running) => Arc::new(running),
        Err(e) => {
            eprintln!("warning: {name} left out: the shard processes did not start: {e:#}");
            return None;
        }
    };
    let per_client = Arc::clone(per_client);
    Some(Contender::new(name, move || {
        kit::contention::run_once(&*running, &per_client, |running, query| {
            let answer = running.search(query);
            assert!(
                !answer.partial,
                "{name}: shards {:?} missed a 10 s deadline",
                answer.missing
            );
            std::hint::black_box(answer);
        })
    }))
}

#[cfg(feature = "search-cluster-starter")]
fn starter(shards: usize, per_client: &Arc<Vec<Vec<String>>>) -> Option<Contender> {
    over_processes::<search_cluster::starter::StarterCoordinator<HttpCluster>>(
        "StarterCoordinator (processes)",
        shards,
        per_client,
    )
}

#[cfg(not(feature = "search-cluster-starter"))]
fn starter(_: usize, _: &Arc<Vec<Vec<String>>>) -> Option<Contender> {
    None
}
