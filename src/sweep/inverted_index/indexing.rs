//! Indexing against writer threads: the shipped corpus added by one or two
//! threads while a refresher publishes every `REFRESH_EVERY`, timed from
//! the first add to the refresh that makes the last one searchable. Where
//! per-thread buffers pay: `SegmentIndex` inverts every buffered document
//! in its refresh, under the lock its adds need; `BufferedIndex` inverts as
//! each writer adds, in that writer's own buffer.

use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use inverted_index::{BufferedIndex, DocId, RwLockIndex, SearchIndex, SegmentIndex};
use kit::report::{Align, Table};

use super::{KJV, REFRESH_EVERY, tokenizer};
use crate::sweep::Scale;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IndexingRow {
    pub index: String,
    pub writers: usize,
    pub docs: u64,
    /// Median of the runs.
    pub docs_per_sec: f64,
    /// Over the same index with one writer.
    pub vs_one_writer: f64,
}

/// Each index with 1 and 2 writers, `runs` times each, interleaved.
pub fn indexing(scale: Scale) -> Vec<IndexingRow> {
    let corpus: Vec<&str> = KJV.lines().collect();
    let (docs, runs) = match scale {
        Scale::Test => (1_000, 1),
        Scale::Quick => (corpus.len(), 1),
        Scale::Full => (corpus.len(), 5),
    };
    let corpus = &corpus[..docs];
    type Run = fn(&[&str], usize) -> Duration;
    let indexes: [(&str, Run); 3] = [
        ("RwLockIndex", timed::<RwLockIndex>),
        ("SegmentIndex", timed::<SegmentIndex>),
        ("BufferedIndex", timed::<BufferedIndex>),
    ];
    let writers = [1, 2];
    let mut rates = vec![Vec::new(); indexes.len() * writers.len()];
    for _ in 0..runs {
        for (i, (_, run)) in indexes.iter().enumerate() {
            for (w, &threads) in writers.iter().enumerate() {
                let took = run(corpus, threads);
                rates[i * writers.len() + w].push(docs as f64 / took.as_secs_f64());
            }
        }
    }
    let mut rows = Vec::new();
    for (i, (name, _)) in indexes.iter().enumerate() {
        let one = kit::contention::median(&mut rates[i * writers.len()].clone());
        for (w, &threads) in writers.iter().enumerate() {
            let rate = kit::contention::median(&mut rates[i * writers.len() + w]);
            rows.push(IndexingRow {
                index: name.to_string(),
                writers: threads,
                docs: docs as u64,
                docs_per_sec: rate,
                vs_one_writer: rate / one,
            });
        }
    }
    rows
}

/// `threads` writers add the corpus (writer t every t-th document) while a
/// refresher publishes; the time until the last add is searchable.
fn timed<I: SearchIndex>(corpus: &[&str], threads: usize) -> Duration {
    let index = I::new(tokenizer());
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    thread::scope(|scope| {
        let refresher = scope.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                thread::sleep(REFRESH_EVERY);
                index.refresh();
            }
        });
        let writers: Vec<_> = (0..threads)
            .map(|t| {
                let index = &index;
                scope.spawn(move || {
                    for id in (t..corpus.len()).step_by(threads) {
                        index.add(id as DocId, corpus[id]);
                    }
                })
            })
            .collect();
        for writer in writers {
            writer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
        index.refresh();
        // Before the refresher's last nap ends: that is not indexing.
        let took = started.elapsed();
        stop.store(true, Ordering::Relaxed);
        refresher
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        took
    })
}

pub fn indexing_markdown(rows: &[IndexingRow]) -> String {
    let mut table = Table::new([
        ("index", Align::Left),
        ("writers", Align::Right),
        ("indexing", Align::Right),
        ("vs one writer", Align::Right),
    ]);
    for row in rows {
        table.row([
            row.index.clone(),
            row.writers.to_string(),
            format!("{:.0} docs/s", row.docs_per_sec),
            format!("{:.2}x", row.vs_one_writer),
        ]);
    }
    let docs = rows.first().map_or(0, |r| r.docs);
    format!(
        "{docs} verses added by one or two writer threads while a refresher publishes every {} \
         ms; from the first add to the refresh after the last. Medians.\n\n{}",
        REFRESH_EVERY.as_millis(),
        table.markdown()
    )
}
