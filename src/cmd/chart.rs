//! `concur chart FILE.csv...`: redraws contention charts, and the tables of
//! ratios beside them, from their CSVs.

use std::path::PathBuf;

use anyhow::{Result, anyhow};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// CSVs written by `concur bench --csv` or `cargo bench` (such as
    /// book/src/charts/hashmap.csv). Each chart goes beside its CSV.
    #[arg(required = true)]
    csv: Vec<PathBuf>,
}

pub fn run(args: &Args) -> Result<()> {
    for csv in &args.csv {
        let svg = concur::sweep::redraw(csv).map_err(|e| anyhow!(e))?;
        println!("wrote {}", svg.display());
        let summary = concur::sweep::rewrite_summary(csv).map_err(|e| anyhow!(e))?;
        println!("wrote {}", summary.display());
    }
    Ok(())
}
