//! Autocomplete reads: `SnapshotTrie` and `RwLockTrie` against a Python
//! trie of dicts, each node caching its top 3.

use std::sync::Arc;

use anyhow::Result;
use kit::workload::{Queries, Rng};
use pyo3::prelude::*;
use trie::{RwLockTrie, SnapshotTrie, Suggester, Trie};

use super::split;
use crate::workload::{Answer, RustVariant, Size, Unit, Workload, timed};

/// The chart's title and unit, known without building the input.
pub const TITLE: &str = "trie: top-3 suggestions per second";
pub const UNIT: Unit = Unit {
    label: "million queries/s",
    scale: 1e6,
};

pub fn build(py: Python<'_>, size: Size) -> Result<Workload> {
    let (sentences, count) = match size {
        Size::Full => (50_000, 150_000),
        Size::Small => (500, 3_000),
    };
    let log = Queries::new(sentences, 1.0, 3);
    // Popular sentences searched more, counts falling with rank (ties, so
    // the alphabetical tie-break matters too).
    let pairs: Vec<(String, u64)> = log
        .vocabulary
        .iter()
        .enumerate()
        .map(|(rank, s)| (s.clone(), 1 + 100_000 / (rank as u64 + 1)))
        .collect();
    // Users type the first 1 to 8 characters of what they look for.
    let mut rng = Rng::new(9);
    let prefixes: Arc<Vec<String>> = Arc::new(
        log.stream(4, 0, count)
            .into_iter()
            .map(|i| {
                let sentence = log.text(i);
                let len = (1 + rng.below(8) as usize).min(sentence.len());
                sentence[..len].to_string()
            })
            .collect(),
    );
    let trie = Trie::from_counts(pairs.iter().map(|(s, c)| (s.as_str(), *c)));
    let snapshot = Arc::new(SnapshotTrie::new(trie.clone()));
    let rwlock = Arc::new(RwLockTrie::new(trie));
    let python_input = (pairs, prefixes.as_slice())
        .into_pyobject(py)?
        .into_any()
        .unbind();
    let rwlock_prefixes = Arc::clone(&prefixes);
    Ok(Workload {
        name: "trie",
        title: TITLE,
        unit: UNIT,
        items: Some(count as u64),
        module: "trie".to_string(),
        python_variants: vec!["sequential", "threads", "processes", "processes-cold"],
        python_input,
        rust: vec![
            RustVariant {
                name: "SnapshotTrie",
                parallel: true,
                run: Box::new(move |workers| run(&*snapshot, &prefixes, workers)),
            },
            RustVariant {
                name: "RwLockTrie",
                parallel: true,
                run: Box::new(move |workers| run(&*rwlock, &rwlock_prefixes, workers)),
            },
        ],
        keep: None,
    })
}

fn run(
    trie: &impl Suggester,
    prefixes: &[String],
    workers: usize,
) -> Result<(std::time::Duration, Answer)> {
    let (elapsed, lists) = timed(|| {
        std::thread::scope(|scope| {
            let handles: Vec<_> = split(prefixes, workers)
                .into_iter()
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|p| {
                                trie.suggest(p, 3)
                                    .into_iter()
                                    .map(|(sentence, _)| sentence)
                                    .collect::<Vec<_>>()
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("a trie reader panicked"))
                .collect()
        })
    });
    Ok((elapsed, Answer::Lists(lists)))
}
