//! `concur reset NAME`: puts the committed starter back, after asking, and
//! keeps a copy of yours in `.concur/backup/` (which `cargo clean` leaves
//! alone). `concur reset NAME --restore` brings the newest copy back,
//! keeping a copy of what it replaces, so neither direction loses work.

use anyhow::{Context, Result, bail};
use concur::workflow::progress::{self, back_up, committed_starter, latest_backup};

use super::ui::{Named, confirm};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    exercise: Named,
    /// Bring back the copy of your starter that the last reset kept.
    #[arg(long)]
    restore: bool,
    /// Go ahead without asking.
    #[arg(long)]
    yes: bool,
}

pub fn run(args: &Args) -> Result<bool> {
    let (root, exercise) = args.exercise.resolve()?;
    let starter = exercise.starter(&root);
    let shown = exercise.starter_in_git();
    let replacement = if args.restore {
        let Some(backup) = latest_backup(&root, exercise) else {
            bail!(
                "no copy of {shown} to restore: `concur reset {}` keeps one in {}",
                exercise.name,
                progress::backup_dir(&root).display()
            );
        };
        let bytes =
            std::fs::read(&backup).with_context(|| format!("cannot read {}", backup.display()))?;
        (bytes, format!("your copy from {}", backup.display()))
    } else {
        let Some(committed) = committed_starter(&root, exercise) else {
            bail!("cannot read the committed {shown} from git: is this a git checkout?");
        };
        (committed, "the committed starter".to_string())
    };
    let (bytes, what) = replacement;
    if std::fs::read(&starter).is_ok_and(|current| current == bytes) {
        println!("{shown} is already {what}.");
        return Ok(true);
    }
    let question = format!(
        "Replace your {shown} with {what}? A copy of yours is kept in {}.",
        progress::backup_dir(&root).display()
    );
    if !confirm(&question, args.yes, "--yes")? {
        println!("Nothing changed.");
        return Ok(false);
    }
    // The committed starter needs no copy (git has it), nor a missing one.
    let kept = if !starter.is_file() || progress::untouched(&root, exercise) {
        None
    } else {
        Some(back_up(&root, exercise)?)
    };
    std::fs::write(&starter, bytes)
        .with_context(|| format!("cannot write {}", starter.display()))?;
    match kept {
        Some(kept) => println!(
            "{shown} is now {what}. What was there is in {}.",
            kept.display()
        ),
        None => println!("{shown} is now {what}."),
    }
    if !args.restore {
        println!("`concur reset {} --restore` brings it back.", exercise.name);
    }
    Ok(true)
}
