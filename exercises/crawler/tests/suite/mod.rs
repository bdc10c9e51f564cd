//! The conformance suite, shared by `conformance.rs` (every crawler must
//! pass) and `bugs.rs` (every bug-zoo variant must fail).
//!
//! Each check tests promises of LeetCode 1242's contract as `src/lib.rs` and
//! the README state it (the README's "What the suite checks" lists them),
//! and returns `Err` with a message that names the bug class it found
//! (`kit::bugs`).

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::ThreadId;
use std::time::Duration;

use crawler::{HtmlParser, hostname};
use kit::bugs;
use kit::stress::Stress;
use kit::sync::Mutex;
use kit::workload::Rng;

/// A crawl function: LeetCode 1242's signature.
pub type CrawlFn = fn(&str, &dyn HtmlParser, usize) -> Vec<String>;

/// An in-memory web whose fetches take `delay` (plus, with `jitter`, a
/// random extra of up to as much again), counting every fetch, the threads
/// that fetched, and the most fetches in flight at once.
#[derive(Debug, Default)]
pub struct Web {
    pub links: HashMap<String, Vec<String>>,
    pub delay: Duration,
    pub jitter: bool,
    /// One page that takes this long instead (workers that leave while it
    /// is fetched show up).
    pub slow: Option<(String, Duration)>,
    /// Pages whose URL starts with this are a burst: the most of them in
    /// flight at once is `burst_peak`.
    pub burst_prefix: Option<String>,
    burst_in_flight: AtomicUsize,
    pub burst_peak: AtomicUsize,
    pub fetches: Mutex<HashMap<String, usize>>,
    pub threads: Mutex<HashSet<ThreadId>>,
    in_flight: AtomicUsize,
    pub peak: AtomicUsize,
    /// Fetches that had another in flight when they began or ended.
    pub overlapped: AtomicUsize,
}

impl HtmlParser for Web {
    fn get_urls(&self, url: &str) -> Vec<String> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        let mut overlapped = now > 1;
        *self.fetches.lock().entry(url.to_string()).or_default() += 1;
        self.threads.lock().insert(std::thread::current().id());
        let burst = self
            .burst_prefix
            .as_deref()
            .is_some_and(|prefix| url.starts_with(prefix));
        if burst {
            let now = self.burst_in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.burst_peak.fetch_max(now, Ordering::SeqCst);
        }
        let delay = match &self.slow {
            Some((page, slow)) if page == url => *slow,
            _ if self.jitter => {
                let salt = url
                    .bytes()
                    .fold(0u64, |h, b| h.wrapping_mul(31) ^ u64::from(b));
                self.delay + self.delay.mul_f64((salt % 1000) as f64 / 1000.0)
            }
            _ => self.delay,
        };
        if !delay.is_zero() {
            std::thread::sleep(delay);
        }
        overlapped |= self.in_flight.fetch_sub(1, Ordering::SeqCst) > 1;
        if burst {
            self.burst_in_flight.fetch_sub(1, Ordering::SeqCst);
        }
        if overlapped {
            self.overlapped.fetch_add(1, Ordering::SeqCst);
        }
        self.links.get(url).cloned().unwrap_or_default()
    }
}

/// A page of the test site.
fn page(i: u64) -> String {
    format!("http://site.test/p{i}")
}

impl Web {
    /// `pages` pages on http://site.test linking at random to each other,
    /// to themselves, and to look-alikes: other hosts whose names start or
    /// end like this one's (not to be crawled), and the same host over
    /// https (to be crawled: the hostname is what counts).
    pub fn random(pages: usize, seed: u64, delay: Duration) -> Self {
        Self::random_with(pages, seed, delay, 6)
    }

