//! `concur solution NAME`: the reference implementation's files and their
//! diff from your starter, after a warning if you have not solved it yet.

use anyhow::{Context, Result};
use concur::workflow::progress::{self, Progress, State};
use similar::TextDiff;

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
    let starter = std::fs::read_to_string(&starter_path)
        .with_context(|| format!("cannot read {}", starter_path.display()))?;
    for file in exercise.solution {
        let path = exercise.dir(&root).join(file);
        let reference = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let shown = format!("exercises/{}/{file}", exercise.name);
        println!("reference: {shown}\n");
        let diff = TextDiff::from_lines(&starter, &reference);
        print!(
            "{}",
            diff.unified_diff()
                .context_radius(3)
                .header(&exercise.starter_in_git(), &shown)
        );
        println!();
    }
    println!(
        "The chapter book/src/{} explains why the reference is built this way.",
        exercise.chapter
    );
    Ok(true)
}
