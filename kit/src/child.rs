//! A loom model run in a child process: one that must deadlock, or one
//! that may (the candidate's).
//!
//! loom reports a deadlock by panicking while its threads unwind, which
//! aborts the whole process. A test that expects loom to find one (a zoo
//! entry's lost wake-up) therefore runs the model in a child process of its
//! own test binary, and reads loom's verdict from the child's output. So
//! does a test of the candidate's code, which may deadlock and must still
//! fail with a name. The child is a test of the same binary that runs the
//! model named in [`MODEL`], and does nothing when run without it.

use std::process::{Command, Output};

use crate::bugs;

/// The environment variable that names the model a child runs.
pub const MODEL: &str = "CONCUR_LOOM_MODEL";

/// In the child: the model this process was asked to run, if any.
pub fn requested() -> Option<String> {
    std::env::var(MODEL).ok()
}

/// Runs the test `child_test` of the current test binary in a child
/// process, asking it for `model`. `Ok` if the child failed and said
/// "deadlock"; otherwise what it said.
pub fn expect_deadlock(child_test: &str, model: &str) -> Result<(), String> {
    let (child, said) = run(child_test, model)?;
    if !child.status.success() && said.to_lowercase().contains("deadlock") {
        Ok(())
    } else {
        Err(said)
    }
}

/// Runs the test `child_test` of the current test binary in a child
/// process, asking it for `model`, which must pass. `Err` says why not, in
/// a bug class's words: a deadlock loom found, or the model's own failure
/// message.
pub fn expect_pass(child_test: &str, model: &str) -> Result<(), String> {
    let (child, said) = run(child_test, model)?;
    if child.status.success() {
        return Ok(());
    }
    if said.contains("deadlock; threads") {
        return Err(bugs::DEADLOCK.says(
            "loom found an interleaving in which every thread waits and none can go \
             on: a wake-up that can come before the wait it is for, or that is never \
             sent, or locks taken in orders that close a cycle",
        ));
    }
    Err(panic_message(&said).unwrap_or(said))
}

/// [`expect_pass`] as a test's assertion: panics with why the model
/// failed, in a bug class's words.
pub fn assert_passes(child_test: &str, model: &str) {
    if let Err(why) = expect_pass(child_test, model) {
        panic!("{why}");
    }
}

fn run(child_test: &str, model: &str) -> Result<(Output, String), String> {
    let exe = std::env::current_exe().map_err(|e| format!("no test binary to run: {e}"))?;
    let child = Command::new(exe)
        .args(["--exact", child_test, "--nocapture"])
        .env(MODEL, model)
        .output()
        .map_err(|e| format!("could not run the child: {e}"))?;
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&child.stdout),
        String::from_utf8_lossy(&child.stderr)
    );
    Ok((child, said))
}

/// The first panic's message in a test's output: the lines after
/// "panicked at", up to a blank line or a note.
fn panic_message(output: &str) -> Option<String> {
    let after = output.split_once("panicked at ")?.1;
    let lines: Vec<&str> = after
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty() && !l.starts_with("note:"))
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}
