//! Where `StripedMap` loses to `scc::HashMap` on exchange. Both use std's
//! SipHash, so the hasher is not it. This experiment changes one part of a
//! striped map at a time (the lock type, the padding, the shard count, one
//! cache line more for every operation) and runs exchange's operations on
//! each at one thread and two, beside `StripedMap` itself and
//! `scc::HashMap`. Two last rows give each thread
//! keys of its own: in shards of its own for the striped map, so that the
//! two cores share no line at all, and the same keys on scc, whose buckets
//! still mix the two threads' keys.

use std::collections::hash_map::{DefaultHasher, RandomState};
use std::hash::{BuildHasher, BuildHasherDefault};
use std::sync::Arc;
use std::time::Duration;

use crossbeam_utils::CachePadded;
use hashbrown::HashTable;
use hashmap::{ConcurrentMap, Striped as _};
use kit::report::{Align, Table};
use kit::workload::Op;

use super::{
    BenchMap, OPS_PER_THREAD, SINGLE, Scc, Striped, Workload, alone, contender, ns_cell,
    ratio_cell, workloads,
};
use crate::sweep::{Contender, Extra, ExtraTable, Measured, Point, Scale, measure_together};

pub(super) const EXCHANGE_COST: Extra = Extra {
    name: "hashmap-exchange-cost",
    title: "exchange: a striped map's parts changed one at a time, beside scc::HashMap",
    make: |_, scale| {
        let (per_thread, budget) = match scale {
            Scale::Test => (1 << 10, Duration::ZERO),
            Scale::Quick => (1 << 16, Duration::from_millis(100)),
            Scale::Full => (OPS_PER_THREAD, Duration::from_millis(300)),
        };
        let rows = exchange_cost(per_thread, budget);
        ExtraTable::with_rows(markdown(&rows, per_thread), rows)
    },
};

/// One row: a map at one thread and two, on exchange.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExchangeCost {
    pub map: String,
    /// What differs from `StripedMap`.
    pub change: String,
    /// Nanoseconds an operation on one thread.
    pub one_thread_ns: f64,
    /// Nanoseconds an operation on each of two threads (NaN for std's map).
    pub two_threads_ns: f64,
    /// Throughput at two threads over this map's at one.
    pub two_over_one: f64,
    /// Throughput at two threads over `scc::HashMap`'s at two.
    pub two_over_scc: f64,
}

/// Each thread's operations.
type Ops = Arc<Vec<Vec<Op>>>;

