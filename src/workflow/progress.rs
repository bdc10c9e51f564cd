//! What this checkout has done: each exercise's last result, kept with the
//! hash of the starter it was for, the hints already shown, and copies of
//! starters that `concur reset` replaced.
//!
//! All of it lives in `.concur/` at the root of the checkout (git ignores
//! it), not under `target/`: `cargo clean` must not erase a candidate's
//! progress, and never their code.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use serde_json::{Value, json};

use super::Exercise;
use super::suite::Report;

/// An exercise's state in this checkout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// The starter file is not there.
    Missing,
    /// The starter is the committed one.
    Untouched,
    /// Changed since it was last checked (or never checked).
    Edited,
    /// Checked as it is now: it does not compile.
    DoesNotBuild,
    /// Checked as it is now: some checks fail.
    InProgress { passed: usize, total: usize },
    /// Checked as it is now: every check passes.
    Passing { total: usize },
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            State::Missing => write!(f, "starter.rs missing (concur reset)"),
            State::Untouched => write!(f, "starter untouched"),
            State::Edited => write!(f, "edited, not checked yet"),
            State::DoesNotBuild => write!(f, "does not compile"),
            State::InProgress { passed, total } => {
                write!(f, "in progress ({passed}/{total} checks pass)")
            }
            State::Passing { total } => write!(f, "passing ({total}/{total})"),
        }
    }
}

impl State {
    /// The state a finished run leaves; `None` for a run that was stopped
    /// before it finished (it says nothing for sure).
    pub fn of(report: &Report) -> Option<State> {
        use super::suite::Ending;
        match report {
            Report::DoesNotBuild(_) => Some(State::DoesNotBuild),
            Report::Interrupted => None,
            Report::Ran {
                ending: Ending::Interrupted,
                ..
            } => None,
            Report::Ran { .. } => {
                let (passed, total) = report.counts();
                // Passing only when every check ran and passed: a run that
                // crashed with all its finished checks passing is not.
                Some(if report.passing() {
                    State::Passing { total }
                } else {
                    State::InProgress { passed, total }
                })
            }
        }
    }

    pub fn passing(&self) -> bool {
        matches!(self, State::Passing { .. })
    }
}

/// The folder, `.concur/` at the root of the checkout.
pub fn state_dir(root: &Path) -> PathBuf {
    root.join(".concur")
}

/// Where `concur reset` keeps the starters it replaced.
pub fn backup_dir(root: &Path) -> PathBuf {
    state_dir(root).join("backup")
}

/// The record file.
#[derive(Debug)]
pub struct Progress {
    path: PathBuf,
    data: Value,
}

impl Progress {
    pub fn load(root: &Path) -> Progress {
        let path = state_dir(root).join("progress.json");
        // Where earlier versions kept it, read once if nothing newer exists.
        let legacy = root.join("target/concur/progress.json");
        let read = |p: &Path| {
            std::fs::read_to_string(p)
                .ok()
                .and_then(|text| serde_json::from_str::<Value>(&text).ok())
                .filter(Value::is_object)
        };
        // A missing or damaged record only costs a re-run of the suites.
        let data = read(&path)
            .or_else(|| read(&legacy))
            .unwrap_or_else(|| json!({}));
        Progress { path, data }
    }