    /// The same with up to `fanout` links a page.
    pub fn random_with(pages: usize, seed: u64, delay: Duration, fanout: u64) -> Self {
        let mut rng = Rng::new(seed);
        let n = pages as u64;
        let mut links = HashMap::new();
        for i in 0..n {
            let out: Vec<String> = (0..rng.below(fanout))
                .map(|_| match rng.below(16) {
                    0 => format!("http://other.test/p{}", rng.below(n)),
                    1 => format!("http://site.test.evil/p{}", rng.below(n)),
                    2 => format!("http://site.testing/p{}", rng.below(n)),
                    3 => format!("https://site.test/s{}", rng.below(n)),
                    4 => page(i),
                    _ => page(rng.below(n)),
                })
                .collect();
            links.insert(page(i), out);
            // The https pages link back into the site.
            links.insert(format!("https://site.test/s{i}"), vec![page(i)]);
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

    /// Every page was fetched at most once; else the check-then-act race
    /// that fetched one twice, named.
    fn fetched_once(&self, context: &str) -> Result<(), String> {
        match self.fetches.lock().iter().find(|(_, n)| **n > 1) {
            Some((url, n)) => Err(bugs::CHECK_THEN_ACT.says(format!(
                "{context}: {url} was fetched {n} times. Checking \"seen?\" and marking it \
                 seen must be one step, under one lock."
            ))),
            None => Ok(()),
        }
    }

    /// A page of another host that was fetched, if any.
    fn fetched_elsewhere(&self, start: &str) -> Option<String> {
        self.fetches
            .lock()
            .keys()
            .find(|url| hostname(url) != hostname(start))
            .cloned()
    }
}

/// How a crawl's result differs from the reachable set: the sort order,
/// duplicates, pages of other hosts, pages missing.
fn compare(got: &[String], want: &[String], workers: usize) -> Result<(), String> {
    if let Some(w) = got.windows(2).find(|w| w[0] >= w[1]) {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "{workers} workers: the result must be sorted and without duplicates, but {} \
             comes before {}",
            w[0], w[1]
        )));
    }
    if let Some(extra) = got.iter().find(|u| !want.contains(u)) {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "{workers} workers: the result holds {extra}, which is not reachable on the start \
             URL's hostname (compare hostnames exactly: site.testing is not site.test)"
        )));
    }
    if got != want {
        let missing: Vec<&String> = want.iter().filter(|u| !got.contains(u)).collect();
        return Err(bugs::PREMATURE_TERMINATION.says(format!(
            "{workers} workers: {} of {} reachable pages were never found (the first \
             missing is {}). The crawl may end only when nothing is queued and no worker \
             is busy.",
            missing.len(),
            want.len(),
            missing[0]
        )));
    }
    Ok(())
}

/// How long one crawl of the in-memory web may take: far more than any
/// needs.
const CRAWL_DEADLINE: Duration = Duration::from_secs(10);

/// Runs one crawl under a watchdog, on a thread of its own.
fn crawl_within(
    crawl: CrawlFn,
    web: Arc<Web>,
    start: &'static str,
    workers: usize,
) -> Result<Vec<String>, String> {
    let result = Arc::new(Mutex::new(Vec::new()));
    let shared = Arc::new((web, Arc::clone(&result)));
    Stress::new(
        1,
        bugs::MISSED_TERMINATION,
        "the crawl never ended. Do idle workers wait for busy ones, and wake when the last \
         one finishes with nothing new?",
    )
    .deadline(CRAWL_DEADLINE)
    .run(shared, move |(web, result), _| {
        *result.lock() = crawl(start, &**web, workers);
    })
    .map_err(|e| format!("{workers} workers: {e}"))?;
    let got = result.lock().clone();
    Ok(got)
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
    let web = Arc::new(Web {
        links: edges
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect(),
        ..Web::default()
    });
    let got = crawl_within(
        crawl,
        Arc::clone(&web),
        "http://news.yahoo.com/news/topics/",
        3,
    )?;
    let want = [
        "http://news.yahoo.com/news",
        "http://news.yahoo.com/news/topics/",
        "http://news.yahoo.com/us",
    ];
    if got != want {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "LeetCode example 1 returned [{}], expected [{}]",
            got.join(", "),
            want.join(", ")
        )));
    }
    let web = Arc::new(Web {
        links: web.links.clone(),
        ..Web::default()
    });
    let got = crawl_within(crawl, Arc::clone(&web), "http://news.google.com", 3)?;
    if got != ["http://news.google.com"] {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "LeetCode example 2 returned [{}], expected only the start URL",
            got.join(", ")
        )));
    }
    if let Some(url) = web.fetched_elsewhere("http://news.google.com") {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "LeetCode example 2 fetched {url}, a page of another hostname"
        )));
    }
    Ok(())
}

/// Random sites at 1 to 8 workers, with fetches of varied length: every
/// reachable page found, each fetched exactly once, no page of another host
/// fetched, the result sorted, and the crawl ends (a watchdog turns a hang
/// into a failure).
pub fn visits_every_page_once(crawl: CrawlFn) -> Result<(), String> {
    for (seed, workers) in [(1, 1), (2, 2), (3, 4), (4, 8), (5, 3)] {
        let mut web = Web::random(150, seed, Duration::from_micros(300));
        web.jitter = true;
        let web = Arc::new(web);
        let start = "http://site.test/p0";
        let got = crawl_within(crawl, Arc::clone(&web), start, workers)?;
        web.fetched_once(&format!("{workers} workers"))?;
        if let Some(url) = web.fetched_elsewhere(start) {
            return Err(bugs::WRONG_ANSWER.says(format!(
                "{workers} workers: {url} was fetched, a page of another hostname"
            )));
        }
        compare(&got, &web.reachable(start), workers)?;
    }
    Ok(())
}

