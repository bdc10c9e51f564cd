//! Freshness as a number: the time from an add to the first search that
//! can see it, for each index and refresh interval, while a writer adds
//! documents at the sweep's pace.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use inverted_index::{BufferedIndex, DocId, RwLockIndex, SearchIndex, SegmentIndex, Seq};
use kit::report::{Align, Table};

use super::{Corpus, Pace, WRITER_DOCS_PER_SEC, tokenizer};

/// One index at one refresh interval.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Freshness {
    pub index: String,
    /// Milliseconds between refreshes (0: the index refreshes on every add).
    pub refresh_ms: f64,
    pub adds: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// Each index, a writer adding at the sweep's pace for `duration`.
pub fn freshness(duration: Duration) -> Vec<Freshness> {
    let docs = (WRITER_DOCS_PER_SEC as f64 * duration.as_secs_f64()).ceil() as usize + 1;
    let corpus = Corpus::new(docs, 1, 31);
    let mut rows = vec![row("RwLockIndex", 0.0, rwlock_lags(&corpus, duration))];
    for ms in [1, 10, 100] {
        let interval = Duration::from_millis(ms);
        rows.push(row(
            "SegmentIndex",
            ms as f64,
            segment_lags::<SegmentIndex>(&corpus, duration, interval),
        ));
    }
    rows.push(row(
        "BufferedIndex",
        10.0,
        segment_lags::<BufferedIndex>(&corpus, duration, Duration::from_millis(10)),
    ));
    rows
}

fn row(index: &str, refresh_ms: f64, mut lags: Vec<Duration>) -> Freshness {
    lags.sort();
    let at = |q: f64| {
        lags.get(((lags.len() as f64 * q) as usize).min(lags.len().saturating_sub(1)))
            .map_or(f64::NAN, |lag| lag.as_secs_f64() * 1e3)
    };
    Freshness {
        index: index.to_string(),
        refresh_ms,
        adds: lags.len() as u64,
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        max_ms: lags.last().map_or(f64::NAN, |lag| lag.as_secs_f64() * 1e3),
    }
}

/// Adds at the sweep's pace for `duration`, calling `add` for each; the
/// time each add began, by sequence number.
fn paced(
    corpus: &Corpus,
    duration: Duration,
    add: impl Fn(DocId, &str) -> Seq,
) -> Vec<(Seq, Instant)> {
    let pace = Pace::start();
    let started = Instant::now();
    let mut began = Vec::new();
    let mut next = 0usize;
    while started.elapsed() < duration && next < corpus.docs.len() {
        let due = pace.due() as usize;
        while next < due.min(corpus.docs.len()) {
            let at = Instant::now();
            let seq = add(next as DocId, &corpus.docs[next]);
            began.push((seq, at));
            next += 1;
        }
        thread::sleep(Duration::from_micros(200));
    }
    began
}

/// A lock's index shows an add as soon as the add returns: its lag is the
/// add itself, waiting for the lock included.
fn rwlock_lags(corpus: &Corpus, duration: Duration) -> Vec<Duration> {
    let index = RwLockIndex::new(tokenizer());
    let lags = Mutex::new(Vec::new());
    paced(corpus, duration, |id, text| {
        let at = Instant::now();
        let seq = index.add(id, text);
        lags.lock().unwrap().push(at.elapsed());
        seq
    });
    lags.into_inner().unwrap()
}

/// Segments (either kind): a refresher publishes every `interval`; an add's lag is the
/// time to the end of the first refresh that covered it.
fn segment_lags<I: SearchIndex>(
    corpus: &Corpus,
    duration: Duration,
    interval: Duration,
) -> Vec<Duration> {
    let index = I::new(tokenizer());
    let stop = AtomicBool::new(false);
    let (began, published) = thread::scope(|scope| {
        let refresher = scope.spawn(|| {
            let mut published: Vec<(Seq, Instant)> = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                thread::sleep(interval);
                let seq = index.refresh();
                published.push((seq, Instant::now()));
            }
            published
        });
        let began = paced(corpus, duration, |id, text| index.add(id, text));
        stop.store(true, Ordering::Relaxed);
        let mut published = refresher
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let seq = index.refresh();
        published.push((seq, Instant::now()));
        (began, published)
    });
    began
        .iter()
        .map(|&(seq, at)| {
            let seen = published
                .iter()
                .find(|&&(visible, _)| visible >= seq)
                .map_or(at, |&(_, when)| when);
            seen.saturating_duration_since(at)
        })
        .collect()
}

pub fn freshness_markdown(rows: &[Freshness], seconds: f64) -> String {
    let mut table = Table::new([
        ("index", Align::Left),
        ("refresh every", Align::Right),
        ("adds", Align::Right),
        ("p50", Align::Right),
        ("p99", Align::Right),
        ("max", Align::Right),
    ]);
    for row in rows {
        let every = if row.refresh_ms == 0.0 {
            "every add".to_string()
        } else {
            format!("{} ms", row.refresh_ms)
        };
        table.row([
            row.index.clone(),
            every,
            row.adds.to_string(),
            format!("{:.2} ms", row.p50_ms),
            format!("{:.2} ms", row.p99_ms),
            format!("{:.2} ms", row.max_ms),
        ]);
    }
    format!(
        "A writer adds {WRITER_DOCS_PER_SEC} documents a second for {seconds} s; a document's lag is \
         the time from the start of its add to the end of the first refresh that publishes it (for \
         `RwLockIndex`, to the end of the add: it is visible as soon as the add returns).\n\n{}",
        table.markdown()
    )
}
