//! What every concur exercise shares.
//!
//! - [`sync`]: the loom shim. Exercise code takes its locks and atomics from
//!   here, so the same source runs on real threads and under the loom model
//!   checker.
//! - [`workload`]: seeded key generators (uniform, Zipf) and the bustle
//!   operation mixes. The same seed gives the same operations on every run.
//! - [`stress`]: N threads against one shared value, with a watchdog that turns
//!   a hang into a failure naming the likely bug.
//! - [`contention`]: the timed multi-thread loop the benches and `concur bench`
//!   share.
//! - [`progress`]: bars and spinners on a terminal, plain lines elsewhere.
//! - [`report`]: one record type, written as CSV and drawn as SVG charts, with
//!   the machine fingerprint on both.

pub mod contention;
pub mod progress;
pub mod report;
pub mod stress;
pub mod sync;
pub mod workload;
