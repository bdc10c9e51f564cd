//! Suggest latency: every suggestion of every run, by configuration.

use kit::report::{Align, Table};

use super::MIXES;
use crate::sweep::Measured;
use crate::sweep::timing::merged;

/// Suggest latency of one configuration: a row of `trie-latency.csv`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Latency {
    pub workload: String,
    pub implementation: String,
    pub threads: usize,
    pub p50_ns: u64,
    pub p99_ns: u64,
    pub samples: u64,
}

/// The latency of every configuration measured, in sweep order: every
/// run's suggestions together.
pub fn latency_rows(measured: &[Measured]) -> Vec<Latency> {
    let mut rows: Vec<Latency> = measured
        .iter()
        .filter_map(|m| {
            let all = merged(m.samples.iter().filter_map(|s| s.latency.as_ref()));
            (!all.is_empty()).then(|| Latency {
                workload: m.record.workload.clone(),
                implementation: m.record.implementation.clone(),
                threads: m.record.threads,
                p50_ns: all.value_at_quantile(0.50),
                p99_ns: all.value_at_quantile(0.99),
                samples: all.len(),
            })
        })
        .collect();
    let order = |w: &str| {
        MIXES
            .iter()
            .position(|(name, _)| *name == w)
            .unwrap_or(usize::MAX)
    };
    rows.sort_by(|a, b| {
        (order(&a.workload), a.threads, &a.implementation).cmp(&(
            order(&b.workload),
            b.threads,
            &b.implementation,
        ))
    });
    rows
}

/// The latency table as Markdown, p99 also as a multiple of p50.
pub fn latency_markdown(rows: &[Latency]) -> String {
    let mut table = Table::new([
        ("workload", Align::Left),
        ("threads", Align::Right),
        ("implementation", Align::Left),
        ("p50", Align::Right),
        ("p99", Align::Right),
        ("p99 / p50", Align::Right),
    ]);
    for l in rows {
        table.row([
            l.workload.clone(),
            l.threads.to_string(),
            l.implementation.clone(),
            format!("{:.2} µs", l.p50_ns as f64 / 1e3),
            format!("{:.2} µs", l.p99_ns as f64 / 1e3),
            format!("{:.1}x", l.p99_ns as f64 / l.p50_ns.max(1) as f64),
        ]);
    }
    table.markdown()
}
