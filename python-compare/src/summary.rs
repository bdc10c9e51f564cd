//! The figures the issue, the README and the book quote, computed from the
//! rows: ratios from one run, never a lone time.

use kit::report::{Align, Table};

use crate::compare::{Language, Row};

fn find<'a>(
    rows: &'a [Row],
    workload: &str,
    implementation: &str,
    workers: usize,
) -> Option<&'a Row> {
    rows.iter().find(|r| {
        r.workload == workload && r.implementation == implementation && r.workers == workers
    })
}

/// The fastest row of `language` at `workers` (a sequential variant counts
/// at every worker count: it is what you get without parallelism).
fn best<'a>(
    rows: &'a [Row],
    workload: &str,
    language: Language,
    workers: usize,
) -> Option<&'a Row> {
    rows.iter()
        .filter(|r| r.workload == workload && r.language == language)
        .filter(|r| r.workers == workers || (r.workers == 1 && is_sequential(r)))
        .max_by(|a, b| a.items_per_sec().total_cmp(&b.items_per_sec()))
}

fn is_sequential(row: &Row) -> bool {
    matches!(row.implementation.as_str(), "sequential" | "Sequential")
}

/// `a / b` of two rows' throughput, as "12.3x", or "-" where one is missing.
fn ratio(a: Option<&Row>, b: Option<&Row>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{:.2}x", a.items_per_sec() / b.items_per_sec()),
        _ => "-".to_string(),
    }
}

fn named(row: Option<&Row>) -> String {
    row.map_or("-".to_string(), |r| r.implementation.clone())
}

/// The tables of a CSV written by the harness, with the worker counts it
/// was run at read from its rows.
pub fn markdown_of_csv(path: &std::path::Path) -> anyhow::Result<String> {
    let (rows, lines) = crate::output::read_csv(path)?;
    let counts = |crawler: bool| {
        let mut counts: Vec<usize> = rows
            .iter()
            .filter(|r| (r.workload == "crawler") == crawler)
            .map(|r| r.workers)
            .collect();
        counts.sort_unstable();
        counts.dedup();
        counts
    };
    Ok(kit::report::with_machine(
        &markdown(&rows, &counts(false), &counts(true)),
        &lines,
    ))
}

/// A markdown table of the comparison's ratios for `workers` (the first
/// is the base, usually 1; the last is the most, usually 2).
pub fn markdown(rows: &[Row], workers: &[usize], io_workers: &[usize]) -> String {
    let (lo, hi) = (
        workers.first().copied().unwrap_or(1),
        workers.last().copied().unwrap_or(1),
    );
    let mut table = Table::new([
        ("workload".to_string(), Align::Left),
        (format!("Rust best / Python best, {lo} worker"), Align::Left),
        (format!("same, {hi} workers"), Align::Left),
        (format!("Python threads {hi}/{lo}"), Align::Left),
        (format!("Python processes {hi}/{lo}"), Align::Left),
    ]);
    let mut workloads: Vec<&str> = Vec::new();
    for r in rows {
        if r.workload != "gil" && !workloads.contains(&r.workload.as_str()) {
            workloads.push(&r.workload);
        }
    }
    for w in &workloads {
        let at = |n| {
            let (rust, python) = (
                best(rows, w, Language::Rust, n),
                best(rows, w, Language::Python, n),
            );
            format!(
                "{} ({} / {})",
                ratio(rust, python),
                named(rust),
                named(python)
            )
        };
        let scaling = |variant: &str| ratio(find(rows, w, variant, hi), find(rows, w, variant, lo));
        table.row([
            w.to_string(),
            at(lo),
            at(hi),
            scaling("threads"),
            scaling("processes"),
        ]);
    }
    let mut out = table.markdown();
    if workloads.contains(&"crawler") {
        let mut crawler = Table::new(
            [
                "crawler, requests in flight",
                "Python asyncio / threads",
                "Rust AsyncCrawler / ThreadPoolCrawler",
                "Rust best / Python best",
            ]
            .map(|c| (c, Align::Left)),
        );
        for &n in io_workers {
            crawler.row([
                n.to_string(),
                ratio(
                    find(rows, "crawler", "asyncio", n),
                    find(rows, "crawler", "threads", n),
                ),
                ratio(
                    find(rows, "crawler", "AsyncCrawler", n),
                    find(rows, "crawler", "ThreadPoolCrawler", n),
                ),
                ratio(
                    best(rows, "crawler", Language::Rust, n),
                    best(rows, "crawler", Language::Python, n),
                ),
            ]);
        }
        out.push('\n');
        out.push_str(&crawler.markdown());
    }
    if rows.iter().any(|r| r.workload == "gil") {
        let mut gil = Table::new([
            ("the GIL experiment".to_string(), Align::Left),
            (format!("{hi} workers / {lo}"), Align::Left),
        ]);
        for variant in [
            "rust-holding-gil",
            "rust-releasing-gil",
            "python-threads",
            "python-processes",
        ] {
            gil.row([
                variant.to_string(),
                ratio(
                    find(rows, "gil", variant, hi),
                    find(rows, "gil", variant, lo),
                ),
            ]);
        }
        out.push('\n');
        out.push_str(&gil.markdown());
    }
    out
}
