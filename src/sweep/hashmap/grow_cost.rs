//! What growing costs on rapid-grow. On that mix almost every operation
//! inserts a new key into a map created for 64 entries, and the sweep finds
//! two threads slower than one. This experiment runs the same operations on
//! maps created large enough for every key they will get, so that nothing
//! grows, beside the sweep's small ones: if two threads gain on the large
//! maps, growing is what they lose to.

use std::sync::Arc;
use std::time::Duration;

use hashmap::ConcurrentMap;
use kit::report::{Align, Table};

use super::{
    Global, OPS_PER_THREAD, Peer, SINGLE, Striped, Workload, alone, contender, ns_cell, ratio_cell,
    workloads,
};
use crate::sweep::{Contender, Extra, ExtraTable, Measured, Point, Scale, measure_together};

pub(super) const GROW_COST: Extra = Extra {
    name: "hashmap-grow-cost",
    title: "rapid-grow on maps that grow, and on maps created for every key",
    make: |_, scale| {
        let (per_thread, budget) = match scale {
            Scale::Test => (1 << 10, Duration::ZERO),
            Scale::Quick => (1 << 16, Duration::from_millis(150)),
            Scale::Full => (OPS_PER_THREAD, Duration::from_millis(400)),
        };
        let rows = grow_cost(per_thread, budget);
        ExtraTable::with_rows(markdown(&rows, per_thread), rows)
    },
};

/// One row: a map, created small or for every key, at one thread and two.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GrowCost {
    pub implementation: String,
    /// "64" (the sweep's) or "every key".
    pub created_for: String,
    /// Nanoseconds an operation on one thread.
    pub one_thread_ns: f64,
    /// Nanoseconds an operation on each of two threads (NaN for std's map,
    /// which two threads cannot share).
    pub two_threads_ns: f64,
    /// Throughput at two threads over this map's at one.
    pub two_over_one: f64,
    /// Throughput at two threads over std's map on one thread, created the
    /// same way: the COST ratio.
    pub two_over_single: f64,
}

fn rapid_grow() -> Workload {
    workloads()[2]
}

/// The sweep's small map, and one created for every key a run can insert.
fn sizes(per_thread: usize) -> [(&'static str, Workload); 2] {
    [
        ("64", rapid_grow()),
        (
            "every key",
            Workload {
                capacity: 2 * per_thread,
                ..rapid_grow()
            },
        ),
    ]
}

const MAPS: [&str; 4] = [SINGLE, "GlobalLockMap", "StripedMap", "dashmap"];

fn make_contender(
    name: &'static str,
    workload: Workload,
    ops: &Arc<Vec<Vec<kit::workload::Op>>>,
) -> Contender {
    match name {
        "GlobalLockMap" => contender(name, workload, ops, Global::with_capacity),
        "StripedMap" => contender(name, workload, ops, Striped::with_capacity),
        "dashmap" => contender(name, workload, ops, Peer::with_capacity),
        _ => {
            let ops = Arc::clone(ops);
            Contender::new(SINGLE, move || alone(&workload, &ops[0]))
        }
    }
}

fn grow_cost(per_thread: usize, budget: Duration) -> Vec<GrowCost> {
    // A point per size and thread count; its workload names the size, so
    // the records of the two sizes stay apart.
    let mut points = Vec::new();
    for (size, workload) in sizes(per_thread) {
        for threads in [1, 2] {
            let ops = Arc::new(workload.ops_of_length(threads, per_thread));
            points.push(Point {
                exercise: "hashmap",
                workload: size,
                threads,
                ops: (threads * per_thread) as u64,
                contenders: MAPS
                    .iter()
                    .filter(|&&m| threads == 1 || m != SINGLE)
                    .map(|&m| make_contender(m, workload, &ops))
                    .collect(),
            });
        }
    }
    let together: Vec<&Point> = points.iter().collect();
    let measured = measure_together(&together, budget, 5, |name, why| {
        eprintln!("skipping {name}: {why}");
    });
    let ns = |map: &str, size: &str, threads: usize| {
        measured
            .iter()
            .find(|m: &&Measured| {
                m.record.implementation == map
                    && m.record.workload == size
                    && m.record.threads == threads
            })
            .map_or(f64::NAN, |m| m.record.seconds * 1e9 / per_thread as f64)
    };
    let mut rows = Vec::new();
    for (size, _) in sizes(per_thread) {
        let single = ns(SINGLE, size, 1);
        for map in MAPS {
            let (one, two) = (ns(map, size, 1), ns(map, size, 2));
            rows.push(GrowCost {
                implementation: map.to_string(),
                created_for: size.to_string(),
                one_thread_ns: one,
                two_threads_ns: two,
                two_over_one: 2.0 * one / two,
                two_over_single: 2.0 * single / two,
            });
        }
    }
    rows
}

fn markdown(rows: &[GrowCost], per_thread: usize) -> String {
    let mut table = Table::new([
        ("map", Align::Left),
        ("created for", Align::Left),
        ("1 thread", Align::Right),
        ("2 threads, each", Align::Right),
        ("2 threads / 1", Align::Right),
        ("2 threads / std's map on 1", Align::Right),
    ]);
    for r in rows {
        table.row([
            r.implementation.clone(),
            r.created_for.clone(),
            ns_cell(r.one_thread_ns),
            ns_cell(r.two_threads_ns),
            ratio_cell(r.two_over_one),
            ratio_cell(r.two_over_single),
        ]);
    }
    format!(
        "rapid-grow's operations ({per_thread} per thread, 80% inserts of new keys), on maps \
         created for 64 entries as in the sweep and on maps created for every key a run can \
         insert, so that nothing grows. Nanoseconds an operation, medians of interleaved \
         runs. A table made for every key is larger from the start, so one thread's \
         operations miss the cache more often on it.\n\n{}",
        table.markdown()
    )
}
