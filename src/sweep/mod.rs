//! Contention sweeps: every implementation of an exercise, on every workload,
//! at every thread count, on identical pre-generated operations.
//!
//! Each exercise's module lists its [`Point`]s: a workload at a thread
//! count, with every implementation ready to run on it as a [`Contender`].
//! `concur bench` and the criterion benches walk the same points, so they
//! measure the same thing; only the timing loop differs.

pub mod crawler;
pub mod hashmap;
pub mod segment;
pub mod topk;
pub mod trie;

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Duration;

use kit::report::{Chart, Fingerprint, Record, draw_svg, read_csv, write_csv};

/// One implementation, ready to run on a point's prepared input.
pub struct Contender {
    pub name: &'static str,
    /// One run: a fresh structure, the point's operations on `threads`
    /// threads, and the time they took (setup excluded).
    pub run: Box<dyn Fn() -> Duration>,
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
    /// The thread (worker) counts `cargo bench` measures.
    pub bench_threads: &'static [usize],
    /// The implementation every other is compared with in tables.
    pub baseline: &'static str,
    /// One more pair the book's table compares directly (ours against the
    /// peer, say).
    pub versus: Option<(&'static str, &'static str)>,
    /// The points at these thread counts, prepared one at a time so that
    /// only one point's input is in memory.
    pub points: fn(&[usize]) -> Box<dyn Iterator<Item = Point>>,
    /// More tables this exercise prints after its sweep (accuracy,
    /// latency), as Markdown.
    pub extra: Option<fn() -> String>,
}

impl Sweep {
    /// The figures the book quotes, as a Markdown table, from a CSV that
    /// `cargo bench` wrote: read back from the file, so the table and the
    /// CSV beside it in the book always agree.
    pub fn summary_of_csv(&self, path: &Path) -> Result<String, String> {
        let (records, notes) = kit::report::read_csv(path).map_err(|e| e.to_string())?;
        let ceiling = ceiling_from_notes(&notes)
            .ok_or_else(|| format!("{}: no scaling ceiling line", path.display()))?;
        Ok(self.summary(&records, ceiling))
    }

    /// Each implementation's throughput relative to the baseline, per
    /// workload and thread count, as a Markdown table.
    pub fn summary(&self, records: &[Record], ceiling: f64) -> String {
        let mut names: Vec<&str> = Vec::new();
        for r in records {
            if r.implementation != self.baseline && !names.contains(&r.implementation.as_str()) {
                names.push(&r.implementation);
            }
        }
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Throughput relative to `{}` at the same thread count{}, medians of one \
             `cargo bench` run. This machine's scaling ceiling (independent work on 2 \
             threads against 1) was {ceiling:.2}x.\n",
            self.baseline,
            self.versus
                .map(|(a, b)| format!(" (the last column: `{a}` relative to `{b}`)"))
                .unwrap_or_default()
        );
        let mut header = format!("| workload | threads | {} |", names.join(" | "));
        let mut rule = format!("|---|---:|{}", "---:|".repeat(names.len()));
        if let Some((a, b)) = self.versus {
            header.push_str(&format!(" {a} / {b} |"));
            rule.push_str("---:|");
        }
        let _ = writeln!(out, "{header}\n{rule}");
        let mut seen: Vec<(&str, usize)> = Vec::new();
        for r in records {
            let point = (r.workload.as_str(), r.threads);
            if seen.contains(&point) {
                continue;
            }
            seen.push(point);
            let of = |name: &str| throughput(records, point.0, name, point.1);
            let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) => format!("{:.2}x", a / b),
                _ => "-".to_string(),
            };
            let base = of(self.baseline);
            let mut row = format!("| {} | {} |", point.0, point.1);
            for name in &names {
                row.push_str(&format!(" {} |", ratio(of(name), base)));
            }
            if let Some((a, b)) = self.versus {
                row.push_str(&format!(" {} |", ratio(of(a), of(b))));
            }
            let _ = writeln!(out, "{row}");
        }
        out
    }
}

