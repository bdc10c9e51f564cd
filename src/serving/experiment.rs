//! The serving experiment: goodput, shed fraction and latency against
//! offered load, for each admission policy with and without batching;
//! interactive latency beside saturating batch work; and in generation
//! mode, time to first token and per token, static against continuous
//! batching.
//!
//! Every point is a fresh runtime with a fresh server on 127.0.0.1 and the
//! load generator beside it, both over real HTTP; dropping the runtime at
//! the end of the point ends every task and connection it had.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use serde::Serialize;
use serving::buggy::StaticBatching;
use serving::{
    ContinuousBatches, DynamicBatcher, GenOptions, Generator, Options, Server, Simulated,
    SimulatedDecoder,
};

use super::http::Listening;
use super::load::{self, Load, Outcome};
use super::streams::{self, GenLoad, GenTally};

/// The accelerator: 9 ms a batch and 1 ms a prompt, at most 8 prompts.
/// Whole milliseconds, because tokio's timers fire on whole milliseconds.
pub const FIXED: Duration = Duration::from_millis(9);
pub const PER_ITEM: Duration = Duration::from_millis(1);
pub const MAX_BATCH: usize = 8;
/// An interactive request's deadline.
pub const DEADLINE: Duration = Duration::from_millis(100);
/// A batch request's deadline.
pub const BATCH_DEADLINE: Duration = Duration::from_secs(5);
/// A client hangs up after this long.
pub const GIVE_UP: Duration = Duration::from_secs(1);
/// Offered loads, requests a second: a quarter to four times the
/// unbatched server's nominal capacity, one prompt per 10 ms. Fixed
/// numbers, not multiples of the measured capacity, so that every run
/// measures the same points; the run says where its capacity was.
pub const LOADS: [f64; 5] = [25.0, 50.0, 100.0, 200.0, 400.0];
/// Beside them, interactive requests at a quarter of that capacity and
/// batch requests at 1.5 times the batched capacity (8 per 17 ms).
pub const PRIORITY_LOADS: (f64, f64) = (25.0, 700.0);

/// Generation mode: a decoder step of n sequences takes the same 9 ms +
/// 1 ms each, over up to 8 sequences (its slots).
pub const SLOTS: usize = 8;
/// Answer lengths: three in four short, one in four long.
pub const SHORT: (u32, u32) = (4, 16);
pub const LONG: (u32, u32) = (64, 128);
pub const LONG_FRACTION: f64 = 0.25;
/// Requests a second in generation mode. Continuous batching makes up to
/// 8 tokens per 17 ms step, 470 a second, and the mean answer is 31.5
/// tokens: about 15 requests a second at most.
pub const GEN_LOADS: [f64; 3] = [4.0, 8.0, 12.0];
/// A generation point runs this many times a one-shot point's seconds:
/// at a few requests a second, a p99 needs a hundred requests or so.
pub const GEN_STRETCH: u32 = 4;
/// A generation client waits this long for its whole answer.
pub const GEN_GIVE_UP: Duration = Duration::from_secs(10);
/// Most requests waiting for a slot.
pub const GEN_QUEUE: usize = 64;

/// A server set up one way.
#[derive(Debug, Clone, Copy)]
pub struct Strategy {
    pub name: &'static str,
    pub options: Options,
}

fn options(queue: Option<usize>, drop_expired: bool, max_batch: usize) -> Options {
    Options {
        queue,
        max_batch,
        max_wait: Duration::from_millis(2),
        drop_expired,
        aging: Duration::from_millis(50),
    }
}

/// The six admission policies: unbounded, bounded, bounded with
/// deadlines; each alone and with batches of up to 8.
pub fn strategies() -> Vec<Strategy> {
    vec![
        Strategy {
            name: "unbounded queue",
            options: options(None, false, 1),
        },
        Strategy {
            name: "bounded queue",
            options: options(Some(64), false, 1),
        },
        Strategy {
            name: "bounded queue + deadlines",
            options: options(Some(64), true, 1),
        },
        Strategy {
            name: "unbounded queue + batching",
            options: options(None, false, MAX_BATCH),
        },
        Strategy {
            name: "bounded queue + batching",
            options: options(Some(64), false, MAX_BATCH),
        },
        Strategy {
            name: "bounded queue + deadlines + batching",
            options: options(Some(64), true, MAX_BATCH),
        },
    ]
}

