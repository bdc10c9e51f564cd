//! What a sweep writes: the CSV and the chart (with the machine's
//! fingerprint and the run's notes on both), the tables of ratios the book
//! quotes, and each exercise's extra tables. Everything goes through
//! `kit::report`: one CSV writer and reader, one caption, one table.

use std::path::{Path, PathBuf};

use kit::report::{
    Align, Chart, Fingerprint, Guide, Record, Table, caption, ceiling_from_notes, ceiling_guide,
    draw_svg, read_rows, with_machine, write_rows,
};

use super::{ExtraTable, Measured, Scale, Sweep, sweeps};

impl Sweep {
    /// The figures the book quotes, as a Markdown table, from a CSV that
    /// `cargo bench` wrote: read back from the file, so the table and the
    /// CSV beside it in the book always agree.
    pub fn summary_of_csv(&self, path: &Path) -> Result<String, String> {
        let (records, notes) = read_rows::<Record>(path).map_err(|e| e.to_string())?;
        let ceiling = ceiling_from_notes(&notes)
            .ok_or_else(|| format!("{}: no scaling ceiling line", path.display()))?;
        Ok(with_machine(&self.summary(&records, ceiling), &notes))
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
        let mut columns = vec![
            ("workload".to_string(), Align::Left),
            ("threads".to_string(), Align::Right),
        ];
        columns.extend(names.iter().map(|n| (n.to_string(), Align::Right)));
        if let Some((a, b)) = self.versus {
            columns.push((format!("{a} / {b}"), Align::Right));
        }
        columns.push(("best / best 1-thread".to_string(), Align::Right));
        let mut table = Table::new(columns);
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
            let mut row = vec![point.0.to_string(), point.1.to_string()];
            row.extend(names.iter().map(|name| ratio(of(name), base)));
            if let Some((a, b)) = self.versus {
                row.push(ratio(of(a), of(b)));
            }
            row.push(ratio(
                best_at(records, point.0, point.1).map(|(_, ops)| ops),
                best_single(records, point.0).map(|(_, ops)| ops),
            ));
            table.row(row);
        }
        format!(
            "Throughput relative to `{}` at the same thread count{}, medians of one \
             `cargo bench` run. The last column is the scalability that counts: the best \
             throughput at that thread count over the best at one thread{}. Below 1.00x, \
             no parallel design here beats one thread. This machine's scaling ceiling \
             (independent work on 2 threads against 1) was {ceiling:.2}x.\n\n{}",
            self.baseline,
            self.versus
                .map(|(a, b)| format!(" (then `{a}` relative to `{b}`)"))
                .unwrap_or_default(),
            // A CSV from before the baseline existed says so.
            match self.single {
                Some(single) if records.iter().any(|r| r.implementation == single) => {
                    format!(", `{single}` (no synchronisation at all) included")
                }
                Some(single) => format!(
                    " (this run had no `{single}`, the baseline with no \
                     synchronisation)"
                ),
                None => String::new(),
            },
            table.markdown()
        )
    }
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
    let fingerprint = Fingerprint::detect();
    let csv = dir.join(format!("{name}.csv"));
    let svg = dir.join(format!("{name}.svg"));
    write_rows(&csv, records, &fingerprint, notes)
        .map_err(|e| format!("{}: {e}", csv.display()))?;
    let lines: Vec<String> = fingerprint
        .lines()
        .into_iter()
        .chain(notes.iter().cloned())
        .collect();
    let sweep = sweep_named(records)?;
    draw_contention(&svg, (title, y_label), &sweep, records, &lines)?;
    Ok((csv, svg))
}

/// Draws a sweep's chart whose caption is the `#` lines of its CSV.
/// `labels` are the title and the y axis's unit.
fn draw_contention(
    svg: &Path,
    (title, y_label): (&str, &str),
    sweep: &Sweep,
    records: &[Record],
    lines: &[String],
) -> Result<(), String> {
    let guides: Vec<Guide> = if sweep.cpu_bound {
        ceiling_guide(lines).into_iter().collect()
    } else {
        Vec::new()
    };
    draw_svg(
        svg,
        &Chart {
            title,
            x_label: sweep.x_label,
            y_label,
            y_scale: scale_of(y_label),
            log_y: sweep.log_y,
            records,
            caption: &caption(lines, false),
            references: REFERENCE_LINES,
            guides: &guides,
        },
    )
}

/// Redraws the chart of a sweep's CSV (`hashmap.csv` -> `hashmap.svg`,
/// beside it) from the CSV alone: its records and its own fingerprint, not
/// this machine's. For a CSV from another machine, or after a change to how
/// charts are drawn.
pub fn redraw(csv: &Path) -> Result<PathBuf, String> {
    let (records, lines) = read_rows::<Record>(csv).map_err(|e| e.to_string())?;
    let sweep = sweep_of(csv)?;
    let svg = csv.with_extension("svg");
    draw_contention(&svg, (sweep.title, sweep.unit), &sweep, &records, &lines)?;
    Ok(svg)
}

