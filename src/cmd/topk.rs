//! `concur topk -k K [--algo exact|space-saving] [--capacity M] [--threads N] [FILE|-]`

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use topk::stream::count_lines;
use topk::{LocalMerge, SpaceSaving, TopK};

/// Space-Saving counters per thread unless --capacity says otherwise.
const DEFAULT_CAPACITY: usize = 10_000;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many of the most frequent queries to print.
    #[arg(short = 'k', value_name = "K")]
    k: usize,
    /// Exact counts (memory grows with the distinct queries), or Space-Saving
    /// (fixed memory, counts that may overestimate by a stated bound).
    #[arg(long, value_enum, default_value = "exact")]
    algo: Algo,
    /// Space-Saving counters per thread [default: 10000].
    #[arg(long, value_name = "M")]
    capacity: Option<usize>,
    /// Worker threads [default: the number of cores].
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// One query per line; `-` or nothing reads standard input.
    file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Algo {
    Exact,
    SpaceSaving,
}

pub fn run(args: &Args) -> Result<()> {
    if args.k == 0 {
        bail!("-k must be at least 1");
    }
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if threads == 0 || threads > 1024 {
        bail!("--threads takes a count from 1 to 1024, got {threads}");
    }
    let capacity = match (args.algo, args.capacity) {
        (Algo::Exact, Some(_)) => bail!("--capacity applies to --algo space-saving only"),
        (Algo::Exact, None) => 0,
        (Algo::SpaceSaving, capacity) => capacity.unwrap_or(DEFAULT_CAPACITY.max(args.k)),
    };
    if args.algo == Algo::SpaceSaving && capacity < args.k {
        bail!(
            "--capacity ({capacity}) must be at least -k ({}): fewer counters cannot hold the top k",
            args.k
        );
    }
    let input: Box<dyn BufRead> = match &args.file {
        None => Box::new(io::stdin().lock()),
        Some(path) if path.as_os_str() == "-" => Box::new(io::stdin().lock()),
        Some(path) => Box::new(BufReader::with_capacity(
            1 << 20,
            File::open(path).with_context(|| format!("cannot open {}", path.display()))?,
        )),
    };
    let name = args
        .file
        .as_ref()
        .map_or("standard input".to_string(), |p| p.display().to_string());

    let top = match args.algo {
        // A file is a batch: count per thread, merge once at the end.
        Algo::Exact => {
            let counter = LocalMerge::new();
            let stats = count_lines(input, &counter, threads).with_context(|| name.clone())?;
            eprintln!(
                "topk: {} queries counted exactly (empty lines skipped: {}) by {threads} worker(s)",
                stats.recorded, stats.empty
            );
            counter.top(args.k)
        }
        Algo::SpaceSaving => {
            let counter = SpaceSaving::new(capacity);
            let stats = count_lines(input, &counter, threads).with_context(|| name.clone())?;
            eprintln!(
                "topk: {} queries in {} counters by {threads} worker(s); each count may be \
                 over by at most {} (N/m)",
                stats.recorded,
                counter.counters_in_use(),
                counter.error_bound()
            );
            counter.top(args.k)
        }
    };
    print(&top)
}

fn print(top: &[(String, u64)]) -> Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    let written = top
        .iter()
        .try_for_each(|(query, count)| writeln!(out, "{count}\t{query}"))
        .and_then(|()| out.flush());
    super::finish_output(written)
}
