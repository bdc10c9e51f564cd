//! The LeetCode core over HTTP: `crawl` with an `HttpParser` finds on the
//! local site exactly what the real crawlers find.

use crawler::site::{Site, SiteConfig};
use crawler::{CrawlOptions, HtmlParser, HttpParser, ThreadPoolCrawler, crawl};

fn site() -> Site {
    let config = SiteConfig {
        pages: 60,
        traps: false,
        ..SiteConfig::default()
    };
    Site::start(config, 0).expect("the test site starts on 127.0.0.1")
}

#[test]
fn the_leetcode_core_over_http_finds_what_the_real_crawler_finds() {
    let site = site();
    let url = site.url();
    let parser = HttpParser::new(&url).unwrap();
    let mut found = crawl(&url, &parser, 4);
    found.sort();
    let report = ThreadPoolCrawler::new(CrawlOptions::default())
        .crawl(&url)
        .unwrap();
    assert_eq!(found, report.urls);
    assert!(found.len() > 60, "the whole site: {} URLs", found.len());
}

#[test]
fn it_never_fetches_another_origin() {
    let site = site();
    let parser = HttpParser::new(&site.url()).unwrap();
    assert!(
        parser
            .get_urls("http://elsewhere.example/page/1")
            .is_empty()
    );
    assert!(parser.get_urls("not a url").is_empty());
    assert!(site.stats().requests().is_empty(), "nothing was fetched");
}
