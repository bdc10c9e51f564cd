//! The comparison's CSV and charts.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use kit::report::{
    Chart, Fingerprint, Guide, Record, caption, ceiling_guide, ceiling_note, draw_svg, read_rows,
    write_rows,
};

use crate::compare::Row;
use crate::interpreter::Python3;
use crate::workload::Unit;

/// What the comparison notes under the fingerprint, at the top of the CSV
/// and under each chart: the scaling ceiling, the interpreter, the method.
pub fn notes(python: &Python3, repeats: usize, workers: usize) -> Vec<String> {
    let mut lines = Vec::new();
    if workers > 1 {
        let ceiling = kit::contention::scaling_ceiling(workers, 5);
        lines.push(ceiling_note(workers, ceiling));
        if let Some(warning) = kit::contention::busy_warning(ceiling) {
            eprintln!("{warning}");
        }
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

/// Writes the rows, with the machine's fingerprint and `notes` on top.
pub fn write_csv(path: &Path, rows: &[Row], notes: &[String]) -> Result<()> {
    write_rows(path, rows, &Fingerprint::detect(), notes)
        .with_context(|| format!("cannot write {}", path.display()))
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
        Chart {
            title,
            y_label: unit.label,
            y_scale: unit.scale,
            log_y: true,
            ..chart(&records)
        },
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
    // Pure Python in processes and Rust without the GIL should reach the
    // ceiling; what stays near 1 is held back by the GIL.
    let guides: Vec<Guide> = ceiling_guide(fingerprint).into_iter().collect();
    draw(
        path,
        Chart {
            title: "The GIL: speed-up of CPU-bound work over one worker",
            y_label: "speed-up over 1 worker",
            y_scale: 1e6,
            log_y: false,
            guides: &guides,
            ..chart(&records)
        },
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

/// A chart of `records` against workers, to be given its title and axis.
fn chart(records: &[Record]) -> Chart<'_> {
    Chart {
        title: "",
        x_label: "workers",
        y_label: "",
        y_scale: 1.0,
        log_y: false,
        records,
        caption: &[],
        references: &[],
        guides: &[],
    }
}

/// Draws `chart` captioned with `fingerprint`: the machine on one line,
/// then the ceiling and the interpreter, then the method.
fn draw(path: &Path, chart: Chart<'_>, fingerprint: &[String]) -> Result<()> {
    let caption = caption(fingerprint, false);
    draw_svg(
        path,
        &Chart {
            caption: &caption,
            ..chart
        },
    )
    .map_err(anyhow::Error::msg)
}

/// Reads a CSV written by [`write_csv`]: the rows and the `#` lines. Items
/// come back as `items_per_sec * seconds`, rounded; tables of ratios are
/// made from rows read back, so a table always matches its CSV.
pub fn read_csv(path: &Path) -> Result<(Vec<Row>, Vec<String>)> {
    read_rows(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Redraws every chart of a CSV written by [`write_csv`], beside it, from
/// its rows and its own `#` lines (the machine that ran it, not this one).
/// Returns the charts written.
pub fn redraw(csv: &Path) -> Result<Vec<PathBuf>> {
    let (rows, lines) = read_csv(csv)?;
    let mut names: Vec<&str> = Vec::new();
    for row in &rows {
        if !names.contains(&row.workload.as_str()) {
            names.push(&row.workload);
        }
    }
    if names.is_empty() {
        anyhow::bail!("{}: no rows to chart", csv.display());
    }
    let mut written = Vec::new();
    for name in names {
        let of_it: Vec<Row> = rows
            .iter()
            .filter(|r| r.workload == name)
            .cloned()
            .collect();
        let chart = chart_path(csv, name);
        if name == "gil" {
            draw_gil(&chart, &of_it, &lines)?;
        } else {
            let (title, unit) = crate::workloads::labels(name)
                .with_context(|| format!("{}: unknown workload {name:?}", csv.display()))?;
            draw_workload(&chart, title, unit, &of_it, &lines)?;
        }
        written.push(chart);
    }
    Ok(written)
}
