//! What both crawlers do with a response: the rules of discovery, in one
//! place, so that the thread pool and tokio find exactly the same URLs.

use std::time::Duration;

use scraper::{Html, Selector};
use url::Url;

/// A response, reduced to what the crawl needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub location: Option<String>,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    pub body: String,
    /// The body went on past the crawl's byte limit and was cut there.
    pub truncated: bool,
}

impl Response {
    /// A response from its status, its headers and the body read so far,
    /// keeping only the headers a crawl acts on and at most `limit` bytes of
    /// the body. Both HTTP clients (ureq and reqwest) hand over the `http`
    /// crate's header map; both read one byte past the limit, so that a cut
    /// body is told apart from one exactly `limit` long.
    pub fn new(status: u16, headers: &ureq::http::HeaderMap, body: &[u8], limit: usize) -> Self {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Self {
            status,
            location: header("location"),
            content_type: header("content-type"),
            retry_after: header("retry-after"),
            body: String::from_utf8_lossy(&body[..body.len().min(limit)]).into_owned(),
            truncated: body.len() > limit,
        }
    }
}

/// Why the start page's fetch leaves the crawl with nothing, if it does: it
/// could not be fetched at all, or it answered 4xx/5xx (a 429 is retried
/// first). curl and wget fail the same way, and scripts rely on it.
pub(crate) fn start_failure(response: &Result<Response, String>) -> Option<String> {
    match response {
        Err(why) => Some(why.clone()),
        Ok(r) if r.status >= 400 && r.status != 429 => Some(format!("HTTP status {}", r.status)),
        Ok(_) => None,
    }
}

/// An error and its causes on one line: "error sending request: connection
/// refused", not only the outermost layer.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        // Some layers repeat their cause in their own message.
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        source = cause.source();
    }
    line
}

/// What to do after a fetch.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The URLs this response leads to (links, or a redirect target).
    Links(Vec<String>),
    /// Ask again after this long (a 429).
    RetryAfter(Duration),
}

// ANCHOR: normalise
/// A link as the crawl records it: resolved against the page it is on, the
/// fragment dropped; the `url` crate lowercases the scheme and host and drops
/// a default port. Path and query stay as written. Only http and https
/// links count, and only those on the start URL's origin.
pub fn normalise(page: &Url, href: &str, origin: &url::Origin) -> Option<Url> {
    let mut url = page.join(href.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.set_fragment(None);
    (url.origin() == *origin).then_some(url)
}
// ANCHOR_END: normalise

// ANCHOR: outcome
/// The URLs a response leads to. `page` is the URL that was fetched.
pub fn outcome(page: &Url, response: &Response, origin: &url::Origin) -> Outcome {
    if response.status == 429 {
        let wait = response
            .retry_after
            .as_deref()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .unwrap_or(1);
        return Outcome::RetryAfter(Duration::from_secs(wait.min(60)));
    }
    if (300..400).contains(&response.status) {
        let target = response
            .location
            .as_deref()
            .and_then(|l| normalise(page, l, origin));
        return Outcome::Links(target.into_iter().map(String::from).collect());
    }
    let is_html = response
        .content_type
        .as_deref()
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("text/html"));
    if response.status != 200 || !is_html {
        return Outcome::Links(Vec::new());
    }
    Outcome::Links(links(page, &response.body, origin))
}

/// The `<a href>` links of an HTML page, parsed by a real HTML parser:
/// a link inside a comment is not a link, and `&amp;` is an ampersand.
pub fn links(page: &Url, html: &str, origin: &url::Origin) -> Vec<String> {
    let document = Html::parse_document(html);
    let anchors = Selector::parse("a[href]").expect("a valid selector");
    document
        .select(&anchors)
        .filter_map(|a| a.value().attr("href"))
        .filter_map(|href| normalise(page, href, origin))
        .map(String::from)
        .collect()
}
// ANCHOR_END: outcome

/// The paths a robots.txt disallows for every user agent (`User-agent: *`).
pub fn disallowed(robots: &str) -> Vec<String> {
    let mut applies = false;
    let mut paths = Vec::new();
    for line in robots.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "user-agent" => applies = value.trim() == "*",
            "disallow" if applies && !value.trim().is_empty() => {
                paths.push(value.trim().to_string())
            }
            _ => {}
        }
    }
    paths
}

/// Whether robots rules (from [`disallowed`]) let us request `url`.
pub fn allowed(url: &str, disallowed: &[String]) -> bool {
    let path = Url::parse(url)
        .map(|u| u.path().to_string())
        .unwrap_or_default();
    !disallowed
        .iter()
        .any(|prefix| path.starts_with(prefix.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_parsed_like_a_browser_would() {
        let page = Url::parse("http://Example.COM:80/a/b.html").unwrap();
        let origin = page.origin();
        let html = r#"<a href="c?x=1&amp;y=2#frag">c</a> <!-- <a href="/hidden">no</a> -->
            <a href="mailto:x@y.z">mail</a> <a href="javascript:void(0)">js</a>
            <a href="http://other.example/">other</a> <a href=" /root ">root</a>"#;
        assert_eq!(
            links(&page, html, &origin),
            ["http://example.com/a/c?x=1&y=2", "http://example.com/root"]
        );
    }

    #[test]
    fn robots_rules_for_everyone() {
        let rules = disallowed(
            "User-agent: bot\nDisallow: /a\n\nUser-agent: *\nDisallow: /private/ # no\n",
        );
        assert_eq!(rules, ["/private/"]);
        assert!(!allowed("http://h/private/x", &rules));
        assert!(allowed("http://h/public", &rules));
    }
}
