//! The hashmap contention sweep: bustle's mixes on every map, with the
//! field's maps (dashmap, papaya, scc) as peers and a plain `HashMap` on one
//! thread as the baseline every design must beat.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::sync::Arc;
use std::time::Duration;

use dashmap::DashMap;
use hashmap::{ConcurrentMap, GlobalLockMap, RwLockMap, SnapshotMap, StripedMap};
use hdrhistogram::Histogram;
use kit::workload::{KeyDist, Mix, Op};

use kit::report::{Align, Table};

use super::timing::{histogram, merged, timed};

mod exchange_cost;
mod grow_cost;
mod read_cost;
use super::{
    Contender, Extra, ExtraTable, Measured, Point, Scale, Starter, Sweep, measure_interleaved,
};

/// The hashmap sweep: bustle's mixes, 4 workloads, every map.
pub const SWEEP: Sweep = Sweep {
    exercise: "hashmap",
    title: "hashmap: throughput against threads",
    unit: "million ops/s",
    x_label: "threads",
    log_y: false,
    cpu_bound: true,
    bench_threads: &[1, 2, 4],
    baseline: "GlobalLockMap",
    versus: Some(("StripedMap", "dashmap")),
    single: Some(SINGLE),
    points,
    extras: &[
        RUN_LENGTH,
        INSERT_LATENCY,
        read_cost::READ_COST,
        grow_cost::GROW_COST,
        exchange_cost::EXCHANGE_COST,
    ],
    starter: Starter {
        name: "StarterMap",
        reference: "StripedMap",
        built: cfg!(feature = "hashmap-starter"),
        settings: Some(starter_settings),
        gap: "fewer stripes (two busy threads then meet on one lock more often), a slower hasher, a Mutex where an RwLock would let reads share (or the reverse: an RwLock's reader count is itself a shared write), a clone more than once on the read path, or shard locks that share a cache line",
    },
};

fn points(threads: &[usize]) -> Box<dyn Iterator<Item = Point>> {
    let threads = threads.to_vec();
    Box::new(
        workloads()
            .into_iter()
            .flat_map(move |workload| threads.clone().into_iter().map(move |t| point(workload, t))),
    )
}

fn point(workload: Workload, threads: usize) -> Point {
    let ops = Arc::new(workload.ops(threads));
    let single = (threads == 1).then(|| {
        let ops = Arc::clone(&ops);
        Contender::new(SINGLE, move || alone(&workload, &ops[0]))
    });
    Point {
        exercise: "hashmap",
        workload: workload.name,
        threads,
        ops: (threads * OPS_PER_THREAD) as u64,
        contenders: single
            .into_iter()
            .chain([
                contender("GlobalLockMap", workload, &ops, Global::with_capacity),
                contender("RwLockMap", workload, &ops, RwLocked::with_capacity),
                contender("StripedMap", workload, &ops, Striped::with_capacity),
            ])
            .chain(snapshot(workload, &ops))
            .chain([
                // The same map with 8 shards instead of 64 per core: the knob
                // that matters most.
                contender("StripedMap (8 shards)", workload, &ops, |c| {
                    Striped::with_shards_and_capacity(FEW_SHARDS, c)
                }),
                // The peers: the most used concurrent map in Rust, sharded like
                // ours; papaya, lock-free reads and incremental resizing; scc's
                // HashMap (bucket locks) and HashIndex (lock-free reads, for
                // read-mostly data). All with std's SipHash, as ours.
                contender("dashmap", workload, &ops, Peer::with_capacity),
                contender("papaya", workload, &ops, Papaya::with_capacity),
                contender("scc::HashMap", workload, &ops, Scc::with_capacity),
                contender("scc::HashIndex", workload, &ops, SccIndex::with_capacity),
                #[cfg(feature = "hashmap-starter")]
                contender(
                    "StarterMap",
                    workload,
                    &ops,
                    hashmap::starter::StarterMap::<u64, u64>::with_capacity,
                ),
            ])
            .collect(),
    }
}