/// The rows: a name, what it changes, and how to make its contender.
struct Row {
    map: &'static str,
    change: &'static str,
    make: fn(&'static str, Workload, &Ops) -> Contender,
}

const SCC: &str = "scc::HashMap";

const ROWS: [Row; 12] = [
    Row {
        map: SINGLE,
        change: "one thread, no lock",
        make: |_, workload, ops| {
            let ops = Arc::clone(ops);
            Contender::new(SINGLE, move || alone(&workload, &ops[0]))
        },
    },
    Row {
        map: SCC,
        change: "the peer: a lock in each bucket's metadata line",
        make: |name, workload, ops| contender(name, workload, ops, Scc::with_capacity),
    },
    Row {
        map: "StripedMap",
        change: "none: 64 shards a core, RwLock, padded",
        make: |name, workload, ops| contender(name, workload, ops, Striped::with_capacity),
    },
    Row {
        map: "parts, as StripedMap",
        change: "none: rebuilt from the parts below",
        make: |name, workload, ops| {
            contender(
                name,
                workload,
                ops,
                Parts::<Padded<RwLocked>>::with_capacity,
            )
        },
    },
    Row {
        map: "parts, Mutex",
        change: "a Mutex for the RwLock",
        make: |name, workload, ops| {
            contender(name, workload, ops, Parts::<Padded<Locked>>::with_capacity)
        },
    },
    Row {
        map: "parts, unpadded",
        change: "shards not padded to their own lines",
        make: |name, workload, ops| {
            contender(name, workload, ops, Parts::<RwLocked>::with_capacity)
        },
    },
    Row {
        map: "parts, header apart",
        change: "the table's header off the lock's line: one line more",
        make: |name, workload, ops| {
            contender(
                name,
                workload,
                ops,
                Parts::<Padded<HeaderApart>>::with_capacity,
            )
        },
    },
    Row {
        map: "StripedMap, 8 shards",
        change: "8 shards",
        make: |name, workload, ops| contender(name, workload, ops, |c| shards(8, c)),
    },
    Row {
        map: "StripedMap, 64 shards",
        change: "64 shards",
        make: |name, workload, ops| contender(name, workload, ops, |c| shards(64, c)),
    },
    Row {
        map: "StripedMap, 4096 shards",
        change: "4096 shards",
        make: |name, workload, ops| contender(name, workload, ops, |c| shards(4096, c)),
    },
    Row {
        map: "StripedMap, keys apart",
        change: "each thread's keys in shards of its own",
        make: |name, workload, ops| {
            let ops = Arc::new(apart(ops));
            contender(name, workload, &ops, Fixed::with_capacity)
        },
    },
    Row {
        map: "scc::HashMap, keys apart",
        change: "the peer on the row above's keys: no key shared, lines still are",
        make: |name, workload, ops| {
            let ops = Arc::new(apart(ops));
            contender(name, workload, &ops, Scc::with_capacity)
        },
    },
];

fn shards(shards: usize, capacity: usize) -> Striped {
    Striped::with_shards_and_capacity(shards, capacity)
}

/// `StripedMap` with SipHash under fixed keys, so that a key's shard is
/// known before the map is made.
type Fixed = hashmap::StripedMap<u64, u64, BuildHasherDefault<DefaultHasher>>;

/// The same operations, with every key moved into a shard of its thread's:
/// thread `t` of `T` gets the keys whose shard is `t` modulo `T`, in their
/// order, in place of `0, 1, 2, ...`. Prefilled keys stay about half of each
/// thread's keys, as in exchange.
fn apart(ops: &[Vec<Op>]) -> Vec<Vec<Op>> {
    let threads = ops.len();
    let map = Fixed::with_capacity(0);
    let keys = super::KEYS;
    let own: Vec<Vec<u64>> = (0..threads)
        .map(|t| {
            (0..keys)
                .filter(|key| map.stripe_of(key) % threads == t)
                .collect()
        })
        .collect();
    ops.iter()
        .zip(&own)
        .map(|(ops, own)| {
            let to = |key: u64| own[key as usize % own.len()];
            ops.iter()
                .map(|op| match *op {
                    Op::Read(k) => Op::Read(to(k)),
                    Op::Insert(k) => Op::Insert(to(k)),
                    Op::Remove(k) => Op::Remove(to(k)),
                    Op::Update(k) => Op::Update(to(k)),
                })
                .collect()
        })
        .collect()
}

fn exchange() -> Workload {
    workloads()[1]
}

fn exchange_cost(per_thread: usize, budget: Duration) -> Vec<ExchangeCost> {
    let workload = exchange();
    let points: Vec<Point> = [1, 2]
        .into_iter()
        .map(|threads| {
            let ops = Arc::new(workload.ops_of_length(threads, per_thread));
            Point {
                exercise: "hashmap",
                workload: workload.name,
                threads,
                ops: (threads * per_thread) as u64,
                contenders: ROWS
                    .iter()
                    .filter(|row| threads == 1 || row.map != SINGLE)
                    .map(|row| (row.make)(row.map, workload, &ops))
                    .collect(),
            }
        })
        .collect();
    let together: Vec<&Point> = points.iter().collect();
    let measured = measure_together(&together, budget, 5, |name, why| {
        eprintln!("skipping {name}: {why}");
    });
    let ns = |map: &str, threads: usize| {
        measured
            .iter()
            .find(|m: &&Measured| m.record.implementation == map && m.record.threads == threads)
            .map_or(f64::NAN, |m| m.record.seconds * 1e9 / per_thread as f64)
    };
    let scc = ns(SCC, 2);
    ROWS.iter()
        .map(|row| {
            let (one, two) = (ns(row.map, 1), ns(row.map, 2));
            ExchangeCost {
                map: row.map.to_string(),
                change: row.change.to_string(),
                one_thread_ns: one,
                two_threads_ns: two,
                two_over_one: 2.0 * one / two,
                two_over_scc: scc / two,
            }
        })
        .collect()
}

/// A striped map assembled from a shard type, so that the experiment can
/// swap one part: the same hashing, shard choice and table as `StripedMap`.
struct Parts<L> {
    shards: Box<[L]>,
    shift: u32,
    hasher: RandomState,
}

type Shard = HashTable<(u64, u64)>;

/// A shard: a table behind some lock, read or written in a closure.
trait Guarded: Sync {
    fn new(table: Shard) -> Self;
    fn read<R>(&self, f: impl FnOnce(&Shard) -> R) -> R;
    fn write<R>(&self, f: impl FnOnce(&mut Shard) -> R) -> R;
}

type RwLocked = kit::sync::RwLock<Shard>;
type Locked = kit::sync::Mutex<Shard>;
/// The table's header (its pointer, length and room left, which an insert
/// or a remove writes) in a block of its own instead of on the lock's line:
/// one line more for every operation to move between the cores.
type HeaderApart = kit::sync::RwLock<Box<Shard>>;
type Padded<L> = CachePadded<L>;

impl Guarded for RwLocked {
    fn new(table: Shard) -> Self {
        kit::sync::RwLock::new(table)
    }
    fn read<R>(&self, f: impl FnOnce(&Shard) -> R) -> R {
        f(&self.read())
    }
    fn write<R>(&self, f: impl FnOnce(&mut Shard) -> R) -> R {
        f(&mut self.write())
    }
}

impl Guarded for Locked {
    fn new(table: Shard) -> Self {
        kit::sync::Mutex::new(table)
    }
    fn read<R>(&self, f: impl FnOnce(&Shard) -> R) -> R {
        f(&self.lock())
    }
    fn write<R>(&self, f: impl FnOnce(&mut Shard) -> R) -> R {
        f(&mut self.lock())
    }
}

impl Guarded for HeaderApart {
    fn new(table: Shard) -> Self {
        kit::sync::RwLock::new(Box::new(table))
    }
    fn read<R>(&self, f: impl FnOnce(&Shard) -> R) -> R {
        f(&self.read())
    }
    fn write<R>(&self, f: impl FnOnce(&mut Shard) -> R) -> R {
        f(&mut self.write())
    }
}

impl<L: Guarded + Send> Guarded for Padded<L> {
    fn new(table: Shard) -> Self {
        CachePadded::new(L::new(table))
    }
    fn read<R>(&self, f: impl FnOnce(&Shard) -> R) -> R {
        (**self).read(f)
    }
    fn write<R>(&self, f: impl FnOnce(&mut Shard) -> R) -> R {
        (**self).write(f)
    }
}

impl<L: Guarded> Parts<L> {
    fn with_capacity(capacity: usize) -> Self {
        let shards = Striped::default_shards();
        let per_shard = capacity.div_ceil(shards);
        Self {
            shards: (0..shards)
                .map(|_| L::new(HashTable::with_capacity(per_shard)))
                .collect(),
            shift: 64 - shards.trailing_zeros(),
            hasher: RandomState::new(),
        }
    }

