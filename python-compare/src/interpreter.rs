//! The embedded interpreter, made ready for the comparison: our Python
//! files on `sys.path`, the packages they need, and multiprocessing pointed
//! at a real interpreter.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use pyo3::prelude::*;

/// The interpreter pyo3 was built against (found by build.rs).
pub const INTERPRETER: &str = env!("PYTHON_COMPARE_INTERPRETER");
/// Where the harness installs the Python packages when they are missing
/// (`target/python-venv`; the variable `PYTHON_COMPARE_VENV` overrides it).
pub const VENV: &str = env!("PYTHON_COMPARE_VENV");
/// The Python side of every workload.
pub const PYTHON_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python");
pub const REQUIREMENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/requirements.txt");

/// What the comparison ran on, for the fingerprint.
#[derive(Debug, Clone)]
pub struct Python3 {
    /// `sys.version`'s first word: "3.11.7".
    pub version: String,
    /// False only on a free-threaded build (3.13t and later) running
    /// without the GIL.
    pub gil_enabled: bool,
    /// The interpreter multiprocessing starts its workers with.
    pub executable: PathBuf,
}

/// Makes the embedded interpreter ready; `say` reports the one slow step
/// (installing packages on a first run). Safe to call more than once.
pub fn prepare(py: Python<'_>, say: &mut dyn FnMut(&str)) -> Result<Python3> {
    let sys = py.import("sys")?;
    // An embedded interpreter starts without argv, which multiprocessing reads.
    if !sys.hasattr("argv")? || sys.getattr("argv")?.len()? == 0 {
        sys.setattr("argv", vec!["python-compare"])?;
    }
    let path = sys.getattr("path")?;
    if !path.contains(PYTHON_DIR)? {
        path.call_method1("insert", (0, PYTHON_DIR))?;
    }

    let executable = if packages_present(py)? {
        PathBuf::from(INTERPRETER)
    } else {
        let python = venv(say)?;
        let site = site_packages(&python)?;
        py.import("site")?
            .call_method1("addsitedir", (site.as_str(),))?;
        if !packages_present(py)? {
            bail!(
                "the packages in {REQUIREMENTS} are still missing after installing them into {VENV}; \
                 delete that folder and run again"
            );
        }
        python
    };
    py.import("multiprocessing")?
        .call_method1("set_executable", (executable.to_string_lossy().as_ref(),))?;

    let version: String = sys.getattr("version")?.extract()?;
    let gil_enabled = match sys.getattr("_is_gil_enabled") {
        Ok(is_enabled) => is_enabled.call0()?.extract()?,
        // Before 3.13 every build has the GIL.
        Err(_) => true,
    };
    Ok(Python3 {
        version: version.split_whitespace().next().unwrap_or("?").to_string(),
        gil_enabled,
        executable,
    })
}

fn packages_present(py: Python<'_>) -> Result<bool> {
    let find_spec = py.import("importlib.util")?.getattr("find_spec")?;
    for package in ["jieba", "aiohttp"] {
        if find_spec.call1((package,))?.is_none() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The venv's interpreter, creating the venv and installing the
/// requirements first if that has not been done for these requirements.
fn venv(say: &mut dyn FnMut(&str)) -> Result<PathBuf> {
    let venv =
        std::env::var_os("PYTHON_COMPARE_VENV").map_or_else(|| PathBuf::from(VENV), PathBuf::from);
    let shown = venv.display().to_string();
    let python = venv.join("bin").join("python");
    let marker = venv.join("installed-requirements.txt");
    let wanted = std::fs::read_to_string(REQUIREMENTS)
        .with_context(|| format!("cannot read {REQUIREMENTS}"))?;
    if python.exists() && std::fs::read_to_string(&marker).ok().as_deref() == Some(&wanted) {
        return Ok(python);
    }
    say(&format!(
        "installing the Python packages (jieba, aiohttp) into {shown}: first run only, about a minute"
    ));
    let manual = format!(
        "install them by hand and run again: {INTERPRETER} -m pip install -r {REQUIREMENTS}"
    );
    if !python.exists() {
        run(Command::new(INTERPRETER).args(["-m", "venv"]).arg(&venv))
            .with_context(|| format!("cannot create a venv at {shown}; {manual}"))?;
    }
    run(Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--quiet",
            "-r",
        ])
        .arg(REQUIREMENTS))
    .with_context(|| {
        format!("cannot install the Python packages (is PyPI reachable?); {manual}")
    })?;
    std::fs::write(&marker, wanted)
        .with_context(|| format!("cannot write {}", marker.display()))?;
    Ok(python)
}

fn site_packages(python: &Path) -> Result<String> {
    let out = run(Command::new(python).args([
        "-c",
        "import sysconfig; print(sysconfig.get_path('purelib'))",
    ]))?;
    Ok(out.trim().to_string())
}

/// Runs a command to completion; its stdout, or an error with its stderr.
fn run(command: &mut Command) -> Result<String> {
    let shown = format!("{command:?}");
    let output = command
        .output()
        .with_context(|| format!("cannot start {shown}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
        bail!(
            "{shown} failed ({}):\n{}",
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
