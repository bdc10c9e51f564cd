//! The thread-pool crawler: N threads, each blocking on one HTTP request at
//! a time, sharing the [`Frontier`].
//!
//! A thread is the simplest unit of concurrency: straight-line code, a
//! blocking client. Its cost is what it holds while it waits: a stack
//! (reserved address space, some of it touched), a kernel thread, a slot in
//! the scheduler. Fine for 64, heavy for 10 000.

use std::collections::HashMap;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use kit::sync::Mutex;
use url::Url;

use crate::page::{Outcome, Response, allowed, disallowed, error_chain, outcome, start_failure};
use crate::{CrawlError, CrawlOptions, CrawlReport, Frontier, LimitHit};

/// How many times a URL answering 429 is asked again.
pub(crate) const MAX_RETRIES: usize = 3;

// ANCHOR: threaded
/// A crawler on a pool of threads with a blocking HTTP client (ureq).
#[derive(Debug, Clone, Default)]
pub struct ThreadPoolCrawler {
    pub options: CrawlOptions,
}

impl ThreadPoolCrawler {
    pub fn new(options: CrawlOptions) -> Self {
        Self { options }
    }

    /// Crawls every page on `start`'s origin (within the limits).
    pub fn crawl(&self, start: &str) -> Result<CrawlReport, CrawlError> {
        self.crawl_within(start, self.options.limits())
    }

    /// The crawl, with the limits given apart (the bug zoo passes none).
    pub(crate) fn crawl_within(
        &self,
        start: &str,
        limits: crate::Limits,
    ) -> Result<CrawlReport, CrawlError> {
        let started = Instant::now();
        let start = crate::start_url(start)?;
        let origin = start.origin();
        let agent = agent(&self.options);
        let fetch = |url: &str| fetch(&agent, url, self.options.max_body_bytes);
        let rules = if self.options.respect_robots {
            let robots = start
                .join("/robots.txt")
                .map_err(|e| CrawlError::BadUrl(e.to_string()))?;
            fetch(robots.as_str())
                .map(|r| disallowed(&r.body))
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let frontier = Frontier::with_limits(start.as_str(), limits);
        let (pages, errors, in_flight, peak, truncated) = (
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
        );
        let retries: Mutex<HashMap<String, usize>> = Mutex::default();
        // The start URL is the only one at depth 0.
        let start_failed: Mutex<Option<String>> = Mutex::default();
        std::thread::scope(|scope| {
            for _ in 0..self.options.concurrency() {
                scope.spawn(|| {
                    while let Some((url, depth)) = frontier.next() {
                        if !allowed(&url, &rules) {
                            // Discovered, never requested.
                            if depth == 0 {
                                *start_failed.lock() = Some("robots.txt disallows it".into());
                            }
                            frontier.done([], depth);
                            continue;
                        }
                        // ANCHOR: counters
                        let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        let response = fetch(&url);
                        in_flight.fetch_sub(1, Ordering::SeqCst);
                        if depth == 0 {
                            *start_failed.lock() = start_failure(&response);
                        }
                        let Ok(response) = response else {
                            errors.fetch_add(1, Ordering::Relaxed);
                            frontier.done([], depth);
                            continue;
                        };
                        pages.fetch_add(1, Ordering::Relaxed);
                        // ANCHOR_END: counters
                        if response.status >= 400 && response.status != 429 {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                        if response.truncated {
                            truncated.fetch_add(1, Ordering::Relaxed);
                        }
                        let page = Url::parse(&url).expect("the frontier holds parsed URLs");
                        match outcome(&page, &response, &origin) {
                            Outcome::Links(links) => frontier.done(links, depth),
                            Outcome::RetryAfter(wait) => {
                                let tries = {
                                    let mut retries = retries.lock();
                                    let tries = retries.entry(url.clone()).or_default();
                                    *tries += 1;
                                    *tries
                                };
                                if tries > MAX_RETRIES {
                                    errors.fetch_add(1, Ordering::Relaxed);
                                    if depth == 0 {
                                        *start_failed.lock() = Some(gave_up());
                                    }
                                    frontier.done([], depth);
                                } else {
                                    // Honour Retry-After: this thread waits,
                                    // the others go on.
                                    std::thread::sleep(wait);
                                    frontier.retry(url, depth);
                                }
                            }
                        }
                    }
                });
            }
        });
        if let Some(why) = start_failed.into_inner() {
            return Err(CrawlError::Start {
                url: start.to_string(),
                why,
            });
        }
        let mut urls = frontier.seen();
        urls.sort();
        Ok(CrawlReport {
            urls,
            pages: pages.into_inner(),
            errors: errors.into_inner(),
            peak_in_flight: peak.into_inner(),
            elapsed: started.elapsed(),
            limits_hit: LimitHit::from_counts(
                &self.options,
                frontier.left_out(),
                truncated.into_inner(),
            ),
        })
    }
}
// ANCHOR_END: threaded

/// Why a URL that kept answering 429 was given up on.
pub(crate) fn gave_up() -> String {
    format!("HTTP status 429 (too many requests), still after {MAX_RETRIES} retries")
}

/// A blocking client that reports redirects and error statuses as they
/// are instead of following or failing on them.
pub(crate) fn agent(options: &crate::CrawlOptions) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .max_redirects(0)
        .max_redirects_will_error(false)
        .http_status_as_error(false)
        .user_agent(options.user_agent.as_str())
        .build()
        .into()
}

/// One GET, without following redirects; the body read up to `limit` bytes
/// (and one more, to tell whether it went on).
pub(crate) fn fetch(agent: &ureq::Agent, url: &str, limit: usize) -> Result<Response, String> {
    let mut response = agent.get(url).call().map_err(|e| error_chain(&e))?;
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    let mut bytes = Vec::new();
    response
        .body_mut()
        .as_reader()
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| error_chain(&e))?;
    Ok(Response::new(status, &headers, &bytes, limit))
}
