//! One shard of a search cluster, as a process: `concur search serve-shard`.
//! It indexes its share of the corpus (document `id` where
//! `id % of == shard`) with the inverted index exercise's `SegmentIndex`
//! and answers the coordinator over HTTP on 127.0.0.1:
//!
//! - `POST /stats`, `POST /search`, `POST /add`, `GET /freshness` (see
//!   `wire.rs`);
//! - `GET /metrics`: request counts and latencies, adds applied and
//!   repeated, freshness lag, in the Prometheus text format.
//!
//! Adds are applied at once and become visible at the next refresh, every
//! `refresh` interval: the near-real-time model of the index exercise.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use inverted_index::{Reader, SearchIndex, SegmentIndex, Seq, bm25};
use kit::sync::Mutex;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use search_cluster::{Hit, Stats};

use super::corpus;
use super::wire::{AddAnswer, AddRequest, Freshness, SearchRequest, StatsRequest};

/// Add keys a shard remembers: a retry later than the last this many adds
/// would be applied again. A real system bounds them by time instead, and
/// clients stop retrying before that.
const KEYS_KEPT: usize = 1 << 20;

/// One shard's index and what it remembers of the requests it served.
#[derive(Debug)]
pub struct Shard {
    index: SegmentIndex,
    pub shard: usize,
    pub of: usize,
    /// Add keys seen, with their changes' numbers, oldest first.
    keys: Mutex<(HashMap<u64, Seq>, VecDeque<u64>)>,
    /// Adds not yet visible, with when they came: for the freshness lag.
    unseen: Mutex<VecDeque<(Seq, Instant)>>,
    metrics: Metrics,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    route: String,
}

fn latency_buckets() -> Histogram {
    // 50 µs to about 1.6 s, doubling.
    Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
}

#[derive(Debug)]
struct Metrics {
    registry: Registry,
    requests: Family<Route, Counter>,
    rejected: Family<Route, Counter>,
    seconds: Family<Route, Histogram, fn() -> Histogram>,
    applied: Counter,
    repeated: Counter,
    freshness: Histogram,
    documents: Gauge,
}

impl Metrics {
    fn new(shard: usize) -> Self {
        let mut registry = Registry::with_prefix_and_labels(
            "shard",
            [("shard".into(), shard.to_string().into())].into_iter(),
        );
        let requests = Family::<Route, Counter>::default();
        let rejected = Family::<Route, Counter>::default();
        let seconds = Family::<Route, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_buckets as fn() -> Histogram,
        );
        let (applied, repeated, documents) =
            (Counter::default(), Counter::default(), Gauge::default());
        let freshness = Histogram::new(exponential_buckets(0.001, 2.0, 14));
        registry.register("requests", "Requests served, by route", requests.clone());
        registry.register(
            "rejected",
            "Requests answered 400 (a bad body), by route",
            rejected.clone(),
        );
        registry.register(
            "request_seconds",
            "Time to serve a request, by route",
            seconds.clone(),
        );
        registry.register(
            "adds_applied",
            "Adds applied (a key seen for the first time)",
            applied.clone(),
        );
        registry.register(
            "adds_repeated",
            "Adds answered without applying (a key seen before)",
            repeated.clone(),
        );
        registry.register(
            "freshness_seconds",
            "From an add to the refresh that made it visible to searches",
            freshness.clone(),
        );
        registry.register(
            "documents",
            "Live documents searches see",
            documents.clone(),
        );
        Self {
            registry,
            requests,
            rejected,
            seconds,
            applied,
            repeated,
            freshness,
            documents,
        }
    }

    fn served(&self, route: &str, started: Instant) {
        let route = Route {
            route: route.to_string(),
        };
        self.requests.get_or_create(&route).inc();
        self.seconds
            .get_or_create(&route)
            .observe(started.elapsed().as_secs_f64());
    }

    fn reject(&self, route: &str, why: String) -> Response {
        let route = Route {
            route: route.to_string(),
        };
        self.rejected.get_or_create(&route).inc();
        (StatusCode::BAD_REQUEST, why).into_response()
    }
}

impl Shard {
    /// Indexes the documents of `text` that belong to shard `shard` of
    /// `of`, and makes them visible.
    pub fn build(text: &str, shard: usize, of: usize) -> Self {
        let docs: Vec<&str> = text.lines().collect();
        let index = SegmentIndex::new(corpus::tokenizer(text));
        corpus::add_all(&docs, |id, doc| {
            if id as usize % of == shard {
                index.add(id, doc);
            }
        });
        index.refresh();
        let metrics = Metrics::new(shard);
        metrics.documents.set(index.reader().stats(&[]).docs as i64);
        Self {
            index,
            shard,
            of,
            keys: Mutex::new((HashMap::new(), VecDeque::new())),
            unseen: Mutex::new(VecDeque::new()),
            metrics,
        }
    }

    /// The HTTP API.
    pub fn router(self: Arc<Self>) -> axum::Router {
        axum::Router::new()
            .route("/stats", post(stats))
            .route("/search", post(search))
            .route("/add", post(add))
            .route("/freshness", get(freshness))
            .route("/metrics", get(metrics))
            .with_state(self)
    }

