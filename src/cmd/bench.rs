//! `concur bench <exercise|all> [--threads 1,2,4] [--seconds S] [--csv FILE]`

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use concur::sweep::{Sweep, ceiling_note, measure_interleaved, sweeps, table, write_results};
use kit::contention::scaling_ceiling;
use kit::progress::Steps;
use kit::report::{Fingerprint, write_csv};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which exercise's sweep to run.
    #[arg(value_enum)]
    exercise: Exercise,
    /// Thread counts to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,2,4,8")]
    threads: Vec<usize>,
    /// Seconds to spend on each implementation at each point of the sweep.
    /// Runs alternate between implementations and the median run counts.
    #[arg(long, default_value_t = 0.5, allow_negative_numbers = true)]
    seconds: f64,
    /// Also write the results as CSV (with the machine fingerprint) here.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Also draw the chart as SVG here.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// No progress bar; only the tables.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Exercise {
    /// ConcurrentHashMap vs Hashtable: striped against global locks.
    Hashmap,
    /// Top-K frequent queries: exact counters against Space-Saving.
    Topk,
    /// Autocomplete: one lock, shards, and snapshots readers never wait for.
    Trie,
    /// Word segmentation: sequential, scoped threads, a pipeline, rayon.
    Segment,
    /// A web crawler: threads against tokio at 20 ms latency.
    Crawler,
    /// Every exercise in turn.
    All,
}

/// Fewer runs than this and a median means little, whatever the time.
const MIN_RUNS: usize = 3;

pub fn run(args: &Args) -> Result<()> {
    if args.threads.is_empty() || args.threads.iter().any(|&t| t == 0 || t > 1024) {
        bail!("--threads takes counts from 1 to 1024, such as --threads 1,2,4");
    }
    if !(args.seconds.is_finite() && args.seconds > 0.0 && args.seconds <= 3600.0) {
        bail!(
            "--seconds must be a number of seconds above 0 (and at most 3600), got {}",
            args.seconds
        );
    }
    // Fail now, not after minutes of measuring, if the output cannot be
    // written. Opening without truncating leaves an existing file as it is.
    for path in args.csv.iter().chain(&args.svg) {
        check_writable(path)?;
    }
    let chosen: Vec<Sweep> = sweeps()
        .into_iter()
        .filter(|sweep| match args.exercise {
            Exercise::All => true,
            Exercise::Hashmap => sweep.exercise == "hashmap",
            Exercise::Topk => sweep.exercise == "topk",
            Exercise::Trie => sweep.exercise == "trie",
            Exercise::Segment => sweep.exercise == "segment",
            Exercise::Crawler => sweep.exercise == "crawler",
        })
        .collect();
    // A starter's todo!() is expected here: one line, not a backtrace. The
    // sweep drops that implementation and says so.
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("a panic");
        eprintln!("  panicked: {message}");
    }));
    let budget = Duration::from_secs_f64(args.seconds);
    let mut records = Vec::new();
    for sweep in &chosen {
        let mut mine = Vec::new();
        let points: Vec<_> = (sweep.points)(&args.threads).collect();
        let steps = Steps::new(Some(points.len() as u64), args.quiet);
        for point in points {
            steps.show(&format!(
                "{}: {} with {} thread(s)",
                point.exercise, point.workload, point.threads
            ));
            mine.extend(measure_interleaved(
                &point,
                budget,
                MIN_RUNS,
                |name, why| steps.note(&format!("  skipping {name}: {why}")),
            ));
            steps.done();
        }
        steps.finish();
        println!("{}", table(&mine, sweep.baseline, sweep.unit));
        records.extend(mine);
        if let Some(extra) = sweep.extra {
            println!("{}", extra());
        }
    }

    let ceiling = scaling_ceiling(2, 5);
    let note = ceiling_note(ceiling);
    println!("{note}");
    let notes = vec![note];
    if let Some(path) = &args.csv {
        write_csv(path, &records, &Fingerprint::detect(), &notes)
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = &args.svg {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(".".as_ref());
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .context("--svg needs a file name")?;
        let (title, unit) = match chosen.as_slice() {
            [one] => (one.title, one.unit),
            _ => ("throughput against threads", "million per second"),
        };
        let (_, svg) =
            write_results(dir, stem, title, unit, &records, &notes).map_err(anyhow::Error::msg)?;
        eprintln!("wrote {} (and its CSV beside it)", svg.display());
    }
    Ok(())
}

fn check_writable(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("writing {}", path.display()))?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
