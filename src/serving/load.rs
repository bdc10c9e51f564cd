//! An open-loop load generator: a Poisson stream of requests over HTTP,
//! whose arrivals never wait for answers.
//!
//! A closed loop (each client sends its next request when the last one is
//! answered) slows down with the server it measures, so a server that
//! stalls is sent less and looks better than it is: coordinated omission.
//! Here every arrival time is drawn before the run, each request is sent
//! at its time on a task of its own, and its latency counts from that
//! time, not from when it was sent, as wrk2 does.

use std::time::Duration;

use hdrhistogram::Histogram;
use kit::workload::Rng;
use reqwest::StatusCode;
use tokio::time::{Instant, sleep_until, timeout};

use super::http::{InferReply, InferRequest, WireClass};

/// What a client keeps back of its deadline when it sends one: the
/// answer needs time to come back, and tokio's timers fire on whole
/// milliseconds, up to one late: two to be safe.
pub const MARGIN: Duration = Duration::from_millis(2);

/// What to send.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    /// Requests a second, on average, of each class: (interactive, batch).
    pub rates: (f64, f64),
    /// How long requests keep arriving.
    pub duration: Duration,
    /// Requests that arrive before this are sent but not counted: the
    /// queue fills at first, and the figures are for the steady state.
    pub warmup: Duration,
    pub interactive_deadline: Duration,
    pub batch_deadline: Duration,
    /// A client waits this long at most, then hangs up.
    pub give_up: Duration,
    pub seed: u64,
}

/// What became of one class's requests.
#[derive(Debug, Clone)]
pub struct Tally {
    pub offered: u64,
    /// Answered 200.
    pub served: u64,
    /// Answered 200 within the deadline.
    pub good: u64,
    /// Answered 503 (queue full) or 504 (deadline).
    pub shed: u64,
    /// No answer by `give_up`, or a broken connection.
    pub failed: u64,
    /// Of the 200s, from the arrival time, in µs.
    pub latency: Histogram<u64>,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            offered: 0,
            served: 0,
            good: 0,
            shed: 0,
            failed: 0,
            latency: histogram(),
        }
    }

    fn add(&mut self, other: &Tally) {
        self.offered += other.offered;
        self.served += other.served;
        self.good += other.good;
        self.shed += other.shed;
        self.failed += other.failed;
        self.latency
            .add(&other.latency)
            .expect("histograms of the same bounds");
    }

    /// The latency quantile `q` of the 200s, in ms; none if there were
    /// none.
    pub fn quantile_ms(&self, q: f64) -> Option<f64> {
        (!self.latency.is_empty()).then(|| self.latency.value_at_quantile(q) as f64 / 1e3)
    }
}

/// What became of a run's requests, of those that arrived after the
/// warm-up.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub interactive: Tally,
    pub batch: Tally,
    /// How long the counted arrivals came for: goodput is good answers to
    /// them over this (each good answer came within its deadline of its
    /// arrival, so the drain after the last arrival adds nothing else).
    pub window: Duration,
}

impl Outcome {
    /// Both classes together.
    pub fn all(&self) -> Tally {
        let mut all = self.interactive.clone();
        all.add(&self.batch);
        all
    }
}

/// What one request came to.
enum Ended {
    Good(Duration),
    Late(Duration),
    Shed,
    Failed,
}

