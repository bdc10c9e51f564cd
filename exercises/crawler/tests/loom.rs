//! Loom model of the termination protocol: two workers crawl a tiny site
//! through the frontier. In every interleaving both must stop, and only
//! after every page was found: never while a busy worker could still queue
//! links, and never waiting forever.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p crawler --test loom --release`
#![cfg(loom)]

use crawler::Frontier;
use kit::sync::{Arc, thread};

/// a -> b, a -> c, c -> d: the last page is only found through a late fetch.
fn links(url: &str) -> Vec<String> {
    let out: &[&str] = match url {
        "a" => &["b", "c"],
        "c" => &["d", "a"],
        _ => &[],
    };
    out.iter().map(|s| s.to_string()).collect()
}

#[test]
fn workers_stop_only_when_the_crawl_is_complete() {
    loom::model(|| {
        let frontier = Arc::new(Frontier::new("a"));
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let frontier = Arc::clone(&frontier);
                thread::spawn(move || {
                    while let Some((url, depth)) = frontier.next() {
                        frontier.done(links(&url), depth);
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().unwrap();
        }
        let mut seen = frontier.seen();
        seen.sort();
        assert_eq!(seen, ["a", "b", "c", "d"]);
    });
}
