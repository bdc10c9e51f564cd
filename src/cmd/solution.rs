//! `concur solution NAME`: the reference beside your starter, function by
//! function (each of your functions against the reference's function of the
//! same name, as a diff), after a warning if you have not solved it yet.

use std::path::Path;

use anyhow::{Context, Result};
use concur::workflow::functions::{Function, functions};
use concur::workflow::progress::{self, Progress, State};
use similar::{ChangeTag, TextDiff};

use super::ui::{Named, confirm};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    exercise: Named,
    /// Show it without asking, even if your starter does not pass yet.
    #[arg(long)]
    yes: bool,
}

pub fn run(args: &Args) -> Result<bool> {
    let (root, exercise) = args.exercise.resolve()?;
    let starter_path = exercise.starter(&root);
    let hash = progress::hash_file(&starter_path)?;
    let solved = matches!(
        Progress::load(&root).cached(exercise, &hash),
        Some(State::Passing { .. })
    );
    if !solved {
        let question = format!(
            "Your {} starter does not pass yet (or has changed since `concur check {}`). \
             Reading the reference now spoils the exercise. Show it anyway?",
            exercise.name, exercise.name
        );
        if !confirm(&question, args.yes, "--yes")? {
            println!(
                "Not shown. `concur hint {}` gives the next hint.",
                exercise.name
            );
            return Ok(false);
        }
    }
    let read = |path: &Path| {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    };
    let starter = read(&starter_path)?;
    let mut references: Vec<(String, Vec<Function>)> = Vec::new();
    for file in exercise.solution {
        let path = exercise.dir(&root).join(file);
        references.push((
            format!("exercises/{}/{file}", exercise.name),
            functions(&read(&path)?),
        ));
    }
    let yours = exercise.starter_in_git();
    println!(
        "Your {yours} beside the reference ({}), function by function.\n\
         Lines only yours start with -, lines only the reference's with +.\n",
        references
            .iter()
            .map(|(file, _)| file.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut matched: Vec<(usize, usize)> = Vec::new();
    for mine in functions(&starter) {
        let found = references
            .iter()
            .enumerate()
            .find_map(|(r, (_, fns))| fns.iter().position(|f| f.name == mine.name).map(|i| (r, i)));
        let Some((r, i)) = found else {
            println!(
                "== fn {} (yours, line {}): the reference has no function of this name\n",
                mine.name, mine.first_line
            );
            continue;
        };
        matched.push((r, i));
        let (file, theirs) = (&references[r].0, &references[r].1[i]);
        println!(
            "== fn {}: yours ({yours}:{}-{}) | the reference ({file}:{}-{})",
            mine.name, mine.first_line, mine.last_line, theirs.first_line, theirs.last_line
        );
        print_diff(&mine.text, &theirs.text);
        println!();
    }
    let others: Vec<String> = references
        .iter()
        .enumerate()
        .flat_map(|(r, (file, fns))| {
            let matched = &matched;
            fns.iter()
                .enumerate()
                .filter(move |(i, _)| !matched.contains(&(r, *i)))
                .map(move |(_, f)| format!("  fn {} ({file}:{})", f.name, f.first_line))
        })
        .collect();
    if !others.is_empty() {
        println!("The reference's other functions (helpers your file has no counterpart for):");
        for line in others {
            println!("{line}");
        }
        println!();
    }
    println!(
        "The chapter book/src/{} explains why the reference is built this way.",
        exercise.chapter
    );
    Ok(true)
}

/// The two texts line by line: common lines indented, yours with `-`, the
/// reference's with `+`.
fn print_diff(mine: &str, theirs: &str) {
    let diff = TextDiff::from_lines(mine, theirs);
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            ChangeTag::Equal => ' ',
            ChangeTag::Delete => '-',
            ChangeTag::Insert => '+',
        };
        print!("{sign} {}", change.value());
        if change.missing_newline() {
            println!();
        }
    }
}
