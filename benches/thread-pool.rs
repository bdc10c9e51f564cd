//! `cargo bench --bench thread-pool`: the pool against rayon and a thread
//! per job under criterion. `common/mod.rs` says what it writes; the sweep
//! is `src/sweep/thread_pool.rs`.

mod common;

fn main() {
    common::bench(concur::sweep::thread_pool::SWEEP);
}
