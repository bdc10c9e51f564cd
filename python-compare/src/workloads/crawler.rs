//! Crawling the local test site, where latency, not CPU, sets the pace:
//! `ThreadPoolCrawler` and `AsyncCrawler` against Python threads (urllib)
//! and asyncio (aiohttp).

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use crawler::site::{Site, SiteConfig};
use crawler::{AsyncCrawler, CrawlOptions, CrawlReport, ThreadPoolCrawler};
use pyo3::prelude::*;

use crate::workload::{Answer, RustVariant, Size, Unit, Workload};

/// The chart's title and unit, known without building the input.
pub const TITLE: &str = "crawler: pages per second, 5 ms latency a page";
pub const UNIT: Unit = Unit {
    label: "pages/s",
    scale: 1.0,
};

pub fn build(py: Python<'_>, size: Size) -> Result<Workload> {
    let pages = match size {
        Size::Full => 100,
        Size::Small => 10,
    };
    // No traps: the infinite calendar and the 429 page serialise the end of
    // a crawl, which measures a chain of waits, not throughput.
    let config = SiteConfig {
        pages,
        latency: Duration::from_millis(5),
        seed: 3,
        links_per_page: 3,
        traps: false,
        chain: 0,
    };
    let site = Site::start(config, 0).context("cannot start the local test site on 127.0.0.1")?;
    let url = Arc::new(site.url());
    let python_input = url.as_str().into_pyobject(py)?.into_any().unbind();
    let async_url = Arc::clone(&url);
    Ok(Workload {
        name: "crawler",
        title: TITLE,
        unit: UNIT,
        items: None,
        module: "crawler".to_string(),
        python_variants: vec!["sequential", "threads", "asyncio"],
        python_input,
        rust: vec![
            RustVariant {
                name: "ThreadPoolCrawler",
                parallel: true,
                run: Box::new(move |workers| {
                    run(|| ThreadPoolCrawler::new(options(workers)).crawl(&url))
                }),
            },
            RustVariant {
                name: "AsyncCrawler",
                parallel: true,
                run: Box::new(move |workers| {
                    run(|| AsyncCrawler::new(options(workers)).crawl(&async_url))
                }),
            },
        ],
        keep: Some(Box::new(site)),
    })
}

/// No page budget and no depth that the site could reach, so every
/// crawler finds the whole site, whatever order it fetches in.
fn options(workers: usize) -> CrawlOptions {
    CrawlOptions {
        workers,
        max_pages: 1_000_000,
        max_depth: 10_000,
        ..CrawlOptions::default()
    }
}

fn run(
    crawl: impl FnOnce() -> Result<CrawlReport, crawler::CrawlError>,
) -> Result<(Duration, Answer)> {
    let report = crawl().context("crawling the local site")?;
    Ok((report.elapsed, Answer::Strings(report.urls)))
}
