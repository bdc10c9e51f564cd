//! `cargo bench --bench trie`: the trie contention sweep under criterion
//! (see `common/mod.rs`), then the suggest latency of every configuration,
//! printed and written to `target/contention/trie-latency.csv` (and the
//! book's copy on a complete run).

mod common;

use std::fmt::Write as _;

use concur::sweep::trie::{
    LATENCY_HEADER, latency_csv_row, latency_markdown, latency_rows, static_comparison,
    static_markdown,
};
use concur::sweep::{book_charts_dir, contention_dir};
use kit::report::Fingerprint;

fn main() {
    let mut criterion = common::criterion();
    let records = common::run(&mut criterion, concur::sweep::trie::SWEEP, None);
    criterion.final_summary();

    let rows = latency_rows();
    if rows.is_empty() {
        return;
    }
    let test_mode = std::env::args().any(|arg| arg == "--test");
    let table = latency_markdown(&rows);
    println!("\nSuggest latency (top 3), every run of every configuration:\n\n{table}");
    let fixed = static_markdown(&static_comparison(if test_mode { 200 } else { 20_000 }));
    println!("Static prefix queries, one thread:\n\n{fixed}");
    let mut csv = String::new();
    for line in Fingerprint::detect().lines() {
        let _ = writeln!(csv, "# {line}");
    }
    let _ = writeln!(csv, "{LATENCY_HEADER}");
    for row in &rows {
        let _ = writeln!(csv, "{}", latency_csv_row(row));
    }
    let complete =
        records.len() == rows.len() && !std::env::args().skip(1).any(|a| !a.starts_with('-'));
    let mut targets = vec![contention_dir()];
    if complete && !test_mode {
        targets.push(book_charts_dir());
    }
    for dir in targets {
        let written = std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(dir.join("trie-latency.csv"), &csv))
            .and_then(|()| std::fs::write(dir.join("trie-latency.md"), &table))
            .and_then(|()| std::fs::write(dir.join("trie-static.md"), &fixed));
        match written {
            Ok(()) => println!(
                "trie latency CSV:         {}",
                dir.join("trie-latency.csv").display()
            ),
            Err(e) => eprintln!(
                "warning: could not write the latency table in {}: {e}",
                dir.display()
            ),
        }
    }
}
