//! The serving experiment behind the book's "A high-concurrency inference
//! API": p99 latency and goodput against offered load, for three front
//! doors. Not criterion: each point is one open-loop run of fixed length.
//! A complete run refreshes `book/src/charts/serving-*.svg`, `serving.csv`
//! and `serving.md`; `cargo bench -- --test` runs short points only. The
//! simulated server itself is `simulation.rs`, beside this file.

#[path = "../common/mod.rs"]
mod common;
// Its tests run with `cargo test`, from tests/serving_simulation.rs: a
// bench without libtest's harness runs none.
#[allow(dead_code)]
mod simulation;

use std::time::Duration;

use concur::sweep::{book_charts_dir, contention_dir};
use kit::report::{Align, Chart, Fingerprint, Guide, Record, Table, caption, draw_svg, write_rows};
use simulation::{Door, Outcome, Setup, run};

/// Four workers at 8 ms a request: 500 requests per second at most.
const WORKERS: usize = 4;
const SERVICE: Duration = Duration::from_millis(8);
/// Offered loads, a quarter of capacity to four times it.
const RATES: [usize; 5] = [128, 256, 512, 1024, 2048];
const SLO: Duration = Duration::from_millis(100);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if !filters.is_empty() && !filters.iter().any(|f| "serving".contains(f.as_str())) {
        return;
    }
    let test = common::test_mode();
    let duration = Duration::from_millis(if test { 150 } else { 2000 });
    let doors = [
        Door::Unbounded,
        Door::Bounded { capacity: 64 },
        Door::BoundedWithDeadline {
            capacity: 64,
            deadline: Duration::from_millis(50),
        },
    ];
    let mut rows: Vec<(usize, Door, Outcome)> = Vec::new();
    for rate in RATES {
        for door in doors {
            let setup = Setup {
                workers: WORKERS,
                service: SERVICE,
                rate: rate as f64,
                duration,
                slo: SLO,
                seed: rate as u64,
            };
            eprintln!("serving: {} at {rate} requests/s", door.name());
            let outcome = run(door, &setup);
            rows.push((rate, door, outcome));
        }
    }

    let notes = vec![format!(
        "{WORKERS} workers, {} ms a request (capacity {} requests/s); Poisson arrivals for {} s a point; SLO {} ms",
        SERVICE.as_millis(),
        WORKERS as u128 * 1000 / SERVICE.as_millis(),
        duration.as_secs_f64(),
        SLO.as_millis()
    )];
    let fingerprint = Fingerprint::detect();
    let lines: Vec<String> = fingerprint
        .lines()
        .into_iter()
        .chain(notes.clone())
        .collect();
    let caption = caption(&lines, false);
    let record = |rate, door: &Door, ops, seconds| Record {
        exercise: "serving".into(),
        workload: String::new(),
        implementation: door.name(),
        threads: rate,
        ops,
        seconds,
    };
    let latency: Vec<Record> = rows
        .iter()
        .filter(|(_, _, o)| o.served > 0)
        .map(|(rate, door, o)| Record {
            workload: "p99 latency of the requests served".into(),
            ..record(*rate, door, o.p99.as_micros() as u64, 1.0)
        })
        .collect();
    let goodput: Vec<Record> = rows
        .iter()
        .map(|(rate, door, o)| Record {
            workload: format!("requests served within {} ms, per second", SLO.as_millis()),
            ..record(*rate, door, o.good, o.elapsed.as_secs_f64())
        })
        .collect();

    let mut table = Table::new([
        ("offered load", Align::Right),
        ("front door", Align::Left),
        ("shed", Align::Right),
        ("p50", Align::Right),
        ("p99", Align::Right),
        ("goodput (within SLO)", Align::Right),
    ]);
    let mut csv_rows = Vec::new();
    for (rate, door, o) in &rows {
        csv_rows.push(Row {
            door: door.name(),
            offered_per_sec: *rate,
            offered: o.offered,
            served: o.served,
            shed: o.shed,
            good: o.good,
            p50_ms: o.p50.as_secs_f64() * 1e3,
            p99_ms: o.p99.as_secs_f64() * 1e3,
            goodput_per_sec: o.goodput(),
        });
        table.row([
            format!("{rate}/s"),
            door.name(),
            format!("{:.0}%", 100.0 * o.shed as f64 / o.offered.max(1) as f64),
            format!("{:.0} ms", o.p50.as_secs_f64() * 1e3),
            format!("{:.0} ms", o.p99.as_secs_f64() * 1e3),
            format!("{:.0}/s", o.goodput()),
        ]);
    }

    let mut dirs = vec![contention_dir()];
    if common::full_run() {
        dirs.push(book_charts_dir());
    }
    for dir in dirs {
        let capacity = (WORKERS as f64 / SERVICE.as_secs_f64()).round();
        let capacity_label = format!("capacity {capacity:.0}/s");
        let slo_label = format!("SLO {} ms", SLO.as_millis());
        let at_capacity = Guide::Vertical {
            x: capacity,
            label: &capacity_label,
        };
        let latency_guides = [
            at_capacity,
            Guide::Horizontal {
                y: SLO.as_secs_f64() * 1e3,
                label: &slo_label,
            },
        ];
        let goodput_guides = [
            at_capacity,
            Guide::Horizontal {
                y: capacity,
                label: &capacity_label,
            },
        ];
        let charts = [
            (
                "serving-latency.svg",
                "A model server past capacity: p99 latency",
                "ms (log scale)",
                1e3,
                true,
                &latency,
                &latency_guides,
            ),
            (
                "serving-goodput.svg",
                "A model server past capacity: goodput",
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
    let table = table.markdown();
    println!("\n{table}");
    let csv = contention_dir().join("serving.csv");
    if let Err(e) = write_rows(&csv, &csv_rows, &fingerprint, &notes) {
        eprintln!("warning: could not write {}: {e}", csv.display());
    }
    common::write_tables(&[("serving.md", &table)], common::full_run());
    if common::full_run() {
        let _ = std::fs::copy(&csv, book_charts_dir().join("serving.csv"));
    }
}

/// One point of the experiment: a row of `serving.csv`.
#[derive(Debug, serde::Serialize)]
struct Row {
    door: String,
    offered_per_sec: usize,
    offered: u64,
    served: u64,
    shed: u64,
    good: u64,
    p50_ms: f64,
    p99_ms: f64,
    goodput_per_sec: f64,
}
