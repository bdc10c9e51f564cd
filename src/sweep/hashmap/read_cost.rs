//! Where a read's time goes. The sweep shows `SnapshotMap`, whose reads
//! take no lock, losing read-heavy to std's map on one thread; this
//! experiment takes its read apart. Each row adds one step to the one
//! above, on the same keys as read-heavy: the hash alone; one table; the
//! table cut into shards; each shard behind arc-swap; the whole
//! `SnapshotMap::get`. Then, on the same reads, a lock per shard
//! (`StripedMap`), one lock (`GlobalLockMap`), and `scc::HashIndex`. Then
//! the read-heavy mix itself, whose 2% writes copy a shard.
//!
//! Every row runs on one thread and on two, interleaved, so that each
//! ratio compares runs from the same seconds. On reads alone a plain
//! `HashMap` can be shared by two threads with no lock at all: nothing
//! writes. That row is the ceiling of a read.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Arc;
use std::time::Duration;

use hashbrown::HashTable;
use hashmap::ConcurrentMap;
use kit::report::{Align, Table};
use kit::sync::Snapshot;
use kit::workload::{Mix, Op};

use super::{
    BenchMap, Global, OPS_PER_THREAD, SINGLE, SccIndex, Snapshots, Striped, Workload, alone,
    contender, ns_cell, ratio_cell, workloads,
};
use crate::sweep::{Contender, Extra, ExtraTable, Measured, Point, Scale, measure_together};

pub(super) const READ_COST: Extra = Extra {
    name: "hashmap-read-cost",
    title: "read-heavy's reads taken apart: nanoseconds an operation, one thread and two",
    make: |_, scale| {
        let (per_thread, budget) = match scale {
            Scale::Test => (1 << 10, Duration::ZERO),
            Scale::Quick => (1 << 16, Duration::from_millis(150)),
            Scale::Full => (OPS_PER_THREAD, Duration::from_millis(400)),
        };
        let rows = read_cost(per_thread, budget);
        ExtraTable::with_rows(markdown(&rows, per_thread), rows)
    },
};

/// Reads only, on read-heavy's keys and prefilled map.
const READS_ONLY: Mix = Mix::new("reads only", 100, 0, 0, 0);

/// One row: a step, on a mix, at one thread and two.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReadCost {
    pub step: String,
    pub mix: String,
    /// Nanoseconds an operation on one thread.
    pub one_thread_ns: f64,
    /// Nanoseconds an operation on each of two threads (NaN where two
    /// threads cannot share the structure).
    pub two_threads_ns: f64,
    /// Throughput at two threads over this step's at one.
    pub two_over_one: f64,
    /// Throughput at two threads over std's map with no lock on one thread,
    /// on the same mix: the COST ratio.
    pub two_over_single: f64,
}

