//! `concur list`: every exercise, its question, and how far this checkout
//! has got with it.

use anyhow::Result;
use concur::workflow::progress::{self, Progress, State};
use concur::workflow::{EXERCISES, Exercise, root, suite};

use kit::progress::Steps;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// No spinner while a suite runs.
    #[arg(long)]
    quiet: bool,
}

pub fn run(args: &Args) -> Result<()> {
    let root = root()?;
    let mut record = Progress::load(&root);
    let mut rows = Vec::new();
    for exercise in &EXERCISES {
        rows.push((exercise, state(&root, exercise, &mut record, args.quiet)?));
    }
    record.save()?;
    println!("{:<9} {:<28} question", "exercise", "state");
    for (exercise, state) in rows {
        println!(
            "{:<9} {:<28} {}",
            exercise.name,
            state.to_string(),
            exercise.question
        );
    }
    println!();
    println!("Work one: concur check NAME  (and concur hint NAME when stuck)");
    Ok(())
}

/// An untouched starter needs no run; a changed one is read from the record
/// when it was checked as it is now, and checked otherwise.
fn state(
    root: &std::path::Path,
    exercise: &Exercise,
    record: &mut Progress,
    quiet: bool,
) -> Result<State> {
    if progress::untouched(root, exercise) {
        return Ok(State::Untouched);
    }
    let hash = progress::hash_file(&exercise.starter(root))?;
    if let Some(state) = record.cached(exercise, &hash) {
        return Ok(state);
    }
    let bar = Steps::spinner(
        &format!("running {}'s suite against your starter", exercise.name),
        quiet,
    );
    let report = suite::run(root, exercise)?;
    bar.finish();
    record.record(exercise, &hash, &report);
    Ok(State::of(&report))
}
