//! The inverted index sweep: queries per second against searcher threads,
//! with a writer adding documents at a fixed rate and refreshing every 10
//! ms, and without it; and how long a new document takes to become
//! searchable (`freshness.rs`).

mod freshness;
mod indexing;
mod peer;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use inverted_index::{
    BufferedIndex, DocId, PlainIndex, RwLockIndex, SearchIndex, SegmentIndex, Tokenize, Words,
};
use kit::workload::{Rng, Zipf};

use super::{Contender, Extra, Point, Sample, Starter, Sweep};

pub use freshness::{Freshness, freshness, freshness_markdown};
pub use indexing::{IndexingRow, indexing, indexing_markdown};
pub use peer::{KJV, PeerRow, compare, peer_markdown, queries as kjv_queries};

/// The sweep: two mixes (a writer at a fixed rate, and none), every index.
pub const SWEEP: Sweep = Sweep {
    exercise: "inverted-index",
    title: "inverted-index: queries per second against searcher threads",
    unit: "queries/s",
    x_label: "searcher threads",
    log_y: false,
    cpu_bound: true,
    bench_threads: &[1, 2, 4],
    baseline: "RwLockIndex",
    versus: Some(("BufferedIndex", "SegmentIndex")),
    single: Some(SINGLE),
    points,
    extras: &[FRESHNESS, INDEXING, PEER],
    starter: Starter {
        name: "StarterIndex",
        reference: "SegmentIndex",
        built: cfg!(feature = "inverted-index-starter"),
        settings: None,
        gap: "a lock taken by searches (they then wait for every add and refresh), a view loaded twice per query, or postings decoded into a Vec before they are scored",
    },
};

/// The baseline's name: a plain index on one thread, doing the writer's
/// adds itself between queries, with no lock at all.
pub const SINGLE: &str = "PlainIndex, one thread";

/// How long after an add a search can see it, for every index.
const FRESHNESS: Extra = Extra {
    name: "inverted-index-freshness",
    title: "Freshness: from an add to the first search that can see it",
    make: |_, scale| {
        let seconds = match scale {
            super::Scale::Test => 0.05,
            super::Scale::Quick => 0.5,
            super::Scale::Full => 2.0,
        };
        let rows = freshness(Duration::from_secs_f64(seconds));
        super::ExtraTable::with_rows(freshness_markdown(&rows, seconds), rows)
    },
};

/// Indexing throughput against writer threads, on the shipped corpus.
const INDEXING: Extra = Extra {
    name: "inverted-index-indexing",
    title: "Indexing against writer threads",
    make: |_, scale| {
        let rows = indexing(scale);
        super::ExtraTable::with_rows(indexing_markdown(&rows), rows)
    },
};

/// tantivy on the shipped corpus: indexing and query latency.
const PEER: Extra = Extra {
    name: "inverted-index-tantivy",
    title: "The peer: tantivy on the same corpus, tokens and queries",
    make: |_, scale| {
        let (rows, agreement) = compare(scale);
        super::ExtraTable::with_rows(peer_markdown(&rows, &agreement), rows)
    },
};

/// Documents in the index when a run starts.
const PREFILL: usize = if cfg!(debug_assertions) {
    1_000
} else {
    10_000
};

/// Queries each searcher thread runs.
const QUERIES_PER_THREAD: usize = if cfg!(debug_assertions) { 20 } else { 400 };

/// The writer's pace: documents a second, and the refresh interval.
pub const WRITER_DOCS_PER_SEC: u64 = 5_000;
pub const REFRESH_EVERY: Duration = Duration::from_millis(10);

/// The writer's clock: how many documents are due, at its pace, since it
/// started.
#[derive(Debug, Clone, Copy)]
pub struct Pace(Instant);

impl Pace {
    pub fn start() -> Pace {
        Pace(Instant::now())
    }

    pub fn due(&self) -> u64 {
        (self.0.elapsed().as_secs_f64() * WRITER_DOCS_PER_SEC as f64) as u64
    }
}

/// Distinct words, Zipf-distributed: a few very common ("the"), a long tail.
const VOCABULARY: u64 = 5_000;

/// The documents and queries every run shares.
#[derive(Debug)]
pub struct Corpus {
    /// The first `PREFILL` are indexed before a run; the writer adds the rest.
    pub docs: Vec<String>,
    pub queries: Vec<String>,
}

