//! `cargo bench --bench topk`: the topk contention sweep under criterion
//! (see `common/mod.rs`), then Space-Saving's accuracy table, printed and
//! written to `target/contention/topk-accuracy.csv` (and the book's copy on a
//! complete run).

mod common;

use std::fmt::Write as _;

use concur::sweep::topk::{
    ACCURACY_HEADER, accuracy, accuracy_csv_row, accuracy_markdown, accuracy_table,
};
use concur::sweep::{book_charts_dir, contention_dir};
use kit::report::Fingerprint;
use kit::workload::Queries;

fn main() {
    let mut criterion = common::criterion();
    common::run(&mut criterion, concur::sweep::topk::SWEEP, None);
    criterion.final_summary();

    let test_mode = std::env::args().any(|arg| arg == "--test");
    let filtered = std::env::args().skip(1).any(|arg| !arg.starts_with('-'));
    if filtered && !test_mode {
        return;
    }
    // In criterion's test mode, a small run only checks that this works.
    let (vocabulary, n, big) = if test_mode {
        (20_000, 50_000, 100_000)
    } else {
        (1_000_000, 1_000_000, 10_000_000)
    };
    let mut rows = accuracy_table(vocabulary, n);
    // The figure: m = 10k on 10M Zipf(1.0) queries.
    rows.extend(accuracy(
        &Queries::new(vocabulary, 1.0, 31),
        1.0,
        10_000,
        big,
        &[100],
    ));
    let table = accuracy_markdown(&rows);
    println!("\nSpace-Saving accuracy against exact counts:\n\n{table}");

    let mut csv = String::new();
    for line in Fingerprint::detect().lines() {
        let _ = writeln!(csv, "# {line}");
    }
    let _ = writeln!(csv, "{ACCURACY_HEADER}");
    for row in &rows {
        let _ = writeln!(csv, "{}", accuracy_csv_row(row));
    }
    let mut targets = vec![contention_dir()];
    if !test_mode {
        targets.push(book_charts_dir());
    }
    for dir in targets {
        let written = std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(dir.join("topk-accuracy.csv"), &csv))
            .and_then(|()| std::fs::write(dir.join("topk-accuracy.md"), &table));
        match written {
            Ok(()) => println!(
                "topk accuracy CSV:        {}",
                dir.join("topk-accuracy.csv").display()
            ),
            Err(e) => eprintln!(
                "warning: could not write the accuracy table in {}: {e}",
                dir.display()
            ),
        }
    }
}
