//! `concur bench <exercise|all> [--threads 1,2,4] [--seconds S] [--csv FILE]
//! [--svg FILE] [--starter]`
//!
//! Writes the CSV and the chart by default (under `target/concur/bench/`),
//! and prints their paths. With `--starter`, your implementation joins the
//! references: this binary does not link any starter (a starter that does
//! not compile must not break `concur`), so it builds one that does, with
//! only that exercise's starter, and runs the same command there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use concur::sweep::{
    Point, Scale, Sweep, extra_tables, measure_together, sweeps, table, write_results,
};
use concur::workflow::progress::{Progress, stored_state};
use concur::workflow::{exercise, root};
use kit::contention::{busy_warning, line_handoff_ns, scaling_ceiling};
use kit::progress::Steps;
use kit::report::{Record, ceiling_note, handoff_note};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which exercise's sweep to run, or all.
    #[arg(value_parser = sweep_names())]
    exercise: String,
    /// Thread counts to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,2,4,8")]
    threads: Vec<usize>,
    /// Seconds to spend on each implementation at each point of the sweep
    /// [default: 0.5; for serving, 2 a point of offered load]. Runs
    /// alternate between implementations and the median run counts.
    #[arg(long, allow_negative_numbers = true)]
    seconds: Option<f64>,
    /// Write the results as CSV (with the machine fingerprint) here
    /// [default: target/concur/bench/EXERCISE.csv].
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Draw the chart as SVG here [default: target/concur/bench/EXERCISE.svg].
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Put your starter on the chart beside the references.
    #[arg(long)]
    starter: bool,
    /// No progress bar; only the tables.
    #[arg(long)]
    quiet: bool,
}

/// Other names a sweep answers to: `concur bench search` is the command
/// the search exercises' docs give.
const ALIASES: &[(&str, &str)] = &[("inverted-index", "search")];

/// Every exercise with a sweep, from the registry, and "all".
fn sweep_names() -> clap::builder::PossibleValuesParser {
    let mut values: Vec<clap::builder::PossibleValue> = concur::registry::EXERCISES
        .iter()
        .filter(|e| e.sweep.is_some())
        .map(|e| {
            let value = clap::builder::PossibleValue::new(e.name).help(e.question);
            match ALIASES.iter().find(|(name, _)| *name == e.name) {
                Some((_, alias)) => value.alias(*alias),
                None => value,
            }
        })
        .collect();
    values.push(clap::builder::PossibleValue::new(SERVING).help(
        "The serving lab: goodput, shed fraction and latency against offered load, over HTTP.",
    ));
    values.push(clap::builder::PossibleValue::new("all").help("Every exercise in turn."));
    clap::builder::PossibleValuesParser::new(values)
}

/// Not a sweep over threads but over offered load, with a CSV of its own
/// (`bench_serving.rs`); `all` leaves it out, as it takes a minute or more.
const SERVING: &str = "serving";

/// Fewer runs than this and a median means little, whatever the time.
const MIN_RUNS: usize = 3;

/// Set in the environment of the build that `--starter` runs, so that it
/// never runs another.
const REBUILT: &str = "CONCUR_BENCH_WITH_STARTER";

