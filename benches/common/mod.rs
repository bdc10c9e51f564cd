//! The criterion driver every contention bench shares: criterion times each
//! point of an exercise's sweep; each run's time also goes into our own
//! records, from which the bench writes `target/contention/<exercise>.csv`
//! and `.svg` (charts come from our CSV, never from criterion's files). A
//! complete run (no filter, not `--test`) also refreshes the book's copy in
//! `book/src/charts/`, with the table of ratios the chapter quotes.

#![allow(dead_code)] // each bench uses a different part of this module

use std::time::Duration;

use concur::sweep::{
    Measured, Point, Scale, Sweep, book_charts_dir, contention_dir, extra_tables, guarded,
    measure_together, write_extras, write_results,
};
use criterion::{BenchmarkId, Criterion, Throughput};
use kit::contention::{busy_warning, line_handoff_ns, scaling_ceiling};
use kit::report::{Fingerprint, ceiling_note, handoff_note, with_machine};

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
    let machine = Fingerprint::detect().lines();
    for dir in dirs {
        for (name, contents) in files {
            let path = dir.join(name);
            let contents = with_machine(contents, &machine);
            match std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, contents)) {
                Ok(()) => println!("table written:            {}", path.display()),
                Err(e) => eprintln!("warning: could not write {}: {e}", path.display()),
            }
        }
    }
}

/// Criterion settings that keep a configuration to about a fifth of a second:
/// criterion is here for its statistics and its comparison with the last
/// run, and the figures come from [`measure_interleaved_pass`].
pub fn criterion() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(50))
        .measurement_time(Duration::from_millis(100))
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

/// What a bench was asked to run: no filter, or the configurations whose
/// criterion name (`exercise/workload/implementation/threads`) contains one
/// of the filters given on the command line.
fn selected(id: &str) -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    filters.is_empty() || filters.iter().any(|f| id.contains(f.as_str()))
}

/// A configuration whose one run takes longer is left to the pass.
const CRITERION_MAX_RUN: Duration = Duration::from_millis(60);

/// Seconds of runs each configuration gets in the interleaved pass.
const PASS_BUDGET: Duration = Duration::from_millis(300);

/// The figures: every implementation of a workload, at every thread count,
/// round-robin (`measure_together`), so that a ratio between two of them
/// compares runs from the same seconds. Criterion measures one
/// configuration after another, and on a shared machine the speed of
/// memory moves between them.
fn measure_interleaved_pass(sweep: &Sweep) -> Vec<Measured> {
    let (budget, min_runs) = if test_mode() {
        (Duration::ZERO, 1)
    } else {
        (PASS_BUDGET, 5)
    };
    let points: Vec<Point> = (sweep.points)(sweep.bench_threads)
        .map(|mut point| {
            let prefix = format!("{}/{}/", point.exercise, point.workload);
            let threads = point.threads;
            point
                .contenders
                .retain(|c| selected(&format!("{prefix}{}/{threads}", c.name)));
            point
        })
        .filter(|point| !point.contenders.is_empty())
        .collect();
    let mut measured = Vec::new();
    for together in points.chunk_by(|a, b| a.workload == b.workload) {
        let together: Vec<&Point> = together.iter().collect();
        measured.extend(measure_together(
            &together,
            budget,
            min_runs,
            |name, why| {
                eprintln!("skipping {name}: {why}");
            },
        ));
    }
    measured
}

/// Benches every point of `sweep` under criterion, then measures the
/// figures in one interleaved pass, writes its CSV and chart and its extra
/// tables, and returns what the pass measured.
pub fn run(criterion: &mut Criterion, sweep: Sweep) -> Vec<Measured> {
    let ceiling = scaling_ceiling(2, 7);
    let mut expected = 0;
    for point in (sweep.points)(sweep.bench_threads) {
        expected += point.contenders.len();
        // `--test` runs each configuration once, in the pass below.
        if test_mode() {
            continue;
        }
        let mut group = criterion.benchmark_group(format!("{}/{}", point.exercise, point.workload));
        group.throughput(Throughput::Elements(point.ops));
        for contender in &point.contenders {
            // A starter that still has todo!() bodies is skipped with a
            // note, not allowed to abort the whole bench.
            let first = match guarded(|| (contender.run)()) {
                Ok(sample) => sample,
                Err(why) => {
                    eprintln!("skipping {}: {why}", contender.name);
                    continue;
                }
            };
            // Criterion takes ten samples at least: ten runs of a slow
            // configuration cost more than its statistics are worth here,
            // and the figures come from the pass below anyway.
            if first.took > CRITERION_MAX_RUN {
                eprintln!(
                    "criterion skips {}/{}/{}/{}: one run takes {:.2} s (the pass below measures it)",
                    point.exercise,
                    point.workload,
                    contender.name,
                    point.threads,
                    first.took.as_secs_f64()
                );
                continue;
            }
            group.bench_function(BenchmarkId::new(contender.name, point.threads), |b| {
                b.iter_custom(|iters| (0..iters).map(|_| (contender.run)().took).sum())
            });
        }
        group.finish();
    }
    let measured = measure_interleaved_pass(&sweep);
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
