//! `cargo bench --bench bounded-blocking-queue`: the queue's sweep under
//! criterion. `common/mod.rs` says what it writes; the sweep is
//! `src/sweep/blocking_queue.rs`.

mod common;

fn main() {
    common::bench(concur::sweep::blocking_queue::SWEEP);
}
