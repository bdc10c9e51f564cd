//! Runs an exercise's suite against the starter, in two cargo runs: a build
//! (`cargo test -p NAME --features starter --no-run`), whose compiler
//! errors are kept, then the checks (`... -- starter`), read as they finish.
//!
//! Both run in a process group of their own, so that a run can be stopped
//! at any moment (a new save under `concur watch`, Ctrl-C under `concur
//! check`, or a run that outlives its time) with everything it started, the
//! test binary included; what had finished by then is still reported.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use kit::bugs::{self, BugClass};

use super::Exercise;

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
    /// The bug class the failure names; `None` for a pass or a message that
    /// names none.
    pub fn bug_class(&self) -> Option<BugClass> {
        self.message.as_deref().and_then(bugs::classify)
    }

    /// Where the check stands among failures: the lowest rank is most
    /// likely the root cause, so it is shown first. Unnamed failures last.
    fn rank(&self) -> u8 {
        self.bug_class().map_or(u8::MAX, |class| class.rank)
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// Every check ran.
    Complete,
    /// Stopped by the user (Ctrl-C) or by a newer save.
    Interrupted,
    /// The test process died (a stack overflow, an abort) or ran out of
    /// time; what it said.
    Crashed(String),
}

/// What a run of the suite found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// The starter does not compile: the compiler's errors, as it printed
    /// them (with `starter.rs:LINE`).
    DoesNotBuild(Vec<String>),
    /// The checks that finished, failures first, ordered by root cause.
    Ran { checks: Vec<Check>, ending: Ending },
    /// Stopped before the build finished.
    Interrupted,
}

impl Report {
    pub fn passing(&self) -> bool {
        matches!(self, Report::Ran { checks, ending: Ending::Complete }
            if !checks.is_empty() && checks.iter().all(|c| c.passed))
    }

    /// (passed, total) checks; (0, 0) when it does not build.
    pub fn counts(&self) -> (usize, usize) {
        match self {
            Report::Ran { checks, .. } => {
                (checks.iter().filter(|c| c.passed).count(), checks.len())
            }
            _ => (0, 0),
        }
    }
}

/// Stops a run from another thread (a Ctrl-C handler, a file watcher).
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn stopped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// How long the checks may run in all. Every check has a watchdog of its
/// own; this is the last resort, for a test process that neither finishes
/// nor fails (a hang outside any check).
pub const RUN_LIMIT: Duration = Duration::from_secs(600);

/// How long the build may take: a first, cold build of the suite on a slow
/// machine is minutes.
pub const BUILD_LIMIT: Duration = Duration::from_secs(1800);

/// Which of an exercise's tests a run builds and runs against the starter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The suite: every test target, in a debug build.
    Suite,
    /// The loom models of the starter in `tests/loom.rs`: built with
    /// `--cfg loom`, optimised, in a target dir of their own (`--cfg loom`
    /// rebuilds every crate), explored up to two preemptions, as CI runs
    /// the references' models.
    Loom,
}

impl Target {
    /// Whether `exercise` has checks of this kind for the starter.
    pub fn applies(self, root: &Path, exercise: &Exercise) -> bool {
        match self {
            Target::Suite => true,
            Target::Loom => {
                let models = exercise.dir(root).join("tests/loom.rs");
                std::fs::read_to_string(models)
                    .is_ok_and(|text| text.contains("feature = \"starter\""))
            }
        }
    }
}

