//! `cargo bench --bench search-cluster`: queries per second against shards,
//! in one process and as shard processes over HTTP, then hedging against
//! one slow replica. `common/mod.rs` says what it writes; the sweep is
//! `src/sweep/search_cluster.rs`.

mod common;

fn main() {
    common::bench(concur::sweep::search_cluster::SWEEP);
}
