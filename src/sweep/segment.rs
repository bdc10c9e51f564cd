//! The segmentation sweep: megabytes per second against workers for every
//! strategy, with where the time went.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use segment::{
    ChannelPipeline, Dictionary, Rayon, ScopedThreads, Segmenter, Sequential, Strategy, Timings,
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

fn points(workers: &[usize]) -> Box<dyn Iterator<Item = Point>> {
    let workers = workers.to_vec();
    Box::new(workers.into_iter().map(point))
}

fn point(workers: usize) -> Point {
    let contenders = [
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
    format!(
        "Where the time went (medians; the pipeline's segmenting is busy time per worker):\n\n{}",
        timings_markdown()
    )
}

/// An extra contender, for a peer only the benches can build.
pub fn contender(name: &'static str, run: impl Fn() -> Duration + 'static) -> Contender {
    Contender {
        name,
        run: Box::new(run),
    }
}
