//! The candidate's workflow behind `concur list`, `check`, `hint`,
//! `solution`, `reset` and `watch`: which exercises exist, where their files
//! are, how their suites run, and what this checkout has done so far.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

pub mod bugs;
pub mod hints;
pub mod progress;
pub mod suite;

/// One exercise, as the workflow commands know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exercise {
    pub name: &'static str,
    /// The interview question, in one line.
    pub question: &'static str,
    /// The book chapter that explains it, under `book/src/`.
    pub chapter: &'static str,
    /// The reference files the starter corresponds to, under the crate.
    pub solution: &'static [&'static str],
}

pub const EXERCISES: [Exercise; 5] = [
    Exercise {
        name: "hashmap",
        question: "ConcurrentHashMap vs Hashtable: a striped-lock map that beats one global lock",
        chapter: "hashmap.md",
        solution: &["src/striped.rs"],
    },
    Exercise {
        name: "topk",
        question: "Top-K frequent queries from a concurrent stream, counted exactly",
        chapter: "topk.md",
        solution: &["src/exact_sharded.rs"],
    },
    Exercise {
        name: "trie",
        question: "Autocomplete: a trie with cached top-k under concurrent reads and updates",
        chapter: "trie.md",
        solution: &["src/trie.rs", "src/rwlock.rs"],
    },
    Exercise {
        name: "segment",
        question: "Parallel word segmentation: one thread's output, in order, on every core",
        chapter: "segment.md",
        solution: &["src/scoped.rs", "src/chunk.rs"],
    },
    Exercise {
        name: "crawler",
        question: "A multithreaded web crawler (LeetCode 1242): every URL once, then stop",
        chapter: "crawler.md",
        solution: &["src/leetcode.rs", "src/frontier.rs"],
    },
];

/// The exercise called `name`, or an error that lists the names.
pub fn exercise(name: &str) -> Result<&'static Exercise> {
    match EXERCISES.iter().find(|e| e.name == name) {
        Some(exercise) => Ok(exercise),
        None => bail!(
            "no exercise called {name:?}; the exercises are {}",
            EXERCISES.map(|e| e.name).join(", ")
        ),
    }
}

/// The checkout to work in: `$CONCUR_ROOT`, else the nearest folder at or
/// above the current one that holds the exercises, else the one this binary
/// was built from.
pub fn root() -> Result<PathBuf> {
    if let Some(root) = std::env::var_os("CONCUR_ROOT") {
        let root = PathBuf::from(root);
        if is_root(&root) {
            return Ok(root);
        }
        bail!("CONCUR_ROOT={} is not a concur checkout", root.display());
    }
    let here = std::env::current_dir()?;
    if let Some(found) = here.ancestors().find(|dir| is_root(dir)) {
        return Ok(found.to_path_buf());
    }
    let built = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if is_root(&built) {
        return Ok(built);
    }
    bail!("run concur inside the concur checkout (no exercises/ found here or above)")
}

fn is_root(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file() && dir.join("exercises/hashmap/Cargo.toml").is_file()
}

impl Exercise {
    pub fn dir(&self, root: &Path) -> PathBuf {
        root.join("exercises").join(self.name)
    }

    /// The candidate's file.
    pub fn starter(&self, root: &Path) -> PathBuf {
        self.dir(root).join("src/starter.rs")
    }

    /// The starter's path from the root, with `/`, as git names it.
    pub fn starter_in_git(&self) -> String {
        format!("exercises/{}/src/starter.rs", self.name)
    }
}
