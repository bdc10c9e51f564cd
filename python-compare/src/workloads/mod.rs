//! The workloads, one file each; which ones run, and in what order, is the
//! registry's (`concur::registry`).

use anyhow::Result;
use pyo3::prelude::*;

use crate::workload::{Size, Unit, Workload};

pub mod crawler;
pub mod hashmap;
pub mod segment;
pub mod topk;
pub mod trie;

/// Builds the named workload's input, once, for both languages.
pub fn build(py: Python<'_>, name: &str, size: Size) -> Result<Workload> {
    match name {
        "hashmap" => hashmap::build(py, size),
        "topk" => topk::build(py, size),
        "trie" => trie::build(py, size),
        "segment" => segment::build(py, size),
        "crawler" => crawler::build(py, size),
        _ => anyhow::bail!(
            "unknown workload {name:?}; choose from {}",
            concur::registry::python_workloads().join(", ")
        ),
    }
}

/// The named workload's chart title and unit, without building its input
/// (to redraw a chart from a CSV).
pub fn labels(name: &str) -> Option<(&'static str, Unit)> {
    match name {
        "hashmap" => Some((hashmap::TITLE, hashmap::UNIT)),
        "topk" => Some((topk::TITLE, topk::UNIT)),
        "trie" => Some((trie::TITLE, trie::UNIT)),
        "segment" => Some((segment::TITLE, segment::UNIT)),
        "crawler" => Some((crawler::TITLE, crawler::UNIT)),
        _ => None,
    }
}

/// `items` cut into `parts` contiguous slices of near-equal length, as
/// Python's `common.split` cuts them.
pub fn split<T>(items: &[T], parts: usize) -> Vec<&[T]> {
    let parts = parts.clamp(1, items.len().max(1));
    let (size, extra) = (items.len() / parts, items.len() % parts);
    let mut out = Vec::with_capacity(parts);
    let mut start = 0;
    for i in 0..parts {
        let end = start + size + usize::from(i < extra);
        out.push(&items[start..end]);
        start = end;
    }
    out
}
