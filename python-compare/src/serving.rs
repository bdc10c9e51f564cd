//! The serving lab's server in Rust (axum on tokio, two threads) and in
//! Python (`python/serving.py`: aiohttp on asyncio, one thread under the
//! GIL), with the same protocol, model and policy, under the same load
//! from the same Rust generator over HTTP on 127.0.0.1.
//!
//! Two accelerators: the lab's (9 ms + 1 ms a prompt, batches of 8), where
//! the accelerator is the bottleneck and the server's own costs hide; and
//! a fast one (1 ms a batch of up to 64), where the server's own work sets
//! the pace. For each: the saturated throughput (64 callers in a closed
//! loop) and open-loop Poisson load at fixed rates.
//!
//! The Python server runs on a thread of the embedded interpreter; the
//! load is sent from tokio threads that never hold the GIL. The load
//! generator shares the two cores with either server, so both figures are
//! of the pair, server and generator, on this machine.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use concur::serving::experiment::{
    DEADLINE, FIXED, MAX_BATCH, PER_ITEM, against_with, interactive_load, runtime, shown_ms,
};
use concur::serving::load;
use kit::report::{Fingerprint, write_rows};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::Serialize;
use serving::{Options, Simulated};

use crate::interpreter;

/// An accelerator and the server's settings in front of it.
#[derive(Debug, Clone, Copy)]
pub struct Model {
    /// In the CSV: "lab" or "fast".
    pub key: &'static str,
    pub name: &'static str,
    pub fixed: Duration,
    pub per_item: Duration,
    pub max_batch: usize,
    pub queue: usize,
    /// Open-loop rates, requests a second.
    pub loads: [f64; 3],
}

/// The lab's accelerator, and a fast one (nominally 64,000 requests a
/// second) where the server is the bottleneck.
pub const MODELS: [Model; 2] = [
    Model {
        key: "lab",
        name: "the lab's accelerator (9 ms + 1 ms a prompt, batches of 8)",
        fixed: FIXED,
        per_item: PER_ITEM,
        max_batch: MAX_BATCH,
        queue: 64,
        loads: [200.0, 400.0, 800.0],
    },
    Model {
        key: "fast",
        name: "a fast accelerator (1 ms a batch of up to 64)",
        fixed: Duration::from_millis(1),
        per_item: Duration::ZERO,
        max_batch: 64,
        queue: 256,
        loads: [2000.0, 4000.0, 8000.0],
    },
];

/// The two servers.
pub const SERVERS: [&str; 2] = ["Rust: axum on tokio", "Python: aiohttp on asyncio"];

impl Model {
    /// Bounded queue, deadlines, batching: the lab's best policy.
    fn options(&self) -> Options {
        Options {
            queue: Some(self.queue),
            max_batch: self.max_batch,
            max_wait: Duration::from_millis(2),
            drop_expired: true,
            aging: Duration::from_millis(50),
        }
    }
}

/// One row of `python-serving.csv`.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct PeerRow {
    pub server: String,
    /// A [`Model`]'s key.
    pub accelerator: String,
    /// Requests a second sent; empty for the closed loop (capacity).
    pub offered_per_sec: Option<f64>,
    /// Answers a second: within the deadline for the open loop, all of
    /// them for the closed one.
    pub goodput_per_sec: f64,
    pub shed_fraction: f64,
    /// No answer within a second, or a broken connection.
    pub no_answer_fraction: f64,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
}

/// Runs the experiment with `seconds` a point, and writes the table to
/// `md` and the rows to `csv`.
pub fn run(seconds: f64, md: &Path, csv: &Path, say: &mut dyn FnMut(&str)) -> Result<()> {
    if !(seconds.is_finite() && seconds > 0.0) {
        bail!("--seconds takes a positive number of seconds, not {seconds}");
    }
    Python::attach(|py| interpreter::prepare(py, &mut *say))?;
    // Before the load, not after: measured after the last point, which
    // leaves the Python server thousands of connections its clients gave
    // up on, it read as a busy machine (1.3x to 1.5x), probably the
    // kernel closing them; the peer alone, measured before, reads 1.7x to
    // 2.0x.
    let ceiling = kit::contention::scaling_ceiling(2, 5);
    // Outside `attach`: this thread holds no GIL while the load runs.
    let rows = measure(seconds, say)?;
    let mut notes = vec![
        format!(
            "bounded queue per class, deadlines ({} ms), batching (max_wait 2 ms); {seconds} s \
             a point, the first fifth not counted; capacity: 64 callers in a closed loop",
            DEADLINE.as_millis()
        ),
        kit::report::ceiling_note(2, ceiling),
    ];
    notes.extend(kit::contention::busy_warning(ceiling));
    let fingerprint = Fingerprint::detect();
    write_rows(csv, &rows, &fingerprint, &notes)
        .with_context(|| format!("writing {}", csv.display()))?;
    let table = markdown(&rows);
    let machine: Vec<String> = fingerprint.lines().into_iter().chain(notes).collect();
    std::fs::write(md, kit::report::with_machine(&table, &machine))
        .with_context(|| format!("writing {}", md.display()))?;
    print!("{table}");
    Ok(())
}

