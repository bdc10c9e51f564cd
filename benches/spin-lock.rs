//! `cargo bench --bench spin-lock`: the spin lock against mutexes under
//! criterion. `common/mod.rs` says what it writes; the sweep is
//! `src/sweep/spin_lock.rs`.

mod common;

fn main() {
    common::bench(concur::sweep::spin_lock::SWEEP);
}
