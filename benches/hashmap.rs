//! `cargo bench --bench hashmap`: the hashmap contention sweep under criterion.
//! `common/mod.rs` says what it writes; the sweep is
//! `src/sweep/hashmap.rs`.

mod common;

fn main() {
    common::bench(concur::sweep::hashmap::SWEEP);
}
