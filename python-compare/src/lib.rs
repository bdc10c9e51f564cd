//! Rust against GIL-bound Python on the five workloads of the exercises.
//!
//! The harness embeds CPython with pyo3, builds each workload's input once,
//! runs the Rust reference implementations and the Python variants in
//! `python/` on that same input, checks that every answer agrees, and
//! writes a CSV and one chart per workload. See `src/main.rs` for the
//! command line and `python/common.py` for the Python side's rules.

use std::path::PathBuf;

use anyhow::{Result, bail};
use pyo3::prelude::*;

pub mod agree;
pub mod compare;
pub mod gil;
pub mod interpreter;
pub mod memory;
pub mod output;
pub mod serving;
pub mod summary;
pub mod workload;
pub mod workloads;

pub use compare::{Language, Row};
pub use workload::Size;

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Workload names, in order; "gil" is the GIL experiment.
    pub workloads: Vec<String>,
    pub workers: Vec<usize>,
    /// Worker counts for the I/O-bound crawler, where requests in flight
    /// cost little and more of them pay off.
    pub io_workers: Vec<usize>,
    pub repeats: usize,
    pub size: Size,
    pub csv: PathBuf,
}

/// Every name `--workload` takes besides "all".
pub fn known_workloads() -> Vec<&'static str> {
    let mut names = concur::registry::python_workloads();
    names.push("gil");
    names
}

/// Runs the comparison; returns the rows and the files written. The CSV is
/// rewritten after every workload, so a failure keeps what was measured.
pub fn run(options: &Options, say: &mut dyn FnMut(&str)) -> Result<(Vec<Row>, Vec<PathBuf>)> {
    for (flag, counts) in [
        ("--workers", &options.workers),
        ("--io-workers", &options.io_workers),
    ] {
        if counts.is_empty() || counts.contains(&0) {
            bail!("{flag} takes counts of at least 1, such as 1,2");
        }
    }
    if options.repeats == 0 {
        bail!("--repeats takes a count of at least 1");
    }
    for name in &options.workloads {
        if !known_workloads().contains(&name.as_str()) {
            bail!(
                "unknown workload {name:?}; choose all or from {}",
                known_workloads().join(", ")
            );
        }
    }
    Python::attach(|py| {
        let python = interpreter::prepare(py, &mut *say)?;
        let most = options.workers.iter().max().copied().unwrap_or(1);
        let notes = py.detach(|| output::notes(&python, options.repeats, most));
        // The caption of every chart: the machine, then the notes.
        let fingerprint: Vec<String> = kit::report::Fingerprint::detect()
            .lines()
            .into_iter()
            .chain(notes.iter().cloned())
            .collect();
        let mut rows = Vec::new();
        let mut files = vec![options.csv.clone()];
        for name in &options.workloads {
            let chart = output::chart_path(&options.csv, name);
            let measured = if name == "gil" {
                let measured =
                    compare::measure_gil(py, options.size, &options.workers, options.repeats, say)?;
                output::draw_gil(&chart, &measured, &fingerprint)?;
                measured
            } else {
                let workload = workloads::build(py, name, options.size)?;
                let workers = if name == "crawler" {
                    &options.io_workers
                } else {
                    &options.workers
                };
                let measured = compare::measure(py, &workload, workers, options.repeats, say)?;
                output::draw_workload(
                    &chart,
                    workload.title,
                    workload.unit,
                    &measured,
                    &fingerprint,
                )?;
                measured
            };
            rows.extend(measured);
            files.push(chart);
            output::write_csv(&options.csv, &rows, &notes)?;
        }
        Ok((rows, files))
    })
}
