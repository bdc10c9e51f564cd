//! `concur list`: every exercise and drill, its question, and how far this
//! checkout has got with it. It reads stored results only and never runs a suite,
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
    let width = EXERCISES.iter().map(|e| e.name.len()).max().unwrap_or(8);
    for heading in ["exercise", "drill", "primitive"] {
        let group: Vec<_> = rows
            .iter()
            .filter(|(e, _)| e.kind.heading() == heading)
            .collect();
        if group.is_empty() {
            continue;
        }
        println!("{heading:<width$} {:<28} question", "state");
        for (exercise, state) in group {
            // A drill's question starts with its LeetCode number.
            let number = exercise
                .leetcode()
                .map_or(String::new(), |n| format!("{n} "));
            println!(
                "{:<width$} {:<28} {number}{}",
                exercise.name,
                state.to_string(),
                exercise.question
            );
        }
        println!();
    }
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
