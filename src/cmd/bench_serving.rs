//! `concur bench serving [--seconds S] [--csv FILE]`: the serving lab's
//! experiment, a table per question, and a CSV of
//! `offered_per_sec,implementation,goodput_per_sec,shed_fraction,p50_ms,p99_ms`
//! after the fingerprint lines and `# capacity: N/s`.

use std::path::Path;

use anyhow::{Context, Result};
use concur::serving::experiment::{
    self, DEADLINE, FIRST_TOKEN, GEN_LOADS, MAX_BATCH, Measured, Row, generation_markdown,
    is_generation, markdown, shown_ms,
};
use kit::report::{Fingerprint, write_rows};

pub fn run(seconds: f64, csv: &Path, quiet: bool) -> Result<()> {
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this is a debug build; the server's own costs are the compiler's checks. \
             Run it with cargo run --release."
        );
    }
    let progress = |what: &str| {
        if !quiet {
            eprintln!("serving: {what}");
        }
    };
    let measured = experiment::run(seconds, &progress)?;
    let notes = experiment::notes(&measured, seconds);
    if let Some(warning) = notes.iter().find(|n| n.starts_with("warning")) {
        println!("{warning}");
    }
    let (generation, one_shot): (Vec<Row>, Vec<Row>) =
        measured.rows.iter().cloned().partition(is_generation);
    println!("{}", markdown(&one_shot));
    println!("{}", generation_markdown(&generation));
    for line in goals(&measured) {
        println!("{line}");
    }
    println!();
    for note in &notes {
        println!("{note}");
    }
    write_rows(csv, &measured.rows, &Fingerprint::detect(), &notes)
        .with_context(|| format!("writing {}", csv.display()))?;
    println!("\ndata:  {}", csv.display());
    Ok(())
}

fn at(rows: &[Row], implementation: &str, offered: f64) -> Option<Row> {
    rows.iter()
        .find(|r| r.implementation == implementation && r.offered_per_sec == offered)
        .cloned()
}

/// The three goals, as measured in this run.
fn goals(measured: &Measured) -> Vec<String> {
    let rows = &measured.rows;
    let capacity = measured.capacity;
    let mut lines = Vec::new();
    if let (Some(deadlines), Some(unbounded)) = (
        at(rows, "bounded queue + deadlines", 200.0),
        at(rows, "unbounded queue", 200.0),
    ) {
        lines.push(format!(
            "At 200/s, {:.1}x capacity: the bounded queue with deadlines served {:.2}x capacity \
             within the deadline (p99 {} against {} ms); the unbounded queue {:.2}x (p99 {}).",
            200.0 / capacity,
            deadlines.goodput_per_sec / capacity,
            shown_ms(deadlines.p99_ms),
            DEADLINE.as_millis(),
            unbounded.goodput_per_sec / capacity,
            shown_ms(unbounded.p99_ms)
        ));
    }
    lines.push(format!(
        "Batches of up to {MAX_BATCH}: {:.2}x the saturated throughput of one at a time.",
        measured.batched_capacity / capacity
    ));
    let busiest = GEN_LOADS[GEN_LOADS.len() - 1];
    if let (Some(continuous), Some(fixed)) = (
        at(
            rows,
            &format!("continuous batching: {FIRST_TOKEN}"),
            busiest,
        ),
        at(rows, &format!("static batching: {FIRST_TOKEN}"), busiest),
    ) {
        lines.push(format!(
            "Generation at {busiest:.0} requests/s: time to first token p99 {} with continuous \
             batching, {} with static batching.",
            shown_ms(continuous.p99_ms),
            shown_ms(fixed.p99_ms)
        ));
    }
    for row in rows
        .iter()
        .filter(|r| r.implementation.ends_with(": interactive"))
    {
        lines.push(format!(
            "{}: p99 {} against a deadline of {} ms, {:.0}% shed, beside batch work past \
             capacity.",
            row.implementation,
            shown_ms(row.p99_ms),
            DEADLINE.as_millis(),
            row.shed_fraction * 100.0
        ));
    }
    lines
}
