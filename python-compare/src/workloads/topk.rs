//! Top-K frequent queries from a Zipf stream: `ExactSharded` and
//! `ExactGlobal` against Python's `Counter`.

use std::sync::Arc;

use anyhow::Result;
use kit::workload::Queries;
use pyo3::prelude::*;
use topk::{ExactGlobal, ExactSharded, TopK};

use super::split;
use crate::workload::{Answer, RustVariant, Size, Unit, Workload, timed};

/// How many queries the answer lists.
const K: usize = 10;

/// The chart's title and unit, known without building the input.
pub const TITLE: &str = "top-K: queries counted per second (Zipf 1.0 stream)";
pub const UNIT: Unit = Unit {
    label: "million queries/s",
    scale: 1e6,
};

pub fn build(py: Python<'_>, size: Size) -> Result<Workload> {
    let (vocabulary, count) = match size {
        Size::Full => (50_000, 1_000_000),
        Size::Small => (500, 10_000),
    };
    let queries = Queries::new(vocabulary, 1.0, 5);
    let stream: Arc<Vec<String>> = Arc::new(
        queries
            .stream(7, 0, count)
            .into_iter()
            .map(|i| queries.text(i).to_string())
            .collect(),
    );
    let python_input = (stream.as_slice(), K)
        .into_pyobject(py)?
        .into_any()
        .unbind();
    let global = Arc::clone(&stream);
    Ok(Workload {
        name: "topk",
        title: TITLE,
        unit: UNIT,
        items: Some(count as u64),
        module: "topk".to_string(),
        python_variants: vec!["sequential", "threads", "processes"],
        python_input,
        rust: vec![
            RustVariant {
                name: "ExactSharded",
                parallel: true,
                run: Box::new(move |workers| run(ExactSharded::new(), &stream, workers)),
            },
            RustVariant {
                name: "ExactGlobal",
                parallel: true,
                run: Box::new(move |workers| run(ExactGlobal::new(), &global, workers)),
            },
        ],
        keep: None,
    })
}

fn run(
    counter: impl TopK,
    stream: &[String],
    workers: usize,
) -> Result<(std::time::Duration, Answer)> {
    let (elapsed, top) = timed(|| {
        std::thread::scope(|scope| {
            for part in split(stream, workers) {
                let counter = &counter;
                scope.spawn(move || part.iter().for_each(|q| counter.record(q)));
            }
        });
        counter.top(K)
    });
    Ok((elapsed, Answer::Counts(top)))
}
