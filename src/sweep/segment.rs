//! The segmentation sweep: megabytes per second against workers for every
//! strategy and for `jieba-rs` (the field's Rust segmenter, on the same
//! dictionary and text, without its HMM), with where the time went.

use std::sync::OnceLock;

use kit::report::{Align, Table};
use segment::{
    ChannelPipeline, Cut, Dictionary, Rayon, ScopedThreads, Segmenter, Sequential, Strategy,
};

use super::{Contender, Extra, ExtraTable, Measured, Point, Sample, Starter, Sweep};

/// The sweep: one generated corpus, every strategy.
pub const SWEEP: Sweep = Sweep {
    exercise: "segment",
    title: "segment: megabytes segmented per second against workers",
    unit: "MB/s",
    x_label: "workers",
    log_y: false,
    cpu_bound: true,
    bench_threads: &[1, 2, 4],
    baseline: "Sequential",
    versus: Some(("Rayon", "ScopedThreads")),
    single: Some("Sequential"),
    points,
    extras: &[TIMINGS],
    starter: Starter {
        name: "StarterPipeline",
        reference: "ScopedThreads",
        built: cfg!(feature = "segment-starter"),
        settings: None,
        gap: "chunks of unequal work (split by bytes, not by count of lines), more threads than cores, a lock around a shared output, or result vectors copied again while merging",
    },
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
    let mut contenders = vec![
        contender("Sequential", Sequential, workers),
        contender("ScopedThreads", ScopedThreads, workers),
        contender("ChannelPipeline", ChannelPipeline, workers),
        contender("Rayon", Rayon, workers),
        #[cfg(feature = "segment-starter")]
        contender(
            "StarterPipeline",
            segment::starter::StarterPipeline,
            workers,
        ),
    ];
    // jieba-rs segments on one thread: it stands beside Sequential.
    if workers == 1 {
        contenders.push(Contender::new("jieba-rs", || {
            let (corpus, _) = fixture();
            let peer = peer();
            let started = std::time::Instant::now();
            for line in corpus.lines() {
                std::hint::black_box(peer.cut(line));
            }
            started.elapsed()
        }));
    }
    Point {
        exercise: "segment",
        workload: "jieba-corpus",
        threads: workers,
        ops: fixture().0.len() as u64,
        contenders,
    }
}

/// A run of `strategy` on the corpus, with where its time went.
fn contender<S: Strategy + Copy + 'static>(
    name: &'static str,
    strategy: S,
    workers: usize,
) -> Contender {
    Contender::new(name, move || {
        let (corpus, segmenter) = fixture();
        let started = std::time::Instant::now();
        let segmented = strategy.segment(corpus, segmenter, workers);
        let took = started.elapsed();
        std::hint::black_box(&segmented.lines);
        let t = segmented.timings;
        Sample {
            took,
            phases: vec![
                ("chunking", t.chunking),
                ("segmenting", t.segmenting),
                ("merging", t.merging),
            ],
            latency: None,
        }
    })
}

/// Where the time went: the median of each phase, for every strategy and
/// worker count the sweep ran; and whether the peer did the same work.
const TIMINGS: Extra = Extra {
    name: "segment-timings",
    title: "Where the time went (medians; the pipeline's segmenting is busy time per worker)",
    make: |measured, _| {
        let (same, lines) = peer_agreement();
        ExtraTable {
            markdown: format!(
                "jieba-rs and concur agree on {same} of {lines} corpus lines.\n\n{}",
                timings_markdown(measured)
            ),
            csv: None,
            chart: None,
        }
    },
};

/// The median of every phase, by worker count and strategy, as Markdown.
pub fn timings_markdown(measured: &[Measured]) -> String {
    let mut rows: Vec<&Measured> = measured
        .iter()
        .filter(|m| !m.samples[0].phases.is_empty())
        .collect();
    rows.sort_by(|a, b| {
        (a.record.threads, &a.record.implementation)
            .cmp(&(b.record.threads, &b.record.implementation))
    });
    let mut table = Table::new([
        ("workers", Align::Right),
        ("strategy", Align::Left),
        ("chunking", Align::Right),
        ("segmenting", Align::Right),
        ("merging", Align::Right),
    ]);
    for m in rows {
        let ms = |phase: &str| {
            let mut values: Vec<f64> = m
                .samples
                .iter()
                .filter_map(|s| s.phases.iter().find(|(p, _)| *p == phase))
                .map(|(_, d)| d.as_secs_f64() * 1e3)
                .collect();
            kit::contention::median(&mut values)
        };
        table.row([
            m.record.threads.to_string(),
            m.record.implementation.clone(),
            format!("{:.2} ms", ms("chunking")),
            format!("{:.1} ms", ms("segmenting")),
            format!("{:.2} ms", ms("merging")),
        ]);
    }
    table.markdown()
}