/// `SnapshotMap`, reads that take no lock: the design that can beat one
/// thread on reads, and loses on writes. Not on rapid-grow: there every
/// insert copies a shard that grows all run long, so a run costs the
/// square of its length (one run at 8 threads took 21 s here), and the
/// exchange panel already shows what writes cost it.
fn snapshot(workload: Workload, ops: &Arc<Vec<Vec<Op>>>) -> Option<Contender> {
    (workload.name != "rapid-grow")
        .then(|| contender("SnapshotMap", workload, ops, Snapshots::with_capacity))
}

/// A table cell of nanoseconds, or "-" where there is no figure.
fn ns_cell(ns: f64) -> String {
    if ns.is_nan() {
        "-".to_string()
    } else {
        format!("{ns:.0} ns")
    }
}

/// A table cell of a ratio, or "-" where there is no figure.
fn ratio_cell(ratio: f64) -> String {
    if ratio.is_nan() {
        "-".to_string()
    } else {
        format!("{ratio:.2}x")
    }
}

/// The baseline's name: std's `HashMap`, one thread, no lock.
pub const SINGLE: &str = "HashMap, no lock";

/// The baseline: the same operations on a plain `HashMap` with the same
/// hasher, owned by one thread, with no synchronisation at all.
fn alone(workload: &Workload, ops: &[Op]) -> Duration {
    let mut map: HashMap<u64, u64, RandomState> =
        HashMap::with_capacity_and_hasher(workload.capacity, RandomState::new());
    for key in (0..workload.prefill_below).step_by(2) {
        map.insert(key, key);
    }
    kit::contention::run_alone(map, ops, |map, op| match *op {
        Op::Read(key) => {
            std::hint::black_box(map.get(&key));
        }
        Op::Insert(key) => {
            map.insert(key, key);
        }
        Op::Remove(key) => {
            map.remove(&key);
        }
        Op::Update(key) => {
            if let Some(v) = map.get_mut(&key) {
                *v = v.wrapping_add(1);
            }
        }
    })
    .0
}

/// One map in the sweep: each run makes a fresh one with `make` and times
/// the point's operations on it. Generic, so that every map's operations
/// are compiled for it, as a user's code would be.
fn contender<M: BenchMap + 'static>(
    name: &'static str,
    workload: Workload,
    ops: &Arc<Vec<Vec<Op>>>,
    make: fn(usize) -> M,
) -> Contender {
    let ops = Arc::clone(ops);
    Contender::new(name, move || time(&workload, &ops, make(workload.capacity)))
}

/// Operations each thread applies in one run: tens of milliseconds, so
/// that pulling the table into a core's cache at the start is a small part
/// of a run (the run-length table measures how small). A debug build
/// measures nothing worth keeping (`concur bench` warns so); its runs are
/// short, so that the CLI's tests stay quick.
pub const OPS_PER_THREAD: usize = if cfg!(debug_assertions) {
    1 << 14
} else {
    1 << 18
};

/// The seed every sweep uses: the same operations on every run and machine.
pub const SEED: u64 = 0xC0_FFEE;

/// A workload: a mix, a key distribution, and the map's state before a run.
#[derive(Debug, Clone, Copy)]
pub struct Workload {
    pub name: &'static str,
    pub mix: Mix,
    pub keys: KeyDist,
    /// Keys `0, 2, 4, ...` below this are inserted before the clock starts,
    /// so about half the reads hit.
    pub prefill_below: u64,
    /// The capacity the map is created with.
    pub capacity: usize,
}

const KEYS: u64 = 1 << 16;

/// The four workloads of the chart.
pub fn workloads() -> Vec<Workload> {
    vec![
        Workload {
            name: "read-heavy",
            mix: Mix::READ_HEAVY,
            keys: KeyDist::Uniform { n: KEYS },
            prefill_below: KEYS,
            capacity: KEYS as usize,
        },
        Workload {
            name: "exchange",
            mix: Mix::EXCHANGE,
            keys: KeyDist::Uniform { n: KEYS },
            prefill_below: KEYS,
            capacity: KEYS as usize,
        },
        // Almost every insert is a new key, into a map created small: the
        // run is dominated by growing, which a global lock does for everyone
        // at once and a striped map shard by shard.
        Workload {
            name: "rapid-grow",
            mix: Mix::RAPID_GROW,
            keys: KeyDist::Uniform { n: 1 << 40 },
            prefill_below: 0,
            capacity: 64,
        },
        // Real caches are skewed: a few hot keys get most of the traffic,
        // and every hot key lives in one shard, however many there are.
        Workload {
            name: "exchange-zipf",
            mix: Mix::EXCHANGE,
            keys: KeyDist::Zipf { n: KEYS, s: 0.99 },
            prefill_below: KEYS,
            capacity: KEYS as usize,
        },
    ]
}

