//! The coordinator's `/metrics` page, in the OpenMetrics text format that
//! Prometheus scrapes: query latency as a histogram, and the reference
//! coordinator's counts (queries, partial answers, calls and failed calls,
//! hedges sent and won, adds and failed adds). The shards' own pages have
//! their request latencies and freshness lag.

use std::sync::Arc;
use std::time::Duration;

use axum::http::header;
use axum::response::IntoResponse;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use search_cluster::Counted;

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

/// The page for `counted` and `latency`.
pub fn render(counted: Counted, latency: &QueryLatency) -> String {
    let mut registry = Registry::with_prefix("coordinator");
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
/// the coordinator's counts at each request.
pub async fn serve(
    listener: tokio::net::TcpListener,
    counted: Arc<dyn Fn() -> Counted + Send + Sync>,
    latency: QueryLatency,
) -> std::io::Result<()> {
    let page = move || {
        let text = render(counted(), &latency);
        async move {
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
        let page = render(counted, &latency);
        for line in [
            "coordinator_queries_total 7",
            "coordinator_hedges_sent_total 2",
            "coordinator_hedges_won_total 1",
            "coordinator_partial_answers_total 0",
            "coordinator_query_seconds_count 1",
        ] {
            assert!(page.contains(line), "no {line:?} in:\n{page}");
        }
        assert!(page.ends_with("# EOF\n"), "{page}");
    }
}
