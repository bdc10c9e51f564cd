//! Generation mode under load: an open-loop Poisson stream of requests
//! of mixed answer lengths to `POST /generate`, each read a line (a
//! token) at a time as it arrives.
//!
//! Two figures describe a streamed answer, as serving systems report
//! them: the time to first token (from the request's arrival, so a
//! request that waits for a slot counts its wait) and the time per output
//! token after the first (the gap a reader sees between words).

use std::time::Duration;

use hdrhistogram::Histogram;
use kit::workload::Rng;
use reqwest::StatusCode;
use tokio::time::{Instant, sleep_until, timeout, timeout_at};

use super::http::GenerateRequest;
use super::load::{client, histogram, poisson};

/// What to send.
#[derive(Debug, Clone, Copy)]
pub struct GenLoad {
    /// Requests a second, on average.
    pub rate: f64,
    pub duration: Duration,
    /// Requests that arrive before this are sent but not counted.
    pub warmup: Duration,
    /// Answer lengths: most are short, a few long, as chat answers are.
    pub short: (u32, u32),
    pub long: (u32, u32),
    pub long_fraction: f64,
    /// A client waits this long for its whole answer at most, then hangs up.
    pub give_up: Duration,
    pub seed: u64,
}

/// What became of the counted requests.
#[derive(Debug, Clone)]
pub struct GenTally {
    pub offered: u64,
    /// Every token arrived.
    pub completed: u64,
    /// Answered 503: the queue was full.
    pub shed: u64,
    /// Gave up, a short stream, or a broken connection.
    pub failed: u64,
    /// Time to first token, of those that got one, in µs.
    pub first_token: Histogram<u64>,
    /// Mean gap between tokens after the first, one value per completed
    /// request of two tokens or more, in µs.
    pub per_token: Histogram<u64>,
    pub window: Duration,
}

impl GenTally {
    /// The quantile `q` of `histogram` in ms; none if it is empty.
    pub fn quantile_ms(histogram: &Histogram<u64>, q: f64) -> Option<f64> {
        (!histogram.is_empty()).then(|| histogram.value_at_quantile(q) as f64 / 1e3)
    }
}

/// What one request came to.
#[derive(Debug)]
enum Streamed {
    /// Time to first token and the mean gap after it (none for a single
    /// token), when every token came.
    Complete(Duration, Option<Duration>),
    /// Some tokens, then the client gave up: its first token still counts.
    Partial(Duration),
    Shed,
    Failed,
}

/// The answer lengths of `load`, drawn before the run.
fn length(load: &GenLoad, rng: &mut Rng) -> u32 {
    let (low, high) = if rng.unit() < load.long_fraction {
        load.long
    } else {
        load.short
    };
    low + rng.below(u64::from(high.saturating_sub(low)) + 1) as u32
}

/// Sends `load` to `url` (a `/generate`) and waits for every stream to
/// end or be given up.
pub async fn run(url: &str, load: &GenLoad) -> GenTally {
    let client = client();
    let mut rng = Rng::new(load.seed);
    let arrivals = poisson(&mut rng, load.rate, load.duration);
    let start = Instant::now();
    let mut sent = Vec::with_capacity(arrivals.len());
    for (i, at) in arrivals.into_iter().enumerate() {
        let body = GenerateRequest {
            prompt: load.seed.wrapping_mul(1 << 32).wrapping_add(i as u64),
            tokens: length(load, &mut rng),
        };
        let due = start + at;
        sleep_until(due).await;
        let (client, url, give_up) = (client.clone(), url.to_string(), load.give_up);
        sent.push((
            at >= load.warmup,
            tokio::spawn(async move { stream(&client, &url, due, body, give_up).await }),
        ));
    }
    let mut tally = GenTally {
        offered: 0,
        completed: 0,
        shed: 0,
        failed: 0,
        first_token: histogram(),
        per_token: histogram(),
        window: load.duration.saturating_sub(load.warmup),
    };
    for (counted, task) in sent {
        let streamed = task.await;
        if !counted {
            continue;
        }
        tally.offered += 1;
        let micros = |d: Duration| d.as_micros().max(1) as u64;
        match streamed {
            Ok(Streamed::Complete(first, gap)) => {
                tally.completed += 1;
                let _ = tally.first_token.record(micros(first));
                if let Some(gap) = gap {
                    let _ = tally.per_token.record(micros(gap));
                }
            }
            Ok(Streamed::Partial(first)) => {
                tally.failed += 1;
                let _ = tally.first_token.record(micros(first));
            }
            Ok(Streamed::Shed) => tally.shed += 1,
            Ok(Streamed::Failed) | Err(_) => tally.failed += 1,
        }
    }
    tally
}

/// One request, due at `due`, read to its end or until `give_up` after
/// `due`. Tokens are counted by lines: a chunk may hold several.
async fn stream(
    client: &reqwest::Client,
    url: &str,
    due: Instant,
    body: GenerateRequest,
    give_up: Duration,
) -> Streamed {
    let give_up_at = due + give_up;
    let sent = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(serde_json::to_vec(&body).expect("a request serialises"))
        .send();
    let mut response = match timeout_at(give_up_at, sent).await {
        Ok(Ok(response)) => response,
        _ => return Streamed::Failed,
    };
    match response.status() {
        StatusCode::OK => {}
        StatusCode::SERVICE_UNAVAILABLE => return Streamed::Shed,
        _ => return Streamed::Failed,
    }
    let (mut tokens, mut first, mut last) = (0u32, None, due);
    loop {
        let left = give_up_at.saturating_duration_since(Instant::now());
        match timeout(left, response.chunk()).await {
            Ok(Ok(Some(chunk))) => {
                let lines = chunk.iter().filter(|&&b| b == b'\n').count() as u32;
                if lines > 0 {
                    last = Instant::now();
                    first.get_or_insert(last - due);
                    tokens += lines;
                }
            }
            Ok(Ok(None)) if tokens == body.tokens => {
                let first = first.unwrap_or_default();
                let gap = (tokens > 1).then(|| (last - due - first) / (tokens - 1));
                return Streamed::Complete(first, gap);
            }
            // Dropping the response here hangs up: the server frees the slot.
            _ => return first.map_or(Streamed::Failed, Streamed::Partial),
        }
    }
}