/// Every exercise's sweep.
pub fn sweeps() -> Vec<Sweep> {
    vec![
        hashmap::SWEEP,
        topk::SWEEP,
        trie::SWEEP,
        segment::SWEEP,
        crawler::SWEEP,
    ]
}

/// Runs every contender of `point` in turn, round after round, until each
/// has had `budget` of runs and at least `min_runs` runs; then one record per
/// contender. A contender that panics (a starter's `todo!()`) is dropped
/// with a note to `skipped`.
pub fn measure_interleaved(
    point: &Point,
    budget: Duration,
    min_runs: usize,
    mut skipped: impl FnMut(&str, &str),
) -> Vec<Record> {
    let mut alive: Vec<&Contender> = point.contenders.iter().collect();
    let mut runs: Vec<Vec<f64>> = vec![Vec::new(); alive.len()];
    let started = std::time::Instant::now();
    // Round-robin, so that a slow moment of the machine hits all alike.
    while !alive.is_empty()
        && (started.elapsed() < budget * alive.len() as u32
            || runs.iter().any(|r| r.len() < min_runs))
    {
        let mut index = 0;
        while index < alive.len() {
            match guarded(|| (alive[index].run)()) {
                Ok(took) => {
                    runs[index].push(took.as_secs_f64());
                    index += 1;
                }
                Err(why) => {
                    skipped(alive[index].name, &why);
                    alive.remove(index);
                    runs.remove(index);
                }
            }
        }
    }
    alive
        .iter()
        .zip(&mut runs)
        .map(|(contender, runs)| point.record(contender.name, runs))
        .collect()
}

/// Runs one measurement, turning a panic (a starter's `todo!()`, say) into an
/// error message instead of taking the whole sweep down.
pub fn guarded(run: impl FnOnce() -> Duration) -> Result<Duration, String> {
    catch_unwind(AssertUnwindSafe(run)).map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic".to_string())
    })
}

const CEILING: &str = "scaling ceiling, 2 threads of independent work: ";

/// The `#` line that records this machine's scaling ceiling in a CSV and
/// under a chart.
pub fn ceiling_note(ceiling: f64) -> String {
    format!("{CEILING}{ceiling:.2}x")
}

/// The scaling ceiling recorded in a CSV's `#` lines, if any.
pub fn ceiling_from_notes(notes: &[String]) -> Option<f64> {
    notes
        .iter()
        .find_map(|line| line.strip_prefix(CEILING)?.strip_suffix('x')?.parse().ok())
}

/// Where `cargo bench` leaves an exercise's CSV and chart.
pub fn contention_dir() -> PathBuf {
    // CARGO_TARGET_DIR if set, else the workspace's target/.
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("contention")
}

/// The book's copy of the charts, refreshed by a complete `cargo bench`.
pub fn book_charts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src/charts")
}

/// Writes `records` as `<dir>/<name>.csv` and `<dir>/<name>.svg`, with the
/// fingerprint and any extra `#` lines (such as the machine's scaling
/// ceiling) on both. Returns the two paths.
pub fn write_results(
    dir: &Path,
    name: &str,
    title: &str,
    y_label: &str,
    records: &[Record],
    notes: &[String],
) -> Result<(PathBuf, PathBuf), String> {
    // Millions per second, unless the figures are small (pages a second).
    let y_scale = if y_label.starts_with("million") || y_label.starts_with('M') {
        1e6
    } else {
        1.0
    };
    let fingerprint = Fingerprint::detect();
    let csv = dir.join(format!("{name}.csv"));
    let svg = dir.join(format!("{name}.svg"));
    write_csv(&csv, records, &fingerprint, notes).map_err(|e| format!("{}: {e}", csv.display()))?;
    let lines: Vec<String> = fingerprint
        .lines()
        .into_iter()
        .chain(notes.iter().cloned())
        .collect();
    draw_contention(&svg, title, y_label, y_scale, records, &lines)?;
    Ok((csv, svg))
}