impl Workload {
    /// Each thread's operations for a run with `threads` threads.
    pub fn ops(&self, threads: usize) -> Vec<Vec<Op>> {
        self.ops_of_length(threads, OPS_PER_THREAD)
    }

    /// The same with `per_thread` operations each.
    pub fn ops_of_length(&self, threads: usize, per_thread: usize) -> Vec<Vec<Op>> {
        let keys = self.keys.sampler();
        (0..threads)
            .map(|thread| self.mix.ops(&keys, SEED, thread, per_thread))
            .collect()
    }
}

/// Does the length of a run decide the result? The same read-heavy
/// comparison (the best at two threads against one thread with no lock) at
/// run lengths from far shorter than the sweep's to far longer: an
/// experiment of its own, sized by the scale.
const RUN_LENGTH: Extra = Extra {
    name: "hashmap-run-length",
    title: "read-heavy: the ratio to one thread against the length of a run",
    make: |_, scale| {
        let (lengths, budget): (&[usize], _) = match scale {
            Scale::Test => (&[1 << 10, 1 << 12], Duration::from_millis(20)),
            Scale::Quick => (&[1 << 14, 1 << 16, 1 << 18], Duration::from_millis(300)),
            Scale::Full => (
                &[1 << 12, 1 << 14, 1 << 16, 1 << 18, 1 << 20],
                Duration::from_secs(1),
            ),
        };
        let rows: Vec<RunLength> = lengths.iter().map(|&n| run_length(n, budget)).collect();
        ExtraTable::with_rows(run_length_markdown(&rows), rows)
    },
};

/// One row of the run-length table.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunLength {
    /// Operations each thread applies in one run.
    pub ops_per_thread: usize,
    /// The median run of the baseline (one thread, no lock), in
    /// milliseconds.
    pub single_ms: f64,
    /// Each map at two threads over the baseline at one.
    pub striped: f64,
    pub snapshot: f64,
    pub papaya: f64,
}

/// The baseline at one thread, and StripedMap and papaya at two, on runs of
/// `per_thread` operations, interleaved.
fn run_length(per_thread: usize, budget: Duration) -> RunLength {
    let workload = workloads()[0];
    let one = Arc::new(workload.ops_of_length(1, per_thread));
    let two = Arc::new(workload.ops_of_length(2, per_thread));
    let ops = (2 * per_thread) as u64;
    let point = Point {
        exercise: "hashmap",
        workload: workload.name,
        threads: 2,
        ops,
        contenders: vec![
            {
                let one = Arc::clone(&one);
                Contender::new(SINGLE, move || alone(&workload, &one[0]))
            },
            contender("StripedMap", workload, &two, Striped::with_capacity),
            contender("SnapshotMap", workload, &two, Snapshots::with_capacity),
            contender("papaya", workload, &two, Papaya::with_capacity),
        ],
    };
    let measured = measure_interleaved(&point, budget, 5, |_, _| {});
    // Throughput, so that one thread's run of n and two threads' runs of n
    // each compare fairly: ops over the median time.
    let rate = |name: &str, ops: usize| {
        measured
            .iter()
            .find(|m| m.record.implementation == name)
            .map_or(f64::NAN, |m: &Measured| ops as f64 / m.record.seconds)
    };
    let single = rate(SINGLE, per_thread);
    RunLength {
        ops_per_thread: per_thread,
        single_ms: per_thread as f64 / single * 1e3,
        striped: rate("StripedMap", 2 * per_thread) / single,
        snapshot: rate("SnapshotMap", 2 * per_thread) / single,
        papaya: rate("papaya", 2 * per_thread) / single,
    }
}