/// The steps, in order. A step's reads: `make` builds and fills the
/// structure outside the clock, `get` is one read.
struct Step {
    name: &'static str,
    mix: Mix,
    /// Whether two threads may share it (std's map may not once it writes).
    shared: bool,
    contender: fn(&'static str, &Arc<Vec<Vec<Op>>>) -> Contender,
}

fn steps() -> Vec<Step> {
    let read = |name, contender| Step {
        name,
        mix: READS_ONLY,
        shared: true,
        contender,
    };
    vec![
        read("SipHash of the key", |name, ops| {
            reads(name, ops, RandomState::new, |hasher, key| {
                Some(hasher.hash_one(key))
            })
        }),
        read(SINGLE, |name, ops| {
            reads(name, ops, filled_std, |map, key| map.get(&key).copied())
        }),
        read("the same keys in 256 tables", |name, ops| {
            reads(name, ops, Shards::filled, |s, key| {
                let (hash, table) = s.table(key);
                table.find(hash, |(k, _)| *k == key).map(|(_, v)| *v)
            })
        }),
        read("each table behind arc-swap", |name, ops| {
            reads(name, ops, Published::filled, |p, key| {
                let (hash, table) = p.table(key);
                table.read(|t| t.find(hash, |(k, _)| *k == key).map(|(_, v)| *v))
            })
        }),
        read("SnapshotMap", |name, ops| {
            reads(
                name,
                ops,
                || filled(Snapshots::with_capacity),
                BenchMap::get,
            )
        }),
        read("StripedMap", |name, ops| {
            reads(name, ops, || filled(Striped::with_capacity), BenchMap::get)
        }),
        read("GlobalLockMap", |name, ops| {
            reads(name, ops, || filled(Global::with_capacity), BenchMap::get)
        }),
        read("scc::HashIndex", |name, ops| {
            reads(name, ops, || filled(SccIndex::with_capacity), BenchMap::get)
        }),
        Step {
            name: SINGLE,
            mix: Mix::READ_HEAVY,
            shared: false,
            contender: |name, ops| {
                let ops = Arc::clone(ops);
                Contender::new(name, move || alone(&read_heavy(), &ops[0]))
            },
        },
        Step {
            name: "SnapshotMap",
            mix: Mix::READ_HEAVY,
            shared: true,
            contender: |name, ops| contender(name, read_heavy(), ops, Snapshots::with_capacity),
        },
        Step {
            name: "StripedMap",
            mix: Mix::READ_HEAVY,
            shared: true,
            contender: |name, ops| contender(name, read_heavy(), ops, Striped::with_capacity),
        },
    ]
}

fn read_heavy() -> Workload {
    workloads()[0]
}

/// Every step at one thread and two, all interleaved.
fn read_cost(per_thread: usize, budget: Duration) -> Vec<ReadCost> {
    let steps = steps();
    let ops = |mix: Mix, threads: usize| {
        let workload = Workload {
            mix,
            ..read_heavy()
        };
        Arc::new(workload.ops_of_length(threads, per_thread))
    };
    // One point per step and thread count: a point's contenders are named
    // by step, and two steps share a name (one per mix).
    let points: Vec<Point> = steps
        .iter()
        .flat_map(|step| {
            let counts: &[usize] = if step.shared { &[1, 2] } else { &[1] };
            counts.iter().map(|&threads| Point {
                exercise: "hashmap",
                workload: step.mix.name,
                threads,
                ops: (threads * per_thread) as u64,
                contenders: vec![(step.contender)(step.name, &ops(step.mix, threads))],
            })
        })
        .collect();
    let together: Vec<&Point> = points.iter().collect();
    let measured = measure_together(&together, budget, 5, |name, why| {
        eprintln!("skipping {name}: {why}");
    });
    let ns = |step: &Step, threads: usize| {
        measured
            .iter()
            .find(|m: &&Measured| {
                m.record.implementation == step.name
                    && m.record.workload == step.mix.name
                    && m.record.threads == threads
            })
            .map_or(f64::NAN, |m| m.record.seconds * 1e9 / per_thread as f64)
    };
    steps
        .iter()
        .map(|step| {
            let (one, two) = (ns(step, 1), ns(step, 2));
            let single = steps
                .iter()
                .find(|s| s.name == SINGLE && s.mix == step.mix)
                .map_or(f64::NAN, |s| ns(s, 1));
            ReadCost {
                step: step.name.to_string(),
                mix: step.mix.name.to_string(),
                one_thread_ns: one,
                two_threads_ns: two,
                two_over_one: 2.0 * one / two,
                two_over_single: 2.0 * single / two,
            }
        })
        .collect()
}

/// A contender that builds its structure with `make`, then times `get` on
/// every key of the point's operations (all reads).
fn reads<R: Sync + 'static>(
    name: &'static str,
    ops: &Arc<Vec<Vec<Op>>>,
    make: fn() -> R,
    get: fn(&R, u64) -> Option<u64>,
) -> Contender {
    let ops = Arc::clone(ops);
    Contender::new(name, move || {
        let structure = make();
        kit::contention::run_once(&structure, &ops, |structure, op| {
            if let Op::Read(key) = *op {
                std::hint::black_box(get(structure, key));
            }
        })
    })
}

