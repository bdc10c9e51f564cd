//! The hashmap contention sweep: bustle's mixes on every map, dashmap as the
//! peer.

use std::collections::hash_map::RandomState;
use std::sync::Arc;
use std::time::Duration;

use dashmap::DashMap;
use hashmap::{ConcurrentMap, GlobalLockMap, RwLockMap, StripedMap};
use kit::workload::{KeyDist, Mix, Op};

use super::{Contender, Point, Sweep};

/// The hashmap sweep: bustle's mixes, 4 workloads, every map.
pub const SWEEP: Sweep = Sweep {
    exercise: "hashmap",
    title: "hashmap: throughput against threads",
    unit: "million ops/s",
    bench_threads: &[1, 2, 4, 8],
    baseline: "GlobalLockMap",
    versus: Some(("StripedMap", "dashmap")),
    points,
    extra: None,
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
    let contenders = Implementation::all()
        .into_iter()
        .map(|implementation| {
            let ops = Arc::clone(&ops);
            Contender {
                name: implementation.name(),
                run: Box::new(move || implementation.run_once(&workload, &ops)),
            }
        })
        .collect();
    Point {
        exercise: "hashmap",
        workload: workload.name,
        threads,
        ops: (threads * OPS_PER_THREAD) as u64,
        contenders,
    }
}

/// Operations each thread applies in one run. Enough that a run lasts
/// milliseconds (so spawning threads is noise), few enough that a sweep of
/// 80 configurations stays within a few minutes.
pub const OPS_PER_THREAD: usize = 1 << 16;

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
        let keys = self.keys.sampler();
        (0..threads)
            .map(|thread| self.mix.ops(&keys, SEED, thread, OPS_PER_THREAD))
            .collect()
    }
}

/// The maps in the sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Implementation {
    GlobalLock,
    RwLock,
    Striped,
    /// The same map with 8 shards instead of 64 per core: the knob that
    /// matters most.
    StripedFew,
    /// The peer: the most used concurrent map in Rust, sharded like ours.
    DashMap,
    /// The candidate's map (with the `starter` feature).
    #[cfg(feature = "starter")]
    Starter,
}

impl Implementation {
    pub fn all() -> Vec<Implementation> {
        vec![
            Implementation::GlobalLock,
            Implementation::RwLock,
            Implementation::Striped,
            Implementation::StripedFew,
            Implementation::DashMap,
            #[cfg(feature = "starter")]
            Implementation::Starter,
        ]
    }

    pub fn name(self) -> &'static str {
        match self {
            Implementation::GlobalLock => "GlobalLockMap",
            Implementation::RwLock => "RwLockMap",
            Implementation::Striped => "StripedMap",
            Implementation::StripedFew => "StripedMap (8 shards)",
            Implementation::DashMap => "dashmap",
            #[cfg(feature = "starter")]
            Implementation::Starter => "StarterMap",
        }
    }

    /// One run: a fresh map, prefilled, then `ops` on one thread per list.
    /// Only the operations are timed.
    pub fn run_once(self, workload: &Workload, ops: &[Vec<Op>]) -> Duration {
        let capacity = workload.capacity;
        match self {
            Implementation::GlobalLock => time(workload, ops, Global::with_capacity(capacity)),
            Implementation::RwLock => time(workload, ops, RwLocked::with_capacity(capacity)),
            Implementation::Striped => time(workload, ops, Striped::with_capacity(capacity)),
            Implementation::StripedFew => time(
                workload,
                ops,
                Striped::with_shards_and_capacity(FEW_SHARDS, capacity),
            ),
            Implementation::DashMap => time(workload, ops, Peer::with_capacity(capacity)),
            #[cfg(feature = "starter")]
            Implementation::Starter => time(
                workload,
                ops,
                hashmap::starter::StarterMap::<u64, u64>::with_capacity(capacity),
            ),
        }
    }
}

type Global = GlobalLockMap<u64, u64>;
type RwLocked = RwLockMap<u64, u64>;
type Striped = StripedMap<u64, u64>;

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
