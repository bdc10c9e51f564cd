//! `cargo bench --bench topk`: the topk contention sweep under criterion
//! (see `common/mod.rs`), then Space-Saving's accuracy table, printed and
//! written to `target/contention/topk-accuracy.csv` (and the book's copy on a
//! complete run).

mod common;

use concur::sweep::topk::{
    ACCURACY_HEADER, accuracy, accuracy_csv_row, accuracy_markdown, accuracy_table,
};
use kit::workload::Queries;

fn main() {
    let mut criterion = common::criterion();
    common::run(&mut criterion, concur::sweep::topk::SWEEP, None);
    criterion.final_summary();

    if !common::full_run() && !common::test_mode() {
        return;
    }
    // In criterion's test mode, a small run only checks that this works.
    let (vocabulary, n, big) = if common::test_mode() {
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
    let csv = common::fingerprinted_csv(ACCURACY_HEADER, rows.iter().map(accuracy_csv_row));
    common::write_tables(
        &[("topk-accuracy.csv", &csv), ("topk-accuracy.md", &table)],
        common::full_run(),
    );
}