/// Builds `exercise` with its starter in `root`, then runs the checks,
/// calling `progress` with each check as it finishes. `stop` ends it early.
pub fn run(
    root: &Path,
    exercise: &Exercise,
    target: Target,
    stop: &Stop,
    mut progress: impl FnMut(&Check),
) -> Result<Report> {
    match build(root, exercise, target, stop)? {
        Built::Errors(errors) => return Ok(Report::DoesNotBuild(errors)),
        Built::Stopped => return Ok(Report::Interrupted),
        Built::Ok => {}
    }
    let results = results_dir(root, exercise);
    let _ = std::fs::remove_dir_all(&results);
    std::fs::create_dir_all(&results)
        .with_context(|| format!("cannot create {}", results.display()))?;
    let mut command = cargo(root, exercise, target);
    command
        .args(["--no-fail-fast", "--", "starter", "--color", "never"])
        .env("CONCUR_RESULTS_DIR", &results);
    let Streamed {
        lines,
        ending,
        succeeded,
    } = stream(command, stop, RUN_LIMIT, |line| {
        if let Some(check) = test_line(line) {
            progress(&check);
        }
    })?;
    let stdout: String = lines
        .iter()
        .filter(|(out, _)| *out)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    let stderr: String = lines
        .iter()
        .filter(|(out, _)| !*out)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    let mut checks = parse(&stdout, &results);
    let ending = match ending {
        Ending::Complete => match crash(&stderr) {
            Some(why) => Ending::Crashed(why),
            // cargo failed with no test binary's verdict: it never ran the
            // checks (the starter changed and no longer compiles, say).
            None if !succeeded && !stdout.contains("test result:") => {
                Ending::Crashed(format!("cargo failed: {}", last_lines(&stderr, 12)))
            }
            None => Ending::Complete,
        },
        other => other,
    };
    if let Ending::Crashed(why) = &ending {
        // The check that was running when the process died, if it says.
        if let Some(name) = crashed_check(&stderr)
            && !checks.iter().any(|c| c.name == name)
        {
            checks.push(Check {
                name,
                passed: false,
                message: Some(bugs::PANIC.says(format!("the test process died here: {why}"))),
            });
        }
    }
    let _ = std::fs::remove_dir_all(&results);
    order(&mut checks);
    Ok(Report::Ran { checks, ending })
}

/// Failures first, lowest rank (most likely the cause) first; then passes.
pub fn order(checks: &mut [Check]) {
    checks.sort_by_key(|c| (c.passed, c.rank()));
}

/// A folder of this run's own: two runs at once (watch in one terminal,
/// check in another) must not read or delete each other's results.
fn results_dir(root: &Path, exercise: &Exercise) -> PathBuf {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, Ordering::SeqCst);
    root.join("target/concur/results").join(format!(
        "{}-{}-{run}",
        exercise.name,
        std::process::id()
    ))
}

/// `cargo test -p NAME --features starter` and the target's own options,
/// quiet about colours.
fn cargo(root: &Path, exercise: &Exercise, target: Target) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .args(["test", "-p", exercise.name, "--features", "starter"])
        .args(["--color", "never"])
        // A process group in the background that read the terminal would
        // be stopped: nothing here reads stdin.
        .stdin(Stdio::null())
        // The suite's message is what a candidate needs, not a backtrace.
        .env("RUST_BACKTRACE", "0");
    match target {
        // The suite's test targets, not doctests (which a starter's doc
        // comments could add, unchecked by the build step).
        Target::Suite => {
            command.arg("--tests");
        }
        Target::Loom => {
            let flags = std::env::var("RUSTFLAGS").unwrap_or_default();
            command
                .args(["--release", "--test", "loom"])
                .env("RUSTFLAGS", format!("{flags} --cfg loom").trim())
                .env("CARGO_TARGET_DIR", loom_target_dir(root));
            if std::env::var_os("LOOM_MAX_PREEMPTIONS").is_none() {
                command.env("LOOM_MAX_PREEMPTIONS", "2");
            }
        }
    }
    command
}

/// Where the loom build goes: `loom/` in the target dir the suite's own
/// build uses, so that it never overwrites the normal build's files.
fn loom_target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("loom")
}

enum Built {
    Ok,
    Errors(Vec<String>),
    Stopped,
}

/// Compiles the exercise's tests with the starter. Errors come from cargo's
/// JSON messages, each as the compiler rendered it.
fn build(root: &Path, exercise: &Exercise, target: Target, stop: &Stop) -> Result<Built> {
    let mut command = cargo(root, exercise, target);
    command.args(["--no-run", "--message-format", "json"]);
    let Streamed { lines, ending, .. } = stream(command, stop, BUILD_LIMIT, |_| {})?;
    match ending {
        Ending::Interrupted => return Ok(Built::Stopped),
        Ending::Crashed(why) => anyhow::bail!("building the suite: {why}"),
        Ending::Complete => {}
    }
    let mut errors = Vec::new();
    let mut succeeded = false;
    for (_, line) in &lines {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        match message["reason"].as_str() {
            Some("compiler-message") if message["message"]["level"] == "error" => {
                if let Some(rendered) = message["message"]["rendered"].as_str() {
                    errors.push(rendered.trim_end().to_string());
                }
            }
            Some("build-finished") => succeeded = message["success"].as_bool() == Some(true),
            _ => {}
        }
    }
    if succeeded {
        return Ok(Built::Ok);
    }
    // "could not compile" summaries repeat what the errors say.
    errors.retain(|e| !e.starts_with("error: could not compile"));
    if errors.is_empty() {
        // Not the compiler: cargo itself failed (a network fetch, a full
        // disk). Not the starter's fault, and not recorded as such.
        let said: String = lines
            .iter()
            .filter(|(out, _)| !*out)
            .map(|(_, l)| format!("{l}\n"))
            .collect();
        anyhow::bail!("cargo could not build the suite: {}", last_lines(&said, 12));
    }
    Ok(Built::Errors(errors))
}