    pub fn save(&self) -> Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        // Write then rename: a Ctrl-C mid-write never leaves half a file.
        // The temporary name is this process's own, so that two commands
        // saving at once never rename each other's half-written file.
        let temporary = self
            .path
            .with_extension(format!("json.{}.tmp", std::process::id()));
        std::fs::write(&temporary, serde_json::to_string_pretty(&self.data)?)
            .and_then(|()| std::fs::rename(&temporary, &self.path))
            .with_context(|| format!("cannot write {}", self.path.display()))
    }

    /// The state recorded for `exercise`, if it was for this very starter.
    pub fn cached(&self, exercise: &Exercise, starter_hash: &str) -> Option<State> {
        let entry = self.data.get("results")?.get(exercise.name)?;
        if entry.get("starter")?.as_str()? != starter_hash {
            return None;
        }
        if entry.get("builds").and_then(Value::as_bool) == Some(false) {
            return Some(State::DoesNotBuild);
        }
        let passed = entry.get("passed")?.as_u64()? as usize;
        let total = entry.get("total")?.as_u64()? as usize;
        // Passing only if the run said so: a crashed run whose finished
        // checks all passed is not.
        let passing = entry.get("passing").and_then(Value::as_bool) == Some(true);
        Some(if passing && total > 0 && passed == total {
            State::Passing { total }
        } else {
            State::InProgress { passed, total }
        })
    }

    /// Records a finished run's outcome for this starter (a stopped run is
    /// not recorded: it proves nothing).
    pub fn record(&mut self, exercise: &Exercise, starter_hash: &str, state: State) {
        let entry = match state {
            State::DoesNotBuild => json!({ "starter": starter_hash, "builds": false }),
            State::InProgress { passed, total } => {
                json!({ "starter": starter_hash, "passed": passed, "total": total, "passing": false })
            }
            State::Passing { total } => {
                json!({ "starter": starter_hash, "passed": total, "total": total, "passing": true })
            }
            State::Missing | State::Untouched | State::Edited => return,
        };
        self.data["results"][exercise.name] = entry;
    }

    /// How many hints of `exercise` were shown.
    pub fn hints_seen(&self, exercise: &Exercise) -> usize {
        self.data["hints"][exercise.name].as_u64().unwrap_or(0) as usize
    }

    pub fn saw_hint(&mut self, exercise: &Exercise, number: usize) {
        let seen = self.hints_seen(exercise).max(number);
        self.data["hints"][exercise.name] = json!(seen);
    }
}

/// The state of `exercise` from what is stored alone: it never runs the
/// suite, so it never waits on one.
pub fn stored_state(root: &Path, exercise: &Exercise, record: &Progress) -> Result<State> {
    if !exercise.starter(root).is_file() {
        return Ok(State::Missing);
    }
    if untouched(root, exercise) {
        return Ok(State::Untouched);
    }
    let hash = hash_file(&exercise.starter(root))?;
    Ok(record.cached(exercise, &hash).unwrap_or(State::Edited))
}

/// FNV-1a of the file's bytes: stable across Rust versions, unlike std's
/// hasher, so the record survives an upgrade.
pub fn hash_file(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x100_0000_01b3);
    }
    Ok(format!("{hash:016x}"))
}

/// The committed starter (`git show HEAD:path`), or `None` outside git.
pub fn committed_starter(root: &Path, exercise: &Exercise) -> Option<Vec<u8>> {
    let output = Command::new("git")
        .current_dir(root)
        .args(["show", &format!("HEAD:{}", exercise.starter_in_git())])
        .output()
        .ok()?;
    output.status.success().then_some(output.stdout)
}

/// True when the starter is byte for byte the committed one.
pub fn untouched(root: &Path, exercise: &Exercise) -> bool {
    match (
        committed_starter(root, exercise),
        std::fs::read(exercise.starter(root)),
    ) {
        (Some(committed), Ok(current)) => committed == current,
        _ => false,
    }
}

/// Keeps a copy of the current starter of `exercise` under `.concur/backup/`
/// (named with the time, so copies never overwrite each other); returns its
/// path.
pub fn back_up(root: &Path, exercise: &Exercise) -> Result<PathBuf> {
    let dir = backup_dir(root);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let backup = dir.join(format!("{}-starter-{stamp}.rs", exercise.name));
    let starter = exercise.starter(root);
    std::fs::copy(&starter, &backup).with_context(|| {
        format!(
            "cannot keep a copy of {} in {}",
            starter.display(),
            backup.display()
        )
    })?;
    Ok(backup)
}

/// The newest copy `back_up` kept of `exercise`'s starter, if any (in
/// `.concur/backup/`, or in `target/concur/backup/` where earlier versions
/// kept them).
pub fn latest_backup(root: &Path, exercise: &Exercise) -> Option<PathBuf> {
    let prefix = format!("{}-starter-", exercise.name);
    [backup_dir(root), root.join("target/concur/backup")]
        .iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().to_string();
            let stamp: u128 = name
                .strip_prefix(&prefix)?
                .strip_suffix(".rs")?
                .parse()
                .ok()?;
            Some((stamp, entry.path()))
        })
        .max_by_key(|(stamp, _)| *stamp)
        .map(|(_, path)| path)
}
