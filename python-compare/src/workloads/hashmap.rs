//! A shared map under a stream of operations: `GlobalLockMap` (Hashtable)
//! and `StripedMap` (ConcurrentHashMap) against a Python dict.

use std::sync::Arc;

use anyhow::Result;
use hashmap::{ConcurrentMap, GlobalLockMap, StripedMap};
use kit::workload::{KeyDist, Mix, Op};
use pyo3::prelude::*;

use crate::workload::{Answer, RustVariant, Size, Unit, Workload, timed};

const KEYS: u64 = 100_000;

/// The chart's title and unit, known without building the input.
pub const TITLE: &str = "hashmap: operations per second, exchange mix (10/40/40/10)";
pub const UNIT: Unit = Unit {
    label: "million ops/s",
    scale: 1e6,
};

pub fn build(py: Python<'_>, size: Size) -> Result<Workload> {
    let count = match size {
        Size::Full => 1_000_000,
        Size::Small => 20_000,
    };
    let keys = KeyDist::Uniform { n: KEYS }.sampler();
    let ops: Arc<Vec<Op>> = Arc::new(Mix::EXCHANGE.ops(&keys, 11, 0, count));
    // Python's form: (code, key), codes as in hashmap.py.
    let python_ops: Vec<(u8, u64)> = ops
        .iter()
        .map(|op| match *op {
            Op::Read(k) => (0, k),
            Op::Insert(k) => (1, k),
            Op::Remove(k) => (2, k),
            Op::Update(k) => (3, k),
        })
        .collect();
    let striped = Arc::clone(&ops);
    Ok(Workload {
        name: "hashmap",
        title: TITLE,
        unit: UNIT,
        items: Some(count as u64),
        module: "hashmap".to_string(),
        python_variants: vec!["sequential", "threads", "processes"],
        python_input: python_ops.into_pyobject(py)?.into_any().unbind(),
        rust: vec![
            RustVariant {
                name: "StripedMap",
                parallel: true,
                run: Box::new(move |workers| run::<StripedMap<u64, u64>>(&striped, workers)),
            },
            RustVariant {
                name: "GlobalLockMap",
                parallel: true,
                run: Box::new(move |workers| run::<GlobalLockMap<u64, u64>>(&ops, workers)),
            },
        ],
        keep: None,
    })
}

/// Splits the operations by `key % workers`, as hashmap.py does, so that
/// each key's operations run in order on one thread and the final map does
/// not depend on how the threads interleave. The threads share one map.
fn run<M: ConcurrentMap<u64, u64>>(
    ops: &[Op],
    workers: usize,
) -> Result<(std::time::Duration, Answer)> {
    let map = M::with_capacity(KEYS as usize);
    let (elapsed, hits) = timed(|| {
        let mut parts: Vec<Vec<Op>> = vec![Vec::new(); workers];
        for op in ops {
            let (Op::Read(k) | Op::Insert(k) | Op::Remove(k) | Op::Update(k)) = *op;
            parts[(k % workers as u64) as usize].push(*op);
        }
        std::thread::scope(|scope| {
            let handles: Vec<_> = parts
                .iter()
                .map(|part| scope.spawn(|| apply(&map, part)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a map worker panicked"))
                .sum::<u64>()
        })
    });
    let items = (0..KEYS)
        .filter_map(|k| map.get(&k).map(|v| (k, v)))
        .collect();
    Ok((elapsed, Answer::Table { hits, items }))
}

fn apply<M: ConcurrentMap<u64, u64>>(map: &M, ops: &[Op]) -> u64 {
    let mut hits = 0;
    for op in ops {
        match *op {
            Op::Read(k) => hits += u64::from(map.get(&k).is_some()),
            Op::Insert(k) => {
                map.insert(k, k);
            }
            Op::Remove(k) => {
                map.remove(&k);
            }
            Op::Update(k) => {
                map.update(&k, |v| *v += 1);
            }
        }
    }
    hits
}