fn run_length_markdown(rows: &[RunLength]) -> String {
    let mut table = Table::new([
        ("ops per thread", Align::Right),
        ("one run, 1 thread", Align::Right),
        ("StripedMap", Align::Right),
        ("SnapshotMap", Align::Right),
        ("papaya", Align::Right),
    ]);
    for r in rows {
        table.row([
            r.ops_per_thread.to_string(),
            format!("{:.2} ms", r.single_ms),
            format!("{:.2}x", r.striped),
            format!("{:.2}x", r.snapshot),
            format!("{:.2}x", r.papaya),
        ]);
    }
    format!(
        "The read-heavy workload at several run lengths: the map is built and filled by \
         the calling thread, so a run's first operations pull the table into the worker's \
         cache, and a run too short is mostly that. Each map's column is its \
         throughput at two threads over one thread's with a plain `HashMap` and no lock \
         (`{SINGLE}`). The sweep's runs are {OPS_PER_THREAD} operations per thread.\n\n{}",
        table.markdown()
    )
}

type Global = GlobalLockMap<u64, u64>;
type RwLocked = RwLockMap<u64, u64>;
type Striped = StripedMap<u64, u64>;
type Snapshots = SnapshotMap<u64, u64>;

/// The shard count of the "few shards" line: dashmap's default on a 2-core
/// machine (4 per core).
const FEW_SHARDS: usize = 8;

/// The four operations the workloads use, over our maps and the peer alike.
trait BenchMap: Sync {
    fn insert(&self, key: u64, value: u64);
    fn get(&self, key: u64) -> Option<u64>;
    fn remove(&self, key: u64);
    fn update(&self, key: u64);
}

impl<M: ConcurrentMap<u64, u64>> BenchMap for M {
    fn insert(&self, key: u64, value: u64) {
        ConcurrentMap::insert(self, key, value);
    }
    fn get(&self, key: u64) -> Option<u64> {
        ConcurrentMap::get(self, &key)
    }
    fn remove(&self, key: u64) {
        ConcurrentMap::remove(self, &key);
    }
    fn update(&self, key: u64) {
        ConcurrentMap::update(self, &key, |v| *v = v.wrapping_add(1));
    }
}

/// dashmap with the same hasher (std's SipHash) and the same number of
/// shards as `StripedMap`, so the comparison is of the two designs, not of
/// two hash functions or two settings of the shard knob.
struct Peer(DashMap<u64, u64, RandomState>);

impl Peer {
    fn with_capacity(capacity: usize) -> Self {
        Peer(DashMap::with_capacity_and_hasher_and_shard_amount(
            capacity,
            RandomState::new(),
            Striped::default_shards(),
        ))
    }
}

impl BenchMap for Peer {
    fn insert(&self, key: u64, value: u64) {
        self.0.insert(key, value);
    }
    fn get(&self, key: u64) -> Option<u64> {
        self.0.get(&key).map(|v| *v)
    }
    fn remove(&self, key: u64) {
        self.0.remove(&key);
    }
    fn update(&self, key: u64) {
        if let Some(mut v) = self.0.get_mut(&key) {
            *v = v.wrapping_add(1);
        }
    }
}

/// What one insert costs while the map grows: the tail shows a resize that
/// stops the world (one thread copies the whole table while every writer
/// waits) against one done a little at a time. An experiment of its own:
/// rapid-grow on two threads, every insert timed.
const INSERT_LATENCY: Extra = Extra {
    name: "hashmap-insert-latency",
    title: "rapid-grow: the latency of one insert, two threads",
    make: |_, scale| {
        let per_thread = match scale {
            Scale::Test => 1 << 10,
            Scale::Quick => 1 << 18,
            Scale::Full => 1 << 20,
        };
        let workload = workloads()[2];
        let ops = workload.ops_of_length(2, per_thread);
        let mut rows = vec![
            latency("GlobalLockMap", &workload, &ops, Global::with_capacity),
            latency("RwLockMap", &workload, &ops, RwLocked::with_capacity),
            latency("StripedMap", &workload, &ops, Striped::with_capacity),
            latency("SnapshotMap", &workload, &ops, Snapshots::with_capacity),
            latency("dashmap", &workload, &ops, Peer::with_capacity),
            latency("papaya", &workload, &ops, Papaya::with_capacity),
            latency("scc::HashMap", &workload, &ops, Scc::with_capacity),
            latency("scc::HashIndex", &workload, &ops, SccIndex::with_capacity),
        ];
        rows.push(latency_alone(&workload, &ops[0]));
        ExtraTable::with_rows(insert_latency_markdown(&rows, per_thread), rows)
    },
};

