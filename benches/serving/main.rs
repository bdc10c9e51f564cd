//! The serving lab's experiment behind the book's "A high-concurrency
//! inference API": goodput, shed fraction and p99 latency against offered
//! load for six servers, interactive latency beside saturating batch
//! work, and time to first token and per token, static against
//! continuous batching. The server and the load generator are the serving exercise's,
//! over real HTTP on 127.0.0.1 (`src/serving/`); this file only charts
//! what `concur::serving::experiment::run` measured. Not criterion: each
//! point is one open-loop run of fixed length.
//!
//! A complete run refreshes `book/src/charts/serving-*.svg`, `serving.csv`,
//! `serving.md`, `serving-priorities.md` and `serving-generation.md`; `cargo bench -- --test` runs
//! tiny points only.

#[path = "../common/mod.rs"]
mod common;

use concur::serving::experiment::{self, DEADLINE, LOADS, Row, is_generation};
use concur::sweep::{book_charts_dir, contention_dir};
use kit::report::{Chart, Fingerprint, Guide, Record, caption, draw_svg, write_rows};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if !filters.is_empty() && !filters.iter().any(|f| "serving".contains(f.as_str())) {
        return;
    }
    let seconds = if common::test_mode() { 0.1 } else { 3.0 };
    let measured = match experiment::run(seconds, &|what| eprintln!("serving: {what}")) {
        Ok(measured) => measured,
        Err(e) => {
            eprintln!("serving: {e:#}");
            std::process::exit(1);
        }
    };
    let notes = experiment::notes(&measured, seconds);
    if let Some(warning) = notes.iter().find(|n| n.starts_with("warning")) {
        eprintln!("{warning}");
    }
    let fingerprint = Fingerprint::detect();
    let lines: Vec<String> = fingerprint
        .lines()
        .into_iter()
        .chain(notes.clone())
        .collect();
    let caption = caption(&lines, false);

    // The six servers against load; the priority and generation rows go
    // in tables.
    let (generation, one_shot): (Vec<&Row>, Vec<&Row>) =
        measured.rows.iter().partition(|row| is_generation(row));
    let (loads, priorities): (Vec<&Row>, Vec<&Row>) = one_shot
        .into_iter()
        .partition(|row| LOADS.contains(&row.offered_per_sec) && !row.implementation.contains(':'));
    let record = |row: &Row, workload: &str, value: f64| Record {
        exercise: "serving".into(),
        workload: workload.into(),
        implementation: row.implementation.clone(),
        threads: row.offered_per_sec as usize,
        ops: value.round() as u64,
        seconds: 1.0,
    };
    let latency: Vec<Record> = loads
        .iter()
        .filter_map(|row| {
            let p99_us = row.p99_ms? * 1e3;
            Some(record(row, "p99 latency of the requests served", p99_us))
        })
        .collect();
    let goodput: Vec<Record> = loads
        .iter()
        .map(|row| {
            let within = format!("answers within {} ms, per second", DEADLINE.as_millis());
            record(row, &within, row.goodput_per_sec)
        })
        .collect();

    let mut dirs = vec![contention_dir()];
    if common::full_run() {
        dirs.push(book_charts_dir());
    }
    let capacity_label = format!("capacity {:.0}/s", measured.capacity);
    let deadline_label = format!("deadline {} ms", DEADLINE.as_millis());
    let at_capacity = Guide::Vertical {
        x: measured.capacity,
        label: &capacity_label,
    };
    let latency_guides = [
        at_capacity,
        Guide::Horizontal {
            y: DEADLINE.as_secs_f64() * 1e3,
            label: &deadline_label,
        },
    ];
    let goodput_guides = [
        at_capacity,
        Guide::Horizontal {
            y: measured.capacity,
            label: &capacity_label,
        },
    ];
    for dir in &dirs {
        let charts = [
            (
                "serving-latency.svg",
                "An inference server past capacity: p99 latency",
                "ms (log scale)",
                1e3,
                true,
                &latency,
                &latency_guides,
            ),
            (
                "serving-goodput.svg",
                "An inference server past capacity: goodput",
                "requests/s",
                1.0,
                false,
                &goodput,
                &goodput_guides,
            ),
        ];
        for (file, title, y_label, y_scale, log_y, records, guides) in charts {
            let path = dir.join(file);
            let chart = Chart {
                title,
                x_label: "offered load (requests/s)",
                y_label,
                y_scale,
                log_y,
                records,
                caption: &caption,
                references: &[],
                guides,
            };
            match draw_svg(&path, &chart) {
                Ok(()) => println!("chart written:            {}", path.display()),
                Err(e) => eprintln!("warning: could not draw {}: {e}", path.display()),
            }
        }
    }
    let owned = |rows: &[&Row]| rows.iter().map(|r| (*r).clone()).collect::<Vec<Row>>();
    let table = experiment::markdown(&owned(&loads));
    let priority_table = experiment::markdown(&owned(&priorities));
    let generation_table = experiment::generation_markdown(&owned(&generation));
    println!("\n{table}\n{priority_table}\n{generation_table}");
    let csv = contention_dir().join("serving.csv");
    if let Err(e) = write_rows(&csv, &measured.rows, &fingerprint, &notes) {
        eprintln!("warning: could not write {}: {e}", csv.display());
    }
    common::write_tables(
        &[
            ("serving.md", &table),
            ("serving-priorities.md", &priority_table),
            ("serving-generation.md", &generation_table),
        ],
        common::full_run(),
    );
    if common::full_run() {
        let _ = std::fs::copy(&csv, book_charts_dir().join("serving.csv"));
    }
}
