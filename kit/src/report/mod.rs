//! Results: one record type, written as CSV and drawn as charts.
//!
//! Every benchmark in concur, criterion or not, ends as [`Record`]s in a CSV
//! file of our own format, with the [`Fingerprint`] of the machine as `#`
//! comment lines on top. Charts are drawn from those records only, never from
//! criterion's private files, so a chart can always be traced back to a CSV
//! a reader can open.

mod chart;
mod csv;
mod fingerprint;

pub use chart::{Chart, draw_svg};
pub use csv::{Record, read_csv, write_csv};
pub use fingerprint::{Fingerprint, peak_rss_bytes};
