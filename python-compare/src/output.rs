//! The comparison's CSV and charts.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use kit::report::{Chart, Fingerprint, Record, draw_svg};

use crate::compare::{Language, Row};
use crate::interpreter::Python3;
use crate::workload::Unit;

pub const HEADER: &str = "workload,language,implementation,workers,seconds,items_per_sec";

/// What the `#` lines at the top of the CSV and under each chart say.
pub fn fingerprint(python: &Python3, repeats: usize, workers: usize) -> Vec<String> {
    let mut lines = Fingerprint::detect().lines();
    if workers > 1 {
        let ceiling = kit::contention::scaling_ceiling(workers, 5);
        lines.push(format!(
            "scaling ceiling: {ceiling:.2}x ({workers} threads of independent work against 1)"
        ));
    }
    lines.push(format!(
        "embedded python: {} (GIL {})",
        python.version,
        if python.gil_enabled {
            "enabled"
        } else {
            "disabled"
        }
    ));
    lines.push(format!(
        "seconds: the median of {repeats} runs; every answer checked against Rust's"
    ));
    lines
}

pub fn write_csv(path: &Path, rows: &[Row], fingerprint: &[String]) -> Result<()> {
    let mut out = String::new();
    for line in fingerprint {
        let _ = writeln!(out, "# {line}");
    }
    let _ = writeln!(out, "{HEADER}");
    for r in rows {
        let _ = writeln!(
            out,
            "{},{},{},{},{:.6},{:.1}",
            r.workload,
            r.language,
            r.implementation,
            r.workers,
            r.seconds,
            r.items_per_sec()
        );
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, out).with_context(|| format!("cannot write {}", path.display()))
}

/// `out.csv` -> `out-segment.svg`, beside it.
pub fn chart_path(csv: &Path, workload: &str) -> PathBuf {
    let stem = csv
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("compare");
    csv.with_file_name(format!("{stem}-{workload}.svg"))
}

/// A workload's chart: throughput against workers on a log scale, one line
/// per implementation, Rust's and Python's side by side.
pub fn draw_workload(
    path: &Path,
    title: &str,
    unit: Unit,
    rows: &[Row],
    fingerprint: &[String],
) -> Result<()> {
    let records: Vec<Record> = rows
        .iter()
        .map(|r| Record {
            exercise: "python-compare".into(),
            workload: r.workload.clone(),
            implementation: format!("{} {}", r.language, r.implementation),
            threads: r.workers,
            ops: r.items,
            seconds: r.seconds,
        })
        .collect();
    draw(
        path,
        title,
        unit.label,
        unit.scale,
        true,
        &records,
        fingerprint,
    )
}

/// The GIL chart: each line's speed-up over its own one-worker time, since
/// a Rust iteration and a Python one are not the same work.
pub fn draw_gil(path: &Path, rows: &[Row], fingerprint: &[String]) -> Result<()> {
    let one = |implementation: &str| {
        rows.iter()
            .find(|r| r.implementation == implementation && r.workers == 1)
            .map(|r| r.seconds)
    };
    let records: Vec<Record> = rows
        .iter()
        .filter_map(|r| {
            let base = one(&r.implementation)?;
            Some(Record {
                exercise: "python-compare".into(),
                workload: "the same CPU-bound work split over workers".into(),
                implementation: gil_label(&r.implementation).to_string(),
                threads: r.workers,
                // Plotted as ops per second over the scale: the speed-up.
                ops: (base / r.seconds * 1e6).round() as u64,
                seconds: 1.0,
            })
        })
        .collect();
    draw(
        path,
        "The GIL: speed-up of CPU-bound work over one worker",
        "speed-up over 1 worker",
        1e6,
        false,
        &records,
        fingerprint,
    )
}

fn gil_label(implementation: &str) -> &str {
    match implementation {
        "rust-holding-gil" => "Rust function holding the GIL, in Python threads",
        "rust-releasing-gil" => "Rust function releasing it (py.detach), in Python threads",
        "python-threads" => "pure Python, in threads",
        "python-processes" => "pure Python, in processes",
        other => other,
    }
}

fn draw(
    path: &Path,
    title: &str,
    y_label: &str,
    y_scale: f64,
    log_y: bool,
    records: &[Record],
    fingerprint: &[String],
) -> Result<()> {
    // The machine on one line, then the ceiling and the interpreter, then
    // the method.
    let line = |prefixes: &[&str], wanted: bool| {
        fingerprint
            .iter()
            .filter(|l| prefixes.iter().any(|p| l.starts_with(p)) == wanted)
            .cloned()
            .collect::<Vec<_>>()
            .join("; ")
    };
    let ours = ["scaling ceiling", "embedded python", "seconds"];
    let caption = vec![
        line(&ours, false),
        line(&ours[..2], true),
        line(&ours[2..], true),
    ];
    draw_svg(
        path,
        &Chart {
            title,
            x_label: "workers",
            y_label,
            y_scale,
            log_y,
            records,
            caption: &caption,
        },
    )
    .map_err(anyhow::Error::msg)
}

/// Reads a CSV written by [`write_csv`]: the rows and the `#` lines. Items
/// come back as `items_per_sec * seconds`, rounded; tables of ratios are
/// made from rows read back, so a table always matches its CSV.
pub fn read_csv(path: &Path) -> Result<(Vec<Row>, Vec<String>)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut rows = Vec::new();
    let mut comments = Vec::new();
    let mut header = false;
    for (index, line) in text.lines().enumerate() {
        let at = || format!("{}:{}", path.display(), index + 1);
        if let Some(comment) = line.strip_prefix('#') {
            comments.push(comment.trim_start().to_string());
            continue;
        }
        if !header {
            anyhow::ensure!(line == HEADER, "{}: expected the header {HEADER:?}", at());
            header = true;
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
        anyhow::ensure!(fields.len() == 6, "{}: expected 6 fields", at());
        let language = match fields[1] {
            "rust" => Language::Rust,
            "python" => Language::Python,
            other => anyhow::bail!("{}: unknown language {other:?}", at()),
        };
        let number = |i: usize| -> Result<f64> {
            fields[i]
                .parse::<f64>()
                .with_context(|| format!("{}: field {} is not a number", at(), i + 1))
        };
        let seconds = number(4)?;
        rows.push(Row {
            workload: fields[0].to_string(),
            language,
            implementation: fields[2].to_string(),
            workers: fields[3]
                .parse()
                .with_context(|| format!("{}: workers is not a count", at()))?,
            seconds,
            items: (number(5)? * seconds).round() as u64,
        });
    }
    anyhow::ensure!(header, "{}: no header line", path.display());
    Ok((rows, comments))
}
