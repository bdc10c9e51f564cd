//! The segmentation sweep: megabytes per second against workers for every
//! strategy and for `jieba-rs` (the field's Rust segmenter, on the same
//! dictionary and text, without its HMM), with where the time went.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use segment::{
    ChannelPipeline, Cut, Dictionary, Rayon, ScopedThreads, Segmenter, Sequential, Strategy,
    Timings,
};

use super::{Contender, Point, Sweep};

/// The sweep: one generated corpus, every strategy.
pub const SWEEP: Sweep = Sweep {
    exercise: "segment",
    title: "segment: megabytes segmented per second against workers",
    unit: "MB/s",
    bench_threads: &[1, 2, 4],
    baseline: "Sequential",
    versus: Some(("Rayon", "ScopedThreads")),
    points,
    extra: Some(timings_report),
};

/// Bytes of generated text each run segments.
pub const CORPUS_BYTES: usize = 1 << 20;

/// The corpus and the segmenter, built once per process.
pub fn fixture() -> &'static (String, Segmenter) {
    static FIXTURE: OnceLock<(String, Segmenter)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        (
            segment::corpus::generate(CORPUS_BYTES, 11),
            Segmenter::new(Dictionary::jieba()),
        )
    })
}

/// jieba-rs behind our `Cut`: the peer, on jieba's own dictionary.
#[derive(Debug)]
pub struct JiebaRs(jieba_rs::Jieba);

impl Cut for JiebaRs {
    fn cut<'a>(&self, text: &'a str) -> Vec<&'a str> {
        self.0
            .cut(text, false)
            .into_iter()
            .map(|token| token.word)
            .collect()
    }
}

/// The peer, built once per process.
pub fn peer() -> &'static JiebaRs {
    static PEER: OnceLock<JiebaRs> = OnceLock::new();
    PEER.get_or_init(|| {
        let mut dictionary = std::io::BufReader::new(Dictionary::jieba_text().as_bytes());
        JiebaRs(jieba_rs::Jieba::with_dict(&mut dictionary).expect("jieba-rs loads the dictionary"))
    })
}

/// Corpus lines on which the peer and our segmenter give the same tokens,
/// and all lines: a peer is only worth timing if it does the same work.
pub fn peer_agreement() -> (usize, usize) {
    let (corpus, ours) = fixture();
    let lines: Vec<&str> = corpus.lines().collect();
    let same = lines
        .iter()
        .filter(|line| ours.cut(line) == peer().cut(line))
        .count();
    (same, lines.len())
}

fn points(workers: &[usize]) -> Box<dyn Iterator<Item = Point>> {
    let workers = workers.to_vec();
    Box::new(workers.into_iter().map(point))
}

fn point(workers: usize) -> Point {
    let mut contenders: Vec<Contender> = [
        ("Sequential", run(Sequential, workers)),
        ("ScopedThreads", run(ScopedThreads, workers)),
        ("ChannelPipeline", run(ChannelPipeline, workers)),
        ("Rayon", run(Rayon, workers)),
        #[cfg(feature = "starter")]
        (
            "StarterPipeline",
            run(segment::starter::StarterPipeline, workers),
        ),
    ]
    .into_iter()
    .map(|(name, run)| Contender { name, run })
    .collect();
    // jieba-rs segments on one thread: it stands beside Sequential.
    if workers == 1 {
        contenders.push(Contender {
            name: "jieba-rs",
            run: Box::new(|| {
                let (corpus, _) = fixture();
                let peer = peer();
                let started = std::time::Instant::now();
                for line in corpus.lines() {
                    std::hint::black_box(peer.cut(line));
                }
                started.elapsed()
            }),
        });
    }
    Point {
        exercise: "segment",
        workload: "jieba-corpus",
        threads: workers,
        ops: fixture().0.len() as u64,
        contenders,
    }
}

/// A run of `strategy` on the corpus; its timings join the registry.
fn run<S: Strategy + Copy + Send + 'static>(
    strategy: S,
    workers: usize,
) -> Box<dyn Fn() -> Duration> {
    let name = std::any::type_name::<S>()
        .rsplit("::")
        .next()
        .unwrap_or("?");
    Box::new(move || {
        let (corpus, segmenter) = fixture();
        let started = std::time::Instant::now();
        let segmented = strategy.segment(corpus, segmenter, workers);
        let took = started.elapsed();
        std::hint::black_box(&segmented.lines);
        record_timings(name, workers, segmented.timings);
        took
    })
}

type Registry = BTreeMap<(usize, String), Vec<Timings>>;

fn registry() -> &'static Mutex<Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    REGISTRY.get_or_init(Mutex::default)
}

fn record_timings(strategy: &str, workers: usize, timings: Timings) {
    registry()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .entry((workers, strategy.to_string()))
        .or_default()
        .push(timings);
}

/// Median chunking, segmenting and merging time of every strategy and
/// worker count measured in this process, as Markdown.
pub fn timings_markdown() -> String {
    let registry = registry()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut out = String::from(
        "| workers | strategy | chunking | segmenting | merging |\n|---:|---|---:|---:|---:|\n",
    );
    let median = |values: &mut Vec<f64>| kit::contention::median(values);
    for ((workers, strategy), runs) in registry.iter() {
        let ms = |f: fn(&Timings) -> Duration| {
            let mut values: Vec<f64> = runs.iter().map(|t| f(t).as_secs_f64() * 1e3).collect();
            median(&mut values)
        };
        let _ = writeln!(
            out,
            "| {workers} | {strategy} | {:.2} ms | {:.1} ms | {:.2} ms |",
            ms(|t| t.chunking),
            ms(|t| t.segmenting),
            ms(|t| t.merging)
        );
    }
    out
}

fn timings_report() -> String {
    let (same, lines) = peer_agreement();
    format!(
        "jieba-rs and concur agree on {same} of {lines} corpus lines.\n\n\
         Where the time went (medians; the pipeline's segmenting is busy time per worker):\n\n{}",
        timings_markdown()
    )
}