/// The keys read-heavy starts with: `0, 2, 4, ...`, half of those it reads.
fn prefill() -> impl Iterator<Item = u64> {
    (0..read_heavy().prefill_below).step_by(2)
}

fn filled<M: BenchMap>(make: fn(usize) -> M) -> M {
    let map = make(read_heavy().capacity);
    prefill().for_each(|key| BenchMap::insert(&map, key, key));
    map
}

fn filled_std() -> HashMap<u64, u64, RandomState> {
    let mut map = HashMap::with_capacity_and_hasher(read_heavy().capacity, RandomState::new());
    prefill().for_each(|key| {
        map.insert(key, key);
    });
    map
}

/// One shard's table, as `SnapshotMap` keeps it.
type ShardTable = HashTable<(u64, u64)>;

/// The keys in `SnapshotMap`'s shard count of plain tables, picked as it
/// picks them, with no synchronisation at all.
struct Shards {
    hasher: RandomState,
    shift: u32,
    tables: Box<[ShardTable]>,
}

impl Shards {
    fn filled() -> Self {
        let shards = Snapshots::default_shards();
        let per_shard = read_heavy().capacity.div_ceil(shards);
        let mut this = Shards {
            hasher: RandomState::new(),
            shift: 64 - shards.trailing_zeros(),
            tables: (0..shards)
                .map(|_| HashTable::with_capacity(per_shard))
                .collect(),
        };
        let hasher = this.hasher.clone();
        for key in prefill() {
            let (hash, index) = this.place(key);
            this.tables[index].insert_unique(hash, (key, key), |(k, _)| hasher.hash_one(k));
        }
        this
    }

    /// The key's hash and shard, as `SnapshotMap::shard_of_hash` picks it:
    /// the top bits below hashbrown's own 7.
    fn place(&self, key: u64) -> (u64, usize) {
        let hash = self.hasher.hash_one(key);
        (hash, ((hash << 7) >> self.shift) as usize)
    }

    fn table(&self, key: u64) -> (u64, &ShardTable) {
        let (hash, index) = self.place(key);
        (hash, &self.tables[index])
    }
}

/// The same tables, each behind `kit::sync::Snapshot` (arc-swap), as
/// `SnapshotMap` keeps them, without its sequence numbers.
struct Published {
    shards: Shards,
    tables: Box<[Snapshot<ShardTable>]>,
}

impl Published {
    fn filled() -> Self {
        let mut shards = Shards::filled();
        let tables = std::mem::take(&mut shards.tables)
            .into_vec()
            .into_iter()
            .map(Snapshot::new)
            .collect();
        Published { shards, tables }
    }

    fn table(&self, key: u64) -> (u64, &Snapshot<ShardTable>) {
        let (hash, index) = self.shards.place(key);
        (hash, &self.tables[index])
    }
}

fn markdown(rows: &[ReadCost], per_thread: usize) -> String {
    let mut table = Table::new([
        ("step", Align::Left),
        ("mix", Align::Left),
        ("1 thread", Align::Right),
        ("2 threads, each", Align::Right),
        ("2 threads / 1", Align::Right),
        ("2 threads / std's map on 1", Align::Right),
    ]);
    for r in rows {
        table.row([
            r.step.clone(),
            r.mix.clone(),
            ns_cell(r.one_thread_ns),
            ns_cell(r.two_threads_ns),
            ratio_cell(r.two_over_one),
            ratio_cell(r.two_over_single),
        ]);
    }
    format!(
        "Nanoseconds an operation, medians of interleaved runs of {per_thread} operations per \
         thread on read-heavy's keys (65,536 keys, half present). Each of the first five \
         rows adds one step to the row above. On reads only, nothing writes, so two threads \
         may share std's map with no lock. The last column is throughput at two threads over \
         std's map with no lock on one thread, on the same mix.\n\n{}",
        table.markdown()
    )
}
