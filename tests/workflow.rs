//! The workflow commands (list, check, hint, solution, reset), run as a
//! candidate runs them. Each test works on a temporary copy of the
//! workspace, so the real starters are never touched.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin_cmd;

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

    fn concur(&self) -> assert_cmd::Command {
        let mut cmd = cargo_bin_cmd!("concur");
        cmd.current_dir(&self.dir)
            .env_remove("CONCUR_ROOT")
            .env("CARGO_TARGET_DIR", root().join("target/workflow-tests"));
        cmd
    }

    fn starter(&self) -> PathBuf {
        self.dir.join("exercises/hashmap/src/starter.rs")
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        let skip = ["target", ".git", "book"].iter().any(|s| name == *s);
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

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn list_shows_the_five_exercises() {
    let copy = Copy::new("list");
    let output = copy.concur().arg("list").output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    for name in ["hashmap", "topk", "trie", "segment", "crawler"] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(name) && l.contains("starter untouched")),
            "{name} is missing or not untouched:\n{text}"
        );
    }
}

#[test]
fn hint_starts_with_the_first_and_goes_on() {
    let copy = Copy::new("hint");
    let first = copy.concur().args(["hint", "hashmap"]).output().unwrap();
    assert!(first.status.success());
    assert!(
        stdout(&first)
            .starts_with("Hint 1 of 3 for hashmap:\n\n**Pick the stripe from the hash.**")
    );
    let second = copy.concur().args(["hint", "hashmap"]).output().unwrap();
    assert!(stdout(&second).starts_with("Hint 2 of 3 for hashmap:"));
    let bad = copy
        .concur()
        .args(["hint", "hashmap", "4"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("hashmap has hints 1 to 3"));
}

#[test]
fn check_fails_on_the_stub_and_passes_on_a_solution_then_reset_restores_the_stub() {
    let copy = Copy::new("check");
    let stub = fs::read_to_string(copy.starter()).unwrap();

    let unsolved = copy
        .concur()
        .args(["check", "hashmap", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(unsolved.status.code(), Some(1), "{unsolved:?}");
    let text = stdout(&unsolved);
    assert!(text.contains("FAIL  starter::update_is_atomic"), "{text}");
    assert!(text.contains("most likely: not implemented yet"), "{text}");

    // A wrong solution: each update reads under one lock and writes under
    // another. The report names the bug and the chapter.
    fs::write(
        copy.starter(),
        include_str!("fixtures/lost_update_starter.rs"),
    )
    .unwrap();
    let buggy = copy
        .concur()
        .args(["check", "hashmap", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(buggy.status.code(), Some(1), "{buggy:?}");
    let text = stdout(&buggy);
    assert!(
        text.contains("most likely: lost update. Read book/src/hashmap.md"),
        "{text}"
    );

    // The reference, copied in.
    fs::write(
        copy.starter(),
        "pub type StarterMap<K, V> = crate::StripedMap<K, V>;\n",
    )
    .unwrap();
    let solved = copy
        .concur()
        .args(["check", "hashmap", "--quiet"])
        .output()
        .unwrap();
    assert!(solved.status.success(), "{}", stdout(&solved));
    assert!(stdout(&solved).contains("All checks pass."));
    let listed = stdout(&copy.concur().arg("list").output().unwrap());
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("hashmap") && l.contains("passing")),
        "{listed}"
    );

    // Without a terminal, reset asks for --yes rather than hanging.
    let asked = copy.concur().args(["reset", "hashmap"]).output().unwrap();
    assert_eq!(asked.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&asked.stderr).contains("pass --yes"));
    let reset = copy
        .concur()
        .args(["reset", "hashmap", "--yes"])
        .output()
        .unwrap();
    assert!(reset.status.success(), "{reset:?}");
    assert_eq!(fs::read_to_string(copy.starter()).unwrap(), stub);
    let backups: Vec<_> = fs::read_dir(copy.dir.join("target/concur/backup"))
        .unwrap()
        .collect();
    assert_eq!(backups.len(), 1, "the solution was kept as a copy");
}

#[test]
fn solution_warns_before_spoiling_an_unsolved_exercise() {
    let copy = Copy::new("solution");
    let refused = copy
        .concur()
        .args(["solution", "hashmap"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("does not pass yet"));
    let shown = copy
        .concur()
        .args(["solution", "hashmap", "--yes"])
        .output()
        .unwrap();
    assert!(shown.status.success());
    let text = stdout(&shown);
    assert!(
        text.starts_with("reference: exercises/hashmap/src/striped.rs"),
        "{text}"
    );
    assert!(
        text.contains("+++ exercises/hashmap/src/striped.rs"),
        "{text}"
    );
}
