//! The candidate's workflow behind `concur list`, `check`, `hint`,
//! `solution`, `reset` and `watch`: which exercises exist, where their files
//! are, how their suites run, and what this checkout has done so far.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

pub mod bugs;
pub mod functions;
pub mod hints;
pub mod progress;
pub mod suite;

pub use crate::registry::{EXERCISES, Exercise, exercise};

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
