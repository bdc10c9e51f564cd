//! `concur list`: every exercise, its question, and how far this checkout
//! has got with it. It reads stored results only and never runs a suite,
//! so it answers at once, whatever state a starter is in.

use anyhow::Result;
use concur::workflow::progress::{Progress, State, stored_state};
use concur::workflow::{EXERCISES, root};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: &Args) -> Result<()> {
    let root = root()?;
    let record = Progress::load(&root);
    let mut rows = Vec::new();
    for exercise in EXERCISES {
        rows.push((exercise, stored_state(&root, exercise, &record)?));
    }
    println!("{:<9} {:<28} question", "exercise", "state");
    for (exercise, state) in &rows {
        println!(
            "{:<9} {:<28} {}",
            exercise.name,
            state.to_string(),
            exercise.question
        );
    }
    println!();
    match rows.iter().find(|(_, state)| !state.passing()) {
        Some((exercise, State::Edited)) => println!(
            "Next: concur check {}  (edited since its last check)",
            exercise.name
        ),
        Some((exercise, _)) => println!(
            "Next: concur check {}  (and concur hint {} when stuck)",
            exercise.name, exercise.name
        ),
        None => {
            println!("Every exercise passes. concur bench NAME --starter puts yours on the chart.")
        }
    }
    Ok(())
}
