//! A loom model that must deadlock, run in a child process.
//!
//! loom reports a deadlock by panicking while its threads unwind, which
//! aborts the whole process. A test that expects loom to find one (a zoo
//! entry's lost wake-up) therefore runs the model in a child process of its
//! own test binary, and reads loom's verdict from the child's output. The
//! child is a test of the same binary that runs the model named in
//! [`MODEL`], and does nothing when run without it.

use std::process::Command;

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
    if !child.status.success() && said.to_lowercase().contains("deadlock") {
        Ok(())
    } else {
        Err(said)
    }
}
