//! The local test site: a deterministic web on 127.0.0.1 for the crawlers'
//! tests and benches, with every trap a crawler meets in the wild.
//!
//! Page `/page/i` (and `/` for page 0) links to a few other pages, written
//! in every way HTML allows (absolute, root-relative, relative, with a
//! fragment, with an `&amp;`-encoded query), and now and then to:
//! a redirect (`/redirect/j`, a 301 to `/page/j`), a missing page
//! (`/missing/j`, 404), a PDF (`/files/j.pdf`, whose bytes contain a link
//! that is not one), a page robots.txt disallows (`/private/j`, which links
//! to `/secret/j`), a page that answers 429 with `Retry-After: 1` the first
//! time (`/slow-down`), a link inside an HTML comment (not a link),
//! `mailto:` and `javascript:` links, and another host. Page 0 also links
//! to `/calendar/0`, a trap: every month links to the next, forever; and to
//! `/bad-bytes`, a page declared UTF-8 whose bytes are not, which links on
//! to `/after-bad-bytes`. With
//! `chain` set, page 0 links to `/archive/1` too, the start of a finite
//! chain `chain` pages deep (`/archive/i` links to `/archive/i+1`), as a
//! blog's or forum's pagination is.
//!
//! Every response waits `latency` first (a timer, not a busy thread), so a
//! crawler's concurrency is what sets its pace. The site counts requests
//! per path and the most requests in flight at once, so tests can check
//! that nothing was fetched twice and that the crawl really ran in
//! parallel.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use kit::sync::Mutex;
use kit::workload::Rng;

/// What the site serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SiteConfig {
    pub pages: usize,
    pub latency: Duration,
    pub seed: u64,
    /// Links from each page to other pages.
    pub links_per_page: usize,
    /// Whether page 0 links to the infinite calendar, to the page that
    /// answers 429 first, and to the page of bad bytes. Benches leave them out: both serialise the end of
    /// a crawl (a chain of months, a Retry-After wait), which measures
    /// latency, not throughput.
    pub traps: bool,
    /// How deep the finite `/archive/` chain from page 0 goes (0: none).
    pub chain: usize,
}

impl Default for SiteConfig {
    fn default() -> Self {
        Self {
            pages: 200,
            latency: Duration::from_millis(0),
            seed: 1,
            links_per_page: 3,
            traps: true,
            chain: 0,
        }
    }
}

/// What the site has seen.
#[derive(Debug, Default)]
pub struct Stats {
    requests: Mutex<HashMap<String, usize>>,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
}

impl Stats {
    /// Requests per path (with its query).
    pub fn requests(&self) -> HashMap<String, usize> {
        self.requests.lock().clone()
    }

