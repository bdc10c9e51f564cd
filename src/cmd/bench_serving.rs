//! `concur bench serving [--seconds S] [--csv FILE]`: the serving lab's
//! experiment, a table per question, and a CSV of
//! `offered_per_sec,implementation,goodput_per_sec,shed_fraction,p50_ms,p99_ms`
//! after the fingerprint lines and `# capacity: N/s`.

use std::path::Path;

use anyhow::{Context, Result};
use concur::serving::experiment::{self, DEADLINE, FIXED, MAX_BATCH, Measured, PER_ITEM, Row};
use kit::contention::{busy_warning, scaling_ceiling};
use kit::report::{Fingerprint, ceiling_note, write_rows};

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
    // The server sleeps for its accelerator, so the cores are not the
    // limit; a busy machine still delays every timer and answer.
    let ceiling = scaling_ceiling(2, 5);
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
        ceiling_note(2, ceiling),
    ];
    if let Some(warning) = busy_warning(ceiling) {
        println!("{warning}");
        notes.push(warning);
    }
    println!("{}", markdown(&measured.rows));
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

fn shown_ms(ms: Option<f64>) -> String {
    ms.map_or("none served".to_string(), |ms| format!("{ms:.1} ms"))
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
