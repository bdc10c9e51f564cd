//! The library half of the `concur` package: the contention sweeps that both
//! `concur bench` (fixed time, no criterion) and `cargo bench` (criterion)
//! run, so the two always measure the same thing; and the candidate's
//! workflow (`concur list`, `check`, `hint`, ...); and the registry of
//! exercises every list of them derives from.

pub mod cluster;
pub mod registry;
pub mod serving;
pub mod sweep;
pub mod workflow;
