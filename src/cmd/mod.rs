pub mod bench;
mod bench_serving;
pub mod chart;
pub mod check;
pub mod complete;
pub mod crawl;
pub mod hint;
pub mod list;
pub mod reset;
pub mod search;
pub mod segment;
pub mod serve_site;
pub mod solution;
pub mod topk;
pub mod ui;
pub mod watch;

use std::io;

use anyhow::{Context, Result};

/// The end of writing a command's output. A reader that closed the pipe
/// early (`concur topk ... | head -3`) is not an error.
pub fn finish_output(written: io::Result<()>) -> Result<()> {
    match written {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing the output"),
    }
}
