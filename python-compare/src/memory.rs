//! The memory experiment beside the comparison: what fork's copy-on-write
//! and pickling cost a Python process pool (`python/memory.py`). It runs
//! in a plain interpreter of its own, not in this embedded one, because it
//! forks, and a fork of a multithreaded process copies only the calling
//! thread.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use kit::report::{Fingerprint, with_machine};

use crate::interpreter::{INTERPRETER, PYTHON_DIR};

/// Runs `memory.py`, writing its tables to `md` and its figures to `csv`,
/// each with this machine's fingerprint, as every figure of the book has.
/// `small` is the quick check of `cargo bench -- --test`.
pub fn run(md: &Path, csv: &Path, small: bool) -> Result<()> {
    let mut command = Command::new(INTERPRETER);
    command.arg(format!("{PYTHON_DIR}/memory.py"));
    if small {
        command.args(["--size", "small", "--repeats", "1"]);
    }
    let out = command
        .arg("--out")
        .arg(md)
        .arg("--csv")
        .arg(csv)
        .output()
        .with_context(|| format!("cannot run {INTERPRETER}"))?;
    if !out.status.success() {
        bail!(
            "memory.py failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let machine = Fingerprint::detect().lines();
    let read = |path: &Path| {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    };
    let write = |path: &Path, text: String| {
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
    };
    write(md, with_machine(&read(md)?, &machine))?;
    let notes: String = machine.iter().map(|line| format!("# {line}\n")).collect();
    write(csv, notes + &read(csv)?)
}
