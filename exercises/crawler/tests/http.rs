//! Both HTTP crawlers against the local test site, started here on
//! 127.0.0.1 with a free port: the same set of URLs as a breadth-first walk
//! of the site's own link model, no path fetched twice, robots respected,
//! and more than one request in flight.
#![cfg(not(loom))]

use std::collections::{BTreeSet, VecDeque};
use std::time::Duration;

use crawler::site::{Site, SiteConfig, page_links};
use crawler::{AsyncCrawler, CrawlOptions, ThreadPoolCrawler};
use url::Url;

const PAGES: usize = 120;

fn config() -> SiteConfig {
    SiteConfig {
        pages: PAGES,
        latency: Duration::from_millis(2),
        seed: 7,
        ..SiteConfig::default()
    }
}

/// What a correct crawl must print, from the site's link model (not from
/// its HTML): breadth-first from "/".
fn expected(site: &Site, respect_robots: bool, max_depth: u32) -> Vec<String> {
    let base = Url::parse(&site.url()).unwrap();
    let origin = base.origin();
    let resolve = |page: &Url, href: &str| -> Option<String> {
        let mut url = page.join(href).ok()?;
        url.set_fragment(None);
        (url.origin() == origin && url.scheme() == "http")
            .then(|| url.to_string().replace("&amp;", "&"))
    };
    // The URLs a fetched page leads to, by path.
    let leads_to = |url: &Url| -> Vec<String> {
        let path = url.path();
        let number = |prefix: &str| {
            path.strip_prefix(prefix)
                .and_then(|n| n.parse::<usize>().ok())
        };
        let page_number = if path == "/" {
            Some(0)
        } else {
            number("/page/").filter(|&i| i < PAGES)
        };
        if let Some(i) = page_number {
            return page_links(&config(), i)
                .into_iter()
                .filter(|(_, real)| *real)
                .filter_map(|(href, _)| resolve(url, &href))
                .collect();
        }
        if let Some(j) = number("/redirect/") {
            return vec![format!("{base}page/{j}")];
        }
        if let Some(j) = number("/private/") {
            return if respect_robots {
                vec![]
            } else {
                vec![format!("{base}secret/{j}")]
            };
        }
        if let Some(m) = number("/calendar/") {
            return vec![format!("{base}calendar/{}", m + 1)];
        }
        if path == "/bad-bytes" {
            return vec![format!("{base}after-bad-bytes")];
        }
        vec![]
    };
    let mut seen = BTreeSet::from([base.to_string()]);
    let mut queue = VecDeque::from([(base.clone(), 0u32)]);
    while let Some((url, depth)) = queue.pop_front() {
        for link in leads_to(&url) {
            if seen.insert(link.clone()) && depth < max_depth {
                queue.push_back((Url::parse(&link).unwrap(), depth + 1));
            }
        }
    }
    seen.into_iter().collect()
}

/// Deeper than any page of the site can be (there are fewer pages), so that
/// only the trap, a linear chain, meets the limit: see
/// `CrawlOptions::max_depth`.
const MAX_DEPTH: u32 = PAGES as u32 + 10;

fn options(workers: usize, respect_robots: bool) -> CrawlOptions {
    CrawlOptions {
        workers,
        max_depth: MAX_DEPTH,
        respect_robots,
        ..CrawlOptions::default()
    }
}

#[test]
fn both_crawlers_find_the_same_urls_as_the_site_model() {
    for respect_robots in [false, true] {
        let site = Site::start(config(), 0).unwrap();
        let threads = ThreadPoolCrawler::new(options(8, respect_robots))
            .crawl(&site.url())
            .unwrap();
        let site2 = Site::start(config(), 0).unwrap();
        let tasks = AsyncCrawler::new(options(8, respect_robots))
            .crawl(&site2.url())
            .unwrap();
        let want = expected(&site, respect_robots, MAX_DEPTH);
        // The model itself: most pages reachable, the trap cut at MAX_DEPTH,
        // and pages behind robots.txt found only when it is ignored.
        assert!(want.len() > PAGES / 2, "{} URLs", want.len());
        let month = |m: u32| want.iter().any(|u| u.ends_with(&format!("/calendar/{m}")));
        assert!(month(MAX_DEPTH - 1) && !month(MAX_DEPTH + 1));
        assert_eq!(want.iter().any(|u| u.contains("/secret/")), !respect_robots);
        let rebase = |urls: &[String], from: &Site| -> Vec<String> {
            urls.iter()
                .map(|u| u.replace(&from.url(), "BASE/"))
                .collect()
        };
        assert_eq!(
            rebase(&threads.urls, &site),
            rebase(&want, &site),
            "thread pool, robots {respect_robots}"
        );
        assert_eq!(
            rebase(&tasks.urls, &site2),
            rebase(&want, &site),
            "tokio, robots {respect_robots}"
        );
        for (name, site) in [("thread pool", &site), ("tokio", &site2)] {
            let requests = site.stats().requests();
            for (path, n) in &requests {
                // A 429 with Retry-After is asked once more, and only once.
                if path == "/slow-down" {
                    assert_eq!(*n, 2, "{name}: {path} answered 429 once, fetched {n} times");
                } else {
                    assert!(*n <= 1, "{name}: {path} fetched {n} times");
                }
                assert!(
                    !(respect_robots && path.starts_with("/private/")),
                    "{name}: {path} despite robots.txt"
                );
                assert!(
                    !path.contains("commented") && !path.contains("not-a-link"),
                    "{name} followed {path}"
                );
            }
            let peak = site.stats().peak_in_flight();
            assert!(peak > 1, "{name}: never more than one request in flight");
            assert!(
                peak <= 8,
                "{name}: {peak} requests in flight with 8 workers"
            );
        }
    }
}

