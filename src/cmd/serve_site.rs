//! `concur serve-site [--port P] [--pages N] [--latency-ms L] [--seed S]
//! [--links-per-page K] [--chain D] [--no-traps]`

use std::time::Duration;

use anyhow::{Context, Result, bail};
use crawler::site::{Site, SiteConfig};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Pages in the link graph.
    #[arg(long, default_value_t = 200)]
    pages: usize,
    /// How long every response waits, in milliseconds.
    #[arg(long, value_name = "L", default_value_t = 20)]
    latency_ms: u64,
    /// The seed of the link graph: the same seed, the same site.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Links from each page to other pages.
    #[arg(long, default_value_t = 3)]
    links_per_page: usize,
    /// Leave out the infinite calendar and the 429 page.
    #[arg(long)]
    no_traps: bool,
    /// Add a finite chain of pages this deep from the home page
    /// (`/archive/1` links to `/archive/2` ...), as pagination is.
    #[arg(long, value_name = "D", default_value_t = 0)]
    chain: usize,
}

pub fn run(args: &Args) -> Result<()> {
    if args.pages == 0 || args.pages > 10_000_000 {
        bail!("--pages takes a count from 1 to 10000000");
    }
    if args.chain > 10_000_000 {
        bail!("--chain takes a depth from 0 to 10000000");
    }
    if args.latency_ms > 60_000 {
        bail!("--latency-ms takes at most 60000 (a minute)");
    }
    let config = SiteConfig {
        pages: args.pages,
        latency: Duration::from_millis(args.latency_ms),
        seed: args.seed,
        links_per_page: args.links_per_page,
        traps: !args.no_traps,
        chain: args.chain,
    };
    let site = Site::start(config, args.port)
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
    eprintln!(
        "serving {} pages with {} ms latency at {} (Ctrl-C to stop)",
        args.pages,
        args.latency_ms,
        site.url()
    );
    site.wait();
    Ok(())
}
