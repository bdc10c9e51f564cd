//! `cargo bench --bench segment`: megabytes per second against workers for every
//! strategy and `jieba-rs`, then where the time went.
//! `common/mod.rs` says what it writes; the sweep is
//! `src/sweep/segment.rs`.

mod common;

fn main() {
    common::bench(concur::sweep::segment::SWEEP);
}
