//! `concur reset NAME`: puts the committed starter back, after asking, and
//! keeps a copy of yours.

use anyhow::{Context, Result, bail};
use concur::workflow::progress::{self, committed_starter};

use super::ui::{Named, confirm};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    exercise: Named,
    /// Reset without asking.
    #[arg(long)]
    yes: bool,
}

pub fn run(args: &Args) -> Result<bool> {
    let (root, exercise) = args.exercise.resolve()?;
    let Some(committed) = committed_starter(&root, exercise) else {
        bail!(
            "cannot read the committed {} from git: is this a git checkout?",
            exercise.starter_in_git()
        );
    };
    if progress::untouched(&root, exercise) {
        println!(
            "{} is already the committed starter.",
            exercise.starter_in_git()
        );
        return Ok(true);
    }
    let question = format!(
        "Replace your {} with the committed starter? A copy of yours is kept under target/concur/backup/.",
        exercise.starter_in_git()
    );
    if !confirm(&question, args.yes, "--yes")? {
        println!("Nothing changed.");
        return Ok(false);
    }
    let starter = exercise.starter(&root);
    let backup_dir = root.join("target/concur/backup");
    std::fs::create_dir_all(&backup_dir)?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let backup = backup_dir.join(format!("{}-starter-{stamp}.rs", exercise.name));
    std::fs::copy(&starter, &backup).with_context(|| {
        format!(
            "cannot keep a copy of {} in {}",
            starter.display(),
            backup.display()
        )
    })?;
    std::fs::write(&starter, committed)
        .with_context(|| format!("cannot write {}", starter.display()))?;
    println!(
        "Reset {}. Your version is in {}.",
        exercise.starter_in_git(),
        backup.display()
    );
    Ok(true)
}