/// Politeness wins over speed: never more requests in flight to one host
/// than `per_host_concurrency`, however many workers there are, and never
/// more than the workers either.
#[test]
fn both_crawlers_keep_to_the_concurrency_limit() {
    for (name, crawl) in both() {
        for (workers, per_host) in [(8, 3), (4, 1024)] {
            let site = Site::start(config(), 0).unwrap();
            let options = CrawlOptions {
                workers,
                per_host_concurrency: per_host,
                max_pages: 200,
                ..CrawlOptions::default()
            };
            let report = crawl(&site.url(), &options).unwrap();
            let limit = workers.min(per_host);
            let peak = site.stats().peak_in_flight();
            assert!(
                peak <= limit && report.peak_in_flight <= limit,
                "{name}: {peak} requests in flight at the site ({} reported) where \
                 {workers} workers and {per_host} per host allow {limit}",
                report.peak_in_flight
            );
            assert!(
                peak >= 2,
                "{name}: at most {peak} request in flight where {limit} are allowed"
            );
        }
    }
}

#[path = "suite/mod.rs"]
mod suite;

/// The two references, by name, as the suite's checks take them.
fn both() -> [(&'static str, suite::HttpCrawlFn); 2] {
    [
        ("thread pool", |url, options| {
            ThreadPoolCrawler::new(options.clone()).crawl(url)
        }),
        ("tokio", |url, options| {
            AsyncCrawler::new(options.clone()).crawl(url)
        }),
    ]
}

#[test]
fn both_crawlers_end_on_a_trap_site() {
    for (_, crawl) in both() {
        if let Err(problem) = suite::ends_on_a_trap_site(crawl) {
            panic!("{problem}");
        }
    }
}

/// Pagination makes a finite site deep: `/archive/1` ... `/archive/60`, one
/// link after another. With default options both crawlers find all of it,
/// and say no limit was hit.
#[test]
fn both_crawlers_follow_a_deep_finite_chain_with_default_options() {
    const DEPTH: usize = 60;
    let config = SiteConfig {
        pages: 20,
        traps: false,
        chain: DEPTH,
        ..SiteConfig::default()
    };
    for (name, crawl) in both() {
        let site = Site::start(config, 0).unwrap();
        let report = crawl(&site.url(), &CrawlOptions::default()).unwrap();
        let archive: Vec<&String> = report
            .urls
            .iter()
            .filter(|u| u.contains("/archive/"))
            .collect();
        assert_eq!(archive.len(), DEPTH, "{name}: {archive:?}");
        assert!(
            report
                .urls
                .contains(&format!("{}archive/{DEPTH}", site.url())),
            "{name}: the last page of the chain is missing"
        );
        assert_eq!(report.limits_hit, [], "{name}: no limit stopped this crawl");
    }
}

/// Every limit that cuts a crawl short is reported, with what it left out.
#[test]
fn both_crawlers_report_the_limits_that_cut_them() {
    use crawler::LimitHit;
    for (name, crawl) in both() {
        // The calendar never ends: only the page budget stops it.
        let site = Site::start(config(), 0).unwrap();
        let pages = CrawlOptions {
            max_pages: 40,
            ..CrawlOptions::default()
        };
        let report = crawl(&site.url(), &pages).unwrap();
        match report.limits_hit.as_slice() {
            [
                LimitHit::Pages {
                    max_pages: 40,
                    unfetched,
                },
            ] => assert!(*unfetched > 0, "{name}"),
            other => panic!("{name}: page budget of 40: {other:?}"),
        }
        assert!(report.urls.len() > 40, "{name}: discovered URLs are kept");

        let site = Site::start(config(), 0).unwrap();
        let depth = CrawlOptions {
            max_depth: 2,
            ..CrawlOptions::default()
        };
        let report = crawl(&site.url(), &depth).unwrap();
        assert!(
            matches!(
                report.limits_hit.as_slice(),
                [LimitHit::Depth { max_depth: 2, unfetched }] if *unfetched > 0
            ),
            "{name}: depth 2: {:?}",
            report.limits_hit
        );

        // Every page of the site is longer than 100 bytes.
        let site = Site::start(config(), 0).unwrap();
        let body = CrawlOptions {
            max_body_bytes: 100,
            max_depth: 1,
            ..CrawlOptions::default()
        };
        let report = crawl(&site.url(), &body).unwrap();
        assert!(
            report.limits_hit.iter().any(
                |hit| matches!(hit, LimitHit::Body { max_body_bytes: 100, pages } if *pages > 0)
            ),
            "{name}: body limit of 100 bytes: {:?}",
            report.limits_hit
        );
    }
}

/// A start page that cannot be fetched is an error, not an empty crawl:
/// nothing listening, a 404, a start robots.txt forbids.
#[test]
fn both_crawlers_fail_when_the_start_page_cannot_be_fetched() {
    use crawler::CrawlError;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", listener.local_addr().unwrap())
    };
    let site = Site::start(config(), 0).unwrap();
    let missing = format!("{}missing/1", site.url());
    let private = format!("{}private/1", site.url());
    for (name, crawl) in both() {
        for (url, respect_robots, why) in [
            (&closed, false, "refused"),
            (&missing, false, "HTTP status 404"),
            (&private, true, "robots.txt disallows it"),
        ] {
            let options = CrawlOptions {
                respect_robots,
                ..CrawlOptions::default()
            };
            match crawl(url, &options) {
                Err(CrawlError::Start {
                    url: failed,
                    why: got,
                }) => {
                    assert_eq!(&failed, url, "{name}");
                    assert!(got.contains(why), "{name}: {url}: {got}");
                    assert!(!got.contains('\n'), "{name}: one line: {got}");
                }
                other => panic!("{name}: {url}: expected a start error, got {other:?}"),
            }
        }
    }
}
