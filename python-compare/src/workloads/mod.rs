//! The five workloads, one file each, in the order of the exercises.

use anyhow::Result;
use pyo3::prelude::*;

use crate::workload::{Size, Workload};

pub mod crawler;
pub mod hashmap;
pub mod segment;
pub mod topk;
pub mod trie;

/// Every workload's name, in the order they run.
pub const NAMES: [&str; 5] = ["hashmap", "topk", "trie", "segment", "crawler"];

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
            NAMES.join(", ")
        ),
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