impl Corpus {
    pub fn new(docs: usize, queries: usize, seed: u64) -> Corpus {
        let words = words(VOCABULARY as usize, seed);
        let zipf = Zipf::new(VOCABULARY, 1.0);
        let mut rng = Rng::new(seed);
        let text = |len: u64, rng: &mut Rng| -> String {
            (0..len)
                .map(|_| words[zipf.sample(rng) as usize].as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let docs = (0..docs)
            .map(|_| {
                let len = 10 + rng.below(21);
                text(len, &mut rng)
            })
            .collect();
        let queries = (0..queries)
            .map(|_| {
                let len = 1 + rng.below(3);
                text(len, &mut rng)
            })
            .collect();
        Corpus { docs, queries }
    }
}

/// `n` distinct made-up words.
fn words(n: usize, seed: u64) -> Vec<String> {
    const SYLLABLES: [&str; 16] = [
        "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ba", "de", "fi", "go", "ha", "ju", "pe",
        "wu",
    ];
    let mut rng = Rng::new(seed ^ 0x5EED);
    let mut seen = std::collections::HashSet::new();
    let mut words = Vec::with_capacity(n);
    while words.len() < n {
        let syllables = 1 + rng.below(4);
        let word: String = (0..syllables)
            .map(|_| SYLLABLES[rng.below(SYLLABLES.len() as u64) as usize])
            .collect();
        if seen.insert(word.clone()) {
            words.push(word);
        }
    }
    words
}

fn corpus() -> Arc<Corpus> {
    // Enough documents for the writer to add for as long as a run lasts.
    Arc::new(Corpus::new(PREFILL * 3, QUERIES_PER_THREAD * 4, 29))
}

fn points(threads: &[usize]) -> Box<dyn Iterator<Item = Point>> {
    let threads = threads.to_vec();
    let corpus = corpus();
    Box::new(
        [("with a writer", true), ("no writer", false)]
            .into_iter()
            .flat_map(move |(workload, writing)| {
                let corpus = Arc::clone(&corpus);
                threads
                    .clone()
                    .into_iter()
                    .map(move |t| point(workload, writing, t, &corpus))
            }),
    )
}

fn point(workload: &'static str, writing: bool, threads: usize, corpus: &Arc<Corpus>) -> Point {
    let contender = |name: &'static str, run: fn(&Corpus, usize, bool) -> Duration| {
        let corpus = Arc::clone(corpus);
        Contender::new(name, move || run(&corpus, threads, writing))
    };
    let single = (threads == 1).then(|| {
        let corpus = Arc::clone(corpus);
        Contender::new(SINGLE, move || alone(&corpus, writing))
    });
    Point {
        exercise: "inverted-index",
        workload,
        threads,
        ops: (threads * QUERIES_PER_THREAD) as u64,
        contenders: single
            .into_iter()
            .chain([
                contender("RwLockIndex", timed::<RwLockIndex>),
                contender("SegmentIndex", timed::<SegmentIndex>),
                contender("BufferedIndex", timed::<BufferedIndex>),
                #[cfg(feature = "inverted-index-starter")]
                contender(
                    "StarterIndex",
                    timed::<inverted_index::starter::StarterIndex>,
                ),
            ])
            .collect(),
    }
}

fn tokenizer() -> Arc<dyn Tokenize> {
    Arc::new(Words)
}

/// A fresh index holding the prefill, refreshed and merged into one segment.
fn prefilled<I: SearchIndex>(corpus: &Corpus) -> I {
    let index = I::new(tokenizer());
    for (id, doc) in corpus.docs[..PREFILL].iter().enumerate() {
        index.add(id as DocId, doc);
    }
    index.refresh();
    index.merge();
    index
}

/// The queries of searcher `thread`: a slice of the corpus's, rotated so
/// that threads do not ask the same query at the same moment.
fn queries_of(corpus: &Corpus, thread: usize) -> Vec<&str> {
    let n = corpus.queries.len();
    (0..QUERIES_PER_THREAD)
        .map(|i| corpus.queries[(i + thread * 97) % n].as_str())
        .collect()
}

/// The writer: adds the corpus's next documents at the set pace, refreshes
/// every `REFRESH_EVERY`, until `stop`.
fn write<I: SearchIndex>(index: &I, corpus: &Corpus, stop: &AtomicBool) {
    let pace = Pace::start();
    let mut added = 0u64;
    let mut refreshed = Instant::now();
    let extra = &corpus.docs[PREFILL..];
    while !stop.load(Ordering::Relaxed) {
        let due = pace.due();
        while added < due {
            let at = added as usize % extra.len();
            index.add((PREFILL + at) as DocId, &extra[at]);
            added += 1;
        }
        if refreshed.elapsed() >= REFRESH_EVERY {
            index.refresh();
            refreshed = Instant::now();
        }
        thread::sleep(Duration::from_micros(200));
    }
}

/// One run: `threads` searchers on a prefilled index, with the writer
/// beside them if `writing`. The time is the searchers'.
fn timed<I: SearchIndex>(corpus: &Corpus, threads: usize, writing: bool) -> Duration {
    let index = prefilled::<I>(corpus);
    let per_thread: Vec<Vec<&str>> = (0..threads).map(|t| queries_of(corpus, t)).collect();
    let stop = AtomicBool::new(false);
    thread::scope(|scope| {
        let writer = writing.then(|| scope.spawn(|| write(&index, corpus, &stop)));
        let took = kit::contention::run_once(&index, &per_thread, |index, query| {
            std::hint::black_box(index.search(query, 10));
        });
        stop.store(true, Ordering::Relaxed);
        if let Some(writer) = writer {
            writer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
        took
    })
}

/// The baseline: one thread, a plain index, the same queries; with a
/// writer's pace, it makes the adds itself between queries, as many as
/// were due by then.
fn alone(corpus: &Corpus, writing: bool) -> Sample {
    let mut index = PlainIndex::default();
    for (id, doc) in corpus.docs[..PREFILL].iter().enumerate() {
        index.add(id as DocId, Words.tokens(doc));
    }
    let queries = queries_of(corpus, 0);
    let extra = &corpus.docs[PREFILL..];
    let (took, _) = kit::contention::run_alone(index, &queries, {
        // Cells: the closure is called through `&`, once per query.
        let pace: std::cell::Cell<Option<Pace>> = std::cell::Cell::new(None);
        let added = std::cell::Cell::new(0u64);
        move |index: &mut PlainIndex, query: &&str| {
            let pace = pace.get().unwrap_or_else(|| {
                let started = Pace::start();
                pace.set(Some(started));
                started
            });
            if writing {
                let due = pace.due();
                while added.get() < due {
                    let at = added.get() as usize % extra.len();
                    index.add((PREFILL + at) as DocId, Words.tokens(&extra[at]));
                    added.set(added.get() + 1);
                }
            }
            let terms = inverted_index::bm25::query_terms(&Words, query);
            let stats = index.stats(&terms);
            std::hint::black_box(index.top_k(&terms, &stats, 10));
        }
    });
    took.into()
}
