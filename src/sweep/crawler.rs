//! The crawler sweep for `concur bench crawler`: pages per second against
//! concurrency, in process. (`cargo bench --bench crawler` runs each crawl
//! as its own process instead, to measure each crawler's memory too.)

use std::time::Duration;

use crawler::site::{Site, SiteConfig};
use crawler::{AsyncCrawler, CrawlOptions, ThreadPoolCrawler};

use super::{Contender, Point, Starter, Sweep};

/// The sweep: one site with 20 ms latency, both crawlers.
/// The name of the line `cargo bench --bench crawler` draws at Little's
/// law's bound: concurrency over latency, which no crawler can beat.
pub const BOUND: &str = "Little's law bound";

pub const SWEEP: Sweep = Sweep {
    exercise: "crawler",
    title: "crawler: pages per second against concurrency (20 ms latency)",
    unit: "pages/s",
    x_label: "requests in flight",
    log_y: true,
    cpu_bound: false,
    bench_threads: &[1, 4, 16, 64, 256],
    baseline: "ThreadPoolCrawler",
    versus: Some(("AsyncCrawler", "ThreadPoolCrawler")),
    single: None,
    points,
    extras: &[],
    starter: Starter {
        name: "starter::crawl",
        reference: "ThreadPoolCrawler",
        built: cfg!(feature = "crawler-starter"),
        settings: None,
        gap: "a lock held while get_urls fetches (so only one fetch is ever in flight), notify_one where new work could wake several workers, or workers that sleep-poll an empty queue",
    },
};

/// Every response waits this long.
pub const LATENCY: Duration = Duration::from_millis(20);

/// Pages on the site; a run fetches all of them or 50 per unit of
/// concurrency, whichever is fewer (about a second at low concurrency).
pub const PAGES: usize = 2000;

/// The site: many links per page, so the frontier fills fast, and no
/// traps, which serialise the end of a crawl.
pub fn site_config() -> SiteConfig {
    SiteConfig {
        pages: PAGES,
        latency: LATENCY,
        seed: 5,
        links_per_page: 8,
        traps: false,
        chain: 0,
    }
}

/// Pages a run at `concurrency` fetches.
pub fn pages_for(concurrency: usize) -> usize {
    PAGES.min(50 * concurrency)
}

fn points(levels: &[usize]) -> Box<dyn Iterator<Item = Point>> {
    let levels = levels.to_vec();
    Box::new(levels.into_iter().map(point))
}

fn point(concurrency: usize) -> Point {
    let options = CrawlOptions {
        workers: concurrency,
        max_pages: pages_for(concurrency),
        ..CrawlOptions::default()
    };
    let (threads, tasks) = (options.clone(), options);
    #[cfg(feature = "crawler-starter")]
    let pages = pages_for(concurrency);
    Point {
        exercise: "crawler",
        workload: "20 ms latency",
        threads: concurrency,
        ops: pages_for(concurrency) as u64,
        contenders: vec![
            Contender::new("ThreadPoolCrawler", move || {
                run(|url| ThreadPoolCrawler::new(threads.clone()).crawl(url))
            }),
            Contender::new("AsyncCrawler", move || {
                run(|url| AsyncCrawler::new(tasks.clone()).crawl(url))
            }),
            // Your LeetCode 1242 crawl, fetching over HTTP through
            // `HttpParser`. It has no page budget, so it is timed on a site
            // of the size the others fetch.
            #[cfg(feature = "crawler-starter")]
            Contender::new("starter::crawl", move || {
                let config = SiteConfig {
                    pages,
                    ..site_config()
                };
                let site = Site::start(config, 0).expect("the test site starts on 127.0.0.1");
                let url = site.url();
                let parser = crawler::HttpParser::new(&url).expect("the site's URL parses");
                let started = std::time::Instant::now();
                crawler::starter::crawl(&url, &parser, concurrency);
                started.elapsed()
            }),
        ],
    }
}

/// One crawl of a fresh site; its time.
fn run(crawl: impl Fn(&str) -> Result<crawler::CrawlReport, crawler::CrawlError>) -> Duration {
    let site = Site::start(site_config(), 0).expect("the test site starts on 127.0.0.1");
    let report = crawl(&site.url()).expect("the crawl runs");
    report.elapsed
}
