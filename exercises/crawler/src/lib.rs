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

pub mod buggy;
mod frontier;
mod leetcode;
pub mod site;
pub mod starter;

pub use frontier::Frontier;
pub use leetcode::crawl;

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