/// Runs `command` in a process group of its own, collecting its output
/// lines as `(from stdout, line)` and passing stdout lines to `each` as
/// they come. Stops it, with everything it started, when `stop` says so or
/// after `limit`; and, through [`Group`], if this function is left any
/// other way (a panic) or the program is ended by a signal. Returns the
/// lines, how the run ended, and whether the command succeeded.
fn stream(
    mut command: Command,
    stop: &Stop,
    limit: Duration,
    mut each: impl FnMut(&str),
) -> Result<Streamed> {
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let child = command
        .spawn()
        .context("cannot run cargo: is it on the PATH?")?;
    let mut group = Group::new(child);
    let (tx, rx) = mpsc::channel::<(bool, String)>();
    let readers: Vec<_> = [
        group
            .child
            .stdout
            .take()
            .map(|s| (true, Box::new(s) as Box<dyn std::io::Read + Send>)),
        group
            .child
            .stderr
            .take()
            .map(|s| (false, Box::new(s) as Box<dyn std::io::Read + Send>)),
    ]
    .into_iter()
    .flatten()
    .map(|(is_stdout, pipe)| {
        let tx = tx.clone();
        std::thread::spawn(move || {
            // Line by line, whatever the bytes: a line that is not UTF-8
            // must not end the reading (the child would then get EPIPE).
            let mut pipe = BufReader::new(pipe);
            let mut bytes = Vec::new();
            while pipe.read_until(b'\n', &mut bytes).is_ok_and(|n| n > 0) {
                let line = String::from_utf8_lossy(&bytes);
                if tx
                    .send((is_stdout, line.trim_end_matches(['\n', '\r']).to_string()))
                    .is_err()
                {
                    return;
                }
                bytes.clear();
            }
        })
    })
    .collect();
    drop(tx);
    let started = Instant::now();
    let mut lines = Vec::new();
    let ending = loop {
        if stop.stopped() {
            group.kill();
            break Ending::Interrupted;
        }
        if started.elapsed() > limit {
            group.kill();
            break Ending::Crashed(format!(
                "it had not finished after {} minutes, and was stopped",
                limit.as_secs() / 60
            ));
        }
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok((is_stdout, line)) => {
                if is_stdout {
                    each(&line);
                }
                lines.push((is_stdout, line));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break Ending::Complete,
        }
    };
    if ending != Ending::Complete {
        // What the pipes still hold, without waiting for more.
        lines.extend(rx.try_iter());
    }
    let succeeded = group.wait();
    if ending == Ending::Complete {
        for reader in readers {
            let _ = reader.join();
        }
    }
    Ok(Streamed {
        lines,
        ending,
        succeeded,
    })
}

/// What a command said, line by line (`true`: on stdout), how it ended,
/// and whether it exited with success.
struct Streamed {
    lines: Vec<(bool, String)>,
    ending: Ending,
    succeeded: bool,
}

/// The running child's process group: killed with everything in it (cargo
/// and the test binary it started) when dropped before it was waited for.
/// Its id is also kept where a second Ctrl-C, or a terminating signal, can
/// find it ([`kill_running`]).
struct Group {
    child: Child,
    done: bool,
}

/// Process groups running now, for [`kill_running`].
static RUNNING: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());

impl Group {
    fn new(child: Child) -> Group {
        running().push(child.id());
        Group { child, done: false }
    }

    fn kill(&mut self) {
        kill_group(self.child.id());
        let _ = self.child.kill();
    }

