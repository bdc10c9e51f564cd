//! What the workflow commands share: the exercise argument, and a yes/no
//! question that never hangs a script. (Spinners and bars are
//! `kit::progress`, shared with the Python comparison.)

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result, bail};
use concur::workflow::progress::{Progress, stored_state};
use concur::workflow::suite::Stop;
use concur::workflow::{EXERCISES, Exercise, exercise, root};

/// clap's list of exercise names, from the registry, each with its
/// question as help.
pub fn exercise_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(EXERCISES.iter().map(|e| {
        let value = clap::builder::PossibleValue::new(e.name).help(e.question);
        // A drill answers to its LeetCode number too: `concur check 1114`.
        match e.leetcode() {
            Some(number) => value.alias(number.to_string()),
            None => value,
        }
    }))
}

/// The exercise a workflow command works on.
#[derive(Debug, clap::Args)]
pub struct Named {
    /// The exercise (`concur list` names them all).
    #[arg(value_parser = exercise_names())]
    name: String,
}

impl Named {
    /// The checkout and the exercise, or an error naming the exercises.
    pub fn resolve(&self) -> Result<(PathBuf, &'static Exercise)> {
        Ok((root()?, exercise(&self.name)?))
    }
}

/// An exercise, or, if none is named, the next one not yet passing.
#[derive(Debug, Default, clap::Args)]
pub struct MaybeNamed {
    /// The exercise; without it, the first one not yet passing.
    #[arg(value_parser = exercise_names())]
    name: Option<String>,
}

impl MaybeNamed {
    pub fn resolve(&self, root: &Path) -> Result<&'static Exercise> {
        match &self.name {
            Some(name) => exercise(name),
            None => {
                let next = next_exercise(root)?;
                eprintln!(
                    "No exercise named: working on {}, the first one not yet passing.",
                    next.name
                );
                Ok(next)
            }
        }
    }
}

/// The first exercise, in the suite's order, whose stored state is not
/// passing (rustlings' habit); the last one if every exercise passes.
pub fn next_exercise(root: &Path) -> Result<&'static Exercise> {
    let record = Progress::load(root);
    for exercise in EXERCISES {
        if !stored_state(root, exercise, &record)?.passing() {
            return Ok(exercise);
        }
    }
    bail!("every exercise passes. Name one to check it again: concur check NAME")
}

/// On Ctrl-C, stop `stop`'s run so that what finished is reported; a second
/// Ctrl-C ends the program at once.
pub fn on_ctrl_c(stop: Stop) -> Result<()> {
    static PRESSED: AtomicUsize = AtomicUsize::new(0);
    ctrlc::set_handler(move || {
        if PRESSED.fetch_add(1, Ordering::SeqCst) > 0 {
            // Nothing started may outlive us: cargo and the test binary
            // run in a process group of their own, which a terminal's
            // Ctrl-C does not reach.
            concur::workflow::suite::kill_running();
            std::process::exit(130);
        }
        eprintln!("\nstopping (Ctrl-C again to quit at once)");
        stop.stop();
    })
    .context("cannot listen for Ctrl-C")
}

/// Asks `question` and reads y or n. `yes` answers for the user; without a
/// terminal to ask on, the answer must come from `yes`.
pub fn confirm(question: &str, yes: bool, flag_hint: &str) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        bail!("{question}\nNo terminal to ask on: pass {flag_hint} to go ahead.");
    }
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}
