//! `concur crawl URL [--threads N | --async --concurrency N] [--max-pages N]
//! [--respect-robots]`

use std::io::{self, BufWriter, Write};

use anyhow::{Result, bail};
use crawler::{AsyncCrawler, CrawlOptions, ThreadPoolCrawler};

use super::finish_output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to start; every URL found on its origin is printed.
    url: String,
    /// Threads of the thread-pool crawler.
    #[arg(long, value_name = "N", conflicts_with_all = ["asynchronous", "concurrency"])]
    threads: Option<usize>,
    /// Use the tokio crawler instead of threads.
    #[arg(long = "async", id = "asynchronous")]
    asynchronous: bool,
    /// Requests in flight at once for the tokio crawler.
    #[arg(long, value_name = "N", requires = "asynchronous")]
    concurrency: Option<usize>,
    /// Pages fetched at most.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    max_pages: usize,
    /// Links followed from the start at most.
    #[arg(long, value_name = "N", default_value_t = 32)]
    max_depth: u32,
    /// Never request a path that robots.txt disallows.
    #[arg(long)]
    respect_robots: bool,
}

pub fn run(args: &Args) -> Result<()> {
    let workers = args.threads.or(args.concurrency).unwrap_or(16);
    if workers == 0 || workers > 100_000 {
        bail!("--threads and --concurrency take a count from 1 to 100000, got {workers}");
    }
    if args.max_pages == 0 {
        bail!("--max-pages must be at least 1");
    }
    let options = CrawlOptions {
        workers,
        max_pages: args.max_pages,
        max_depth: args.max_depth,
        respect_robots: args.respect_robots,
        ..CrawlOptions::default()
    };
    let (report, kind) = if args.asynchronous {
        (AsyncCrawler::new(options).crawl(&args.url)?, "tasks")
    } else {
        (ThreadPoolCrawler::new(options).crawl(&args.url)?, "threads")
    };
    let seconds = report.elapsed.as_secs_f64();
    let rss = kit::report::peak_rss_bytes().map_or("unknown".to_string(), |b| {
        format!("{:.1} MiB", b as f64 / 1048576.0)
    });
    eprintln!(
        "crawl: {} URLs found, {} pages fetched ({} errors) in {seconds:.3} s: {:.0} pages/s, \
         peak {} requests in flight ({workers} {kind}), peak RSS {rss}",
        report.urls.len(),
        report.pages,
        report.errors,
        report.pages as f64 / seconds.max(1e-9),
        report.peak_in_flight
    );
    let mut out = BufWriter::new(io::stdout().lock());
    let written = report
        .urls
        .iter()
        .try_for_each(|url| writeln!(out, "{url}"))
        .and_then(|()| out.flush());
    finish_output(written)
}
