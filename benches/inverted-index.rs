//! `cargo bench --bench inverted-index`: queries per second against searcher
//! threads, with a writer and without, then freshness.
//! `common/mod.rs` says what it writes; the sweep is
//! `src/sweep/inverted_index.rs`.

mod common;

fn main() {
    common::bench(concur::sweep::inverted_index::SWEEP);
}
