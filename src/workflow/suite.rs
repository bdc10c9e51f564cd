//! Runs an exercise's suite against the starter (`cargo test -p NAME
//! --features starter -- starter`) and reads libtest's output into checks.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use super::Exercise;
use super::bugs::{BugClass, classify};

/// One check of the suite against the starter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The test's name: `starter::update_is_atomic`.
    pub name: String,
    pub passed: bool,
    /// The failure's message, as the suite wrote it.
    pub message: Option<String>,
}

impl Check {
    pub fn bug_class(&self) -> Option<BugClass> {
        self.message.as_deref().and_then(classify)
    }
}

/// What a run of the suite found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// The starter does not compile: the compiler's first error.
    DoesNotBuild(String),
    Ran(Vec<Check>),
}

impl Report {
    pub fn passing(&self) -> bool {
        matches!(self, Report::Ran(checks) if !checks.is_empty() && checks.iter().all(|c| c.passed))
    }

    /// (passed, total) checks; (0, 0) when it does not build.
    pub fn counts(&self) -> (usize, usize) {
        match self {
            Report::DoesNotBuild(_) => (0, 0),
            Report::Ran(checks) => (checks.iter().filter(|c| c.passed).count(), checks.len()),
        }
    }
}

/// Builds and runs `exercise`'s checks against the starter in `root`.
pub fn run(root: &Path, exercise: &Exercise) -> Result<Report> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(root)
        .args([
            "test",
            "-p",
            exercise.name,
            "--features",
            "starter",
            "--no-fail-fast",
        ])
        .args(["--color", "never", "--", "starter", "--color", "never"])
        // The suite's message is what a candidate needs, not a backtrace.
        .env("RUST_BACKTRACE", "0")
        .output()
        .context("cannot run cargo: is it on the PATH?")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    Ok(parse(&stdout, &stderr))
}

/// Reads cargo test's output. No `test ... ` line at all means the build
/// failed; the compiler's first error is kept.
pub fn parse(stdout: &str, stderr: &str) -> Report {
    let mut checks: Vec<Check> = stdout
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("test ")?;
            let (name, outcome) = rest.rsplit_once(" ... ")?;
            let passed = match outcome.trim() {
                "ok" => true,
                "FAILED" => false,
                _ => return None,
            };
            Some(Check {
                name: name.to_string(),
                passed,
                message: None,
            })
        })
        .collect();
    if checks.is_empty() && !stdout.contains("test result:") {
        return Report::DoesNotBuild(first_error(stderr));
    }
    for check in checks.iter_mut().filter(|c| !c.passed) {
        check.message = failure_message(stdout, &check.name);
    }
    Report::Ran(checks)
}

/// The panic message in a test's `---- NAME stdout ----` section: the
/// lines after "panicked at", up to the first note or blank line.
fn failure_message(stdout: &str, name: &str) -> Option<String> {
    let header = format!("---- {name} stdout ----");
    let section = stdout.split_once(&header)?.1;
    let section = section.split("\n---- ").next().unwrap_or(section);
    let after = section.split_once("panicked at ")?.1;
    let message: Vec<&str> = after
        .lines()
        .skip(1)
        .take_while(|l| {
            !l.trim().is_empty() && !l.starts_with("note:") && !l.starts_with("stack backtrace")
        })
        .collect();
    (!message.is_empty()).then(|| message.join("\n"))
}

fn first_error(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .skip_while(|l| !l.starts_with("error"))
        .take(20)
        .collect();
    if lines.is_empty() {
        stderr
            .lines()
            .rev()
            .take(10)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "
running 2 tests
test starter::model_matches_hashmap ... ok
test starter::update_is_atomic ... FAILED

failures:

---- starter::update_is_atomic stdout ----

thread 'starter::update_is_atomic' (123) panicked at exercises/hashmap/tests/conformance.rs:20:5:
lost update: 8 threads x 1000 increments of one key ended at 7421, not 8000.
Hold the shard's lock across the read and the write.
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    starter::update_is_atomic

test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s
";

    #[test]
    fn reads_checks_and_messages() {
        let Report::Ran(checks) = parse(OUTPUT, "") else {
            panic!("it ran")
        };
        assert_eq!(checks.len(), 2);
        assert!(checks[0].passed);
        assert!(!checks[1].passed);
        let message = checks[1].message.as_deref().unwrap();
        assert!(message.starts_with("lost update: 8 threads"), "{message}");
        assert!(message.ends_with("the read and the write."), "{message}");
        assert_eq!(checks[1].bug_class().unwrap().name, "lost update");
    }

    #[test]
    fn a_build_failure_keeps_the_first_error() {
        let stderr = "   Compiling hashmap v0.1.0\nerror[E0308]: mismatched types\n --> src/starter.rs:3:5\n";
        match parse("", stderr) {
            Report::DoesNotBuild(error) => assert!(error.starts_with("error[E0308]"), "{error}"),
            other => panic!("{other:?}"),
        }
    }
}