/// The races a frontier invites, made likely: many short crawls with no
/// fetch delay on a dense site, where many pages link to the same pages at
/// once and workers take and report work all the time. A "seen?" and a
/// "mark seen" in two lock acquisitions lets two workers both queue a page;
/// a busy count kept apart from the queue lets one worker think the crawl
/// is over while another has just taken a page. One such crawl in the lot
/// shows either.
pub fn each_page_fetched_once_under_contention(crawl: CrawlFn) -> Result<(), String> {
    const CRAWLS: u64 = 40;
    for run in 0..CRAWLS {
        let workers = [4, 8][run as usize % 2];
        let web = Arc::new(Web::random_with(120, 100 + run, Duration::ZERO, 24));
        let start = "http://site.test/p0";
        let got = crawl_within(crawl, Arc::clone(&web), start, workers)?;
        web.fetched_once(&format!("crawl {} of {CRAWLS}, {workers} workers", run + 1))?;
        compare(&got, &web.reachable(start), workers)
            .map_err(|problem| format!("{problem} (crawl {} of {CRAWLS})", run + 1))?;
    }
    Ok(())
}

/// Parallelism is the point, within its bound: with four workers and slow
/// fetches, more than one fetch is in flight at once (for most fetches, not
/// only at the start), and never more than four. The start page is slow, so
/// workers that leave while it is fetched (the queue looked empty) show up
/// as the one worker left doing all.
pub fn fetches_in_parallel(crawl: CrawlFn) -> Result<(), String> {
    const WORKERS: usize = 4;
    let start = "http://site.test/p0";
    let mut web = Web::random_with(60, 9, Duration::from_millis(3), 8);
    web.slow = Some((start.to_string(), Duration::from_millis(50)));
    let web = Arc::new(web);
    let caller = std::thread::current().id();
    let result = Arc::new(Mutex::new((Vec::new(), caller)));
    let shared = Arc::new((Arc::clone(&web), Arc::clone(&result)));
    Stress::new(
        1,
        bugs::MISSED_TERMINATION,
        "the crawl never ended. Do idle workers wait for busy ones, and wake when the last \
         one finishes with nothing new?",
    )
    .deadline(Duration::from_secs(10))
    .run(shared, move |(web, result), _| {
        let got = crawl(start, &**web, WORKERS);
        *result.lock() = (got, std::thread::current().id());
    })
    .map_err(|e| e.to_string())?;
    let (got, caller) = result.lock().clone();
    compare(&got, &web.reachable(start), WORKERS)?;
    let peak = web.peak.load(Ordering::SeqCst);
    if peak > WORKERS {
        return Err(bugs::BOUND_EXCEEDED.says(format!(
            "with {WORKERS} workers, {peak} fetches were in flight at once"
        )));
    }
    let fetched: usize = web.fetches.lock().values().sum();
    let overlapped = web.overlapped.load(Ordering::SeqCst);
    if peak >= 2 && overlapped * 2 >= fetched {
        return Ok(());
    }
    if peak >= 2 {
        return Err(bugs::PREMATURE_TERMINATION.says(format!(
            "with {WORKERS} workers and pages queued for most of the crawl, only {overlapped} \
             of {fetched} fetches overlapped another: workers most likely left while others \
             were still busy (an empty queue for a moment is not the end), leaving the rest \
             to fewer and fewer"
        )));
    }
    let threads = web.threads.lock().clone();
    Err(if threads.len() > 1 {
        bugs::NO_PARALLELISM.says(format!(
            "{} threads fetched, but never two at once: is a lock held while get_urls runs?",
            threads.len()
        ))
    } else if threads.contains(&caller) {
        bugs::NO_PARALLELISM.says(format!(
            "every fetch ran on the calling thread: no workers were started for the \
             {WORKERS} asked for"
        ))
    } else {
        bugs::PREMATURE_TERMINATION.says(format!(
            "one worker did every fetch, though {WORKERS} were asked for: the others most \
             likely left when they found the queue empty while the first was still fetching \
             the start page. A worker may leave only when nothing is queued and no worker \
             is busy."
        ))
    })
}

