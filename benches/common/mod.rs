//! The criterion driver every contention bench shares: criterion times each
//! point of an exercise's sweep; each run's time also goes into our own
//! records, from which the bench writes `target/contention/<exercise>.csv`
//! and `.svg` (charts come from our CSV, never from criterion's files). A
//! complete run (no filter, not `--test`) also refreshes the book's copy in
//! `book/src/charts/`, with the table of ratios the chapter quotes.

#![allow(dead_code)] // each bench uses a different part of this module

use std::time::Duration;

use concur::sweep::{
    Measured, Scale, Sweep, book_charts_dir, contention_dir, extra_tables, guarded, write_extras,
    write_results,
};
use criterion::{BenchmarkId, Criterion, Throughput};
use kit::contention::{busy_warning, line_handoff_ns, scaling_ceiling};
use kit::report::{ceiling_note, handoff_note};

/// `cargo bench -- --test`: run everything once, keep no figures.
pub fn test_mode() -> bool {
    std::env::args().any(|arg| arg == "--test")
}

/// Neither `--test` nor a filter: a run whose figures may replace the book's.
pub fn full_run() -> bool {
    !test_mode() && !std::env::args().skip(1).any(|arg| !arg.starts_with('-'))
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

/// The bench of an exercise: its sweep under criterion, then its CSV,
/// chart and extra tables (see [`run`]).
pub fn bench(sweep: Sweep) {
    let mut criterion = criterion();
    run(&mut criterion, sweep);
    criterion.final_summary();
}

/// Benches every point of `sweep`, writes its CSV and chart and its extra
/// tables, and returns what it measured.
pub fn run(criterion: &mut Criterion, sweep: Sweep) -> Vec<Measured> {
    let ceiling = scaling_ceiling(2, 7);
    let mut measured = Vec::new();
    let mut expected = 0;
    for point in (sweep.points)(sweep.bench_threads) {
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
            let mut samples = Vec::new();
            group.bench_function(BenchmarkId::new(contender.name, point.threads), |b| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| {
                            let sample = (contender.run)();
                            let took = sample.took;
                            samples.push(sample);
                            took
                        })
                        .sum()
                })
            });
            if !samples.is_empty() {
                measured.push(Measured::of(&point, contender.name, samples));
            }
        }
        group.finish();
    }
    if measured.is_empty() {
        return measured;
    }

    let notes = vec![ceiling_note(2, ceiling), handoff_note(&line_handoff_ns(9))];
    if let Some(warning) = busy_warning(ceiling) {
        eprintln!("{warning}");
    }
    let name = sweep.exercise;
    let records: Vec<_> = measured.iter().map(|m| m.record.clone()).collect();
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
    // Only a complete run, with every contender measured, may replace the
    // book's figures.
    let to_book = full_run() && records.len() == expected;
    if to_book {
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
    let scale = if test_mode() {
        Scale::Test
    } else if full_run() {
        Scale::Full
    } else {
        Scale::Quick
    };
    let tables = extra_tables(&sweep, &measured, scale);
    for (_, title, table) in &tables {
        println!("\n{title}:\n\n{}", table.markdown);
    }
    let mut dirs = vec![contention_dir()];
    if to_book {
        dirs.push(book_charts_dir());
    }
    match write_extras(tables, &dirs, &notes) {
        Ok(paths) => {
            for path in paths {
                println!("table written:            {}", path.display());
            }
        }
        Err(why) => eprintln!("warning: {why}"),
    }
    measured
}
