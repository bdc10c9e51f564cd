//! `concur search --corpus FILE [-k K] [--shards S] [--replicas R]
//! [--processes] [--lossy]`: an index of FILE (one document per line, id =
//! 0-based line number), then one query per line of standard input, one
//! JSON answer per line of standard output:
//! `{"query": "...", "hits": [{"doc": 12, "score": 3.21}], "partial": false}`.
//!
//! In-process shards by default; with `--processes`, a cluster of shard
//! processes on loopback and the search cluster exercise's reference
//! coordinator. `concur search serve-shard` is one such process.

use std::io::{self, BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use concur::cluster::corpus;
use concur::cluster::http::HttpCluster;
use concur::cluster::metrics::{self, QueryLatency};
use concur::cluster::processes::{Processes, Spawn};
use concur::cluster::shard::Shard;
use inverted_index::{DocId, Hit, SegmentIndex, Sharded};
use search_cluster::{Coordinator, Options, Query, ScatterGather, ShardId};

use super::finish_output;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<SearchCommand>,
    /// The documents, one per line (UTF-8); an empty line is an empty
    /// document, and a document's id is its line number, from 0.
    #[arg(long, value_name = "FILE", required = true)]
    corpus: Option<PathBuf>,
    /// Hits per query, at most.
    #[arg(short = 'k', value_name = "K", default_value_t = 10)]
    k: usize,
    /// Split the documents over S shards, searched in parallel with the
    /// whole collection's statistics: the answers are the same as with one.
    #[arg(long, value_name = "S", default_value_t = 1)]
    shards: usize,
    /// With --processes: copies of each shard, one process each.
    #[arg(long, value_name = "R", default_value_t = 1)]
    replicas: usize,
    /// Run each shard replica as a process of its own on 127.0.0.1, and
    /// search them through a coordinator over HTTP; they stop when this
    /// command does.
    #[arg(long)]
    processes: bool,
    /// With --processes: the time each query has; shards that miss it are
    /// left out, and the answer says `"partial": true` and which.
    #[arg(long, value_name = "MS", default_value_t = 5000)]
    deadline_ms: u64,
    /// With --processes: serve the coordinator's metrics (query latency,
    /// partial answers, failed calls, hedges sent and won) at
    /// http://127.0.0.1:PORT/metrics; 0 picks a free port. The shards
    /// serve their own at their addresses.
    #[arg(long, value_name = "PORT")]
    metrics_port: Option<u16>,
    /// Replace bytes that are not UTF-8 with U+FFFD instead of stopping.
    #[arg(long)]
    lossy: bool,
}

#[derive(Debug, clap::Subcommand)]
enum SearchCommand {
    /// One shard of a cluster as an HTTP server on 127.0.0.1: indexes the
    /// documents whose id modulo OF is SHARD, prints `listening on
    /// http://127.0.0.1:PORT` and serves until killed.
    ServeShard(ServeArgs),
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    #[arg(long, value_name = "FILE")]
    corpus: PathBuf,
    /// This shard's number, from 0.
    #[arg(long, value_name = "SHARD")]
    shard: usize,
    /// The number of shards.
    #[arg(long, value_name = "OF")]
    of: usize,
    /// 0 picks a free port.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// How often adds are made visible.
    #[arg(long, value_name = "MS", default_value_t = 100)]
    refresh_ms: u64,
    /// Die with this process: set by `concur search --processes`.
    #[arg(long, value_name = "PID", hide = true)]
    parent: Option<u32>,
    #[arg(long)]
    lossy: bool,
}

#[derive(serde::Serialize)]
struct Answer<'a> {
    query: &'a str,
    hits: Vec<JsonHit>,
    /// True when a shard missed the deadline: the hits are the best of the
    /// shards that answered.
    partial: bool,
    /// The shards left out, when there are any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    missing: Vec<ShardId>,
}

#[derive(serde::Serialize)]
struct JsonHit {
    doc: DocId,
    score: f64,
}

pub fn run(args: &Args) -> Result<()> {
    if let Some(SearchCommand::ServeShard(serve)) = &args.command {
        return serve_shard(serve);
    }
    let corpus_path = args.corpus.as_ref().expect("clap requires --corpus");
    if args.k == 0 {
        bail!("-k must be at least 1");
    }
    if args.shards == 0 || args.shards > 1024 {
        bail!("--shards takes a count from 1 to 1024, got {}", args.shards);
    }
    if args.replicas == 0 || args.replicas > 64 {
        bail!(
            "--replicas takes a count from 1 to 64, got {}",
            args.replicas
        );
    }
    if args.replicas > 1 && !args.processes {
        bail!("--replicas needs --processes: in-process shards have no replicas");
    }
    if args.metrics_port.is_some() && !args.processes {
        bail!("--metrics-port needs --processes: it serves the cluster coordinator's metrics");
    }
    if args.processes {
        return run_cluster(args, corpus_path);
    }
    let text = corpus::read(corpus_path, args.lossy)?;
    let docs: Vec<&str> = text.lines().collect();
    let index = Sharded::<SegmentIndex>::new(args.shards, corpus::tokenizer(&text));
    corpus::add_all(&docs, |id, doc| {
        index.add(id, doc);
    });
    index.refresh();
    eprintln!(
        "search: {} documents in {} shard(s); reading queries, one per line",
        docs.len(),
        args.shards
    );
    answer_queries(args.lossy, |query| {
        let hits = index.search(query, args.k);
        (
            hits.iter()
                .map(|&Hit { doc, score }| JsonHit { doc, score })
                .collect(),
            Vec::new(),
        )
    })
}

