//! What a real crawl is allowed to do, and what it reports.

use std::time::Duration;

use crate::Limits;

/// Options of both HTTP crawlers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrawlOptions {
    /// Requests in flight at once: threads for the pool, tasks for tokio.
    pub workers: usize,
    /// Pages fetched at most: the bound that stops a trap (an infinite
    /// calendar) on any site.
    ///
    /// Like `max_depth`, a limit the crawl reaches makes its result depend
    /// on timing: which pages were fetched before the budget ran out.
    pub max_pages: usize,
    /// Links followed from the start at most; `u32::MAX` (the default) for
    /// no limit, since a finite site can be deep (pagination: `/page/2`
    /// links to `/page/3` and on). A page's depth is the length
    /// of the path by which it was *first* discovered, and with many
    /// fetches in flight that path can differ from run to run; so a crawl
    /// cut by this limit can differ too. A crawl that stays within its
    /// limits (or meets them only on a linear chain, like a calendar trap)
    /// finds the same URLs every time.
    pub max_depth: u32,
    /// Requests in flight to one host at once. A crawl stays on the start
    /// URL's origin, so this caps `workers`: politeness wins over speed.
    pub per_host_concurrency: usize,
    /// Per request, connection to last byte.
    pub timeout: Duration,
    /// A body longer than this is cut off (and its links beyond ignored).
    pub max_body_bytes: usize,
    /// Never request a path that the site's robots.txt disallows.
    pub respect_robots: bool,
    pub user_agent: String,
}

impl Default for CrawlOptions {
    fn default() -> Self {
        Self {
            workers: 8,
            max_pages: 10_000,
            max_depth: u32::MAX,
            per_host_concurrency: 1024,
            timeout: Duration::from_secs(10),
            max_body_bytes: 4 << 20,
            respect_robots: false,
            user_agent: concat!("concur-crawler/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

impl CrawlOptions {
    pub fn limits(&self) -> Limits {
        Limits {
            max_pages: self.max_pages,
            max_depth: self.max_depth,
        }
    }

    /// Requests in flight at once, after politeness.
    pub fn concurrency(&self) -> usize {
        self.workers.min(self.per_host_concurrency).max(1)
    }
}

/// What a crawl found and how it went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrawlReport {
    /// Every same-origin URL discovered, normalised, sorted.
    pub urls: Vec<String>,
    /// Requests answered (any status).
    pub pages: usize,
    /// Requests that failed or answered 4xx/5xx.
    pub errors: usize,
    /// The most requests in flight at once.
    pub peak_in_flight: usize,
    pub elapsed: Duration,
    /// The limits that cut this crawl short, and what each left out; empty
    /// when the crawl found everything it could reach.
    pub limits_hit: Vec<LimitHit>,
}

/// A limit that stopped part of a crawl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitHit {
    /// The page budget ran out with `unfetched` discovered URLs not fetched.
    Pages { max_pages: usize, unfetched: usize },
    /// `unfetched` discovered URLs lay deeper than `max_depth`.
    Depth { max_depth: u32, unfetched: usize },
    /// `pages` bodies were longer than `max_body_bytes`; links beyond the
    /// cut were not seen.
    Body { max_body_bytes: usize, pages: usize },
}

impl LimitHit {
    /// The limits hit, from what the frontier left out and how many bodies
    /// were cut.
    // Its callers, the HTTP crawlers, are not built under loom.
    #[cfg_attr(loom, allow(dead_code))]
    pub(crate) fn from_counts(
        options: &CrawlOptions,
        left_out: crate::LeftOut,
        truncated: usize,
    ) -> Vec<LimitHit> {
        let mut hits = Vec::new();
        if left_out.over_budget > 0 {
            hits.push(LimitHit::Pages {
                max_pages: options.max_pages,
                unfetched: left_out.over_budget,
            });
        }
        if left_out.too_deep > 0 {
            hits.push(LimitHit::Depth {
                max_depth: options.max_depth,
                unfetched: left_out.too_deep,
            });
        }
        if truncated > 0 {
            hits.push(LimitHit::Body {
                max_body_bytes: options.max_body_bytes,
                pages: truncated,
            });
        }
        hits
    }
}
