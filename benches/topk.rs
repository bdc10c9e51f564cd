//! `cargo bench --bench topk`: the topk contention sweep under criterion, then Space-Saving's
//! accuracy against exact counts.
//! `common/mod.rs` says what it writes; the sweep is
//! `src/sweep/topk.rs`.

mod common;

fn main() {
    common::bench(concur::sweep::topk::SWEEP);
}
