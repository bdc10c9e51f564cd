//! `cargo bench --bench hashmap`: the contention sweep under criterion.
//!
//! Criterion times each configuration; each run's time also goes into our
//! own records, from which this bench writes `target/contention/hashmap.csv`
//! and `hashmap.svg` (the chart is drawn from our CSV records, never from
//! criterion's files). A complete run (no filter, not `--test`) also
//! refreshes the book's copy under `book/src/charts/`.

use std::time::Duration;

use concur::sweep::hashmap::{Implementation, OPS_PER_THREAD, summary_of_csv, workloads};
use concur::sweep::{book_charts_dir, ceiling_note, contention_dir, guarded, write_results};
use criterion::{BenchmarkId, Criterion, Throughput};
use kit::contention::scaling_ceiling;

const THREADS: [usize; 4] = [1, 2, 4, 8];

fn main() {
    // About 1.5 s a configuration, 80 configurations: under 3 minutes here.
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(900))
        .sample_size(10)
        .nresamples(10_000)
        .without_plots()
        .configure_from_args();
    let test_mode = std::env::args().any(|arg| arg == "--test");

    let ceiling = scaling_ceiling(2, 7);
    let mut records = Vec::new();
    let mut expected = 0;
    for workload in workloads() {
        let mut group = criterion.benchmark_group(format!("hashmap/{}", workload.name));
        for threads in THREADS {
            let ops = workload.ops(threads);
            group.throughput(Throughput::Elements((threads * OPS_PER_THREAD) as u64));
            for implementation in Implementation::all() {
                expected += 1;
                // A starter that still has todo!() bodies is skipped with a
                // note, not allowed to abort the whole sweep.
                if let Err(why) = guarded(|| implementation.run_once(&workload, &ops[..1])) {
                    eprintln!("skipping {}: {why}", implementation.name());
                    continue;
                }
                let mut runs = Vec::new();
                let id = BenchmarkId::new(implementation.name(), threads);
                group.bench_function(id, |b| {
                    b.iter_custom(|iters| {
                        (0..iters)
                            .map(|_| {
                                let took = implementation.run_once(&workload, &ops);
                                runs.push(took.as_secs_f64());
                                took
                            })
                            .sum()
                    })
                });
                if !runs.is_empty() {
                    records.push(workload.record(implementation, threads, &mut runs));
                }
            }
        }
        group.finish();
    }
    criterion.final_summary();
    if records.is_empty() {
        return;
    }

    let notes = vec![ceiling_note(ceiling)];
    let title = "hashmap: throughput against threads";
    match write_results(&contention_dir(), "hashmap", title, &records, &notes) {
        Ok((csv, svg)) => {
            println!("hashmap contention CSV:   {}", csv.display());
            println!("hashmap contention chart: {}", svg.display());
        }
        Err(why) => {
            eprintln!("error: could not write the hashmap results: {why}");
            std::process::exit(1);
        }
    }
    if !test_mode && records.len() == expected {
        let book = book_charts_dir();
        let written =
            write_results(&book, "hashmap", title, &records, &notes).and_then(|(csv, _)| {
                let path = book.join("hashmap-summary.md");
                std::fs::write(&path, summary_of_csv(&csv)?)
                    .map_err(|e| format!("{}: {e}", path.display()))
            });
        match written {
            Ok(()) => println!(
                "book chart refreshed:     {}",
                book.join("hashmap.svg").display()
            ),
            Err(why) => eprintln!("warning: the book's chart was not refreshed: {why}"),
        }
    }
}