    /// Waits for the child; true if it exited with success.
    fn wait(&mut self) -> bool {
        let status = self.child.wait();
        self.done = true;
        running().retain(|&id| id != self.child.id());
        status.is_ok_and(|s| s.success())
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        if !self.done {
            self.kill();
            let _ = self.wait();
        }
    }
}

fn running() -> std::sync::MutexGuard<'static, Vec<u32>> {
    RUNNING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Kills every process group a run started and has not waited for: for a
/// program about to exit (a second Ctrl-C), so that nothing it started
/// outlives it.
pub fn kill_running() {
    for id in running().iter() {
        kill_group(*id);
    }
}

#[cfg(unix)]
fn kill_group(id: u32) {
    use nix::sys::signal::{Signal, killpg};
    use nix::unistd::Pid;
    let _ = killpg(Pid::from_raw(id as i32), Signal::SIGKILL);
}

#[cfg(not(unix))]
fn kill_group(_id: u32) {}

/// The last `n` lines of `text`, as one string.
fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// A libtest result line: `test starter::x ... ok`.
fn test_line(line: &str) -> Option<Check> {
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
}

/// The checks in libtest's output, each failure with its message: from the
/// file the suite wrote for it (`kit::stress::assert_passes`), else from
/// libtest's report of the panic.
pub fn parse(stdout: &str, results: &Path) -> Vec<Check> {
    let written = written_outcomes(results);
    let mut checks: Vec<Check> = stdout.lines().filter_map(test_line).collect();
    for check in checks.iter_mut().filter(|c| !c.passed) {
        check.message = written
            .get(&check.name)
            .cloned()
            .flatten()
            .or_else(|| failure_message(stdout, &check.name));
    }
    // A check that finished (its file is there) but whose result line never
    // came: the run was stopped in between.
    for (name, message) in written {
        if !checks.iter().any(|c| c.name == name) {
            checks.push(Check {
                passed: message.is_none(),
                name,
                message,
            });
        }
    }
    checks
}

/// The outcomes the suite wrote: test name to `None` (passed) or the
/// failure's message.
fn written_outcomes(dir: &Path) -> BTreeMap<String, Option<String>> {
    let mut found = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().to_string();
        let Some(name) = file.strip_suffix(".result") else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let outcome = match text.split_once('\n') {
            Some(("ok", _)) => None,
            Some(("failed", message)) => Some(message.trim_end().to_string()),
            _ => continue,
        };
        found.insert(name.replace("__", "::"), outcome);
    }
    found
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

/// Why the test process died, if cargo says it did not exit normally with
/// a signal, or the runtime reported a stack overflow.
fn crash(stderr: &str) -> Option<String> {
    if let Some(line) = stderr
        .lines()
        .find(|l| l.contains("has overflowed its stack"))
    {
        return Some(format!("{} (infinite recursion?)", line.trim()));
    }
    stderr
        .lines()
        .find(|l| l.contains("process didn't exit successfully") && l.contains("signal:"))
        .and_then(|l| l.rsplit_once("(signal: "))
        .map(|(_, signal)| format!("killed by signal {}", signal.trim_end_matches(')')))
}