/// The cluster: shard processes, and the reference coordinator over HTTP.
fn run_cluster(args: &Args, corpus_path: &std::path::Path) -> Result<()> {
    // Read here first, so that a bad corpus is one clear error, not one
    // per shard process.
    corpus::read(corpus_path, args.lossy)?;
    let program = std::env::current_exe().context("finding the concur binary")?;
    let processes = Processes::start(&Spawn {
        program: &program,
        corpus: corpus_path,
        shards: args.shards,
        replicas: args.replicas,
        lossy: args.lossy,
        refresh: Duration::from_millis(100),
    })?;
    let pids = processes.pids();
    // Ctrl-C, SIGTERM or SIGHUP: kill the shards before leaving. (SIGKILL
    // cannot be caught: the shards' parent-death signal covers it.)
    ctrlc::set_handler(move || {
        for &pid in &pids {
            kill(pid);
        }
        std::process::exit(130);
    })
    .context("setting the Ctrl-C handler")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the coordinator's runtime")?;
    let cluster = Arc::new(HttpCluster::new(processes.addresses.clone()));
    let coordinator = Arc::new(ScatterGather::new(
        Arc::clone(&cluster),
        Options {
            hedging: args.replicas > 1,
        },
    ));
    let latency = QueryLatency::default();
    if let Some(port) = args.metrics_port {
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(("127.0.0.1", port)))
            .with_context(|| format!("cannot listen on 127.0.0.1:{port} for --metrics-port"))?;
        let address = listener.local_addr().context("the metrics address")?;
        eprintln!("search: metrics at http://{address}/metrics");
        let counted = {
            let coordinator = Arc::clone(&coordinator);
            Arc::new(move || coordinator.counters().now())
        };
        runtime.spawn(metrics::serve(
            listener,
            counted,
            latency.clone(),
            Arc::clone(&cluster),
        ));
    }
    eprintln!(
        "search: {} shard(s) of {} replica(s) as processes; reading queries, one per line",
        args.shards, args.replicas
    );
    let deadline = Duration::from_millis(args.deadline_ms);
    let answered = answer_queries(args.lossy, |query| {
        let started = tokio::time::Instant::now();
        let answer =
            runtime.block_on(coordinator.search(Query::new(query, args.k, started + deadline)));
        latency.observe(started.elapsed());
        if answer.partial {
            eprintln!(
                "search: {query:?}: shards {:?} missed the deadline",
                answer.missing
            );
        }
        let hits = answer
            .hits
            .iter()
            .map(|h| JsonHit {
                doc: h.doc,
                score: h.score,
            })
            .collect();
        (hits, answer.missing)
    });
    drop(processes);
    answered
}

/// Reads queries from stdin, one per line, and prints `search`'s answer to
/// each as a line of JSON.
fn answer_queries(
    lossy: bool,
    mut search: impl FnMut(&str) -> (Vec<JsonHit>, Vec<ShardId>),
) -> Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    let mut line = Vec::new();
    let mut input = io::stdin().lock();
    let mut number = 0;
    let written = loop {
        line.clear();
        let read = input
            .read_until(b'\n', &mut line)
            .context("reading the queries")?;
        if read == 0 {
            break out.flush();
        }
        number += 1;
        let raw = line.strip_suffix(b"\n").unwrap_or(&line);
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let query = corpus::decode(raw, lossy).with_context(|| format!("query {number}"))?;
        let (hits, missing) = search(&query);
        let answer = Answer {
            query: &query,
            hits,
            partial: !missing.is_empty(),
            missing,
        };
        let json = serde_json::to_string(&answer).context("writing an answer")?;
        if let Err(e) = writeln!(out, "{json}").and_then(|()| out.flush()) {
            break Err(e);
        }
    };
    finish_output(written)
}

fn kill(pid: u32) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{Signal, kill};
        use nix::unistd::Pid;
        let _ = kill(Pid::from_raw(pid as i32), Signal::SIGKILL);
    }
    #[cfg(not(unix))]
    let _ = pid;
}

/// `concur search serve-shard`.
fn serve_shard(args: &ServeArgs) -> Result<()> {
    if args.of == 0 || args.shard >= args.of {
        bail!(
            "--shard must be below --of (shard {} of {})",
            args.shard,
            args.of
        );
    }
    if let Some(parent) = args.parent {
        die_with(parent)?;
    }
    let text = corpus::read(&args.corpus, args.lossy)?;
    let shard = Arc::new(Shard::build(&text, args.shard, args.of));
    drop(text);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the shard's runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
            .await
            .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
        let address = listener.local_addr().context("the listening address")?;
        // The parent reads this line to know where the shard is.
        println!("listening on http://{address}");
        io::stdout().flush().context("printing the address")?;
        tokio::spawn(
            Arc::clone(&shard).refresh_every(Duration::from_millis(args.refresh_ms.max(1))),
        );
        axum::serve(listener, shard.router())
            .await
            .context("serving")
    })
}

/// Asks Linux to kill this process when `parent` dies, and checks that it
/// has not died already (it may have, between starting us and now).
fn die_with(parent: u32) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL)
            .context("asking for the parent-death signal")?;
        if nix::unistd::getppid().as_raw() as u32 != parent {
            bail!("the parent process {parent} is gone");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = parent;
    Ok(())
}