/// One row of `concur bench serving --csv`.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Row {
    pub offered_per_sec: f64,
    pub implementation: String,
    pub goodput_per_sec: f64,
    pub shed_fraction: f64,
    /// Of the requests answered 200; empty when none was.
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
}

impl Row {
    fn new(
        offered_per_sec: f64,
        implementation: String,
        outcome: &load::Tally,
        window: Duration,
    ) -> Row {
        let offered = outcome.offered.max(1) as f64;
        Row {
            offered_per_sec,
            implementation,
            goodput_per_sec: outcome.good as f64 / window.as_secs_f64(),
            shed_fraction: outcome.shed as f64 / offered,
            p50_ms: outcome.quantile_ms(0.5),
            p99_ms: outcome.quantile_ms(0.99),
        }
    }
}

/// Everything one run measured.
#[derive(Debug, Clone)]
pub struct Measured {
    /// The unbatched server's saturated throughput, requests a second.
    pub capacity: f64,
    /// The batched server's.
    pub batched_capacity: f64,
    pub rows: Vec<Row>,
}

/// A fresh two-thread runtime for one point.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting a tokio runtime")
}

fn accelerator() -> Arc<Simulated> {
    Arc::new(Simulated::new(FIXED, PER_ITEM, MAX_BATCH))
}

/// Starts a server of `options` on a fresh runtime and runs `work` against
/// its URL; the runtime, the server and every connection end with it.
fn against<T>(options: Options, work: impl AsyncFnOnce(String) -> T) -> Result<T> {
    against_with(accelerator(), options, work)
}