/// Sends `load` to `url` (on the current runtime) and waits for every
/// answer or give-up.
pub async fn run(url: &str, load: &Load) -> Outcome {
    let client = client();
    let mut arrivals = Vec::new();
    let mut rng = Rng::new(load.seed);
    for (class, rate) in [
        (WireClass::Interactive, load.rates.0),
        (WireClass::Batch, load.rates.1),
    ] {
        if rate <= 0.0 {
            continue;
        }
        arrivals.extend(
            poisson(&mut rng, rate, load.duration)
                .into_iter()
                .map(|at| (at, class)),
        );
    }
    arrivals.sort_by_key(|(at, _)| *at);

    let start = Instant::now();
    let mut sent = Vec::with_capacity(arrivals.len());
    for (i, (at, class)) in arrivals.into_iter().enumerate() {
        let due = start + at;
        sleep_until(due).await;
        let deadline = match class {
            WireClass::Interactive => load.interactive_deadline,
            WireClass::Batch => load.batch_deadline,
        };
        let body = InferRequest {
            // Distinct prompts: the single flight has nothing to share.
            prompt: load.seed.wrapping_mul(1 << 32).wrapping_add(i as u64),
            class,
            deadline_ms: deadline.as_millis() as u64,
        };
        let (client, url, give_up) = (client.clone(), url.to_string(), load.give_up);
        sent.push((
            at >= load.warmup,
            class,
            tokio::spawn(async move {
                let ended = timeout(give_up, send(&client, &url, due, &body)).await;
                let took = due.elapsed();
                match ended {
                    Ok(Some(true)) if took <= deadline => Ended::Good(took),
                    Ok(Some(true)) => Ended::Late(took),
                    Ok(Some(false)) => Ended::Shed,
                    Ok(None) | Err(_) => Ended::Failed,
                }
            }),
        ));
    }
    let (mut interactive, mut batch) = (Tally::new(), Tally::new());
    for (counted, class, task) in sent {
        if !counted {
            let _ = task.await;
            continue;
        }
        let tally = match class {
            WireClass::Interactive => &mut interactive,
            WireClass::Batch => &mut batch,
        };
        tally.offered += 1;
        match task.await {
            Ok(Ended::Good(took)) => {
                tally.served += 1;
                tally.good += 1;
                let _ = tally.latency.record(took.as_micros().max(1) as u64);
            }
            Ok(Ended::Late(took)) => {
                tally.served += 1;
                let _ = tally.latency.record(took.as_micros().max(1) as u64);
            }
            Ok(Ended::Shed) => tally.shed += 1,
            Ok(Ended::Failed) | Err(_) => tally.failed += 1,
        }
    }
    Outcome {
        interactive,
        batch,
        window: load.duration.saturating_sub(load.warmup),
    }
}

/// An HTTP client for loopback: no proxy, whatever the environment says.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("an HTTP client")
}

/// A histogram of µs, up to ten minutes, to three significant digits.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid bounds")
}

/// Arrival times of a Poisson stream of `rate` a second, from zero to
/// `duration`: exponential gaps, drawn before the run.
pub fn poisson(rng: &mut Rng, rate: f64, duration: Duration) -> Vec<Duration> {
    let mut arrivals = Vec::new();
    let mut at = Duration::ZERO;
    loop {
        at += Duration::from_secs_f64(-(1.0 - rng.unit()).ln() / rate);
        if at >= duration {
            return arrivals;
        }
        arrivals.push(at);
    }
}

/// One request, due at `due`: `Some(true)` for a 200 with a reply,
/// `Some(false)` for a 503 or 504, `None` for anything else. The deadline
/// sent is what is left of it, as a client that propagates deadlines
/// does: the time since `due` is already spent, and [`MARGIN`] is kept
/// for the answer's way back.
async fn send(
    client: &reqwest::Client,
    url: &str,
    due: Instant,
    body: &InferRequest,
) -> Option<bool> {
    let spent = (due.elapsed() + MARGIN).as_micros().div_ceil(1000) as u64;
    let body = InferRequest {
        deadline_ms: body.deadline_ms.saturating_sub(spent),
        ..*body
    };
    let body = serde_json::to_vec(&body).expect("a request serialises");
    let response = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .ok()?;
    let status = response.status();
    let bytes = response.bytes().await.ok()?;
    match status {
        StatusCode::OK => serde_json::from_slice::<InferReply>(&bytes)
            .ok()
            .map(|_| true),
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT => Some(false),
        _ => None,
    }
}

/// Requests answered a second by `url` with `clients` callers each sending
/// the next as soon as the last is answered, for `duration`: the server's
/// saturated throughput (a closed loop on purpose: here the question is
/// how fast it can go, not how long each request waits).
pub async fn saturate(url: &str, clients: usize, duration: Duration) -> f64 {
    let client = client();
    let start = Instant::now();
    let callers: Vec<_> = (0..clients as u64)
        .map(|caller| {
            let (client, url) = (client.clone(), url.to_string());
            tokio::spawn(async move {
                let mut served = 0u64;
                let mut prompt = caller << 40;
                while start.elapsed() < duration {
                    let body = InferRequest {
                        prompt,
                        class: WireClass::Interactive,
                        deadline_ms: 60_000,
                    };
                    prompt += 1;
                    if send(&client, &url, Instant::now(), &body).await == Some(true) {
                        served += 1;
                    }
                }
                served
            })
        })
        .collect();
    let mut served = 0;
    for caller in callers {
        served += caller.await.unwrap_or(0);
    }
    served as f64 / start.elapsed().as_secs_f64()
}
