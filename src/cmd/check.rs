//! `concur check NAME`: the exercise's suite against your starter, with
//! each failure named as a bug class and a pointer to what explains it.

use std::path::Path;

use anyhow::Result;
use concur::workflow::Exercise;
use concur::workflow::progress::{self, Progress};
use concur::workflow::suite::{self, Report};

use kit::progress::Steps;

use super::ui::Named;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    exercise: Named,
    /// No spinner while the suite builds and runs.
    #[arg(long)]
    quiet: bool,
}

/// True when every check passes.
pub fn run(args: &Args) -> Result<bool> {
    let (root, exercise) = args.exercise.resolve()?;
    check(&root, exercise, args.quiet)
}

pub fn check(root: &Path, exercise: &Exercise, quiet: bool) -> Result<bool> {
    let hash = progress::hash_file(&exercise.starter(root))?;
    let bar = Steps::spinner(
        &format!(
            "building and running {}'s suite against your starter",
            exercise.name
        ),
        quiet,
    );
    let report = suite::run(root, exercise)?;
    bar.finish();
    let mut record = Progress::load(root);
    record.record(exercise, &hash, &report);
    record.save()?;
    print_report(exercise, &report);
    Ok(report.passing())
}

fn print_report(exercise: &Exercise, report: &Report) {
    let checks = match report {
        Report::DoesNotBuild(error) => {
            println!("{}: your starter does not compile yet.\n", exercise.name);
            println!("{error}");
            return;
        }
        Report::Ran(checks) => checks,
    };
    let (passed, total) = report.counts();
    println!("{}: {passed} of {total} checks pass\n", exercise.name);
    let mut previous: Option<&str> = None;
    for check in checks {
        if check.passed {
            println!("  ok    {}", check.name);
            continue;
        }
        println!("  FAIL  {}", check.name);
        if check.message.is_some() && check.message.as_deref() == previous {
            println!("        (the same failure as above)");
            continue;
        }
        previous = check.message.as_deref();
        if let Some(message) = &check.message {
            for line in message.lines().take(4) {
                println!("        {line}");
            }
        }
        match check.bug_class() {
            Some(class) => println!(
                "        -> most likely: {}. Read {}.",
                class.name,
                class.pointer(exercise)
            ),
            None => println!(
                "        -> read the message above, then `concur hint {}`.",
                exercise.name
            ),
        }
    }
    println!();
    if report.passing() {
        println!(
            "All checks pass. Put your {} on the chart beside the references:\n  \
             cargo run --release --features starter -- bench {} --threads 1,2,4",
            exercise.name, exercise.name
        );
    } else {
        println!(
            "Not yet. Fix the first failure, then `concur check {}` again (or `concur watch {}`).",
            exercise.name, exercise.name
        );
    }
}
