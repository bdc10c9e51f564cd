//! `cargo bench --bench trie`: the trie contention sweep under criterion
//! (see `common/mod.rs`), then the suggest latency of every configuration,
//! printed and written to `target/contention/trie-latency.csv` (and the
//! book's copy on a complete run).

mod common;

use concur::sweep::trie::{
    LATENCY_HEADER, latency_csv_row, latency_markdown, latency_rows, static_comparison,
    static_markdown,
};

fn main() {
    let mut criterion = common::criterion();
    let records = common::run(&mut criterion, concur::sweep::trie::SWEEP, None);
    criterion.final_summary();

    let rows = latency_rows();
    if rows.is_empty() {
        return;
    }
    let table = latency_markdown(&rows);
    println!("\nSuggest latency (top 3), every run of every configuration:\n\n{table}");
    let fixed = static_markdown(&static_comparison(if common::test_mode() {
        200
    } else {
        20_000
    }));
    println!("Static prefix queries, one thread:\n\n{fixed}");
    let csv = common::fingerprinted_csv(LATENCY_HEADER, rows.iter().map(latency_csv_row));
    let files = [
        ("trie-latency.csv", csv.as_str()),
        ("trie-latency.md", &table),
        ("trie-static.md", &fixed),
    ];
    common::write_tables(&files, common::full_run() && records.len() == rows.len());
}
