//! `cargo bench --bench segment`: megabytes per second against workers for
//! every strategy, with `jieba-rs` on the same dictionary and text as the
//! peer (checked once to give the same tokens), then where the time went.

mod common;

use std::io::BufReader;
use std::sync::Arc;
use std::time::Instant;

use concur::sweep::segment::{SWEEP, contender, fixture, timings_markdown};
use segment::{Cut, Dictionary};

/// jieba-rs behind our `Cut`, so every strategy can drive it.
struct JiebaRs(jieba_rs::Jieba);

impl Cut for JiebaRs {
    fn cut<'a>(&self, text: &'a str) -> Vec<&'a str> {
        self.0
            .cut(text, false)
            .into_iter()
            .map(|token| token.word)
            .collect()
    }
}

fn main() {
    let (corpus, ours) = fixture();
    let mut dictionary = BufReader::new(Dictionary::jieba_text().as_bytes());
    let peer = Arc::new(JiebaRs(
        jieba_rs::Jieba::with_dict(&mut dictionary).expect("jieba-rs loads the dictionary"),
    ));

    // Same output, checked once, line by line.
    let lines: Vec<&str> = corpus.lines().collect();
    let differing = lines
        .iter()
        .filter(|line| ours.cut(line) != peer.cut(line))
        .count();
    println!(
        "jieba-rs and concur agree on {} of {} corpus lines",
        lines.len() - differing,
        lines.len()
    );

    let mut criterion = common::criterion();
    let points = (SWEEP.points)(SWEEP.bench_threads).map(move |mut point| {
        if point.threads == 1 {
            let peer = Arc::clone(&peer);
            point.contenders.push(contender("jieba-rs", move || {
                let (corpus, _) = fixture();
                let started = Instant::now();
                for line in corpus.lines() {
                    std::hint::black_box(peer.cut(line));
                }
                started.elapsed()
            }));
        }
        point
    });
    let records = common::run(&mut criterion, SWEEP, Some(Box::new(points)));
    criterion.final_summary();
    if records.is_empty() {
        return;
    }
    let table = timings_markdown();
    println!("\nWhere the time went (medians):\n\n{table}");
    common::write_tables(&[("segment-timings.md", &table)], common::full_run());
}
