//! Contention sweeps: every implementation of an exercise, on every workload,
//! at every thread count, on identical pre-generated operations.

pub mod hashmap;

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Duration;

use kit::report::{Chart, Fingerprint, Record, draw_svg, write_csv};

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
    records: &[Record],
    notes: &[String],
) -> Result<(PathBuf, PathBuf), String> {
    let fingerprint = Fingerprint::detect();
    let csv = dir.join(format!("{name}.csv"));
    let svg = dir.join(format!("{name}.svg"));
    write_csv(&csv, records, &fingerprint, notes).map_err(|e| format!("{}: {e}", csv.display()))?;
    let mut caption = fingerprint.lines();
    caption.retain(|line| !line.starts_with("python"));
    caption.extend(notes.iter().cloned());
    let caption = vec![caption.join("; ")];
    draw_svg(
        &svg,
        &Chart {
            title,
            records,
            caption: &caption,
        },
    )?;
    Ok((csv, svg))
}

/// A plain-text table of `records`, with each row's throughput relative to
/// the `baseline` implementation on the same workload and thread count.
pub fn table(records: &[Record], baseline: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<16} {:<18} {:>7} {:>12} {:>10}",
        "workload",
        "implementation",
        "threads",
        "Mops/s",
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
            "{:<16} {:<18} {:>7} {:>12.2} {:>10}",
            r.workload,
            r.implementation,
            r.threads,
            r.ops_per_sec() / 1e6,
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