pub fn run(args: &Args) -> Result<()> {
    let default = if args.exercise == SERVING { 2.0 } else { 0.5 };
    let seconds = args.seconds.unwrap_or(default);
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= 3600.0) {
        bail!("--seconds must be a number of seconds above 0 (and at most 3600), got {seconds}");
    }
    if args.exercise == SERVING {
        let csv = args
            .csv
            .clone()
            .unwrap_or_else(|| default_output(SERVING, "csv"));
        check_writable(&csv)?;
        return super::bench_serving::run(seconds, &csv, args.quiet);
    }
    if args.threads.is_empty() || args.threads.iter().any(|&t| t == 0 || t > 1024) {
        bail!("--threads takes counts from 1 to 1024, such as --threads 1,2,4");
    }
    // clap accepts an alias as it is typed; the sweep has the name.
    let exercise = ALIASES
        .iter()
        .find(|(_, alias)| *alias == args.exercise)
        .map_or(args.exercise.as_str(), |(name, _)| *name);
    let chosen: Vec<Sweep> = sweeps()
        .into_iter()
        .filter(|sweep| exercise == "all" || exercise == sweep.exercise)
        .collect();
    let name = match chosen.as_slice() {
        [one] => one.exercise,
        _ => "all",
    };
    if args.starter && chosen.iter().any(|s| !s.starter.built) {
        return rebuild_with_starters(&chosen);
    }
    let csv = args
        .csv
        .clone()
        .unwrap_or_else(|| default_output(name, "csv"));
    let svg = args
        .svg
        .clone()
        .unwrap_or_else(|| default_output(name, "svg"));
    // Fail now, not after minutes of measuring, if the output cannot be
    // written. Opening without truncating leaves an existing file as it is.
    for path in [&csv, &svg] {
        check_writable(path)?;
    }
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this is a debug build, which measures the compiler's checks more than \
             the design. Run it with cargo run --release."
        );
    }
    // A starter's todo!() is expected here: it is reported once per
    // contender below, not as a backtrace per run.
    std::panic::set_hook(Box::new(|_| {}));
    let budget = Duration::from_secs_f64(seconds);
    let mut records = Vec::new();
    for sweep in &chosen {
        let mut measured = Vec::new();
        let mut skipped: BTreeMap<String, String> = BTreeMap::new();
        let points: Vec<_> = (sweep.points)(&args.threads).collect();
        // A workload's thread counts are measured together, so that the
        // ratio of two threads to one compares the same moments.
        let workloads = points.chunk_by(|a, b| a.workload == b.workload);
        let steps = Steps::new(Some(workloads.clone().count() as u64), args.quiet);
        for together in workloads {
            steps.show(&format!(
                "{}: {} with {} thread counts at once",
                together[0].exercise,
                together[0].workload,
                together.len()
            ));
            let together: Vec<&Point> = together.iter().collect();
            measured.extend(measure_together(
                &together,
                budget,
                MIN_RUNS,
                |name, why| {
                    skipped
                        .entry(name.to_string())
                        .or_insert_with(|| why.to_string());
                },
            ));
            steps.done();
        }
        steps.finish();
        let mine: Vec<Record> = measured.iter().map(|m| m.record.clone()).collect();
        println!("{}", table(&mine, sweep.baseline, sweep.unit));
        report_starter(sweep, &mine, &skipped);
        for (contender, why) in &skipped {
            if *contender != sweep.starter.name {
                println!("{contender} was left out: it panicked ({why})\n");
            }
        }
        records.extend(mine);
        for (_, title, extra) in extra_tables(sweep, &measured, extras_scale(seconds)) {
            println!("{title}:\n\n{}", extra.markdown);
        }
    }

    let ceiling = scaling_ceiling(2, 5);
    let note = ceiling_note(2, ceiling);
    println!("{note}");
    if let Some(warning) = busy_warning(ceiling) {
        println!("{warning}");
    }
    let handoff = handoff_note(&line_handoff_ns(9));
    println!("{handoff}");
    let notes = vec![note, handoff];
    let (title, unit) = match chosen.as_slice() {
        [one] => (one.title, one.unit),
        _ => ("throughput against threads", "million per second"),
    };
    let dir = svg
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(".".as_ref());
    let stem = svg
        .file_stem()
        .and_then(|s| s.to_str())
        .context("--svg needs a file name")?;
    let (written_csv, written_svg) =
        write_results(dir, stem, title, unit, &records, &notes).map_err(anyhow::Error::msg)?;
    // write_results puts the CSV beside the chart; a --csv elsewhere gets
    // its own copy.
    if written_csv != csv {
        std::fs::copy(&written_csv, &csv).with_context(|| format!("writing {}", csv.display()))?;
    }
    println!(
        "\nchart: {}\ndata:  {}",
        written_svg.display(),
        csv.display()
    );
    Ok(())
}

