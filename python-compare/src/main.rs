//! `python-compare --workload all|NAME[,NAME] --workers 1,2 --csv FILE`
//!
//! Times the exercises' Rust reference implementations against Python on
//! the same input, checks that every answer agrees, and writes the CSV, a
//! chart per workload beside it (`FILE` -> `FILE-stem-<workload>.svg`) and
//! a table of ratios to stdout.
//!
//! `python-compare --serving [--seconds S]` runs the serving lab's server
//! in Rust and in Python under the same load instead.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use kit::progress::Steps;
use python_compare::{Options, Size, known_workloads, summary};

#[derive(Debug, Parser)]
#[command(
    version,
    about = "Rust against GIL-bound Python on the exercises' workloads"
)]
struct Args {
    #[arg(long, default_value = "all", help = format!(
        "all, or workloads separated by commas: {}",
        known_workloads().join(", ")
    ))]
    workload: String,
    /// Worker counts (threads, processes or requests in flight), separated by commas.
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    workers: Vec<usize>,
    /// Worker counts for the crawler, which waits on the network (default: --workers).
    #[arg(long, value_delimiter = ',')]
    io_workers: Option<Vec<usize>>,
    /// Where to write the CSV; the charts go beside it.
    #[arg(long, default_value = "target/python-compare/compare.csv")]
    csv: PathBuf,
    /// Runs of each variant; the CSV keeps the median.
    #[arg(long, default_value_t = 3)]
    repeats: usize,
    /// Input size: full for the real comparison, small to check the harness.
    #[arg(long, value_enum, default_value_t = Size::Full)]
    size: Size,
    /// Print only the table: no progress, no steps.
    #[arg(long)]
    quiet: bool,
    /// Print the table of ratios of an earlier run's CSV, and run nothing.
    #[arg(long, value_name = "CSV")]
    table_of: Option<PathBuf>,
    /// Redraw the charts of an earlier run's CSV, beside it, and run nothing.
    #[arg(long, value_name = "CSV")]
    charts_of: Option<PathBuf>,
    /// Run the serving peer instead: the lab's inference server in Rust and
    /// in Python (aiohttp) under the same load; writes python-serving.csv
    /// and .md beside --csv.
    #[arg(long)]
    serving: bool,
    /// With --serving: seconds of load a point.
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(csv) = &args.table_of {
        return match summary::markdown_of_csv(csv) {
            Ok(table) => {
                print!("{table}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("python-compare: {error:#}");
                ExitCode::FAILURE
            }
        };
    }
    if let Some(csv) = &args.charts_of {
        return match python_compare::output::redraw(csv) {
            Ok(charts) => {
                for chart in charts {
                    println!("wrote {}", chart.display());
                }
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("python-compare: {error:#}");
                ExitCode::FAILURE
            }
        };
    }
    if args.serving {
        let dir = args.csv.parent().unwrap_or(std::path::Path::new("."));
        let (md, csv) = (
            dir.join("python-serving.md"),
            dir.join("python-serving.csv"),
        );
        let steps = Steps::new(None, args.quiet);
        let mut say = |message: &str| steps.show(message);
        let outcome = std::fs::create_dir_all(dir)
            .map_err(anyhow::Error::from)
            .and_then(|()| python_compare::serving::run(args.seconds, &md, &csv, &mut say));
        steps.finish();
        return match outcome {
            Ok(()) => {
                eprintln!("wrote {}\nwrote {}", md.display(), csv.display());
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("python-compare: {error:#}");
                ExitCode::FAILURE
            }
        };
    }
    let workloads = if args.workload == "all" {
        known_workloads().into_iter().map(String::from).collect()
    } else {
        args.workload
            .split(',')
            .map(|s| s.trim().to_string())
            .collect()
    };
    let options = Options {
        workloads,
        io_workers: args.io_workers.unwrap_or_else(|| args.workers.clone()),
        workers: args.workers.clone(),
        repeats: args.repeats,
        size: args.size,
        csv: args.csv,
    };
    let steps = Steps::new(None, args.quiet);
    let mut say = |message: &str| steps.show(message);
    let outcome = python_compare::run(&options, &mut say);
    steps.finish();
    match outcome {
        Ok((rows, files)) => {
            print!(
                "{}",
                summary::markdown(&rows, &options.workers, &options.io_workers)
            );
            for file in files {
                eprintln!("wrote {}", file.display());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("python-compare: {error:#}");
            ExitCode::FAILURE
        }
    }
}
