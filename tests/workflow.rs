//! The workflow commands (list, check, hint, solution, reset, watch), run as
//! a candidate runs them, mistakes included: a starter that hangs, one that
//! does not compile, a Ctrl-C in the middle. Each test works on a temporary
//! copy of the workspace, so the real starters are never touched, and every
//! command runs under a timeout: the loop must never hang.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the workspace's sources in a fresh git repository, as a
/// candidate's clone would be. Build output goes to one folder under the
/// real target/, shared by every run of these tests, so the copy's
/// dependencies are built once.
struct Copy {
    dir: PathBuf,
}

impl Copy {
    fn new(name: &str) -> Copy {
        let dir =
            std::env::temp_dir().join(format!("concur-workflow-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        copy_tree(&root(), &dir);
        for args in [
            &["init", "-q"][..],
            &["add", "-A"],
            &[
                "-c",
                "user.name=test",
                "-c",
                "user.email=test@example.com",
                "commit",
                "-q",
                "-m",
                "copy",
            ],
        ] {
            let status = Command::new("git")
                .current_dir(&dir)
                .args(args)
                .status()
                .unwrap();
            assert!(status.success(), "git {args:?}");
        }
        Copy { dir }
    }

    fn target() -> PathBuf {
        root().join("target/workflow-tests")
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_concur"));
        cmd.current_dir(&self.dir)
            .env_remove("CONCUR_ROOT")
            .env("CARGO_TARGET_DIR", Self::target());
        cmd
    }

    /// Runs `concur ARGS` to the end, or fails the test after `limit`.
    fn concur(&self, args: &[&str], limit: Duration) -> Output {
        let mut cmd = self.command();
        cmd.args(args);
        run_within(cmd, limit, &format!("concur {}", args.join(" ")))
    }

    fn starter(&self, exercise: &str) -> PathBuf {
        self.dir
            .join(format!("exercises/{exercise}/src/starter.rs"))
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Runs `cmd` to the end, killing it and failing the test if it takes
/// longer than `limit`.
fn run_within(mut cmd: Command, limit: Duration, what: &str) -> Output {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_within(child, limit, what)
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        // The book's text is read by `concur check`; its charts are not.
        let skip = ["target", ".git", ".concur", "charts"]
            .iter()
            .any(|s| name == *s);
        if skip {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&src, &dst);
        } else {
            fs::copy(&src, &dst).unwrap();
        }
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const QUICK: Duration = Duration::from_secs(20);
/// A whole suite, built and run: generous for a cold, loaded machine.
const SUITE: Duration = Duration::from_secs(400);

/// The solved hashmap starter: the reference, under the starter's name.
const SOLVED: &str = "pub type StarterMap<K, V> = crate::StripedMap<K, V>;\n";

/// Held by every test that builds the hashmap exercise. The copies share
/// one target dir, and cargo names a path package's build by its place in
/// the workspace, not by the copy's: two copies building `hashmap` at once
/// write the same test binary, and one test runs the other's starter.
static HASHMAP: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A loom run builds loom's copy of the crate first, optimised: minutes on
/// a cold target on 2 cores.
const LOOM: Duration = Duration::from_secs(900);

#[test]
fn list_shows_the_five_exercises_at_once_whatever_their_state() {
    let copy = Copy::new("list");
    fs::write(copy.starter("hashmap"), SOLVED).unwrap();
    let started = Instant::now();
    let output = copy.concur(&["list"], QUICK);
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    for name in ["topk", "trie", "segment", "crawler"] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(name) && l.contains("starter untouched")),
            "{name} is missing or not untouched:\n{text}"
        );
    }
    assert!(
        text.lines()
            .any(|l| l.starts_with("hashmap") && l.contains("edited, not checked yet")),
        "{text}"
    );
    assert!(text.contains("Next: concur check hashmap"), "{text}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "list ran something"
    );
}

#[test]
fn hint_starts_with_the_first_and_goes_on() {
    let copy = Copy::new("hint");
    let first = copy.concur(&["hint", "hashmap"], QUICK);
    assert!(first.status.success());
    assert!(
        stdout(&first)
            .starts_with("Hint 1 of 3 for hashmap:\n\n**Pick the stripe from the hash.**")
    );
    let second = copy.concur(&["hint", "hashmap"], QUICK);
    assert!(stdout(&second).starts_with("Hint 2 of 3 for hashmap:"));
    let bad = copy.concur(&["hint", "hashmap", "4"], QUICK);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("hashmap has hints 1 to 3"));
}