/// A site that is a chain (each page links to the next, and back to the
/// start), crawled by many workers: the frontier is one URL wide, so every
/// report wakes idle workers to race for the one new URL. Whatever takes a
/// URL and counts itself busy in two steps lets a loser of that race see
/// "nothing queued, nobody busy" and end the crawl early.
pub fn a_chain_with_many_workers(crawl: CrawlFn) -> Result<(), String> {
    const PAGES: u64 = 200;
    let links: HashMap<String, Vec<String>> = (0..PAGES)
        .map(|i| {
            let next = if i + 1 < PAGES {
                vec![page(i + 1), page(0)]
            } else {
                vec![page(0)]
            };
            (page(i), next)
        })
        .collect();
    for run in 0..30 {
        let workers = [4, 8][run % 2];
        let web = Arc::new(Web {
            links: links.clone(),
            ..Web::default()
        });
        let start = "http://site.test/p0";
        let got = crawl_within(crawl, Arc::clone(&web), start, workers)?;
        web.fetched_once(&format!("a chain, {workers} workers"))?;
        compare(&got, &web.reachable(start), workers).map_err(|problem| {
            format!("{problem} (a chain of {PAGES} pages, crawl {})", run + 1)
        })?;
    }
    Ok(())
}

/// Many short crawls, each ending with most workers idle: every end is a
/// last report that must wake the sleepers. Checking "anything to do?" and
/// going to sleep must be one step under the frontier's lock (a condition
/// variable waits on the lock that guards the condition); a report that
/// lands between the two is a lost wake-up, and when it is the last one the
/// crawl never ends. The gap is a few instructions wide, so the check makes
/// many ends rather than one long crawl: 2000 of them, about a second for
/// a correct crawler. (400 missed the gap once in a CI run on a machine
/// busy with other builds.)
pub fn every_short_crawl_ends(crawl: CrawlFn) -> Result<(), String> {
    const CRAWLS: usize = 2000;
    let start = "http://site.test/p0";
    let links: HashMap<String, Vec<String>> = (0..4u64)
        .map(|i| {
            let out = if i == 0 {
                (1..4).map(page).collect()
            } else {
                vec![page(0)]
            };
            (page(i), out)
        })
        .collect();
    for run in 0..CRAWLS {
        let workers = [2, 4, 8][run % 3];
        let web = Arc::new(Web {
            links: links.clone(),
            ..Web::default()
        });
        let got = crawl_within(crawl, Arc::clone(&web), start, workers).map_err(|problem| {
            format!(
                "{problem} (a site of 4 pages, crawl {} of {CRAWLS})",
                run + 1
            )
        })?;
        compare(&got, &web.reachable(start), workers).map_err(|problem| {
            format!(
                "{problem} (a site of 4 pages, crawl {} of {CRAWLS})",
                run + 1
            )
        })?;
    }
    Ok(())
}

/// A quiet moment in the middle of a crawl: the start page links to a slow
/// hub and to a few pages with no links. While the hub is fetched, the
/// queue is empty and the other workers are idle; then the hub gives twenty
/// pages at once. Idle workers must have waited (not left), so that all of
/// them fetch the twenty together.
pub fn workers_wait_through_a_quiet_moment(crawl: CrawlFn) -> Result<(), String> {
    const WORKERS: usize = 4;
    let start = "http://site.test/start";
    let hub = "http://site.test/hub";
    let mut links: HashMap<String, Vec<String>> = HashMap::new();
    let leaves: Vec<String> = (0..3)
        .map(|i| format!("http://site.test/leaf{i}"))
        .collect();
    let burst: Vec<String> = (0..20)
        .map(|i| format!("http://site.test/burst{i}"))
        .collect();
    links.insert(
        start.to_string(),
        std::iter::once(hub.to_string())
            .chain(leaves.iter().cloned())
            .collect(),
    );
    links.insert(hub.to_string(), burst.clone());
    let web = Arc::new(Web {
        links,
        delay: Duration::from_millis(10),
        slow: Some((hub.to_string(), Duration::from_millis(150))),
        burst_prefix: Some("http://site.test/burst".to_string()),
        ..Web::default()
    });
    let got = crawl_within(crawl, Arc::clone(&web), start, WORKERS)?;
    compare(&got, &web.reachable(start), WORKERS)?;
    let peak = web.burst_peak.load(Ordering::SeqCst);
    if peak < WORKERS - 1 {
        return Err(bugs::PREMATURE_TERMINATION.says(format!(
            "after a quiet moment (the queue empty while one worker fetched a slow page), that \
             page's 20 links were fetched at most {peak} at a time by {WORKERS} workers: the \
             idle ones had left. An empty queue while a worker is busy is not the end: wait \
             (in a loop: `while`, not `if`, around the condition variable's wait) until work \
             comes or nobody is busy."
        )));
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
    Stress::new(
        1,
        bugs::UNBOUNDED_FRONTIER,
        "the crawl of a trap site (an infinite calendar) never ended. Bound it by pages \
         (and, if you like, by depth).",
    )
    .deadline(Duration::from_secs(5))
    .run(url, move |url, _| {
        crawl(url, &options).expect("the crawl starts");
    })
    .map(|_| ())
    .map_err(|e| e.to_string())
}