/// The check whose thread overflowed its stack: `thread 'starter::x
/// (check)' has overflowed its stack`.
fn crashed_check(stderr: &str) -> Option<String> {
    let line = stderr
        .lines()
        .find(|l| l.contains("has overflowed its stack"))?;
    let name = line.split('\'').nth(1)?;
    // A check's own thread is "NAME (check)"; its workers "NAME stress-N".
    let name = name.trim_end_matches(" (check)");
    let name = match name.rsplit_once(" stress-") {
        Some((check, n)) if n.chars().all(|c| c.is_ascii_digit()) => check,
        _ => name,
    };
    Some(name.to_string())
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
    fn reads_checks_and_messages_from_libtest() {
        let mut checks = parse(OUTPUT, Path::new("/nonexistent"));
        order(&mut checks);
        assert_eq!(checks.len(), 2);
        assert!(!checks[0].passed, "failures first");
        assert!(checks[1].passed);
        let message = checks[0].message.as_deref().unwrap();
        assert!(message.starts_with("lost update: 8 threads"), "{message}");
        assert!(message.ends_with("the read and the write."), "{message}");
        assert_eq!(checks[0].bug_class(), Some(bugs::LOST_UPDATE));
    }

    #[test]
    fn prefers_the_message_the_suite_wrote_and_keeps_checks_without_a_line() {
        let dir = std::env::temp_dir().join(format!("concur-results-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("starter__update_is_atomic.result"),
            "failed\nlost update: the whole message\nsecond line\n",
        )
        .unwrap();
        std::fs::write(dir.join("starter__transfers.result"), "ok\n").unwrap();
        let checks = parse(OUTPUT, &dir);
        std::fs::remove_dir_all(&dir).unwrap();
        let failed = checks.iter().find(|c| !c.passed).unwrap();
        assert_eq!(
            failed.message.as_deref(),
            Some("lost update: the whole message\nsecond line")
        );
        assert!(
            checks
                .iter()
                .any(|c| c.name == "starter::transfers" && c.passed)
        );
    }

    #[test]
    fn failures_come_in_root_cause_order() {
        let check = |name: &str, message: &str| Check {
            name: name.into(),
            passed: false,
            message: Some(message.into()),
        };
        let mut checks = vec![
            check("a", "no parallelism: one thread"),
            Check {
                name: "b".into(),
                passed: true,
                message: None,
            },
            check("c", "premature termination: 3 pages missing"),
            check("d", "not yet implemented: crawl"),
        ];
        order(&mut checks);
        let names: Vec<&str> = checks.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["d", "c", "a", "b"]);
    }

    #[test]
    fn a_crash_is_named() {
        let stderr = "thread 'starter::deep (check)' has overflowed its stack\nfatal runtime error: stack overflow\nerror: test failed\n";
        assert!(crash(stderr).unwrap().contains("overflowed its stack"));
        assert_eq!(crashed_check(stderr).as_deref(), Some("starter::deep"));
        let worker = "thread 'starter::deep stress-3' has overflowed its stack\n";
        assert_eq!(crashed_check(worker).as_deref(), Some("starter::deep"));
        let killed = "error: test failed, to rerun pass `-p x --test y`\n\nCaused by:\n  process didn't exit successfully: `/t/y-1 starter` (signal: 6, SIGABRT: process abort signal)\n";
        assert_eq!(
            crash(killed).as_deref(),
            Some("killed by signal 6, SIGABRT: process abort signal")
        );
        assert_eq!(crash("test result: ok"), None);
    }

    /// The loom run is the one CI makes of the references' models, on the
    /// starter: `--cfg loom`, optimised, a target dir of its own, two
    /// preemptions, only `tests/loom.rs`.
    #[test]
    fn the_loom_run_builds_the_models_as_ci_does() {
        let exercise = crate::registry::exercise("spin-lock").unwrap();
        let root = Path::new("/repo");
        let command = cargo(root, exercise, Target::Loom);
        let args: Vec<_> = command.get_args().map(|a| a.to_string_lossy()).collect();
        for wanted in ["-p", "spin-lock", "starter", "--release", "--test", "loom"] {
            assert!(
                args.iter().any(|a| a == wanted),
                "{wanted} missing from {args:?}"
            );
        }
        assert!(!args.iter().any(|a| a == "--tests"), "{args:?}");
        let env = |key: &str| {
            command
                .get_envs()
                .find(|(k, _)| *k == key)
                .and_then(|(_, v)| v)
                .map(|v| v.to_string_lossy().to_string())
        };
        assert!(env("RUSTFLAGS").is_some_and(|f| f.ends_with("--cfg loom")));
        assert_eq!(
            env("CARGO_TARGET_DIR").map(PathBuf::from),
            Some(loom_target_dir(root))
        );
        let suite = cargo(root, exercise, Target::Suite);
        assert!(suite.get_args().any(|a| a == "--tests"));
        assert!(suite.get_envs().all(|(k, _)| k != "RUSTFLAGS"));
    }

    /// Only the exercises whose loom models include the starter's get a
    /// loom run.
    #[test]
    fn a_loom_run_only_where_the_starter_has_models() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let has = |name| Target::Loom.applies(root, crate::registry::exercise(name).unwrap());
        assert!(has("spin-lock") && has("print-in-order") && has("thread-pool"));
        // The crawler has loom models of the references only.
        assert!(!has("crawler") && !has("hashmap"));
    }
}
