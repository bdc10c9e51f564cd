//! `concur hint NAME [N]`: the exercise's hints, one at a time.

use anyhow::{Result, bail};
use concur::workflow::hints::hints;
use concur::workflow::progress::Progress;

use super::ui::Named;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    exercise: Named,
    /// Which hint (from 1); without it, the next one you have not seen.
    number: Option<usize>,
}

pub fn run(args: &Args) -> Result<()> {
    let (root, exercise) = args.exercise.resolve()?;
    let all = hints(&exercise.dir(&root).join("README.md"))?;
    let mut record = Progress::load(&root);
    let number = match args.number {
        Some(n) if n == 0 || n > all.len() => {
            bail!("{} has hints 1 to {}", exercise.name, all.len())
        }
        Some(n) => n,
        None => (record.hints_seen(exercise) + 1).min(all.len()),
    };
    println!("Hint {number} of {} for {}:\n", all.len(), exercise.name);
    println!("{}\n", all[number - 1]);
    if number < all.len() {
        println!(
            "Still stuck? `concur hint {} {}`",
            exercise.name,
            number + 1
        );
    } else {
        println!(
            "That was the last hint. The book explains the whole design: book/src/{}. \
             `concur solution {}` shows the reference.",
            exercise.chapter, exercise.name
        );
    }
    record.saw_hint(exercise, number);
    record.save()
}