    /// Makes every add so far visible, and records how long each waited.
    pub fn refresh(&self) {
        if self.unseen.lock().is_empty() {
            return;
        }
        let visible = self.index.refresh();
        let now = Instant::now();
        let mut unseen = self.unseen.lock();
        while let Some(&(seq, came)) = unseen.front()
            && seq <= visible
        {
            self.metrics.freshness.observe((now - came).as_secs_f64());
            unseen.pop_front();
        }
        drop(unseen);
        self.metrics
            .documents
            .set(self.index.reader().stats(&[]).docs as i64);
    }

    /// Refreshes every `every` until the runtime stops.
    pub async fn refresh_every(self: Arc<Self>, every: Duration) {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            // A refresh of a few adds takes microseconds to milliseconds:
            // off the runtime's threads, so no request waits behind it.
            let shard = Arc::clone(&self);
            let _ = tokio::task::spawn_blocking(move || shard.refresh()).await;
        }
    }
}

// Searches take tens to hundreds of microseconds of CPU: they run on the
// runtime's threads, as short CPU work may (tokio's guidance is to keep
// the time between awaits small, not zero).

/// The longest a request waits for the change it asked to see; the
/// coordinator gives up sooner, at its deadline, and drops the connection.
const LONGEST_WAIT: Duration = Duration::from_secs(10);

/// Read your writes: waits until this shard shows its change `after`, off
/// the runtime's threads (the index's wait blocks); an error response if
/// it does not within [`LONGEST_WAIT`].
async fn shown(shard: &Arc<Shard>, after: Seq) -> Result<(), Response> {
    if after == 0 {
        return Ok(());
    }
    let waiting = Arc::clone(shard);
    let waited =
        tokio::task::spawn_blocking(move || waiting.index.wait_for(after, LONGEST_WAIT)).await;
    match waited {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(timed_out)) => {
            Err((StatusCode::SERVICE_UNAVAILABLE, timed_out.to_string()).into_response())
        }
        Err(e) => Err((StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response()),
    }
}

async fn stats(State(shard): State<Arc<Shard>>, Json(request): Json<StatsRequest>) -> Response {
    let started = Instant::now();
    if let Err(response) = shown(&shard, request.after).await {
        return response;
    }
    let terms = bm25::query_terms(shard.index.tokenizer(), &request.query);
    let stats = shard.index.reader().stats(&terms);
    shard.metrics.served("stats", started);
    Json(Stats {
        docs: stats.docs,
        tokens: stats.tokens,
        containing: stats.containing,
    })
    .into_response()
}

async fn search(State(shard): State<Arc<Shard>>, Json(request): Json<SearchRequest>) -> Response {
    let started = Instant::now();
    if let Err(response) = shown(&shard, request.after).await {
        return response;
    }
    let terms = bm25::query_terms(shard.index.tokenizer(), &request.query);
    if request.stats.containing.len() != terms.len() {
        let why = format!(
            "statistics for {} terms, and the query has {}",
            request.stats.containing.len(),
            terms.len()
        );
        return shard.metrics.reject("search", why);
    }
    let stats = bm25::Stats {
        docs: request.stats.docs,
        tokens: request.stats.tokens,
        containing: request.stats.containing,
    };
    let hits: Vec<Hit> = (shard
        .index
        .reader()
        .top_k(&terms, &stats, request.k)
        .into_iter())
    .map(|hit| Hit {
        doc: hit.doc,
        score: hit.score,
    })
    .collect();
    shard.metrics.served("search", started);
    Json(hits).into_response()
}

async fn add(State(shard): State<Arc<Shard>>, Json(request): Json<AddRequest>) -> Response {
    let started = Instant::now();
    if request.id as usize % shard.of != shard.shard {
        let why = format!(
            "document {} belongs to shard {}, and this is shard {} of {}",
            request.id,
            request.id as usize % shard.of,
            shard.shard,
            shard.of
        );
        return shard.metrics.reject("add", why);
    }
    // The key check and the add under one lock: two copies of one add
    // arriving at once must not both be applied.
    let mut keys = shard.keys.lock();
    let (seen, order) = &mut *keys;
    let seq = match seen.get(&request.key) {
        Some(&seq) => {
            shard.metrics.repeated.inc();
            seq
        }
        None => {
            let seq = shard.index.add(request.id, &request.text);
            shard.unseen.lock().push_back((seq, started));
            seen.insert(request.key, seq);
            order.push_back(request.key);
            if order.len() > KEYS_KEPT
                && let Some(oldest) = order.pop_front()
            {
                seen.remove(&oldest);
            }
            shard.metrics.applied.inc();
            seq
        }
    };
    drop(keys);
    shard.metrics.served("add", started);
    Json(AddAnswer { seq }).into_response()
}

async fn freshness(State(shard): State<Arc<Shard>>) -> Json<Freshness> {
    let unseen = shard.unseen.lock();
    Json(Freshness {
        visible: shard.index.reader().seq(),
        unseen: unseen.len() as u64,
        oldest_unseen_seconds: unseen
            .front()
            .map_or(0.0, |(_, came)| came.elapsed().as_secs_f64()),
    })
}

async fn metrics(State(shard): State<Arc<Shard>>) -> Response {
    let mut text = String::new();
    match prometheus_client::encoding::text::encode(&mut text, &shard.metrics.registry) {
        Ok(()) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}
