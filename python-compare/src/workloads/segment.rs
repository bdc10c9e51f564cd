//! Word segmentation of a corpus: concur's jieba-compatible segmenter,
//! `Sequential` and `ScopedThreads`, against the real jieba (`HMM=False`).

use std::sync::Arc;

use anyhow::Result;
use pyo3::prelude::*;
use segment::{Dictionary, ScopedThreads, Segmenter, Sequential, Strategy};

use crate::workload::{Answer, RustVariant, Size, Unit, Workload, timed};

/// The file `Dictionary::jieba()` is compiled from; jieba loads it too.
pub const DICTIONARY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/jieba.dict.txt");

/// The chart's title and unit, known without building the input.
pub const TITLE: &str = "segment: MB of text segmented per second (jieba's dictionary, no HMM)";
pub const UNIT: Unit = Unit {
    label: "MB/s",
    scale: 1e6,
};

pub fn build(py: Python<'_>, size: Size) -> Result<Workload> {
    let bytes = match size {
        Size::Full => 1_000_000,
        Size::Small => 20_000,
    };
    let corpus = Arc::new(segment::corpus::generate(bytes, 13));
    let segmenter = Arc::new(Segmenter::new(Dictionary::jieba()));
    let python_input = (corpus.as_str(), DICTIONARY)
        .into_pyobject(py)?
        .into_any()
        .unbind();
    let (scoped_corpus, scoped_segmenter) = (Arc::clone(&corpus), Arc::clone(&segmenter));
    Ok(Workload {
        name: "segment",
        title: TITLE,
        unit: UNIT,
        items: Some(corpus.len() as u64),
        module: "segment".to_string(),
        python_variants: vec!["sequential", "threads", "processes", "processes-cold"],
        python_input,
        rust: vec![
            RustVariant {
                name: "Sequential",
                parallel: false,
                run: Box::new(move |workers| run(&Sequential, &corpus, &segmenter, workers)),
            },
            RustVariant {
                name: "ScopedThreads",
                parallel: true,
                run: Box::new(move |workers| {
                    run(&ScopedThreads, &scoped_corpus, &scoped_segmenter, workers)
                }),
            },
        ],
        keep: None,
    })
}

fn run(
    strategy: &impl Strategy,
    corpus: &str,
    segmenter: &Segmenter,
    workers: usize,
) -> Result<(std::time::Duration, Answer)> {
    let (elapsed, segmented) = timed(|| strategy.segment(corpus, segmenter, workers));
    let lines = segmented
        .lines
        .into_iter()
        .map(|tokens| tokens.into_iter().map(str::to_string).collect())
        .collect();
    Ok((elapsed, Answer::Lists(lines)))
}
