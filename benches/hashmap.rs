//! `cargo bench --bench hashmap`: the hashmap contention sweep under
//! criterion. See `common/mod.rs` for what it writes.

mod common;

fn main() {
    let mut criterion = common::criterion();
    common::run(&mut criterion, concur::sweep::hashmap::SWEEP, None);
    criterion.final_summary();
}