/// [`against`], in front of `accelerator`.
pub fn against_with<T>(
    accelerator: Arc<Simulated>,
    options: Options,
    work: impl AsyncFnOnce(String) -> T,
) -> Result<T> {
    let runtime = runtime()?;
    let result = runtime.block_on(async {
        let server = Arc::new(DynamicBatcher::new(accelerator, options));
        let listening = Listening::start::<Simulated, _>(server).await?;
        let result = work(listening.url()).await;
        drop(listening);
        anyhow::Ok(result)
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}

/// The saturated throughput of a server of `options`: 64 callers in a
/// closed loop for `seconds`.
pub fn capacity(options: Options, seconds: f64) -> Result<f64> {
    against(options, async |url| {
        load::saturate(&url, 64, Duration::from_secs_f64(seconds)).await
    })
}

/// An open-loop run of `load` against a server of `options`.
pub fn open_loop(options: Options, load: Load) -> Result<Outcome> {
    against(options, async move |url| load::run(&url, &load).await)
}

/// Interactive requests at `rate` a second for `duration`, the first
/// fifth not counted: one open-loop point.
pub fn interactive_load(rate: f64, duration: Duration, seed: u64) -> Load {
    Load {
        rates: (rate, 0.0),
        duration,
        warmup: duration / 5,
        interactive_deadline: DEADLINE,
        batch_deadline: BATCH_DEADLINE,
        give_up: GIVE_UP,
        seed,
    }
}

/// The whole experiment, `seconds` a point; `progress` hears each point
/// as it starts.
pub fn run(seconds: f64, progress: &dyn Fn(&str)) -> Result<Measured> {
    let duration = Duration::from_secs_f64(seconds);
    progress("capacity without batching");
    let unbatched = capacity(options(Some(64), false, 1), seconds)?;
    progress("capacity with batches of 8");
    let batched_capacity = capacity(options(Some(64), false, MAX_BATCH), seconds)?;
    let mut rows = Vec::new();
    for (i, rate) in LOADS.into_iter().enumerate() {
        for strategy in strategies() {
            progress(&format!("{} at {rate:.0} requests/s", strategy.name));
            let load = interactive_load(rate, duration, 1 + i as u64);
            let outcome = open_loop(strategy.options, load)?;
            rows.push(Row::new(
                rate,
                strategy.name.to_string(),
                &outcome.all(),
                outcome.window,
            ));
        }
    }
    rows.extend(priorities(duration, progress)?);
    rows.extend(generation(duration * GEN_STRETCH, progress)?);
    Ok(Measured {
        capacity: unbatched,
        batched_capacity,
        rows,
    })
}

/// Interactive requests beside batch work past capacity
/// ([`PRIORITY_LOADS`]): one row per class, for
/// two classes and for one queue in arrival order. Batch requests age
/// 200 ms, longer than a full batch queue takes to drain (64 at 8 per
/// 17 ms is 136 ms): an interactive request then overtakes every batch
/// request waiting, and batch work still runs when interactive work
/// saturates the server.
fn priorities(duration: Duration, progress: &dyn Fn(&str)) -> Result<Vec<Row>> {
    let (interactive, batch) = PRIORITY_LOADS;
    let mut rows = Vec::new();
    for (name, aging) in [
        ("two classes, batch aged 200 ms", Duration::from_millis(200)),
        ("one queue in arrival order", Duration::ZERO),
    ] {
        progress(&format!("{name}: interactive beside saturating batch work"));
        let options = Options {
            aging,
            ..options(Some(64), true, MAX_BATCH)
        };
        let load = Load {
            rates: (interactive, batch),
            duration,
            warmup: duration / 5,
            interactive_deadline: DEADLINE,
            batch_deadline: BATCH_DEADLINE,
            give_up: BATCH_DEADLINE + GIVE_UP,
            seed: 99,
        };
        let outcome = open_loop(options, load)?;
        rows.push(Row::new(
            interactive,
            format!("{name}: interactive"),
            &outcome.interactive,
            outcome.window,
        ));
        rows.push(Row::new(
            batch,
            format!("{name}: batch"),
            &outcome.batch,
            outcome.window,
        ));
    }
    Ok(rows)
}

/// Time to first token and per token, static against continuous
/// batching, at each of [`GEN_LOADS`]: two rows per point.
pub fn generation(duration: Duration, progress: &dyn Fn(&str)) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for (i, rate) in GEN_LOADS.into_iter().enumerate() {
        let load = GenLoad {
            rate,
            duration,
            warmup: duration / 5,
            short: SHORT,
            long: LONG,
            long_fraction: LONG_FRACTION,
            give_up: GEN_GIVE_UP,
            seed: 1000 + i as u64,
        };
        for name in ["static batching", "continuous batching"] {
            progress(&format!("{name} at {rate:.0} requests/s"));
            let tally = if name == "static batching" {
                streamed::<StaticBatching<SimulatedDecoder>>(load)?
            } else {
                streamed::<ContinuousBatches<SimulatedDecoder>>(load)?
            };
            rows.extend(generation_rows(rate, name, &tally));
        }
    }
    Ok(rows)
}

/// An open-loop run of `load` against a generator `G` on a fresh runtime.
fn streamed<G: Generator<SimulatedDecoder>>(load: GenLoad) -> Result<GenTally> {
    let runtime = runtime()?;
    let result = runtime.block_on(async {
        let decoder = Arc::new(SimulatedDecoder::new(FIXED, PER_ITEM, SLOTS));
        let generator = Arc::new(G::new(decoder, GenOptions { queue: GEN_QUEUE }));
        let listening = Listening::start_generation::<SimulatedDecoder, G>(generator).await?;
        let tally = streams::run(&listening.url(), &load).await;
        drop(listening);
        anyhow::Ok(tally)
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}

/// A generation point as two rows: goodput is streams completed a second,
/// p50 and p99 are of the time to first token in one row and of the time
/// per output token in the other.
fn generation_rows(rate: f64, name: &str, tally: &GenTally) -> [Row; 2] {
    let offered = tally.offered.max(1) as f64;
    let row = |what: &str, histogram| Row {
        offered_per_sec: rate,
        implementation: format!("{name}: {what}"),
        goodput_per_sec: tally.completed as f64 / tally.window.as_secs_f64(),
        shed_fraction: tally.shed as f64 / offered,
        p50_ms: GenTally::quantile_ms(histogram, 0.5),
        p99_ms: GenTally::quantile_ms(histogram, 0.99),
    };
    [
        row(FIRST_TOKEN, &tally.first_token),
        row(PER_TOKEN, &tally.per_token),
    ]
}

/// The suffixes of the generation rows' names.
pub const FIRST_TOKEN: &str = "first token";
pub const PER_TOKEN: &str = "per token";

/// The `#` lines of a run's CSV: both capacities, the model, and the
/// machine's scaling ceiling measured now, with a warning if it shows a
/// busy machine. The server sleeps for its accelerator, so the cores are
/// not its limit; a busy machine still delays every timer and answer.
pub fn notes(measured: &Measured, seconds: f64) -> Vec<String> {
    let ceiling = kit::contention::scaling_ceiling(2, 5);
    let mut notes = vec![
        format!("capacity: {:.0}/s", measured.capacity),
        format!("batched capacity: {:.0}/s", measured.batched_capacity),
        format!(
            "model: {} ms + {} ms a prompt, batches of up to {MAX_BATCH}; interactive deadline \
             {} ms; {seconds} s of Poisson arrivals a point, the first fifth not counted",
            FIXED.as_millis(),
            PER_ITEM.as_millis(),
            DEADLINE.as_millis()
        ),
        format!(
            "generation: steps of {} ms + {} ms a sequence, {SLOTS} slots; answers of {}-{} \
             tokens, of {}-{} for {:.0}% of them; {} s of arrivals a point; per token is each \
             answer's mean gap after its first token; completed/s counts whole answers",
            FIXED.as_millis(),
            PER_ITEM.as_millis(),
            SHORT.0,
            SHORT.1,
            LONG.0,
            LONG.1,
            LONG_FRACTION * 100.0,
            seconds * f64::from(GEN_STRETCH)
        ),
        kit::report::ceiling_note(2, ceiling),
    ];
    notes.extend(kit::contention::busy_warning(ceiling));
    notes
}

/// The rows as a Markdown table.
pub fn markdown(rows: &[Row]) -> String {
    let mut out = String::from(
        "| offered/s | server | goodput/s | shed | p50 | p99 |\n|---:|---|---:|---:|---:|---:|\n",
    );
    for row in rows {
        out.push_str(&format!(
            "| {:.0} | {} | {:.0} | {:.0}% | {} | {} |\n",
            row.offered_per_sec,
            row.implementation,
            row.goodput_per_sec,
            row.shed_fraction * 100.0,
            shown_ms(row.p50_ms),
            shown_ms(row.p99_ms)
        ));
    }
    out
}

/// Whether `row` is one of generation mode's.
pub fn is_generation(row: &Row) -> bool {
    row.implementation.ends_with(&format!(": {FIRST_TOKEN}"))
        || row.implementation.ends_with(&format!(": {PER_TOKEN}"))
}

/// Generation mode's rows as a Markdown table, a line per point.
pub fn generation_markdown(rows: &[Row]) -> String {
    let mut out = String::from(
        "| offered/s | batching | completed/s | shed | first token, p50 / p99 | per token, p50 / \
         p99 |\n|---:|---|---:|---:|---:|---:|\n",
    );
    for first in rows
        .iter()
        .filter(|r| r.implementation.ends_with(FIRST_TOKEN))
    {
        let name = first.implementation.trim_end_matches(FIRST_TOKEN);
        let Some(per) = rows.iter().find(|r| {
            r.offered_per_sec == first.offered_per_sec
                && r.implementation.strip_suffix(PER_TOKEN) == Some(name)
        }) else {
            continue;
        };
        out.push_str(&format!(
            "| {:.0} | {} | {:.1} | {:.0}% | {} | {} |\n",
            first.offered_per_sec,
            name.trim_end_matches(": ").trim_end_matches(" batching"),
            first.goodput_per_sec,
            first.shed_fraction * 100.0,
            pair_ms(first.p50_ms, first.p99_ms),
            pair_ms(per.p50_ms, per.p99_ms)
        ));
    }
    out
}

/// Two latencies in one cell: "12.3 / 45.6 ms".
fn pair_ms(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{a:.1} / {b:.1} ms"),
        _ => "none served".to_string(),
    }
}

/// A latency for a table: none when no request was served.
pub fn shown_ms(ms: Option<f64>) -> String {
    ms.map_or("none served".to_string(), |ms| format!("{ms:.1} ms"))
}
