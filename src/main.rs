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
    /// Without a command: `concur check` on the first exercise not yet
    /// passing.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Every exercise, its interview question, and how far you have got.
    List(cmd::list::Args),
    /// Run an exercise's suite against your starter; name each failure's bug
    /// class and where the book explains it. Exits 0 only when all pass.
    Check(cmd::check::Args),
    /// The exercise's hints, one at a time.
    Hint(cmd::hint::Args),
    /// The reference implementation and its diff from your starter.
    Solution(cmd::solution::Args),
    /// Put the committed starter back (your version is kept as a copy).
    Reset(cmd::reset::Args),
    /// Check again every time you save the starter.
    Watch(cmd::watch::Args),
    /// Run a contention sweep (throughput against threads, every
    /// implementation) without criterion, and print a table.
    Bench(cmd::bench::Args),
    /// Redraw contention charts from their CSVs, with each CSV's own
    /// machine fingerprint (a colleague's run, or after a style change).
    Chart(cmd::chart::Args),
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
    /// Search a corpus (one document per line) with BM25: one query per
    /// line of standard input, one JSON answer per line.
    Search(cmd::search::Args),
    /// Crawl a site: every URL on the start URL's origin, sorted, one per
    /// line; a summary on standard error.
    Crawl(cmd::crawl::Args),
    /// The crawler's deterministic local test site, on 127.0.0.1.
    ServeSite(cmd::serve_site::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Commands that answer yes or no (`check`: do all checks pass?) exit 1
    // on no, without an error message of their own.
    let command = cli
        .command
        .unwrap_or_else(|| Command::Check(cmd::check::Args::next()));
    let outcome: anyhow::Result<bool> = match command {
        Command::List(args) => cmd::list::run(&args).map(|()| true),
        Command::Check(args) => cmd::check::run(&args),
        Command::Hint(args) => cmd::hint::run(&args).map(|()| true),
        Command::Solution(args) => cmd::solution::run(&args),
        Command::Reset(args) => cmd::reset::run(&args),
        Command::Watch(args) => cmd::watch::run(&args).map(|()| true),
        Command::Bench(args) => cmd::bench::run(&args).map(|()| true),
        Command::Chart(args) => cmd::chart::run(&args).map(|()| true),
        Command::Topk(args) => cmd::topk::run(&args).map(|()| true),
        Command::Complete(args) => cmd::complete::run(&args).map(|()| true),
        Command::Segment(args) => cmd::segment::run(&args).map(|()| true),
        Command::ServeSite(args) => cmd::serve_site::run(&args).map(|()| true),
        Command::Crawl(args) => cmd::crawl::run(&args).map(|()| true),
        Command::Search(args) => cmd::search::run(&args).map(|()| true),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
