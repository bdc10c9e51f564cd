//! What the workflow commands share: the exercise argument, and a yes/no
//! question that never hangs a script. (Spinners and bars are
//! `kit::progress`, shared with the Python comparison.)

use std::io::{BufRead, IsTerminal, Write};

use std::path::PathBuf;

use anyhow::{Result, bail};
use concur::workflow::{Exercise, exercise, root};

/// The exercise a workflow command works on.
#[derive(Debug, clap::Args)]
pub struct Named {
    /// The exercise: hashmap, topk, trie, segment or crawler.
    name: String,
}

impl Named {
    /// The checkout and the exercise, or an error naming the exercises.
    pub fn resolve(&self) -> Result<(PathBuf, &'static Exercise)> {
        Ok((root()?, exercise(&self.name)?))
    }
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
