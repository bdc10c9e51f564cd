//! `cargo bench --bench segment`: megabytes per second against workers for
//! every strategy, with `jieba-rs` on the same dictionary and text as the
//! peer (checked once to give the same tokens), then where the time went.

mod common;

use concur::sweep::segment::{SWEEP, peer_agreement, timings_markdown};

fn main() {
    let (same, lines) = peer_agreement();
    println!("jieba-rs and concur agree on {same} of {lines} corpus lines");

    let mut criterion = common::criterion();
    let records = common::run(&mut criterion, SWEEP, None);
    criterion.final_summary();
    if records.is_empty() {
        return;
    }
    let table = timings_markdown();
    println!("\nWhere the time went (medians):\n\n{table}");
    common::write_tables(&[("segment-timings.md", &table)], common::full_run());
}
