//! `concur complete --sentences FILE [--fuzzy N]`

use std::fs;
use std::io::{self, BufRead, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use trie::{AutocompleteSystem, Trie};

use super::finish_output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Past searches, one per line as `count<TAB>sentence`.
    #[arg(long, value_name = "FILE")]
    sentences: PathBuf,
    /// Also suggest sentences within N typos of what was typed.
    #[arg(long, value_name = "N", default_value_t = 0)]
    fuzzy: usize,
}

pub fn run(args: &Args) -> Result<()> {
    if args.fuzzy > 3 {
        bail!("--fuzzy takes 0 to 3 edits; more matches nearly everything");
    }
    let trie = load(&args.sentences)?;
    let mut system = AutocompleteSystem::from_trie(trie).fuzzy(args.fuzzy);
    let mut out = BufWriter::new(io::stdout().lock());
    let mut line = Vec::new();
    let mut stdin = io::stdin().lock();
    for number in 1.. {
        line.clear();
        if stdin
            .read_until(b'\n', &mut line)
            .context("reading standard input")?
            == 0
        {
            break;
        }
        let text = std::str::from_utf8(&line).map_err(|e| {
            anyhow::anyhow!(
                "standard input, line {number}: not valid UTF-8 (first bad byte at offset {} in the line)",
                e.valid_up_to()
            )
        })?;
        // Newlines only end a line of typing; they are not characters typed.
        let written = text
            .chars()
            .filter(|c| *c != '\n' && *c != '\r')
            .try_for_each(|c| {
                let suggestions = system.input(c);
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string(&suggestions).map_err(io::Error::other)?
                )
            })
            .and_then(|()| out.flush());
        if let Err(e) = written {
            return finish_output(Err(e));
        }
    }
    Ok(())
}

/// Reads `count<TAB>sentence` lines; a bad line is an error naming it.
fn load(path: &PathBuf) -> Result<Trie> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: not valid UTF-8 (first bad byte at offset {})",
            path.display(),
            e.valid_up_to()
        )
    })?;
    let mut trie = Trie::new();
    for (index, line) in text.lines().enumerate() {
        if line.is_empty() {
            continue;
        }
        let at = || format!("{}:{}", path.display(), index + 1);
        let (count, sentence) = line
            .split_once('\t')
            .with_context(|| format!("{}: expected `count<TAB>sentence`, got {line:?}", at()))?;
        let count: u64 = count
            .trim()
            .parse()
            .with_context(|| format!("{}: the count {count:?} is not a whole number", at()))?;
        trie.record(sentence, count);
    }
    Ok(trie)
}
