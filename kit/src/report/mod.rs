//! Results, one road from measurement to file, table and chart.
//!
//! Every benchmark in concur, criterion or not, ends as rows of a record
//! type in a CSV of our own ([`write_rows`], read back by [`read_rows`]),
//! with the [`Fingerprint`] of the machine and the run's notes (the
//! [`ceiling_note`] among them) as `#` lines on top. Tables ([`Table`]) and
//! charts ([`draw_svg`], [`draw_bars_svg`], captioned by [`caption`]) are made from those rows,
//! never from criterion's private files, so every figure can be traced back
//! to a CSV a reader can open.

mod bars;
mod caption;
mod chart;
mod csv;
mod fingerprint;
mod markdown;
mod record;

pub use bars::{Bars, draw_bars_svg};
pub use caption::{
    caption, ceiling_from_notes, ceiling_guide, ceiling_note, cores_from_notes, handoff_note,
    machine_line, with_machine,
};
pub use chart::{Chart, Guide, draw_svg};
pub use csv::{read_rows, write_rows};
pub use fingerprint::{Fingerprint, peak_rss_bytes};
pub use markdown::{Align, Table};
pub use record::Record;
