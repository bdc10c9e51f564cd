//! The async crawler: one coordinator and up to N requests in flight as
//! tokio tasks, on a runtime with one thread per core.
//!
//! A waiting request is a small state machine on the heap, not a thread:
//! thousands cost megabytes, not gigabytes, and no context switch happens
//! while they wait. The coordinator owns the frontier outright
//! ([`FrontierState`], no lock): tasks only fetch, and hand their results
//! back through the join set.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;
use url::Url;

use crate::page::{Outcome, Response, allowed, disallowed, error_chain, outcome, start_failure};
use crate::threaded::{MAX_RETRIES, gave_up};
use crate::{CrawlError, CrawlOptions, CrawlReport, FrontierState, LimitHit};

// ANCHOR: asynchronous
/// A crawler on tokio with an async HTTP client (reqwest).
#[derive(Debug, Clone, Default)]
pub struct AsyncCrawler {
    pub options: CrawlOptions,
}

impl AsyncCrawler {
    pub fn new(options: CrawlOptions) -> Self {
        Self { options }
    }

    /// Crawls every page on `start`'s origin (within the limits).
    pub fn crawl(&self, start: &str) -> Result<CrawlReport, CrawlError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| CrawlError::Runtime(e.to_string()))?;
        runtime.block_on(self.run(start))
    }

    async fn run(&self, start: &str) -> Result<CrawlReport, CrawlError> {
        let started = Instant::now();
        let start = crate::start_url(start)?;
        let origin = start.origin();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.options.timeout)
            .user_agent(self.options.user_agent.clone())
            .build()
            .map_err(|e| CrawlError::Runtime(e.to_string()))?;
        let limit = self.options.max_body_bytes;
        let rules = if self.options.respect_robots {
            let robots = start
                .join("/robots.txt")
                .map_err(|e| CrawlError::BadUrl(e.to_string()))?;
            fetch(client.clone(), robots.to_string(), limit, Duration::ZERO)
                .await
                .map(|r| disallowed(&r.body))
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let mut state = FrontierState::new(start.as_str(), self.options.limits());
        let mut tasks: JoinSet<(String, u32, Result<Response, String>)> = JoinSet::new();
        let mut retries: HashMap<String, usize> = HashMap::new();
        let (mut pages, mut errors, mut peak, mut truncated) = (0, 0, 0, 0);
        // The start URL is the only one at depth 0.
        let mut start_failed: Option<String> = None;
        loop {
            // Fill every free slot: the join set's size is the bound on
            // requests in flight.
            while tasks.len() < self.options.concurrency() {
                let Some((url, depth)) = state.take() else {
                    break;
                };
                if !allowed(&url, &rules) {
                    if depth == 0 {
                        start_failed = Some("robots.txt disallows it".into());
                    }
                    state.report([], depth);
                    continue;
                }
                let client = client.clone();
                tasks.spawn(async move {
                    let response = fetch(client, url.clone(), limit, Duration::ZERO).await;
                    (url, depth, response)
                });
            }
            peak = peak.max(tasks.len());
            // Nothing in flight and nothing could start: the crawl is over.
            let Some(done) = tasks.join_next().await else {
                break;
            };
            let (url, depth, response) = done.map_err(|e| CrawlError::Runtime(e.to_string()))?;
            if depth == 0 {
                start_failed = start_failure(&response);
            }
            let Ok(response) = response else {
                errors += 1;
                state.report([], depth);
                continue;
            };
            pages += 1;
            if response.status >= 400 && response.status != 429 {
                errors += 1;
            }
            if response.truncated {
                truncated += 1;
            }
            let page = Url::parse(&url).expect("the frontier holds parsed URLs");
            match outcome(&page, &response, &origin) {
                Outcome::Links(links) => state.report(links, depth),
                Outcome::RetryAfter(wait) => {
                    let tries = retries.entry(url.clone()).or_default();
                    *tries += 1;
                    if *tries > MAX_RETRIES {
                        errors += 1;
                        if depth == 0 {
                            start_failed = Some(gave_up());
                        }
                        state.report([], depth);
                    } else {
                        // The same slot waits and asks again; nobody else
                        // is held up.
                        let client = client.clone();
                        tasks.spawn(async move {
                            let response = fetch(client, url.clone(), limit, wait).await;
                            (url, depth, response)
                        });
                    }
                }
            }
        }
        debug_assert!(state.is_over());
        if let Some(why) = start_failed {
            return Err(CrawlError::Start {
                url: start.to_string(),
                why,
            });
        }
        let mut urls = state.seen();
        urls.sort();
        Ok(CrawlReport {
            urls,
            pages,
            errors,
            peak_in_flight: peak,
            elapsed: started.elapsed(),
            limits_hit: LimitHit::from_counts(&self.options, state.left_out(), truncated),
        })
    }
}
// ANCHOR_END: asynchronous

/// One GET after `wait`, without following redirects; the body read up to
/// `limit` bytes.
async fn fetch(
    client: reqwest::Client,
    url: String,
    limit: usize,
    wait: Duration,
) -> Result<Response, String> {
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
    let mut response = client.get(&url).send().await.map_err(|e| error_chain(&e))?;
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    let mut bytes = Vec::new();
    // One byte past the limit tells a cut body from one exactly `limit` long.
    while bytes.len() <= limit {
        match response.chunk().await.map_err(|e| error_chain(&e))? {
            Some(chunk) => {
                bytes.extend_from_slice(&chunk[..chunk.len().min(limit + 1 - bytes.len())])
            }
            None => break,
        }
    }
    Ok(Response::new(status, &headers, &bytes, limit))
}