/// A row of the insert-latency table, in nanoseconds.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct InsertLatency {
    pub implementation: String,
    pub threads: usize,
    pub inserts: u64,
    pub p50_ns: u64,
    pub p99_ns: u64,
    pub p999_ns: u64,
    pub max_ns: u64,
}

impl InsertLatency {
    fn of(implementation: &str, threads: usize, histogram: &Histogram<u64>) -> InsertLatency {
        InsertLatency {
            implementation: implementation.to_string(),
            threads,
            inserts: histogram.len(),
            p50_ns: histogram.value_at_quantile(0.50),
            p99_ns: histogram.value_at_quantile(0.99),
            p999_ns: histogram.value_at_quantile(0.999),
            max_ns: histogram.max(),
        }
    }
}

/// One run of the workload on a fresh map, every insert timed.
fn latency<M: BenchMap>(
    name: &str,
    workload: &Workload,
    ops: &[Vec<Op>],
    make: fn(usize) -> M,
) -> InsertLatency {
    let map = make(workload.capacity);
    let (_, histograms) =
        kit::contention::run_with_state(&map, ops, histogram, |map, op, latencies| match *op {
            Op::Insert(key) => {
                timed(|| map.insert(key, key), latencies);
            }
            Op::Read(key) => {
                std::hint::black_box(map.get(key));
            }
            Op::Remove(key) => map.remove(key),
            Op::Update(key) => map.update(key),
        });
    InsertLatency::of(name, ops.len(), &merged(&histograms))
}

/// The same for the baseline, one thread's operations.
fn latency_alone(workload: &Workload, ops: &[Op]) -> InsertLatency {
    let map: HashMap<u64, u64, RandomState> =
        HashMap::with_capacity_and_hasher(workload.capacity, RandomState::new());
    let (_, (_, latencies)) =
        kit::contention::run_alone((map, histogram()), ops, |(map, latencies), op| match *op {
            Op::Insert(key) => timed(
                || {
                    map.insert(key, key);
                },
                latencies,
            ),
            Op::Read(key) => {
                std::hint::black_box(map.get(&key));
            }
            Op::Remove(key) => {
                map.remove(&key);
            }
            Op::Update(key) => {
                if let Some(v) = map.get_mut(&key) {
                    *v = v.wrapping_add(1);
                }
            }
        });
    InsertLatency::of(SINGLE, 1, &latencies)
}

fn insert_latency_markdown(rows: &[InsertLatency], per_thread: usize) -> String {
    let mut table = Table::new([
        ("map", Align::Left),
        ("threads", Align::Right),
        ("inserts", Align::Right),
        ("p50", Align::Right),
        ("p99", Align::Right),
        ("p99.9", Align::Right),
        ("max", Align::Right),
    ]);
    let time = |ns: u64| match ns {
        0..1_000 => format!("{ns} ns"),
        1_000..1_000_000 => format!("{:.1} µs", ns as f64 / 1e3),
        _ => format!("{:.1} ms", ns as f64 / 1e6),
    };
    for r in rows {
        table.row([
            r.implementation.clone(),
            r.threads.to_string(),
            r.inserts.to_string(),
            time(r.p50_ns),
            time(r.p99_ns),
            time(r.p999_ns),
            time(r.max_ns),
        ]);
    }
    let machine = kit::report::Fingerprint::detect().lines().join("; ");
    format!(
        "rapid-grow ({per_thread} operations per thread, 80% inserts of new keys into a map \
         created for 64 entries), one run per map, every insert timed with the clock \
         (which adds a few tens of nanoseconds to each). Machine: {machine}.\n\n{}",
        table.markdown()
    )
}