/// How big the extra tables' own experiments are. Under a tenth of a second
/// a point, a run is a smoke test (the CLI's own tests use one): the extras
/// run at their smallest too, so that they show they work without taking
/// longer than the sweep.
fn extras_scale(seconds: f64) -> Scale {
    if seconds < 0.1 {
        Scale::Test
    } else {
        Scale::Quick
    }
}

/// Where the chart and the CSV go unless told otherwise.
pub(super) fn default_output(name: &str, extension: &str) -> PathBuf {
    let base = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().map_or_else(|_| PathBuf::from("target"), |r| r.join("target")));
    base.join("concur/bench")
        .join(format!("{name}.{extension}"))
}

/// Your implementation beside the reference it mirrors, at the same
/// settings; or, if it could not run, why, once.
fn report_starter(sweep: &Sweep, records: &[Record], skipped: &BTreeMap<String, String>) {
    let starter = &sweep.starter;
    if !starter.built {
        return;
    }
    if let Some(why) = skipped.get(starter.name) {
        println!(
            "Your {} is not on the chart: it panicked ({why}). The references only.\n\
             `concur check {}` shows what to finish first.\n",
            starter.name, sweep.exercise
        );
        return;
    }
    let mut ratios = Vec::new();
    for mine in records.iter().filter(|r| r.implementation == starter.name) {
        if let Some(reference) = records.iter().find(|r| {
            r.implementation == starter.reference
                && r.workload == mine.workload
                && r.threads == mine.threads
        }) {
            ratios.push(format!(
                "{} at {}: {:.2}x",
                mine.workload,
                mine.threads,
                mine.ops_per_sec() / reference.ops_per_sec()
            ));
        }
    }
    if ratios.is_empty() {
        return;
    }
    println!(
        "Your {} against {} (1.00x: as fast), workload at threads:\n  {}",
        starter.name,
        starter.reference,
        ratios.join("\n  ")
    );
    if let Some(settings) = starter.settings {
        println!("Settings: {}.", settings());
    }
    println!(
        "Where yours is slower, the usual reasons: {}.\n",
        starter.gap
    );
}

/// Runs this same command again from a build that includes the starters of
/// the chosen exercises (`--features hashmap-starter`), and exits with its
/// status.
fn rebuild_with_starters(chosen: &[Sweep]) -> Result<()> {
    if std::env::var_os(REBUILT).is_some() {
        bail!("the build with your starter does not include it: is the feature missing?");
    }
    let root = root()?;
    let record = Progress::load(&root);
    let mut features = Vec::new();
    for sweep in chosen {
        // With `all`, only starters that pass: one that does not compile
        // would stop the whole build.
        let exercise = exercise(sweep.exercise)?;
        if chosen.len() == 1 || stored_state(&root, exercise, &record)?.passing() {
            features.push(format!("{}-starter", sweep.exercise));
        } else {
            eprintln!(
                "leaving out your {} starter: it has not passed `concur check {}`",
                sweep.exercise, sweep.exercise
            );
        }
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let passed_on: Vec<String> = std::env::args().skip(1).collect();
    eprintln!(
        "building concur with your starter (--features {}) in release mode...",
        features.join(",")
    );
    let status = Command::new(cargo)
        .current_dir(&root)
        .args([
            "run",
            "--release",
            "-q",
            "--features",
            &features.join(","),
            "--",
        ])
        .args(&passed_on)
        .env(REBUILT, "1")
        .status()
        .context("cannot run cargo: is it on the PATH?")?;
    if !status.success() {
        bail!(
            "the bench with your starter failed (exit {}). If it did not compile, \
             `concur check` shows the errors.",
            status.code().unwrap_or(1)
        );
    }
    Ok(())
}

pub(super) fn check_writable(path: &Path) -> Result<()> {
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