    /// The most requests being served at once.
    pub fn peak_in_flight(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

// ANCHOR: links
/// The links on page `i`, as written in its HTML: `(href, is_a_real_link)`.
/// Deterministic in `(config.seed, i)`.
pub fn page_links(config: &SiteConfig, i: usize) -> Vec<(String, bool)> {
    let mut rng = Rng::for_thread(config.seed, i);
    let n = config.pages.max(1) as u64;
    let mut links = Vec::new();
    for k in 0..config.links_per_page {
        let j = rng.below(n);
        links.push((
            match (k + i) % 4 {
                0 => format!("/page/{j}"),
                1 => format!("{j}"),
                2 => format!("/page/{j}#section-{k}"),
                _ => format!("/page/{j}?from={i}&amp;k={k}"),
            },
            true,
        ));
    }
    let extra = rng.below(n);
    match i % 7 {
        0 => links.push((format!("/redirect/{extra}"), true)),
        1 => links.push((format!("/missing/{extra}"), true)),
        2 => links.push((format!("/files/{extra}.pdf"), true)),
        3 => links.push((format!("/private/{extra}"), true)),
        4 => links.push((format!("mailto:pages@example.com?subject={extra}"), false)),
        5 => links.push(("javascript:void(0)".to_string(), false)),
        _ => links.push((format!("http://elsewhere.example/page/{extra}"), true)),
    }
    if i == 0 && config.traps {
        links.push(("/calendar/0".to_string(), true));
        links.push(("/slow-down".to_string(), true));
        links.push(("/bad-bytes".to_string(), true));
    }
    if i == 0 && config.chain > 0 {
        links.push(("/archive/1".to_string(), true));
    }
    links
}
// ANCHOR_END: links

fn html(title: &str, links: &[(String, bool)], comment: &str) -> String {
    let mut body =
        format!("<!doctype html><html><head><title>{title}</title></head><body><h1>{title}</h1>\n");
    for (href, _) in links {
        let _ = writeln!(body, "<p><a href=\"{href}\">{href}</a></p>");
    }
    let _ = writeln!(
        body,
        "<!-- <a href=\"{comment}\">not a link</a> -->\n</body></html>"
    );
    body
}

/// The response to one path: status, extra headers, content type, body.
fn respond(
    config: &SiteConfig,
    path: &str,
    slow_down_seen: bool,
) -> (u16, Vec<(&'static str, String)>, &'static str, Vec<u8>) {
    let page = |i: usize| {
        (
            200,
            vec![],
            "text/html; charset=utf-8",
            html(
                &format!("page {i}"),
                &page_links(config, i),
                &format!("/commented/{i}"),
            )
            .into(),
        )
    };
    let path_only = path.split('?').next().unwrap_or(path);
    let number = |prefix: &str| {
        path_only
            .strip_prefix(prefix)
            .and_then(|rest| rest.parse::<usize>().ok())
    };
    if path_only == "/" {
        return page(0);
    }
    if path_only == "/robots.txt" {
        return (
            200,
            vec![],
            "text/plain",
            "User-agent: *\nDisallow: /private/\n".into(),
        );
    }
    if path_only == "/slow-down" {
        return if slow_down_seen {
            (
                200,
                vec![],
                "text/html",
                html("thank you for waiting", &[], "/commented/slow").into(),
            )
        } else {
            (
                429,
                vec![("Retry-After", "1".to_string())],
                "text/plain",
                "too many requests".into(),
            )
        };
    }
    if let Some(i) = number("/page/").filter(|&i| i < config.pages) {
        return page(i);
    }
    if let Some(j) = number("/redirect/") {
        return (
            301,
            vec![("Location", format!("/page/{j}"))],
            "text/plain",
            Vec::new(),
        );
    }
    if let Some(j) = number("/private/") {
        let links = vec![(format!("/secret/{j}"), true)];
        return (
            200,
            vec![],
            "text/html",
            html("private", &links, "/commented/private").into(),
        );
    }
    if let Some(a) = number("/archive/").filter(|a| (1..=config.chain).contains(a)) {
        let links: Vec<(String, bool)> = (a < config.chain)
            .then(|| (format!("/archive/{}", a + 1), true))
            .into_iter()
            .collect();
        return (
            200,
            vec![],
            "text/html",
            html(&format!("archive page {a}"), &links, "/commented/archive").into(),
        );
    }
    if let Some(m) = number("/calendar/") {
        let links = vec![(format!("/calendar/{}", m + 1), true)];
        return (
            200,
            vec![],
            "text/html",
            html(&format!("month {m}"), &links, "/commented/calendar").into(),
        );
    }
    if path_only == "/bad-bytes" {
        // Declared UTF-8, and it is not: a crawler must not choke on it.
        let mut bytes = b"<!doctype html><html><head><title>bad bytes ".to_vec();
        bytes.extend([0xff, 0xfe, 0xc3]);
        bytes.extend(b"</title></head><body><a href=\"/after-bad-bytes\">on</a></body></html>\n");
        return (200, vec![], "text/html; charset=utf-8", bytes);
    }
    if path_only == "/after-bad-bytes" {
        return (
            200,
            vec![],
            "text/html",
            html("found past the bad bytes", &[], "/commented/after").into(),
        );
    }
    if path_only.starts_with("/files/") && path_only.ends_with(".pdf") {
        return (
            200,
            vec![],
            "application/pdf",
            "%PDF-1.4 <a href=\"/not-a-link-in-a-pdf\">".into(),
        );
    }
    (
        404,
        vec![],
        "text/html",
        html("not found", &[], "/commented/404").into(),
    )
}

/// A running site, stopped when dropped.
#[derive(Debug)]
pub struct Site {
    addr: SocketAddr,
    stats: Arc<Stats>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// What every request handler shares.
#[derive(Debug)]
struct Shared {
    config: SiteConfig,
    stats: Arc<Stats>,
    /// Whether `/slow-down` has answered 429 already.
    slow_down_seen: AtomicBool,
}

impl Site {
    /// Starts the site on 127.0.0.1 at `port` (0: any free port) on a thread
    /// of its own, served by axum (HTTP/1.1 with keep-alive, through hyper).
    pub fn start(config: SiteConfig, port: u16) -> io::Result<Site> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let listener = runtime.block_on(tokio::net::TcpListener::bind(("127.0.0.1", port)))?;
        let addr = listener.local_addr()?;
        let stats = Arc::new(Stats::default());
        let shared = Arc::new(Shared {
            config,
            stats: Arc::clone(&stats),
            slow_down_seen: AtomicBool::new(false),
        });
        let app = axum::Router::new().fallback(handle).with_state(shared);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("test-site".into())
            .spawn(move || {
                runtime.block_on(async move {
                    // Stop at once when told: dropping the runtime then ends
                    // every connection, so a crawl still running against
                    // the site fails fast instead of going on.
                    tokio::select! {
                        _ = axum::serve(listener, app) => {}
                        _ = stopped => {}
                    }
                });
            })?;
        Ok(Site {
            addr,
            stats,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The site's root URL, `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Serves until the process ends.
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One request in flight, counted until it is answered or dropped (a
/// client that gives up mid-wait must not leave the count high).
struct InFlight<'a>(&'a Stats);

impl<'a> InFlight<'a> {
    fn enter(stats: &'a Stats) -> Self {
        let now = stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        stats.peak.fetch_max(now, Ordering::SeqCst);
        InFlight(stats)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Every request: counted by path (with its query), answered after the
/// configured latency.
async fn handle(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    uri: axum::http::Uri,
) -> axum::response::Response {
    let path = uri
        .path_and_query()
        .map_or("/", |pq| pq.as_str())
        .to_string();
    *shared
        .stats
        .requests
        .lock()
        .entry(path.clone())
        .or_default() += 1;
    let (status, headers, content_type, body) = {
        let _counted = InFlight::enter(&shared.stats);
        tokio::time::sleep(shared.config.latency).await;
        let seen = path == "/slow-down" && shared.slow_down_seen.swap(true, Ordering::SeqCst);
        respond(&shared.config, &path, seen)
    };
    let mut response = axum::response::Response::new(axum::body::Body::from(body));
    *response.status_mut() =
        axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::OK);
    let map = response.headers_mut();
    map.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static(content_type),
    );
    for (name, value) in headers {
        if let Ok(value) = axum::http::HeaderValue::from_str(&value) {
            map.insert(name, value);
        }
    }
    response
}
