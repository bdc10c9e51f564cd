//! An `HtmlParser` that fetches over HTTP: the LeetCode 1242 core (your
//! `starter::crawl` or the reference `crawl`) as a real crawler, so that it
//! can run against the local test site and sit on the same chart as the
//! two real crawlers.

use url::{Origin, Url};

use crate::HtmlParser;
use crate::page::{Outcome, outcome};

/// Fetches pages of one origin with a blocking client; every other URL
/// gets no links and no request, so a crawl never leaves the start's site.
#[derive(Debug)]
pub struct HttpParser {
    agent: ureq::Agent,
    origin: Origin,
}

impl HttpParser {
    /// A parser for the origin of `start` (for the local site,
    /// `http://127.0.0.1:PORT`).
    pub fn new(start: &str) -> Result<Self, crate::CrawlError> {
        let origin = crate::start_url(start)?.origin();
        Ok(Self {
            agent: crate::threaded::agent(&crate::CrawlOptions::default()),
            origin,
        })
    }
}

impl HtmlParser for HttpParser {
    fn get_urls(&self, url: &str) -> Vec<String> {
        let Ok(page) = Url::parse(url) else {
            return Vec::new();
        };
        if page.origin() != self.origin {
            return Vec::new();
        }
        let limit = crate::CrawlOptions::default().max_body_bytes;
        match crate::threaded::fetch(&self.agent, url, limit) {
            Ok(response) => match outcome(&page, &response, &self.origin) {
                Outcome::Links(links) => links,
                // LeetCode's parser has no notion of "later": a page that
                // asks to be retried has no links this time.
                Outcome::RetryAfter(_) => Vec::new(),
            },
            Err(_) => Vec::new(),
        }
    }
}