/// A spin lock with `Relaxed` orderings passes the suite on x86, whose
/// hardware orders more than the model promises; `--loom` explores the
/// model's interleavings and names the stale read.
#[test]
fn check_loom_names_the_ordering_that_x86_hides() {
    let copy = Copy::new("loom");
    fs::write(
        copy.starter("spin-lock"),
        include_str!("fixtures/relaxed_spin_lock_starter.rs"),
    )
    .unwrap();
    let checked = copy.concur(&["check", "spin-lock", "--quiet", "--loom"], LOOM);
    assert_eq!(checked.status.code(), Some(1), "{checked:?}");
    let text = stdout(&checked);
    let (suite, loom) = text.split_once("Under loom:").expect("a loom report");
    assert!(suite.contains("All checks pass."), "{suite}");
    // loom runs next: no advice to run it.
    assert!(!suite.contains("concur check spin-lock --loom"), "{suite}");
    assert!(
        loom.contains("FAIL  starter_keeps_sections_apart_and_in_order"),
        "{loom}"
    );
    assert!(loom.contains("-> stale read."), "{loom}");
    assert!(
        loom.contains("`concur check spin-lock --loom` again"),
        "{loom}"
    );
}

#[test]
fn check_names_bugs_then_passes_and_progress_outlives_target_and_reset_restores() {
    // Another test's failure must not stop this one: the lock guards no data.
    let _hashmap = HASHMAP
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let copy = Copy::new("check");
    let stub = fs::read_to_string(copy.starter("hashmap")).unwrap();

    let unsolved = copy.concur(&["check", "hashmap", "--quiet"], SUITE);
    assert_eq!(unsolved.status.code(), Some(1), "{unsolved:?}");
    let text = stdout(&unsolved);
    assert!(text.contains("FAIL  starter::update_is_atomic"), "{text}");
    assert!(text.contains("-> not implemented yet."), "{text}");
    assert!(
        text.contains("bug-classes.html#not-implemented-yet"),
        "{text}"
    );

    // A wrong solution: each update reads under one lock and writes under
    // another. The report names the bug, explains it, and points at the
    // book's section.
    fs::write(
        copy.starter("hashmap"),
        include_str!("fixtures/lost_update_starter.rs"),
    )
    .unwrap();
    let buggy = copy.concur(&["check", "hashmap", "--quiet"], SUITE);
    assert_eq!(buggy.status.code(), Some(1), "{buggy:?}");
    let text = stdout(&buggy);
    assert!(text.contains("-> lost update."), "{text}");
    assert!(text.contains("bug-classes.html#lost-update"), "{text}");
    assert!(
        text.contains("read-modify-write"),
        "the book's paragraph: {text}"
    );
    assert!(!text.contains("Some("), "debug output: {text}");

    fs::write(copy.starter("hashmap"), SOLVED).unwrap();
    let solved = copy.concur(&["check", "hashmap", "--quiet"], SUITE);
    assert!(solved.status.success(), "{}", stdout(&solved));
    assert!(stdout(&solved).contains("All checks pass."));

    // Progress lives in .concur/, which cargo clean does not touch.
    assert!(copy.dir.join(".concur/progress.json").is_file());
    let _ = fs::remove_dir_all(copy.dir.join("target"));
    let listed = stdout(&copy.concur(&["list"], QUICK));
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("hashmap") && l.contains("passing")),
        "{listed}"
    );

    // Without a terminal, reset asks for --yes rather than hanging.
    let asked = copy.concur(&["reset", "hashmap"], QUICK);
    assert_eq!(asked.status.code(), Some(1));
    assert!(stderr(&asked).contains("pass --yes"));
    let reset = copy.concur(&["reset", "hashmap", "--yes"], QUICK);
    assert!(reset.status.success(), "{reset:?}");
    assert_eq!(fs::read_to_string(copy.starter("hashmap")).unwrap(), stub);
    let backups: Vec<_> = fs::read_dir(copy.dir.join(".concur/backup"))
        .unwrap()
        .collect();
    assert_eq!(backups.len(), 1, "the solution was kept as a copy");
    let restored = copy.concur(&["reset", "hashmap", "--restore", "--yes"], QUICK);
    assert!(restored.status.success(), "{restored:?}");
    assert_eq!(
        fs::read_to_string(copy.starter("hashmap")).unwrap(),
        SOLVED,
        "restore brings the solution back"
    );
}

