//! What a workload is: one input, Rust implementations and Python variants
//! that all compute the same answer from it.

use std::time::{Duration, Instant};

use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// How big the inputs are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Size {
    /// About a second for Python's slowest variant: the real comparison.
    Full,
    /// A few milliseconds: for tests of the harness itself.
    Small,
}

/// An answer both languages must agree on, in a form Python can digest.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// `[[query, count], ...]`
    Counts(Vec<(String, u64)>),
    /// One list of strings per input item: tokens per line, suggestions
    /// per prefix.
    Lists(Vec<Vec<String>>),
    /// `[url, ...]`
    Strings(Vec<String>),
    /// `[hits, [[key, value], ...]]`
    Table { hits: u64, items: Vec<(u64, u64)> },
}

impl Answer {
    pub fn into_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        Ok(match self {
            Answer::Counts(pairs) => pairs.into_pyobject(py)?.into_any(),
            Answer::Lists(lists) => lists.into_pyobject(py)?.into_any(),
            Answer::Strings(strings) => strings.into_pyobject(py)?.into_any(),
            Answer::Table { hits, items } => (hits, items).into_pyobject(py)?.into_any(),
        })
    }
}

/// One Rust implementation: given a worker count, runs and returns the
/// time of the work alone and its answer.
pub struct RustVariant {
    pub name: &'static str,
    /// False for sequential code, which runs at one worker only.
    pub parallel: bool,
    pub run: Box<dyn Fn(usize) -> anyhow::Result<(Duration, Answer)> + Send + Sync>,
}

impl std::fmt::Debug for RustVariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RustVariant")
            .field("name", &self.name)
            .finish()
    }
}

/// Times `work`.
pub fn timed<R>(work: impl FnOnce() -> R) -> (Duration, R) {
    let start = Instant::now();
    let result = work();
    (start.elapsed(), result)
}

/// What the y axis of a workload's chart shows.
#[derive(Debug, Clone, Copy)]
pub struct Unit {
    /// "MB/s", "queries/s"
    pub label: &'static str,
    /// Items per second are divided by this: 1e6 for MB/s of bytes.
    pub scale: f64,
}

/// One workload, ready to run.
#[derive(Debug)]
pub struct Workload {
    pub name: &'static str,
    /// What is measured, for the chart's title.
    pub title: &'static str,
    pub unit: Unit,
    /// Items (operations, queries, bytes, URLs) in one run; `None` when
    /// only the answer tells (the URLs a crawl finds).
    pub items: Option<u64>,
    /// The Python module with the variants, in `python-compare/python`.
    pub module: String,
    /// Variant names in that module's `VARIANTS`; "sequential" runs at one
    /// worker only.
    pub python_variants: Vec<&'static str>,
    /// The same input the Rust variants use, as Python objects.
    pub python_input: Py<PyAny>,
    /// The first one's answer is the reference every other is checked against.
    pub rust: Vec<RustVariant>,
    /// Kept alive while the workload runs (the crawler's local site).
    pub keep: Option<Box<dyn std::any::Any + Send + Sync>>,
}

/// Runs a Python variant: `(seconds, answer)` from its own clock.
pub fn run_python<'py>(
    py: Python<'py>,
    workload: &Workload,
    variant: &str,
    workers: usize,
) -> PyResult<(f64, Bound<'py, PyAny>)> {
    let variants = py.import(workload.module.as_str())?.getattr("VARIANTS")?;
    let out = variants
        .get_item(variant)?
        .call1((workload.python_input.bind(py), workers))?;
    let out = out.cast_into::<PyTuple>()?;
    Ok((out.get_item(0)?.extract()?, out.get_item(1)?))
}
