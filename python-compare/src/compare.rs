//! Runs a workload's Rust and Python variants side by side, checks every
//! answer against the reference, and keeps the median time of each.

use std::collections::BTreeMap;
use std::fmt;

use anyhow::{Context, Result};
use pyo3::prelude::*;

use crate::agree::Reference;
use crate::workload::{Size, Workload, run_python};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Rust,
    Python,
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Language::Rust => "rust",
            Language::Python => "python",
        })
    }
}

/// One line of the CSV: the median of the repeated runs. Written with
/// items per second (what a reader wants) rather than items; read back,
/// items come from the two.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(from = "CsvRow")]
pub struct Row {
    pub workload: String,
    pub language: Language,
    pub implementation: String,
    pub workers: usize,
    pub seconds: f64,
    pub items: u64,
}

impl Row {
    pub fn items_per_sec(&self) -> f64 {
        self.items as f64 / self.seconds
    }
}

/// A row as the CSV has it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct CsvRow {
    workload: String,
    language: Language,
    implementation: String,
    workers: usize,
    seconds: f64,
    items_per_sec: f64,
}

impl From<CsvRow> for Row {
    fn from(r: CsvRow) -> Row {
        Row {
            items: (r.items_per_sec * r.seconds).round() as u64,
            workload: r.workload,
            language: r.language,
            implementation: r.implementation,
            workers: r.workers,
            seconds: r.seconds,
        }
    }
}

impl serde::Serialize for Row {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        CsvRow {
            workload: self.workload.clone(),
            language: self.language,
            implementation: self.implementation.clone(),
            workers: self.workers,
            seconds: self.seconds,
            items_per_sec: self.items_per_sec(),
        }
        .serialize(serializer)
    }
}

/// One run to make: who, at how many workers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Job {
    language: Language,
    implementation: String,
    workers: usize,
}

impl fmt::Display for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}, {} worker{}",
            self.language,
            self.implementation,
            self.workers,
            if self.workers == 1 { "" } else { "s" }
        )
    }
}

fn jobs(workload: &Workload, workers: &[usize]) -> Vec<Job> {
    let at = |parallel: bool| if parallel { workers.to_vec() } else { vec![1] };
    let mut jobs = Vec::new();
    for variant in &workload.rust {
        for w in at(variant.parallel) {
            jobs.push(Job {
                language: Language::Rust,
                implementation: variant.name.to_string(),
                workers: w,
            });
        }
    }
    for &variant in &workload.python_variants {
        // A cold pool's start-up is the same at every size, so one count
        // shows it: the largest, the one a batch job would start.
        let counts = match variant {
            "sequential" => vec![1],
            "processes-cold" => workers.iter().max().into_iter().copied().collect(),
            _ => at(true),
        };
        for w in counts {
            jobs.push(Job {
                language: Language::Python,
                implementation: variant.to_string(),
                workers: w,
            });
        }
    }
    jobs
}

/// Measures every variant of `workload` at each of `workers`, `repeats`
/// times, the jobs interleaved so that a slow spell of the machine hits
/// them all alike. Fails on the first answer that differs from the
/// reference (the first Rust variant at one worker).
pub fn measure(
    py: Python<'_>,
    workload: &Workload,
    workers: &[usize],
    repeats: usize,
    say: &mut dyn FnMut(&str),
) -> Result<Vec<Row>> {
    let name = workload.name;
    let first = workload
        .rust
        .first()
        .context("a workload needs a Rust variant")?;
    say(&format!(
        "{name}: the reference answer from rust {}",
        first.name
    ));
    let (_, answer) = py.detach(|| (first.run)(1))?;
    let reference = Reference::new(
        py,
        format!("rust {} (1 worker)", first.name),
        answer.into_python(py)?,
    )?;
    let items = match workload.items {
        Some(items) => items,
        None => reference.answer.bind(py).len()? as u64,
    };

    let jobs = jobs(workload, workers);
    let mut times: BTreeMap<Job, Vec<f64>> = BTreeMap::new();
    for repeat in 1..=repeats {
        for job in &jobs {
            say(&format!("{name}: {job} (run {repeat} of {repeats})"));
            let (seconds, answer) = match job.language {
                Language::Rust => {
                    let variant = workload
                        .rust
                        .iter()
                        .find(|v| v.name == job.implementation)
                        .expect("jobs come from the variants");
                    let (elapsed, answer) = py.detach(|| (variant.run)(job.workers))?;
                    (elapsed.as_secs_f64(), answer.into_python(py)?)
                }
                Language::Python => run_python(py, workload, &job.implementation, job.workers)
                    .map_err(|e| python_error(py, e))
                    .with_context(|| format!("{name}: python {}", job.implementation))?,
            };
            reference.check(py, name, &job.to_string(), &answer)?;
            times.entry(job.clone()).or_default().push(seconds);
        }
    }
    Ok(jobs
        .into_iter()
        .map(|job| {
            let mut runs = times.remove(&job).unwrap_or_default();
            Row {
                workload: name.to_string(),
                language: job.language,
                implementation: job.implementation,
                workers: job.workers,
                seconds: kit::contention::median(&mut runs),
                items,
            }
        })
        .collect())
}

/// The GIL experiment: Rust holding or releasing the GIL, and pure Python
/// in threads and processes, at each of `workers`.
pub fn measure_gil(
    py: Python<'_>,
    size: Size,
    workers: &[usize],
    repeats: usize,
    say: &mut dyn FnMut(&str),
) -> Result<Vec<Row>> {
    crate::gil::install(py)?;
    let module = py.import("gil")?;
    let shrink = match size {
        Size::Full => 1,
        Size::Small => 1000,
    };
    let python_total: u64 = module.getattr("PYTHON_ITERATIONS")?.extract::<u64>()? / shrink;
    let rust_total: u64 = module.getattr("RUST_ITERATIONS")?.extract::<u64>()? / shrink;
    let variants = [
        (Language::Rust, "rust-holding-gil", rust_total),
        (Language::Rust, "rust-releasing-gil", rust_total),
        (Language::Python, "python-threads", python_total),
        (Language::Python, "python-processes", python_total),
    ];
    let mut times: BTreeMap<(usize, usize), Vec<f64>> = BTreeMap::new();
    for repeat in 1..=repeats {
        for (index, (_, variant, total)) in variants.iter().enumerate() {
            for &w in workers {
                say(&format!(
                    "gil: {variant}, {w} workers (run {repeat} of {repeats})"
                ));
                let out = module
                    .getattr("VARIANTS")?
                    .get_item(*variant)?
                    .call1((*total, w))
                    .map_err(|e| python_error(py, e))
                    .with_context(|| format!("gil: {variant}"))?;
                let (seconds, _done): (f64, u64) = out.extract()?;
                times.entry((index, w)).or_default().push(seconds);
            }
        }
    }
    Ok(times
        .into_iter()
        .map(|((index, w), mut runs)| {
            let (language, variant, total) = variants[index];
            Row {
                workload: "gil".to_string(),
                language,
                implementation: variant.to_string(),
                workers: w,
                seconds: kit::contention::median(&mut runs),
                items: total,
            }
        })
        .collect())
}

/// A Python exception with its traceback, as Python would print it.
pub fn python_error(py: Python<'_>, error: PyErr) -> anyhow::Error {
    let traceback = error
        .traceback(py)
        .and_then(|tb| tb.format().ok())
        .unwrap_or_default();
    anyhow::anyhow!("{traceback}{error}")
}
