//! The serving experiment behind the book's "A high-concurrency inference
//! API": p99 latency and goodput against offered load, for three front
//! doors. Not criterion: each point is one open-loop run of fixed length.
//! A complete run refreshes `book/src/charts/serving-*.svg`, `serving.csv`
//! and `serving.md`; `cargo bench -- --test` runs short points only.

mod common;

use std::fmt::Write as _;
use std::time::Duration;

use concur::design::serving::{Door, Outcome, Setup, run};
use concur::sweep::{book_charts_dir, contention_dir};
use kit::report::{Chart, Fingerprint, Record, draw_svg};

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
    let mut rows: Vec<(usize, Door, Outcome, Setup)> = Vec::new();
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
            rows.push((rate, door, outcome, setup));
        }
    }

    let caption = vec![
        Fingerprint::detect().lines().join("; "),
        format!(
            "{WORKERS} workers, {} ms a request (capacity {} requests/s); Poisson arrivals for {} s a point; SLO {} ms",
            SERVICE.as_millis(),
            WORKERS as u128 * 1000 / SERVICE.as_millis(),
            duration.as_secs_f64(),
            SLO.as_millis()
        ),
    ];
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
        .filter(|(_, _, o, _)| o.served > 0)
        .map(|(rate, door, o, _)| Record {
            workload: "p99 latency of the requests served".into(),
            ..record(*rate, door, o.p99.as_micros() as u64, 1.0)
        })
        .collect();
    let goodput: Vec<Record> = rows
        .iter()
        .map(|(rate, door, o, s)| Record {
            workload: format!("requests served within {} ms, per second", SLO.as_millis()),
            ..record(*rate, door, o.good, s.duration.as_secs_f64())
        })
        .collect();

    let mut csv = String::new();
    let _ = writeln!(
        csv,
        "door,offered_per_sec,offered,served,shed,good,p50_ms,p99_ms,goodput_per_sec"
    );
    let mut table = String::from(
        "| offered load | front door | shed | p50 | p99 | goodput (within SLO) |\n|---:|---|---:|---:|---:|---:|\n",
    );
    for (rate, door, o, s) in &rows {
        let _ = writeln!(
            csv,
            "{},{rate},{},{},{},{},{:.2},{:.2},{:.1}",
            door.name(),
            o.offered,
            o.served,
            o.shed,
            o.good,
            o.p50.as_secs_f64() * 1e3,
            o.p99.as_secs_f64() * 1e3,
            o.goodput(s)
        );
        let _ = writeln!(
            table,
            "| {rate}/s | {} | {:.0}% | {:.0} ms | {:.0} ms | {:.0}/s |",
            door.name(),
            100.0 * o.shed as f64 / o.offered.max(1) as f64,
            o.p50.as_secs_f64() * 1e3,
            o.p99.as_secs_f64() * 1e3,
            o.goodput(s)
        );
    }
    let csv = common::fingerprinted_csv(
        csv.lines().next().unwrap_or_default(),
        csv.lines().skip(1).map(str::to_string),
    );

    let mut dirs = vec![contention_dir()];
    if common::full_run() {
        dirs.push(book_charts_dir());
    }
    for dir in dirs {
        let charts = [
            (
                "serving-latency.svg",
                "A model server past capacity: p99 latency",
                "ms (log scale)",
                1e3,
                true,
                &latency,
            ),
            (
                "serving-goodput.svg",
                "A model server past capacity: goodput",
                "requests/s",
                1.0,
                false,
                &goodput,
            ),
        ];
        for (file, title, y_label, y_scale, log_y, records) in charts {
            let path = dir.join(file);
            let chart = Chart {
                title,
                x_label: "offered load (requests/s)",
                y_label,
                y_scale,
                log_y,
                records,
                caption: &caption,
            };
            match draw_svg(&path, &chart) {
                Ok(()) => println!("chart written:            {}", path.display()),
                Err(e) => eprintln!("warning: could not draw {}: {e}", path.display()),
            }
        }
    }
    common::write_tables(
        &[("serving.csv", &csv), ("serving.md", &table)],
        common::full_run(),
    );
}
