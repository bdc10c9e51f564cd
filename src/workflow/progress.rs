//! What this checkout has done: each exercise's last result, kept with the
//! hash of the starter it was for, and the hints already shown. Stored in
//! `target/concur/progress.json`, so a clean checkout starts fresh.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use serde_json::{Value, json};

use super::Exercise;
use super::suite::Report;

/// An exercise's state in this checkout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// The starter is the committed one.
    Untouched,
    /// Changed, and some checks fail (or it does not build).
    InProgress {
        passed: usize,
        total: usize,
    },
    Passing {
        total: usize,
    },
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            State::Untouched => write!(f, "starter untouched"),
            State::InProgress { passed, total } => {
                write!(f, "in progress ({passed}/{total} checks pass)")
            }
            State::Passing { total } => write!(f, "passing ({total}/{total})"),
        }
    }
}

impl State {
    pub fn of(report: &Report) -> State {
        let (passed, total) = report.counts();
        if report.passing() {
            State::Passing { total }
        } else {
            State::InProgress { passed, total }
        }
    }
}

/// The record file.
#[derive(Debug)]
pub struct Progress {
    path: PathBuf,
    data: Value,
}

impl Progress {
    pub fn load(root: &Path) -> Progress {
        let path = root.join("target/concur/progress.json");
        // A missing or damaged record only costs a re-run of the suites.
        let data = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .filter(Value::is_object)
            .unwrap_or_else(|| json!({}));
        Progress { path, data }
    }

    pub fn save(&self) -> Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&self.path, serde_json::to_string_pretty(&self.data)?)
            .with_context(|| format!("cannot write {}", self.path.display()))
    }

    /// The state recorded for `exercise`, if it was for this very starter.
    pub fn cached(&self, exercise: &Exercise, starter_hash: &str) -> Option<State> {
        let entry = self.data.get("results")?.get(exercise.name)?;
        if entry.get("starter")?.as_str()? != starter_hash {
            return None;
        }
        let passed = entry.get("passed")?.as_u64()? as usize;
        let total = entry.get("total")?.as_u64()? as usize;
        Some(if total > 0 && passed == total {
            State::Passing { total }
        } else {
            State::InProgress { passed, total }
        })
    }

    pub fn record(&mut self, exercise: &Exercise, starter_hash: &str, report: &Report) {
        let (passed, total) = report.counts();
        self.data["results"][exercise.name] =
            json!({ "starter": starter_hash, "passed": passed, "total": total });
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