    /// The hash and its shard, as `StripedMap::shard_of_hash` picks it.
    fn place(&self, key: u64) -> (u64, &L) {
        let hash = self.hasher.hash_one(key);
        (hash, &self.shards[((hash << 7) >> self.shift) as usize])
    }
}

impl<L: Guarded> BenchMap for Parts<L> {
    fn insert(&self, key: u64, value: u64) {
        let (hash, shard) = self.place(key);
        shard.write(|table| {
            let rehash = |(k, _): &(u64, u64)| self.hasher.hash_one(k);
            match table.entry(hash, |(k, _)| *k == key, rehash) {
                hashbrown::hash_table::Entry::Occupied(mut entry) => entry.get_mut().1 = value,
                hashbrown::hash_table::Entry::Vacant(entry) => {
                    entry.insert((key, value));
                }
            }
        });
    }
    fn get(&self, key: u64) -> Option<u64> {
        let (hash, shard) = self.place(key);
        shard.read(|table| table.find(hash, |(k, _)| *k == key).map(|(_, v)| *v))
    }
    fn remove(&self, key: u64) {
        let (hash, shard) = self.place(key);
        shard.write(|table| {
            if let Ok(entry) = table.find_entry(hash, |(k, _)| *k == key) {
                entry.remove();
            }
        });
    }
    fn update(&self, key: u64) {
        let (hash, shard) = self.place(key);
        shard.write(|table| {
            if let Some((_, v)) = table.find_mut(hash, |(k, _)| *k == key) {
                *v = v.wrapping_add(1);
            }
        });
    }
}

fn markdown(rows: &[ExchangeCost], per_thread: usize) -> String {
    let mut table = Table::new([
        ("map", Align::Left),
        ("changed from StripedMap", Align::Left),
        ("1 thread", Align::Right),
        ("2 threads, each", Align::Right),
        ("2 threads / 1", Align::Right),
        ("2 threads / scc::HashMap's", Align::Right),
    ]);
    for r in rows {
        table.row([
            r.map.clone(),
            r.change.clone(),
            ns_cell(r.one_thread_ns),
            ns_cell(r.two_threads_ns),
            ratio_cell(r.two_over_one),
            ratio_cell(r.two_over_scc),
        ]);
    }
    format!(
        "exchange's operations ({per_thread} per thread: 10% reads, 40% inserts, 40% removes, \
         10% updates over 65,536 keys, half present), every map with std's SipHash. \
         Nanoseconds an operation, medians of interleaved runs. The last column is \
         throughput at two threads over scc::HashMap's at two: the gap, row by row.\n\n{}",
        table.markdown()
    )
}