/// papaya with std's hasher. Every operation pins the map (an epoch guard,
/// thread-local), as a user's one-off call would.
struct Papaya(papaya::HashMap<u64, u64, RandomState>);

impl Papaya {
    fn with_capacity(capacity: usize) -> Self {
        Papaya(papaya::HashMap::with_capacity_and_hasher(
            capacity,
            RandomState::new(),
        ))
    }
}

impl BenchMap for Papaya {
    fn insert(&self, key: u64, value: u64) {
        self.0.pin().insert(key, value);
    }
    fn get(&self, key: u64) -> Option<u64> {
        self.0.pin().get(&key).copied()
    }
    fn remove(&self, key: u64) {
        self.0.pin().remove(&key);
    }
    fn update(&self, key: u64) {
        self.0.pin().update(key, |v| v.wrapping_add(1));
    }
}

/// scc's `HashMap` with std's hasher.
struct Scc(scc::HashMap<u64, u64, RandomState>);

impl Scc {
    fn with_capacity(capacity: usize) -> Self {
        Scc(scc::HashMap::with_capacity_and_hasher(
            capacity,
            RandomState::new(),
        ))
    }
}

impl BenchMap for Scc {
    fn insert(&self, key: u64, value: u64) {
        self.0.upsert_sync(key, value);
    }
    fn get(&self, key: u64) -> Option<u64> {
        self.0.read_sync(&key, |_, v| *v)
    }
    fn remove(&self, key: u64) {
        self.0.remove_sync(&key);
    }
    fn update(&self, key: u64) {
        self.0.update_sync(&key, |_, v| *v = v.wrapping_add(1));
    }
}

/// scc's `HashIndex` with std's hasher: reads take no lock and write
/// nothing shared; a write replaces the entry with a new copy.
struct SccIndex(scc::HashIndex<u64, u64, RandomState>);

impl SccIndex {
    fn with_capacity(capacity: usize) -> Self {
        SccIndex(scc::HashIndex::with_capacity_and_hasher(
            capacity,
            RandomState::new(),
        ))
    }
}

impl BenchMap for SccIndex {
    fn insert(&self, key: u64, value: u64) {
        match self.0.entry_sync(key) {
            scc::hash_index::Entry::Occupied(mut entry) => entry.update(value),
            scc::hash_index::Entry::Vacant(entry) => {
                entry.insert_entry(value);
            }
        }
    }
    fn get(&self, key: u64) -> Option<u64> {
        self.0.peek_with(&key, |_, v| *v)
    }
    fn remove(&self, key: u64) {
        self.0.remove_sync(&key);
    }
    fn update(&self, key: u64) {
        if let Some(mut entry) = self.0.get_sync(&key) {
            let value = entry.get().wrapping_add(1);
            entry.update(value);
        }
    }
}

fn time<M: BenchMap>(workload: &Workload, ops: &[Vec<Op>], map: M) -> Duration {
    for key in (0..workload.prefill_below).step_by(2) {
        map.insert(key, key);
    }
    kit::contention::run_once(&map, ops, |map, op| match *op {
        Op::Read(key) => {
            std::hint::black_box(map.get(key));
        }
        Op::Insert(key) => map.insert(key, key),
        Op::Remove(key) => map.remove(key),
        Op::Update(key) => map.update(key),
    })
}

/// The stripe counts of your map and of `StripedMap`, made as the sweep
/// makes them: the one setting that moves throughput most.
fn starter_settings() -> String {
    let reference = hashmap::Striped::stripes(&Striped::with_capacity(KEYS as usize));
    #[cfg(feature = "hashmap-starter")]
    {
        let made = std::panic::catch_unwind(|| {
            hashmap::Striped::stripes(&hashmap::starter::StarterMap::<u64, u64>::with_capacity(
                KEYS as usize,
            ))
        });
        match made {
            Ok(yours) => format!("your StarterMap has {yours} stripes; StripedMap has {reference}"),
            Err(_) => format!("StripedMap has {reference} stripes; yours could not be made"),
        }
    }
    #[cfg(not(feature = "hashmap-starter"))]
    format!("StripedMap has {reference} stripes")
}
