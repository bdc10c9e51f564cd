//! `concur crawl URL [--threads N | --async --concurrency N] [--max-pages N]
//! [--max-depth D] [--max-body-bytes B] [--respect-robots]`

use std::io::{self, BufWriter, Write};

use anyhow::{Result, bail};
use crawler::{AsyncCrawler, CrawlOptions, LimitHit, ThreadPoolCrawler};

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
    /// Pages fetched at most: what stops a trap (an endless calendar).
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    max_pages: usize,
    /// Links followed from the start at most (default: no depth limit).
    #[arg(long, value_name = "D")]
    max_depth: Option<u32>,
    /// Bytes read of a page at most; links past the cut are not seen.
    #[arg(long, value_name = "B", default_value_t = CrawlOptions::default().max_body_bytes)]
    max_body_bytes: usize,
    /// Never request a path that robots.txt disallows.
    #[arg(long)]
    respect_robots: bool,
    /// How the summary on standard error is written: a sentence, or one
    /// JSON object for scripts (and the crawler bench).
    #[arg(long, value_enum, default_value_t = Summary::Text)]
    summary: Summary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Summary {
    Text,
    Json,
}

pub fn run(args: &Args) -> Result<()> {
    let workers = args.threads.or(args.concurrency).unwrap_or(16);
    if workers == 0 || workers > 100_000 {
        bail!("--threads and --concurrency take a count from 1 to 100000, got {workers}");
    }
    if args.max_pages == 0 {
        bail!("--max-pages must be at least 1");
    }
    if args.max_body_bytes == 0 {
        bail!("--max-body-bytes must be at least 1");
    }
    let options = CrawlOptions {
        workers,
        max_pages: args.max_pages,
        max_depth: args.max_depth.unwrap_or(u32::MAX),
        max_body_bytes: args.max_body_bytes,
        respect_robots: args.respect_robots,
        ..CrawlOptions::default()
    };
    let (report, kind) = if args.asynchronous {
        (AsyncCrawler::new(options).crawl(&args.url)?, "tasks")
    } else {
        (ThreadPoolCrawler::new(options).crawl(&args.url)?, "threads")
    };
    let seconds = report.elapsed.as_secs_f64();
    let rss = kit::report::peak_rss_bytes();
    match args.summary {
        Summary::Json => eprintln!(
            "{}",
            serde_json::json!({
                "urls": report.urls.len(),
                "pages": report.pages,
                "errors": report.errors,
                "seconds": seconds,
                "pages_per_sec": report.pages as f64 / seconds.max(1e-9),
                "peak_in_flight": report.peak_in_flight,
                "workers": workers,
                "kind": kind,
                "peak_rss_bytes": rss,
                "limits_hit": report.limits_hit.iter().map(limit_json).collect::<Vec<_>>(),
            })
        ),
        Summary::Text => {
            let rss = rss.map_or("unknown".to_string(), |b| {
                format!("{:.1} MiB", b as f64 / 1048576.0)
            });
            eprintln!(
                "crawl: {} URLs found, {} pages fetched ({} errors) in {seconds:.3} s: {:.0} \
                 pages/s, peak {} requests in flight ({workers} {kind}), peak RSS {rss}",
                report.urls.len(),
                report.pages,
                report.errors,
                report.pages as f64 / seconds.max(1e-9),
                report.peak_in_flight
            );
            for hit in &report.limits_hit {
                eprintln!("crawl: {}", cut_short(hit));
            }
        }
    }
    let mut out = BufWriter::new(io::stdout().lock());
    let written = report
        .urls
        .iter()
        .try_for_each(|url| writeln!(out, "{url}"))
        .and_then(|()| out.flush());
    finish_output(written)
}

/// What a limit left out, and the flag that raises it.
fn cut_short(hit: &LimitHit) -> String {
    match *hit {
        LimitHit::Pages {
            max_pages,
            unfetched,
        } => format!(
            "stopped by the page budget of {max_pages} pages: {unfetched} discovered URLs \
             left unfetched (raise it with --max-pages N)"
        ),
        LimitHit::Depth {
            max_depth,
            unfetched,
        } => format!(
            "stopped by the depth limit: {unfetched} discovered URLs lie more than \
             {max_depth} links from the start and were left unfetched (raise --max-depth, \
             or leave it out for no limit)"
        ),
        LimitHit::Body {
            max_body_bytes,
            pages,
        } => format!(
            "{pages} pages were longer than {max_body_bytes} bytes and were cut there, so \
             links past the cut were not seen (raise it with --max-body-bytes B)"
        ),
    }
}

/// A limit that was hit, for `--summary json`.
fn limit_json(hit: &LimitHit) -> serde_json::Value {
    match *hit {
        LimitHit::Pages {
            max_pages,
            unfetched,
        } => serde_json::json!({ "limit": "pages", "max": max_pages, "unfetched": unfetched }),
        LimitHit::Depth {
            max_depth,
            unfetched,
        } => serde_json::json!({ "limit": "depth", "max": max_depth, "unfetched": unfetched }),
        LimitHit::Body {
            max_body_bytes,
            pages,
        } => serde_json::json!({ "limit": "body", "max": max_body_bytes, "pages": pages }),
    }
}
