//! Hedging against one slow replica: two shards of two replicas as
//! processes, a fault proxy before every replica, and one replica (shard
//! 0's first) holding one request in 20 for 100 ms. The reference
//! coordinator runs the same queries with hedging off and on, in
//! alternating blocks so that both meet the same machine; the proxies count
//! the requests each sent.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use hdrhistogram::Histogram;
use search_cluster::{Coordinator, Options, Query, ScatterGather};

use super::super::Scale;
use super::super::inverted_index::{KJV, kjv_queries};
use super::Running;
use crate::cluster::http::HttpCluster;
use crate::cluster::proxy::{Proxy, ProxyFault};

pub const SHARDS: usize = 2;
pub const REPLICAS: usize = 2;
/// The slow replica's delay, and how rare it is.
pub const DELAY: Duration = Duration::from_millis(100);
pub const ONE_IN: u64 = 20;

/// One coordinator's figures.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HedgingRow {
    pub hedging: String,
    pub queries: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
    /// Requests the proxies saw, per query: two rounds to each shard is 4.
    pub requests_per_query: f64,
}

/// Runs the experiment; its size follows `scale`.
pub fn hedging(scale: Scale) -> Result<Vec<HedgingRow>> {
    let (blocks, per_block) = match scale {
        Scale::Test => (2, 20),
        Scale::Quick => (4, 250),
        Scale::Full => (20, 500),
    };
    let docs: Vec<&str> = KJV.lines().collect();
    let queries = kjv_queries(&docs, per_block, 23);
    // The shard processes; the coordinators talk to proxies in front of them.
    let running =
        Running::<ScatterGather<HttpCluster>>::start(SHARDS, REPLICAS, Options { hedging: false })
            .context("starting the shard processes")?;
    let (proxies, addresses) = running
        .runtime
        .block_on(Proxy::in_front_of(&running.processes.addresses))?;
    proxies[0][0].set(ProxyFault::Delay {
        delay: DELAY,
        one_in: ONE_IN,
    });
    let requests = || proxies.iter().flatten().map(Proxy::requests).sum::<u64>();
    let mut rows = Vec::new();
    let coordinators: Vec<(&str, ScatterGather<HttpCluster>)> = [("off", false), ("on", true)]
        .into_iter()
        .map(|(name, hedging)| {
            let cluster = Arc::new(HttpCluster::new(addresses.clone()));
            (name, ScatterGather::new(cluster, Options { hedging }))
        })
        .collect();
    let mut latencies: Vec<Histogram<u64>> = (0..coordinators.len())
        .map(|_| Histogram::new(3).expect("a histogram"))
        .collect();
    let mut sent = vec![0u64; coordinators.len()];
    let search = |coordinator: &ScatterGather<HttpCluster>, text: &str| {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        running
            .runtime
            .block_on(coordinator.search(Query::new(text, 10, deadline)))
    };
    // Warm up both: connections, and the latency windows hedging reads.
    for (_, coordinator) in &coordinators {
        for text in queries.iter().take(50) {
            search(coordinator, text);
        }
    }
    for _ in 0..blocks {
        for (i, (_, coordinator)) in coordinators.iter().enumerate() {
            let before = requests();
            for text in &queries {
                let started = Instant::now();
                let answer = search(coordinator, text);
                anyhow::ensure!(
                    !answer.partial,
                    "shards {:?} missed a 10 s deadline",
                    answer.missing
                );
                latencies[i].record(started.elapsed().as_micros() as u64)?;
            }
            sent[i] += requests() - before;
        }
    }
    for (i, (name, _)) in coordinators.iter().enumerate() {
        let ms = |q: f64| latencies[i].value_at_quantile(q) as f64 / 1000.0;
        let queries = latencies[i].len();
        rows.push(HedgingRow {
            hedging: name.to_string(),
            queries,
            p50_ms: ms(0.50),
            p99_ms: ms(0.99),
            p999_ms: ms(0.999),
            max_ms: latencies[i].max() as f64 / 1000.0,
            requests_per_query: sent[i] as f64 / queries as f64,
        });
    }
    drop(proxies);
    Ok(rows)
}

/// The table the chapter shows, with the two ratios the issue asks for.
pub fn hedging_markdown(rows: &[HedgingRow]) -> String {
    let mut table = kit::report::Table::new([
        ("hedging", kit::report::Align::Left),
        ("queries", kit::report::Align::Right),
        ("p50 ms", kit::report::Align::Right),
        ("p99 ms", kit::report::Align::Right),
        ("p99.9 ms", kit::report::Align::Right),
        ("max ms", kit::report::Align::Right),
        ("requests per query", kit::report::Align::Right),
    ]);
    for row in rows {
        table.row([
            row.hedging.clone(),
            row.queries.to_string(),
            format!("{:.2}", row.p50_ms),
            format!("{:.2}", row.p99_ms),
            format!("{:.2}", row.p999_ms),
            format!("{:.2}", row.max_ms),
            format!("{:.3}", row.requests_per_query),
        ]);
    }
    let mut markdown = format!(
        "{SHARDS} shards of {REPLICAS} replicas as processes; replica 0 of shard 0 holds one request \
         in {ONE_IN} for {} ms. One query at a time, hedging off and on in alternating blocks.\n\n{}",
        DELAY.as_millis(),
        table.markdown()
    );
    if let [off, on] = rows {
        markdown.push_str(&format!(
            "\np99 without hedging / with: {:.2}x; p99.9: {:.2}x; extra requests with hedging: {:.1}%\n",
            off.p99_ms / on.p99_ms,
            off.p999_ms / on.p999_ms,
            (on.requests_per_query / off.requests_per_query - 1.0) * 100.0
        ));
    }
    markdown
}

/// The table as bars: each percentile, hedging off beside on, on a log
/// axis, since the slow replica puts the two 20 times apart.
pub fn hedging_chart(rows: &[HedgingRow]) -> super::super::DrawChart {
    let series: Vec<(String, Vec<f64>)> = rows
        .iter()
        .map(|r| {
            (
                format!("hedging {}", r.hedging),
                vec![r.p50_ms, r.p99_ms, r.p999_ms, r.max_ms],
            )
        })
        .collect();
    Box::new(move |path: &std::path::Path| {
        let series: Vec<(&str, Vec<f64>)> = series
            .iter()
            .map(|(n, v)| (n.as_str(), v.clone()))
            .collect();
        let caption = kit::report::caption(&kit::report::Fingerprint::detect().lines(), false);
        let title = format!(
            "search-cluster: query latency, one of {} replicas 100 ms late on 1 request in {ONE_IN}",
            SHARDS * REPLICAS
        );
        kit::report::draw_bars_svg(
            path,
            &kit::report::Bars {
                title: &title,
                y_label: "ms",
                log_y: true,
                groups: &["p50", "p99", "p99.9", "max"],
                series: &series,
                caption: &caption,
            },
        )
    })
}