fn measure(seconds: f64, say: &mut dyn FnMut(&str)) -> Result<Vec<PeerRow>> {
    let duration = Duration::from_secs_f64(seconds);
    let mut rows = Vec::new();
    for model in MODELS {
        for server in SERVERS {
            say(&format!("serving: {server}, {}: capacity", model.name));
            let capacity = serve(server, model, async |url| {
                load::saturate(&url, 64, duration).await
            })?;
            rows.push(PeerRow {
                server: server.to_string(),
                accelerator: model.key.to_string(),
                offered_per_sec: None,
                goodput_per_sec: capacity,
                shed_fraction: 0.0,
                no_answer_fraction: 0.0,
                p50_ms: None,
                p99_ms: None,
            });
            for (i, rate) in model.loads.into_iter().enumerate() {
                say(&format!("serving: {server}, {}: {rate:.0}/s", model.name));
                let load = interactive_load(rate, duration, 1 + i as u64);
                let outcome = serve(server, model, async |url| load::run(&url, &load).await)?;
                let all = outcome.all();
                rows.push(PeerRow {
                    server: server.to_string(),
                    accelerator: model.key.to_string(),
                    offered_per_sec: Some(rate),
                    goodput_per_sec: all.good as f64 / outcome.window.as_secs_f64(),
                    shed_fraction: all.shed as f64 / all.offered.max(1) as f64,
                    no_answer_fraction: all.failed as f64 / all.offered.max(1) as f64,
                    p50_ms: all.quantile_ms(0.5),
                    p99_ms: all.quantile_ms(0.99),
                });
            }
        }
    }
    Ok(rows)
}

/// Runs `work` against a fresh server of `model` in `server`'s language
/// (one of [`SERVERS`]), on a fresh runtime; the server stops after it.
pub fn serve<T>(server: &str, model: Model, work: impl AsyncFnOnce(String) -> T) -> Result<T> {
    if server == SERVERS[0] {
        let accelerator = Arc::new(Simulated::new(model.fixed, model.per_item, model.max_batch));
        return against_with(accelerator, model.options(), work);
    }
    let python = PythonServer::start(model)?;
    let runtime = runtime()?;
    let result = runtime.block_on(work(python.url()));
    runtime.shutdown_timeout(Duration::from_secs(1));
    drop(python);
    Ok(result)
}

/// `python/serving.py` serving on a thread of the embedded interpreter;
/// stopped when dropped.
#[derive(Debug)]
pub struct PythonServer {
    pub port: u16,
    /// serving.py's `Running`.
    running: Py<PyAny>,
}

impl PythonServer {
    pub fn start(model: Model) -> Result<PythonServer> {
        let options = model.options();
        Python::attach(|py| -> Result<PythonServer> {
            // Our Python files on the path, and aiohttp: a no-op if done.
            interpreter::prepare(py, &mut |_| {})?;
            let settings = PyDict::new(py);
            settings.set_item("fixed_ms", model.fixed.as_secs_f64() * 1e3)?;
            settings.set_item("per_item_ms", model.per_item.as_secs_f64() * 1e3)?;
            settings.set_item("max_batch", options.max_batch)?;
            settings.set_item("max_wait_ms", options.max_wait.as_secs_f64() * 1e3)?;
            settings.set_item("queue", options.queue)?;
            settings.set_item("aging_ms", options.aging.as_secs_f64() * 1e3)?;
            settings.set_item("drop_expired", options.drop_expired)?;
            let running = py.import("serving")?.call_method1("start", (settings,))?;
            let port: u16 = running.getattr("port")?.extract()?;
            Ok(PythonServer {
                port,
                running: running.unbind(),
            })
        })
        .context("starting python/serving.py")
    }

    /// Where to post.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/infer", self.port)
    }

    /// The prompts it has run, oldest first (the last thousand).
    pub fn ran(&self) -> Result<Vec<u64>> {
        Python::attach(|py| self.running.bind(py).call_method0("ran")?.extract())
            .map_err(|e: PyErr| anyhow::anyhow!("asking python/serving.py what it ran: {e}"))
    }
}

impl Drop for PythonServer {
    fn drop(&mut self) {
        Python::attach(|py| {
            if let Err(e) = self.running.bind(py).call_method0("stop") {
                eprintln!("warning: stopping python/serving.py: {e}");
            }
        });
    }
}

/// The rows as a Markdown table per accelerator, the two servers' rows
/// of each point one above the other.
pub fn markdown(rows: &[PeerRow]) -> String {
    let mut out = String::new();
    for model in MODELS {
        out.push_str(&format!(
            "\n{}:\n\n| offered/s | server | answered/s | shed | no answer | p99 |\n\
             |---:|---|---:|---:|---:|---:|\n",
            model.name
        ));
        let points = std::iter::once(None).chain(model.loads.map(Some));
        for offered in points {
            for server in SERVERS {
                let Some(row) = rows.iter().find(|r| {
                    r.accelerator == model.key && r.server == server && r.offered_per_sec == offered
                }) else {
                    continue;
                };
                let point = offered.map_or("capacity".to_string(), |r| format!("{r:.0}"));
                let (shed, no_answer, p99) = match offered {
                    None => ("-".to_string(), "-".to_string(), "-".to_string()),
                    Some(_) => (
                        format!("{:.0}%", row.shed_fraction * 100.0),
                        format!("{:.0}%", row.no_answer_fraction * 100.0),
                        shown_ms(row.p99_ms),
                    ),
                };
                out.push_str(&format!(
                    "| {point} | {server} | {:.0} | {shed} | {no_answer} | {p99} |\n",
                    row.goodput_per_sec
                ));
            }
        }
    }
    out
}
