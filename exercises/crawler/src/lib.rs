//! # A concurrent web crawler
//!
//! The interview question: *implement a multithreaded web crawler with a
//! thread pool that, given a root domain, collects all URLs under it;
//! explain how asyncio improves it and what the GIL does.*
//!
//! This crate starts with LeetCode 1242, "Web Crawler Multithreaded": the
//! pages come from an [`HtmlParser`], and the whole difficulty is in the
//! coordination. Many workers share one frontier of URLs to visit; every URL
//! must be visited once; and the crawl must end exactly when no URL is
//! queued and no worker is still fetching, never earlier (pages would be
//! lost) and never later (the crawl would hang). [`Frontier`]
//! (`frontier.rs`) is that protocol, shared by every crawler here;
//! [`crawl`] (`leetcode.rs`) runs it on a pool of threads.
//!
//! `buggy.rs` holds the bug zoo and `starter.rs` is the candidate's file.

// ANCHOR: contract
/// LeetCode 1242's interface to the web: the links on a page.
pub trait HtmlParser: Sync {
    /// Every URL linked from `url` (may be slow: it stands for a fetch).
    fn get_urls(&self, url: &str) -> Vec<String>;
}
// ANCHOR_END: contract

/// The hostname of an `http://` URL: what lies between the scheme and the
/// first `/` after it (LeetCode 1242's URLs have no port or user).
pub fn hostname(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest)
}

#[cfg(not(loom))]
mod asynchronous;
pub mod buggy;
mod frontier;
#[cfg(not(loom))]
mod http_parser;
mod leetcode;
mod options;
#[cfg(not(loom))]
pub mod page;
#[cfg(not(loom))]
pub mod site;
#[cfg(feature = "starter")]
pub mod starter;
#[cfg(not(loom))]
mod threaded;

#[cfg(not(loom))]
pub use asynchronous::AsyncCrawler;
pub use frontier::{Frontier, FrontierState, LeftOut, Limits};
#[cfg(not(loom))]
pub use http_parser::HttpParser;
pub use leetcode::crawl;
pub use options::{CrawlOptions, CrawlReport, LimitHit};
#[cfg(not(loom))]
pub use threaded::ThreadPoolCrawler;

/// Why a crawl could not start or run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrawlError {
    /// The start URL is not an absolute http(s) URL.
    BadUrl(String),
    /// The async runtime or HTTP client could not start.
    Runtime(String),
    /// The start page could not be fetched (refused, timed out, 4xx/5xx,
    /// or disallowed by robots.txt): the crawl found nothing.
    Start { url: String, why: String },
}

impl std::fmt::Display for CrawlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CrawlError::BadUrl(why) => write!(f, "not a URL to crawl: {why}"),
            CrawlError::Runtime(why) => write!(f, "could not start: {why}"),
            CrawlError::Start { url, why } => {
                write!(f, "cannot fetch the start page {url}: {why}")
            }
        }
    }
}

impl std::error::Error for CrawlError {}

/// The start URL, parsed and normalised (fragment dropped).
#[cfg(not(loom))]
pub(crate) fn start_url(start: &str) -> Result<url::Url, CrawlError> {
    let mut url =
        url::Url::parse(start).map_err(|e| CrawlError::BadUrl(format!("{start:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(CrawlError::BadUrl(format!(
            "{start:?}: only http and https URLs with a host"
        )));
    }
    url.set_fragment(None);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostnames() {
        assert_eq!(
            hostname("http://news.yahoo.com/news/topics/"),
            "news.yahoo.com"
        );
        assert_eq!(hostname("http://news.google.com"), "news.google.com");
    }
}