/// Draws a contention chart whose caption is the `#` lines of its CSV: the
/// machine on one line (Python left out: these charts do not involve it),
/// the notes on the next.
fn draw_contention(
    svg: &Path,
    title: &str,
    y_label: &str,
    y_scale: f64,
    records: &[Record],
    lines: &[String],
) -> Result<(), String> {
    let is_machine = |line: &&String| {
        ["cores:", "cpu:", "rustc:", "commit:"]
            .iter()
            .any(|key| line.starts_with(key))
    };
    let machine: Vec<&str> = lines
        .iter()
        .filter(is_machine)
        .map(String::as_str)
        .collect();
    let notes: Vec<&str> = lines
        .iter()
        .filter(|line| !is_machine(line) && !line.starts_with("python"))
        .map(String::as_str)
        .collect();
    let mut caption = vec![machine.join("; ")];
    if !notes.is_empty() {
        caption.push(notes.join("; "));
    }
    draw_svg(
        svg,
        &Chart {
            title,
            x_label: "threads",
            y_label,
            y_scale,
            log_y: false,
            records,
            caption: &caption,
        },
    )
}

/// Redraws the chart of a sweep's CSV (`hashmap.csv` -> `hashmap.svg`,
/// beside it) from the CSV alone: its records and its own fingerprint, not
/// this machine's. For a CSV from another machine, or after a change to how
/// charts are drawn.
pub fn redraw(csv: &Path) -> Result<PathBuf, String> {
    let (records, lines) = read_csv(csv).map_err(|e| e.to_string())?;
    let exercise = records
        .first()
        .map(|r| r.exercise.clone())
        .ok_or_else(|| format!("{}: no records to draw", csv.display()))?;
    let sweep = sweeps()
        .into_iter()
        .find(|s| s.exercise == exercise)
        .ok_or_else(|| format!("{}: no sweep called {exercise:?}", csv.display()))?;
    let svg = csv.with_extension("svg");
    draw_contention(
        &svg,
        sweep.title,
        sweep.unit,
        scale_of(sweep.unit),
        &records,
        &lines,
    )?;
    Ok(svg)
}

/// What a unit divides ops per second by: a million for "million ops/s"
/// and "MB/s", one for plain counts such as "pages/s".
pub fn scale_of(unit: &str) -> f64 {
    if unit.starts_with("million") || unit.starts_with('M') {
        1e6
    } else {
        1.0
    }
}

/// A plain-text table of `records`, with each row's throughput relative to
/// the `baseline` implementation on the same workload and thread count.
pub fn table(records: &[Record], baseline: &str, unit: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<16} {:<18} {:>7} {:>12} {:>10}",
        "workload",
        "implementation",
        "threads",
        unit.strip_prefix("million ")
            .map_or(unit.to_string(), |u| format!("M {u}")),
        format!("vs {}", short(baseline))
    );
    for r in records {
        let base = records
            .iter()
            .find(|b| {
                b.workload == r.workload && b.threads == r.threads && b.implementation == baseline
            })
            .map(|b| format!("{:.2}x", r.ops_per_sec() / b.ops_per_sec()))
            .unwrap_or_else(|| "-".to_string());
        let _ = writeln!(
            out,
            "{:<16} {:<22} {:>7} {:>12.2} {:>10}",
            r.workload,
            r.implementation,
            r.threads,
            r.ops_per_sec() / scale_of(unit),
            base
        );
    }
    out
}

fn short(name: &str) -> &str {
    name.strip_suffix("Map").unwrap_or(name)
}

/// The throughput of `implementation` on `workload` at `threads`, if measured.
pub fn throughput(
    records: &[Record],
    workload: &str,
    implementation: &str,
    threads: usize,
) -> Option<f64> {
    records
        .iter()
        .find(|r| {
            r.workload == workload && r.implementation == implementation && r.threads == threads
        })
        .map(Record::ops_per_sec)
}
