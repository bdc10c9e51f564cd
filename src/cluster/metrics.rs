//! The coordinator's `/metrics` page, in the OpenMetrics text format that
//! Prometheus scrapes: query latency as a histogram, and the reference
//! coordinator's counts (queries, partial answers, calls and failed calls,
//! hedges sent and won, adds and failed adds), and each replica's
//! freshness lag as the coordinator finds it when the page is asked for.
//! The shards' own pages have their request latencies and lag histograms.

use std::sync::Arc;
use std::time::Duration;

use axum::http::header;
use axum::response::IntoResponse;
use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use search_cluster::{Counted, ShardId};

use super::http::HttpCluster;
use super::wire::Freshness;

/// One replica's freshness: `None` where it did not answer.
pub type ReplicaFreshness = (ShardId, usize, Option<Freshness>);

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Replica {
    shard: String,
    replica: String,
}

/// Query latencies, kept for as long as the coordinator runs.
#[derive(Debug, Clone)]
pub struct QueryLatency(Histogram);

impl Default for QueryLatency {
    fn default() -> Self {
        // 100 µs to about 3.3 s, doubling.
        Self(Histogram::new(exponential_buckets(0.000_1, 2.0, 16)))
    }
}

impl QueryLatency {
    pub fn observe(&self, took: Duration) {
        self.0.observe(took.as_secs_f64());
    }
}

/// Every replica's freshness, each asked with a one-second limit.
pub async fn freshness(cluster: &HttpCluster) -> Vec<ReplicaFreshness> {
    use search_cluster::Cluster;
    let mut all = Vec::new();
    for shard in 0..cluster.shards() {
        for replica in 0..cluster.replicas() {
            let asked =
                tokio::time::timeout(Duration::from_secs(1), cluster.freshness(shard, replica));
            all.push((shard, replica, asked.await.ok().and_then(Result::ok)));
        }
    }
    all
}

/// The page for `counted`, `latency` and each replica's `freshness`.
pub fn render(counted: Counted, latency: &QueryLatency, freshness: &[ReplicaFreshness]) -> String {
    let mut registry = Registry::with_prefix("coordinator");
    let lag = Family::<Replica, Gauge<f64, AtomicU64>>::default();
    let unseen = Family::<Replica, Gauge>::default();
    let up = Family::<Replica, Gauge>::default();
    for (shard, replica, answer) in freshness {
        let labels = Replica {
            shard: shard.to_string(),
            replica: replica.to_string(),
        };
        up.get_or_create(&labels).set(i64::from(answer.is_some()));
        if let Some(answer) = answer {
            lag.get_or_create(&labels).set(answer.oldest_unseen_seconds);
            unseen.get_or_create(&labels).set(answer.unseen as i64);
        }
    }
    registry.register(
        "freshness_lag_seconds",
        "How long the oldest add a replica has not made searchable has waited (0: none waits)",
        lag,
    );
    registry.register(
        "unseen_adds",
        "Adds a replica applied and searches do not see yet",
        unseen,
    );
    registry.register(
        "replica_up",
        "1 if the replica answered the freshness probe in a second",
        up,
    );
    registry.register("query_seconds", "Time to answer a query", latency.0.clone());
    let counters = [
        ("queries", "Queries answered", counted.queries),
        (
            "partial_answers",
            "Answers with shards missing",
            counted.partial,
        ),
        ("calls", "Calls to shard replicas", counted.calls),
        (
            "failed_calls",
            "Calls that failed: refused, broken, or garbage",
            counted.failed_calls,
        ),
        (
            "hedges_sent",
            "Second attempts sent beside a slow one",
            counted.hedges_sent,
        ),
        (
            "hedges_won",
            "Hedges whose answer was the one taken",
            counted.hedges_won,
        ),
        ("adds", "Adds", counted.adds),
        (
            "failed_adds",
            "Adds not every replica confirmed in time",
            counted.failed_adds,
        ),
    ];
    for (name, help, value) in counters {
        registry.register(name, help, ConstCounter::new(value));
    }
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry)
        .expect("writing to a String cannot fail");
    text
}

/// Serves the page on `listener` until the runtime stops; `counted` reads
/// the coordinator's counts at each request, and every replica of
/// `cluster` is asked for its freshness.
pub async fn serve(
    listener: tokio::net::TcpListener,
    counted: Arc<dyn Fn() -> Counted + Send + Sync>,
    latency: QueryLatency,
    cluster: Arc<HttpCluster>,
) -> std::io::Result<()> {
    let page = move || {
        let (counted, latency, cluster) = (counted(), latency.clone(), Arc::clone(&cluster));
        async move {
            let text = render(counted, &latency, &freshness(&cluster).await);
            (
                [(
                    header::CONTENT_TYPE,
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                )],
                text,
            )
                .into_response()
        }
    };
    axum::serve(
        listener,
        axum::Router::new().route("/metrics", axum::routing::get(page)),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_shows_every_count_and_the_latency() {
        let latency = QueryLatency::default();
        latency.observe(Duration::from_millis(3));
        let counted = Counted {
            queries: 7,
            hedges_sent: 2,
            hedges_won: 1,
            ..Counted::default()
        };
        let answer = Freshness {
            visible: 12,
            unseen: 3,
            oldest_unseen_seconds: 0.25,
        };
        let page = render(counted, &latency, &[(0, 0, Some(answer)), (0, 1, None)]);
        for line in [
            "coordinator_queries_total 7",
            "coordinator_hedges_sent_total 2",
            "coordinator_hedges_won_total 1",
            "coordinator_partial_answers_total 0",
            "coordinator_query_seconds_count 1",
            "coordinator_freshness_lag_seconds{shard=\"0\",replica=\"0\"} 0.25",
            "coordinator_unseen_adds{shard=\"0\",replica=\"0\"} 3",
            "coordinator_replica_up{shard=\"0\",replica=\"1\"} 0",
        ] {
            assert!(page.contains(line), "no {line:?} in:\n{page}");
        }
        assert!(page.ends_with("# EOF\n"), "{page}");
    }
}