#[test]
fn a_hanging_starter_hangs_no_command_and_is_named() {
    // Another test's failure must not stop this one: the lock guards no data.
    let _hashmap = HASHMAP
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let copy = Copy::new("hang");
    fs::write(
        copy.starter("hashmap"),
        include_str!("fixtures/self_deadlock_starter.rs"),
    )
    .unwrap();

    // list reads stored results only.
    let listed = copy.concur(&["list"], QUICK);
    assert!(stdout(&listed).contains("edited, not checked yet"));

    let checked = copy.concur(&["check", "hashmap", "--quiet"], SUITE);
    assert_eq!(checked.status.code(), Some(1), "{checked:?}");
    let text = stdout(&checked);
    assert!(text.contains("-> self-deadlock."), "{text}");
    // Root cause first: the first failure listed is the self-deadlock.
    let first = text.lines().find(|l| l.contains("-> ")).unwrap();
    assert!(first.contains("self-deadlock"), "{text}");

    // Ctrl-C in the middle, once some checks have finished (without a
    // terminal, each finished check is a line on stderr): what finished is
    // reported, and it ends.
    let mut check = copy.command();
    check
        .args(["check", "hashmap"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = check.spawn().unwrap();
    let progress = stderr_lines_of(&mut child);
    read_until(&progress, " done, ", SUITE).expect("checks finish one by one");
    interrupt(&child);
    let output = wait_within(child, QUICK, "check after Ctrl-C");
    let text = stdout(&output);
    assert!(text.contains("stopped."), "{text}");
    assert!(text.contains("checks had finished"), "{text}");

    // watch: a save while the check hangs stops it and checks the fix.
    let mut watch = copy.command();
    watch
        .args(["watch", "hashmap", "--poll", "--interval-ms", "100"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = watch.spawn().unwrap();
    let lines = lines_of(&mut child);
    // Once the hanging suite is running (its first checks have finished),
    // the fix is saved.
    let progress = stderr_lines_of(&mut child);
    read_until(&progress, " done, ", SUITE).expect("the first check runs");
    fs::write(copy.starter("hashmap"), SOLVED).unwrap();
    let seen = read_until(&lines, "All checks pass.", SUITE);
    interrupt(&child);
    let _ = wait_within(child, QUICK, "watch after Ctrl-C");
    let seen = seen.unwrap_or_else(|seen| panic!("watch never checked the fix:\n{seen}"));
    assert!(seen.contains("stopped the running check"), "{seen}");
}

#[test]
fn a_starter_that_does_not_compile_breaks_nothing_else() {
    let copy = Copy::new("broken");
    let broken = fs::read_to_string(copy.starter("topk")).unwrap()
        + "\npub fn broken() -> u32 {\n    \"not a number\"\n}\n";
    fs::write(copy.starter("topk"), &broken).unwrap();
    let line = broken.lines().count() - 1;

    let checked = copy.concur(&["check", "topk", "--quiet"], SUITE);
    assert_eq!(checked.status.code(), Some(1), "{checked:?}");
    let text = stdout(&checked);
    assert!(text.contains("does not compile"), "{text}");
    assert!(
        text.contains(&format!("starter.rs:{line}")),
        "the error's line {line}: {text}"
    );
    assert!(text.contains("Fix it and check again"), "{text}");

    let listed = copy.concur(&["list"], QUICK);
    assert!(listed.status.success());
    assert!(
        stdout(&listed)
            .lines()
            .any(|l| l.starts_with("topk") && l.contains("does not compile")),
        "{}",
        stdout(&listed)
    );
    assert!(copy.concur(&["hint", "topk"], QUICK).status.success());
    assert!(
        copy.concur(&["solution", "hashmap", "--yes"], QUICK)
            .status
            .success()
    );
    // The references' own tests do not compile the starter.
    let mut references = Command::new(env!("CARGO"));
    references
        .current_dir(&copy.dir)
        .args(["test", "-p", "topk", "--lib", "--test", "conformance"])
        .env("CARGO_TARGET_DIR", Copy::target());
    let tested = run_within(references, SUITE, "cargo test -p topk");
    assert!(tested.status.success(), "{}", stderr(&tested));
}

#[test]
fn solution_warns_then_sets_the_reference_beside_yours_function_by_function() {
    let copy = Copy::new("solution");
    let refused = copy.concur(&["solution", "hashmap"], QUICK);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("does not pass yet"));
    let shown = copy.concur(&["solution", "hashmap", "--yes"], QUICK);
    assert!(shown.status.success());
    let text = stdout(&shown);
    assert!(
        text.contains("== fn insert: yours (exercises/hashmap/src/starter.rs:"),
        "{text}"
    );
    assert!(
        text.contains("| the reference (exercises/hashmap/src/striped.rs:"),
        "{text}"
    );
    assert!(text.contains("- ") && text.contains("+ "), "{text}");
    assert!(text.contains("The reference's other functions"), "{text}");
}

/// Sends Ctrl-C's signal to a child.
fn interrupt(child: &Child) {
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
}

fn wait_within(child: Child, limit: Duration, what: &str) -> Output {
    let id = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &id.to_string()])
                .status();
            panic!("{what} did not end within {limit:?}: it hangs");
        }
    }
}

/// The child's stdout, line by line, as it comes.
fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let out = child.stdout.take().unwrap();
    receive_lines(out)
}

/// The child's stderr, line by line, as it comes.
fn stderr_lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let err = child.stderr.take().unwrap();
    receive_lines(err)
}

fn receive_lines(out: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// Everything read until a line containing `needle` (Ok), or until `limit`
/// or the end (Err).
fn read_until(
    lines: &mpsc::Receiver<String>,
    needle: &str,
    limit: Duration,
) -> Result<String, String> {
    let started = Instant::now();
    let mut seen = String::new();
    while let Some(left) = limit.checked_sub(started.elapsed()) {
        match lines.recv_timeout(left) {
            Ok(line) => {
                seen.push_str(&line);
                seen.push('\n');
                if line.contains(needle) {
                    return Ok(seen);
                }
            }
            Err(_) => break,
        }
    }
    Err(seen)
}
