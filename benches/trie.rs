//! `cargo bench --bench trie`: the trie contention sweep under criterion, then the suggest
//! latency of every configuration and the static comparison with `fst`.
//! `common/mod.rs` says what it writes; the sweep is
//! `src/sweep/trie.rs`.

mod common;

fn main() {
    common::bench(concur::sweep::trie::SWEEP);
}
