//! What every concur exercise shares.
//!
//! - [`bugs`]: the bug classes, one list for the suites' messages and for
//!   `concur check`.
//! - [`sync`]: the loom shim. Exercise code takes its locks and atomics from
//!   here, so the same source runs on real threads and under the loom model
//!   checker.
//! - [`workload`]: seeded key generators (uniform, Zipf) and the bustle
//!   operation mixes. The same seed gives the same operations on every run.
//! - [`stress`]: N threads against one shared value, with a watchdog that turns
//!   a hang into a failure naming the likely bug.
//! - [`contention`]: the timed multi-thread loop the benches and `concur bench`
//!   share.
//! - [`progress`] (feature `progress`): bars and spinners on a terminal, plain
//!   lines elsewhere.
//! - [`report`] (feature `report`): one record type, written as CSV and drawn
//!   as SVG charts, with the machine fingerprint on both.
//!
//! The two features are for the CLI, the benches and the Python comparison;
//! an exercise builds without them.

pub mod bugs;
pub mod call;
pub mod child;
pub mod contention;
#[cfg(feature = "progress")]
pub mod progress;
#[cfg(feature = "report")]
pub mod report;
pub mod stress;
pub mod sync;
pub mod workload;
