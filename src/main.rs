//! `concur`: the command line of the concur suite. One module per
//! subcommand under `cmd/`; each stays thin and calls into the crates.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// Concurrency interview exercises, contention benchmarks, and the numbers
/// behind the book.
#[derive(Debug, Parser)]
#[command(name = "concur", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a contention sweep (throughput against threads, every
    /// implementation) without criterion, and print a table.
    Bench(cmd::bench::Args),
    /// The K most frequent lines of a file or of standard input: one query
    /// per line, printed as `count<TAB>query`.
    Topk(cmd::topk::Args),
    /// LeetCode 642 autocomplete: past searches from a file, typed
    /// characters from standard input, one JSON array of suggestions per
    /// character.
    Complete(cmd::complete::Args),
    /// Word segmentation, jieba-compatible (or UAX #29), on all cores, with
    /// the output in input order.
    Segment(cmd::segment::Args),
    /// Crawl a site: every URL on the start URL's origin, sorted, one per
    /// line; a summary on standard error.
    Crawl(cmd::crawl::Args),
    /// The crawler's deterministic local test site, on 127.0.0.1.
    ServeSite(cmd::serve_site::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Bench(args) => cmd::bench::run(&args),
        Command::Topk(args) => cmd::topk::run(&args),
        Command::Complete(args) => cmd::complete::run(&args),
        Command::Segment(args) => cmd::segment::run(&args),
        Command::ServeSite(args) => cmd::serve_site::run(&args),
        Command::Crawl(args) => cmd::crawl::run(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