/// Rewrites the table of ratios beside a sweep's CSV (`hashmap.csv` ->
/// `hashmap-summary.md`) from the CSV alone, as `cargo bench` writes it.
pub fn rewrite_summary(csv: &Path) -> Result<PathBuf, String> {
    let sweep = sweep_of(csv)?;
    let summary = sweep.summary_of_csv(csv)?;
    let path = csv.with_file_name(format!("{}-summary.md", sweep.exercise));
    std::fs::write(&path, summary).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// The sweep whose records a CSV holds.
fn sweep_of(csv: &Path) -> Result<Sweep, String> {
    let (records, _) = read_rows::<Record>(csv).map_err(|e| e.to_string())?;
    sweep_named(&records).map_err(|e| format!("{}: {e}", csv.display()))
}

/// The sweep that measured `records`.
fn sweep_named(records: &[Record]) -> Result<Sweep, String> {
    let exercise = records
        .first()
        .map(|r| r.exercise.clone())
        .ok_or("no records")?;
    sweeps()
        .into_iter()
        .find(|s| s.exercise == exercise)
        .ok_or_else(|| format!("no sweep called {exercise:?}"))
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
    let short = baseline.strip_suffix("Map").unwrap_or(baseline);
    let shown_unit = unit
        .strip_prefix("million ")
        .map_or(unit.to_string(), |u| format!("M {u}"));
    let mut table = Table::new([
        ("workload".to_string(), Align::Left),
        ("implementation".to_string(), Align::Left),
        ("threads".to_string(), Align::Right),
        (shown_unit, Align::Right),
        (format!("vs {short}"), Align::Right),
        ("vs best 1-thread".to_string(), Align::Right),
    ]);
    let against = |b: Option<f64>, r: &Record| {
        b.map_or("-".to_string(), |b| format!("{:.2}x", r.ops_per_sec() / b))
    };
    for r in records {
        table.row([
            r.workload.clone(),
            r.implementation.clone(),
            r.threads.to_string(),
            format!("{:.2}", r.ops_per_sec() / scale_of(unit)),
            against(throughput(records, &r.workload, baseline, r.threads), r),
            against(best_single(records, &r.workload).map(|(_, ops)| ops), r),
        ]);
    }
    table.text()
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

/// Lines a chart draws for reference that are not designs (a bound no
/// implementation can beat): never "the best" of a point.
pub const REFERENCE_LINES: &[&str] = &[super::crawler::BOUND];

/// The fastest implementation on `workload` at `threads`, and its ops per
/// second.
pub fn best_at<'a>(
    records: &'a [Record],
    workload: &str,
    threads: usize,
) -> Option<(&'a str, f64)> {
    records
        .iter()
        .filter(|r| r.workload == workload && r.threads == threads)
        .filter(|r| !REFERENCE_LINES.contains(&r.implementation.as_str()))
        .map(|r| (r.implementation.as_str(), r.ops_per_sec()))
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// The fastest implementation on `workload` at one thread (the baseline
/// with no synchronisation included): what scaling is measured against.
pub fn best_single<'a>(records: &'a [Record], workload: &str) -> Option<(&'a str, f64)> {
    best_at(records, workload, 1)
}

/// The sweep's extra tables, made from what it measured, at `scale`.
pub fn extra_tables(
    sweep: &Sweep,
    measured: &[Measured],
    scale: Scale,
) -> Vec<(&'static str, &'static str, ExtraTable)> {
    sweep
        .extras
        .iter()
        .map(|extra| (extra.name, extra.title, (extra.make)(measured, scale)))
        .collect()
}

/// Writes each extra table to every folder of `dirs`: `<name>.md`, and
/// `<name>.csv` where it has rows. Returns the paths written.
pub fn write_extras(
    tables: Vec<(&'static str, &'static str, ExtraTable)>,
    dirs: &[PathBuf],
    notes: &[String],
) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    let machine = Fingerprint::detect().lines();
    for (name, _, table) in tables {
        let markdown = with_machine(&table.markdown, &machine);
        for dir in dirs {
            let md = dir.join(format!("{name}.md"));
            std::fs::create_dir_all(dir)
                .and_then(|()| std::fs::write(&md, &markdown))
                .map_err(|e| format!("{}: {e}", md.display()))?;
            written.push(md);
        }
        if let Some(chart) = table.chart {
            // Drawn once, then copied, as the rows are.
            let first = dirs[0].join(format!("{name}.svg"));
            chart(&first)?;
            written.push(first.clone());
            for dir in &dirs[1..] {
                let copy = dir.join(format!("{name}.svg"));
                std::fs::copy(&first, &copy).map_err(|e| format!("{}: {e}", copy.display()))?;
                written.push(copy);
            }
        }
        if let Some(csv) = table.csv {
            // The rows are written once, then copied: they are the same rows.
            let first = dirs[0].join(format!("{name}.csv"));
            csv(&first, notes).map_err(|e| format!("{}: {e}", first.display()))?;
            written.push(first.clone());
            for dir in &dirs[1..] {
                let copy = dir.join(format!("{name}.csv"));
                std::fs::copy(&first, &copy).map_err(|e| format!("{}: {e}", copy.display()))?;
                written.push(copy);
            }
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(implementation: &str, threads: usize, ops: u64) -> Record {
        Record {
            exercise: "crawler".into(),
            workload: "20 ms latency".into(),
            implementation: implementation.into(),
            threads,
            ops,
            seconds: 1.0,
        }
    }

    #[test]
    fn a_bound_is_never_the_best_design() {
        let records = [
            record("ThreadPoolCrawler", 4, 150),
            record("AsyncCrawler", 4, 160),
            record(super::super::crawler::BOUND, 4, 200),
        ];
        assert_eq!(
            best_at(&records, "20 ms latency", 4),
            Some(("AsyncCrawler", 160.0))
        );
    }
}
