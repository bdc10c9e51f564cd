//! Contention sweeps: every implementation of an exercise, on every workload,
//! at every thread count, on identical pre-generated operations.
//!
//! This file is the model. Each exercise's module lists its [`Point`]s: a
//! workload at a thread count, with every implementation ready to run on it
//! as a [`Contender`], whose run returns a [`Sample`] (its time, and the
//! latencies or phase timings the exercise records). `concur bench` and the
//! criterion benches walk the same points, so they measure the same thing;
//! only the timing loop differs (`measure.rs`). What a sweep writes, its CSV,
//! chart and tables, is `report.rs`.

pub mod blocking_queue;
pub mod crawler;
pub mod hashmap;
pub mod inverted_index;
mod measure;
mod report;
pub mod search_cluster;
pub mod segment;
pub mod spin_lock;
pub mod thread_pool;
pub(crate) mod timing;
pub mod topk;
pub mod trie;

use std::path::Path;
use std::time::Duration;

use hdrhistogram::Histogram;
use kit::report::Record;

pub use measure::{Measured, guarded, measure_interleaved, measure_together};
pub use report::{
    REFERENCE_LINES, book_charts_dir, contention_dir, extra_tables, redraw, rewrite_summary,
    scale_of, table, throughput, write_extras, write_results,
};

/// What one run of a contender measured.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The run's time, setup excluded.
    pub took: Duration,
    /// Named phases of the run, where the exercise times them (chunking,
    /// segmenting, merging).
    pub phases: Vec<(&'static str, Duration)>,
    /// Latencies of single operations inside the run, in nanoseconds,
    /// where the exercise records them.
    pub latency: Option<Histogram<u64>>,
}

impl From<Duration> for Sample {
    fn from(took: Duration) -> Sample {
        Sample {
            took,
            phases: Vec::new(),
            latency: None,
        }
    }
}

/// One implementation, ready to run on a point's prepared input.
pub struct Contender {
    pub name: &'static str,
    /// One run: a fresh structure, the point's operations on `threads`
    /// threads, and what it measured.
    pub run: Box<dyn Fn() -> Sample>,
}

impl Contender {
    pub fn new<S: Into<Sample>>(name: &'static str, run: impl Fn() -> S + 'static) -> Contender {
        Contender {
            name,
            run: Box::new(move || run().into()),
        }
    }
}

impl std::fmt::Debug for Contender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Contender")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// A workload at a thread count, with every implementation to measure on it.
#[derive(Debug)]
pub struct Point {
    pub exercise: &'static str,
    pub workload: &'static str,
    pub threads: usize,
    /// Operations in one run, over all threads.
    pub ops: u64,
    pub contenders: Vec<Contender>,
}

impl Point {
    /// The record of `contender` from the seconds its runs took: the median
    /// run counts.
    pub fn record(&self, contender: &str, runs: &mut [f64]) -> Record {
        Record {
            exercise: self.exercise.into(),
            workload: self.workload.into(),
            implementation: contender.into(),
            threads: self.threads,
            ops: self.ops,
            seconds: kit::contention::median(runs),
        }
    }
}

/// An exercise's sweep, as the CLI and the benches see it.
#[derive(Debug, Clone, Copy)]
pub struct Sweep {
    pub exercise: &'static str,
    pub title: &'static str,
    /// The chart's y axis: what one "op" is, in millions per second.
    pub unit: &'static str,
    /// The chart's x axis: what a thread count counts ("threads",
    /// "workers", "requests in flight").
    pub x_label: &'static str,
    /// A logarithmic y axis, for lines orders of magnitude apart.
    pub log_y: bool,
    /// CPU-bound work, whose chart draws the machine's scaling ceiling (an
    /// I/O-bound crawler is limited by Little's law instead).
    pub cpu_bound: bool,
    /// The thread (worker) counts `cargo bench` measures.
    pub bench_threads: &'static [usize],
    /// The implementation every other is compared with in tables.
    pub baseline: &'static str,
    /// One more pair the book's table compares directly (ours against the
    /// peer, say).
    pub versus: Option<(&'static str, &'static str)>,
    /// The single-threaded baseline with no synchronisation at all (a plain
    /// `HashMap` on one thread), measured at one thread only and drawn as a
    /// flat line across the chart: what a parallel version must beat to be
    /// worth its locks (its COST).
    pub single: Option<&'static str>,
    /// The points at these thread counts, prepared one at a time so that
    /// only one point's input is in memory.
    pub points: fn(&[usize]) -> Box<dyn Iterator<Item = Point>>,
    /// The tables this exercise adds beside its chart (accuracy, latency,
    /// where the time went), each declared once with its sizes.
    pub extras: &'static [Extra],
    /// The candidate's entry, and the reference it is set beside.
    pub starter: Starter,
}

/// A table an exercise adds to its sweep.
#[derive(Debug, Clone, Copy)]
pub struct Extra {
    /// Its files: `<name>.md`, and `<name>.csv` if it has rows.
    pub name: &'static str,
    /// What it shows, in a line.
    pub title: &'static str,
    /// Makes it from what the sweep measured (some extras run experiments
    /// of their own, sized by the scale).
    pub make: fn(&[Measured], Scale) -> ExtraTable,
}

/// How big an extra's own experiments are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// `cargo bench -- --test`: only that it works.
    Test,
    /// `concur bench`: seconds.
    Quick,
    /// A full `cargo bench`: the book's figures.
    Full,
}

/// An extra table, as Markdown, and its rows for a CSV.
pub struct ExtraTable {
    pub markdown: String,
    /// Writes the rows to the CSV at the path, with these notes (the
    /// fingerprint is added), through `kit::report::write_rows`.
    pub csv: Option<WriteCsv>,
    /// Draws the table as a chart at the path (`<name>.svg`), with the
    /// machine's caption, where a picture helps.
    pub chart: Option<DrawChart>,
}

/// Draws a chart to an SVG at the path.
pub type DrawChart = Box<dyn FnOnce(&Path) -> Result<(), String>>;

/// Writes a table's rows to a CSV at the path, with the given notes.
pub type WriteCsv = Box<dyn FnOnce(&Path, &[String]) -> std::io::Result<()>>;

impl std::fmt::Debug for ExtraTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExtraTable")
            .field("markdown", &self.markdown)
            .finish_non_exhaustive()
    }
}

impl ExtraTable {
    /// A table with rows for a CSV of `R`.
    pub fn with_rows<R: serde::Serialize + 'static>(markdown: String, rows: Vec<R>) -> ExtraTable {
        ExtraTable {
            markdown,
            csv: Some(Box::new(move |path: &Path, notes: &[String]| {
                kit::report::write_rows(path, &rows, &kit::report::Fingerprint::detect(), notes)
            })),
            chart: None,
        }
    }
}

/// The candidate's implementation in a sweep, and what it is compared with.
#[derive(Debug, Clone, Copy)]
pub struct Starter {
    /// Its contender's name, in a binary built with the exercise's starter
    /// feature (`hashmap-starter`).
    pub name: &'static str,
    /// The reference it is set beside: the same design, finished.
    pub reference: &'static str,
    /// Whether this binary was built with it.
    pub built: bool,
    /// The two side by side at the settings that matter most (shard
    /// counts), where the exercise can tell.
    pub settings: Option<fn() -> String>,
    /// What most often explains a gap to the reference.
    pub gap: &'static str,
}

/// Every exercise's sweep, from the registry.
pub fn sweeps() -> Vec<Sweep> {
    crate::registry::sweeps()
}
