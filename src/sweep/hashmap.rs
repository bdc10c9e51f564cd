//! The hashmap contention sweep: bustle's mixes on every map, dashmap as the
//! peer.

use std::collections::hash_map::RandomState;
use std::sync::Arc;
use std::time::Duration;

use dashmap::DashMap;
use hashmap::{ConcurrentMap, GlobalLockMap, RwLockMap, StripedMap};
use kit::workload::{KeyDist, Mix, Op};

use super::{Contender, Point, Starter, Sweep};

/// The hashmap sweep: bustle's mixes, 4 workloads, every map.
pub const SWEEP: Sweep = Sweep {
    exercise: "hashmap",
    title: "hashmap: throughput against threads",
    unit: "million ops/s",
    bench_threads: &[1, 2, 4, 8],
    baseline: "GlobalLockMap",
    versus: Some(("StripedMap", "dashmap")),
    points,
    extras: &[],
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
    Point {
        exercise: "hashmap",
        workload: workload.name,
        threads,
        ops: (threads * OPS_PER_THREAD) as u64,
        contenders: vec![
            contender("GlobalLockMap", workload, &ops, Global::with_capacity),
            contender("RwLockMap", workload, &ops, RwLocked::with_capacity),
            contender("StripedMap", workload, &ops, Striped::with_capacity),
            // The same map with 8 shards instead of 64 per core: the knob
            // that matters most.
            contender("StripedMap (8 shards)", workload, &ops, |c| {
                Striped::with_shards_and_capacity(FEW_SHARDS, c)
            }),
            // The peer: the most used concurrent map in Rust, sharded like
            // ours.
            contender("dashmap", workload, &ops, Peer::with_capacity),
            #[cfg(feature = "hashmap-starter")]
            contender(
                "StarterMap",
                workload,
                &ops,
                hashmap::starter::StarterMap::<u64, u64>::with_capacity,
            ),
        ],
    }
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
