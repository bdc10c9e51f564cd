//! The conformance suite, shared by `conformance.rs` (every crawler must
//! pass) and `bugs.rs` (every bug-zoo variant must fail). Each check returns
//! `Err` with a message that names the bug class it found.

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crawler::{HtmlParser, hostname};
use kit::stress::Stress;
use kit::sync::Mutex;
use kit::workload::Rng;

/// A crawl function: LeetCode 1242's signature.
pub type CrawlFn = fn(&str, &dyn HtmlParser, usize) -> Vec<String>;

/// An in-memory web whose fetches take `delay`, counting every fetch and
/// the most fetches in flight at once.
#[derive(Debug, Default)]
pub struct Web {
    pub links: HashMap<String, Vec<String>>,
    pub delay: Duration,
    pub fetches: Mutex<HashMap<String, usize>>,
    in_flight: AtomicUsize,
    pub peak: AtomicUsize,
}

impl HtmlParser for Web {
    fn get_urls(&self, url: &str) -> Vec<String> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        *self.fetches.lock().entry(url.to_string()).or_default() += 1;
        std::thread::sleep(self.delay);
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.links.get(url).cloned().unwrap_or_default()
    }
}

impl Web {
    /// `pages` pages on http://site.test linking at random to each other,
    /// to pages of other hosts, and (now and then) to themselves.
    pub fn random(pages: usize, seed: u64, delay: Duration) -> Self {
        let mut rng = Rng::new(seed);
        let page = |i: u64| format!("http://site.test/p{i}");
        let mut links = HashMap::new();
        for i in 0..pages as u64 {
            let out: Vec<String> = (0..rng.below(6))
                .map(|_| match rng.below(10) {
                    0 => format!("http://other.test/p{}", rng.below(pages as u64)),
                    1 => page(i),
                    _ => page(rng.below(pages as u64)),
                })
                .collect();
            links.insert(page(i), out);
        }
        Self {
            links,
            delay,
            ..Self::default()
        }
    }

    /// What a correct crawl from `start` returns: breadth-first search.
    pub fn reachable(&self, start: &str) -> Vec<String> {
        let host = hostname(start);
        let mut seen = BTreeSet::from([start.to_string()]);
        let mut queue = VecDeque::from([start.to_string()]);
        while let Some(url) = queue.pop_front() {
            for link in self.links.get(&url).into_iter().flatten() {
                if hostname(link) == host && seen.insert(link.clone()) {
                    queue.push_back(link.clone());
                }
            }
        }
        seen.into_iter().collect()
    }
}

/// LeetCode 1242's two examples.
pub fn leetcode_examples(crawl: CrawlFn) -> Result<(), String> {
    let edges = [
        (
            "http://news.yahoo.com/news/topics/",
            vec!["http://news.yahoo.com/news", "http://news.google.com"],
        ),
        (
            "http://news.yahoo.com/news",
            vec![
                "http://news.yahoo.com/us",
                "http://news.yahoo.com/news/topics/",
            ],
        ),
        ("http://news.google.com", vec!["http://news.yahoo.com/news"]),
        (
            "http://news.yahoo.com",
            vec![
                "http://news.yahoo.com/news/topics/",
                "http://news.yahoo.com/us",
            ],
        ),
    ];
    let web = Web {
        links: edges
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect(),
        ..Web::default()
    };
    let got = crawl("http://news.yahoo.com/news/topics/", &web, 3);
    let want = [
        "http://news.yahoo.com/news",
        "http://news.yahoo.com/news/topics/",
        "http://news.yahoo.com/us",
    ];
    if got != want {
        return Err(format!(
            "LeetCode example 1: got {got:?}, expected {want:?}"
        ));
    }
    let got = crawl("http://news.google.com", &web, 3);
    if got != ["http://news.google.com"] {
        return Err(format!(
            "LeetCode example 2: got {got:?}, expected only the start URL"
        ));
    }
    Ok(())
}

/// Random sites at 1 to 8 workers: every reachable page found, each fetched
/// exactly once, and the crawl ends (a watchdog turns a hang into a failure).
pub fn visits_every_page_once(crawl: CrawlFn) -> Result<(), String> {
    for (seed, workers) in [(1, 1), (2, 2), (3, 4), (4, 8), (5, 3)] {
        let web = Arc::new(Web::random(150, seed, Duration::from_micros(300)));
        let start = "http://site.test/p0";
        let result = Arc::new(Mutex::new(Vec::new()));
        let shared = Arc::new((Arc::clone(&web), Arc::clone(&result)));
        Stress::new(1, "missed termination: the crawl never ended. Do idle workers wait for busy ones, and wake when the last one finishes?")
            .deadline(Duration::from_secs(20))
            .run(shared, move |(web, result), _| {
                *result.lock() = crawl(start, &**web, workers);
            })
            .map_err(|e| format!("{workers} workers: {e}"))?;
        let got = result.lock().clone();
        let want = web.reachable(start);
        let fetches = web.fetches.lock();
        if let Some((url, n)) = fetches.iter().find(|(_, n)| **n > 1) {
            return Err(format!(
                "{workers} workers: double fetch: {url} was fetched {n} times. \
                 Checking \"seen?\" and marking it seen must be one step."
            ));
        }
        if got != want {
            let missing: Vec<&String> = want.iter().filter(|u| !got.contains(u)).collect();
            return Err(format!(
                "{workers} workers: premature termination: {} of {} reachable pages were never found \
                 (first: {:?}). The crawl may end only when nothing is queued and no worker is busy.",
                missing.len(),
                want.len(),
                missing.first()
            ));
        }
    }
    Ok(())
}

/// Parallelism is the point: with four workers and slow fetches, more than
/// one fetch is in flight at once.
pub fn fetches_in_parallel(crawl: CrawlFn) -> Result<(), String> {
    let web = Web::random(60, 9, Duration::from_millis(3));
    crawl("http://site.test/p0", &web, 4);
    let peak = web.peak.load(Ordering::SeqCst);
    if peak < 2 {
        return Err(format!(
            "no parallelism: with 4 workers, at most {peak} fetch was in flight at once"
        ));
    }
    Ok(())
}

/// A crawl function with options, as the HTTP crawlers have.
pub type HttpCrawlFn =
    fn(&str, &crawler::CrawlOptions) -> Result<crawler::CrawlReport, crawler::CrawlError>;

/// On a site with a trap (an infinite calendar), the crawl ends: the depth
/// and page limits stop the frontier from growing forever.
pub fn ends_on_a_trap_site(crawl: HttpCrawlFn) -> Result<(), String> {
    use crawler::site::{Site, SiteConfig};
    // The site stays here: if the crawl runs away, dropping the site when
    // this check returns makes every further fetch fail, and it stops.
    let site = Site::start(
        SiteConfig {
            pages: 30,
            ..SiteConfig::default()
        },
        0,
    )
    .map_err(|e| e.to_string())?;
    let url = Arc::new(site.url());
    let options = crawler::CrawlOptions {
        workers: 4,
        max_depth: 20,
        max_pages: 1_000,
        ..crawler::CrawlOptions::default()
    };
    Stress::new(1, "unbounded frontier: the crawl of a trap site (an infinite calendar) never ended. Bound it by depth and by pages.")
        .deadline(Duration::from_secs(5))
        .run(url, move |url, _| {
            crawl(url, &options).expect("the crawl starts");
        })
        .map(|_| ())
        .map_err(|e| e.to_string())
}
