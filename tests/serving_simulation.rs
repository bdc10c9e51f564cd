//! The serving experiment's own tests (`benches/serving/simulation.rs`):
//! the bench that uses it runs without libtest's harness, so they run here.

#[path = "../benches/serving/simulation.rs"]
#[allow(dead_code)]
mod simulation;
