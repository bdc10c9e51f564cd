//! The criterion driver every contention bench shares: criterion times each
//! point of an exercise's sweep; each run's time also goes into our own
//! records, from which the bench writes `target/contention/<exercise>.csv`
//! and `.svg` (charts come from our CSV, never from criterion's files). A
//! complete run (no filter, not `--test`) also refreshes the book's copy in
//! `book/src/charts/`, with the table of ratios the chapter quotes.

#![allow(dead_code)] // each bench uses a different part of this module

use std::time::Duration;

use concur::sweep::{
    Point, Sweep, book_charts_dir, ceiling_note, contention_dir, guarded, write_results,
};
use criterion::{BenchmarkId, Criterion, Throughput};
use kit::contention::scaling_ceiling;
use kit::report::Record;

/// `cargo bench -- --test`: run everything once, keep no figures.
pub fn test_mode() -> bool {
    std::env::args().any(|arg| arg == "--test")
}

/// Neither `--test` nor a filter: a run whose figures may replace the book's.
pub fn full_run() -> bool {
    !test_mode() && !std::env::args().skip(1).any(|arg| !arg.starts_with('-'))
}

/// A CSV of `rows` under `header`, the machine fingerprint first as `#`
/// lines, as every CSV of concur has.
pub fn fingerprinted_csv(header: &str, rows: impl IntoIterator<Item = String>) -> String {
    let mut csv = String::new();
    for line in kit::report::Fingerprint::detect().lines() {
        csv.push_str(&format!("# {line}\n"));
    }
    csv.push_str(header);
    csv.push('\n');
    for row in rows {
        csv.push_str(&row);
        csv.push('\n');
    }
    csv
}

/// Writes an exercise's extra tables, `(file name, contents)`, to
/// `target/contention/` and, when `to_book`, to the book's charts too.
pub fn write_tables(files: &[(&str, &str)], to_book: bool) {
    let mut dirs = vec![contention_dir()];
    if to_book {
        dirs.push(book_charts_dir());
    }
    for dir in dirs {
        for (name, contents) in files {
            let path = dir.join(name);
            match std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, contents)) {
                Ok(()) => println!("table written:            {}", path.display()),
                Err(e) => eprintln!("warning: could not write {}: {e}", path.display()),
            }
        }
    }
}

/// Criterion settings that keep a configuration to about 1.5 s, so an
/// exercise of 80-100 configurations stays within 3 minutes.
pub fn criterion() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(900))
        .sample_size(10)
        .nresamples(10_000)
        .without_plots()
        .configure_from_args()
}

/// Benches every point of `sweep` (its own, or `points` when a bench adds
/// contenders of its own), writes its CSV and chart, and returns the records.
pub fn run(
    criterion: &mut Criterion,
    sweep: Sweep,
    points: Option<Box<dyn Iterator<Item = Point>>>,
) -> Vec<Record> {
    let ceiling = scaling_ceiling(2, 7);
    let mut records = Vec::new();
    let mut expected = 0;
    let points = points.unwrap_or_else(|| (sweep.points)(sweep.bench_threads));
    for point in points {
        let mut group = criterion.benchmark_group(format!("{}/{}", point.exercise, point.workload));
        group.throughput(Throughput::Elements(point.ops));
        for contender in &point.contenders {
            expected += 1;
            // A starter that still has todo!() bodies is skipped with a
            // note, not allowed to abort the whole bench.
            if let Err(why) = guarded(|| (contender.run)()) {
                eprintln!("skipping {}: {why}", contender.name);
                continue;
            }
            let mut runs = Vec::new();
            group.bench_function(BenchmarkId::new(contender.name, point.threads), |b| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| {
                            let took = (contender.run)();
                            runs.push(took.as_secs_f64());
                            took
                        })
                        .sum()
                })
            });
            if !runs.is_empty() {
                records.push(point.record(contender.name, &mut runs));
            }
        }
        group.finish();
    }
    if records.is_empty() {
        return records;
    }

    let notes = vec![ceiling_note(ceiling)];
    let name = sweep.exercise;
    match write_results(
        &contention_dir(),
        name,
        sweep.title,
        sweep.unit,
        &records,
        &notes,
    ) {
        Ok((csv, svg)) => {
            println!("{name} contention CSV:   {}", csv.display());
            println!("{name} contention chart: {}", svg.display());
        }
        Err(why) => {
            eprintln!("error: could not write the {name} results: {why}");
            std::process::exit(1);
        }
    }
    if full_run() && records.len() == expected {
        let book = book_charts_dir();
        let written = write_results(&book, name, sweep.title, sweep.unit, &records, &notes)
            .and_then(|(csv, _)| {
                let path = book.join(format!("{name}-summary.md"));
                std::fs::write(&path, sweep.summary_of_csv(&csv)?)
                    .map_err(|e| format!("{}: {e}", path.display()))
            });
        match written {
            Ok(()) => println!(
                "book chart refreshed:     {}",
                book.join(format!("{name}.svg")).display()
            ),
            Err(why) => eprintln!("warning: the book's {name} chart was not refreshed: {why}"),
        }
    }
    records
}
