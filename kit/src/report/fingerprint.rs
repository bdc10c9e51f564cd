//! The machine fingerprint printed on every CSV and chart.
//!
//! A figure without its machine is a rumour: two cores on a shared VM and
//! sixteen on a laptop give different charts, and both are right.

use std::process::Command;

/// What a measurement ran on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub cores: usize,
    pub cpu: String,
    pub rustc: String,
    pub python: String,
    pub commit: String,
}

impl Fingerprint {
    /// Reads the fingerprint of this machine and checkout. Anything that
    /// cannot be found reads "unknown" rather than failing a benchmark.
    pub fn detect() -> Self {
        Self {
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu: cpu_model().unwrap_or_else(unknown),
            rustc: first_line("rustc", &["--version"]).unwrap_or_else(unknown),
            python: first_line("python3", &["--version"]).unwrap_or_else(unknown),
            commit: first_line("git", &["rev-parse", "--short=12", "HEAD"])
                .map(|commit| {
                    // The figures a run writes into the book are its output,
                    // not a change to what it measures: a bench that has
                    // refreshed one chart is still measuring a clean commit.
                    let dirty = first_line(
                        "git",
                        &[
                            "status",
                            "--porcelain",
                            "--untracked-files=no",
                            "--",
                            ":/",
                            ":(top,exclude)book/src/charts",
                        ],
                    )
                    .is_some();
                    if dirty {
                        format!("{commit}+changes")
                    } else {
                        commit
                    }
                })
                .unwrap_or_else(unknown),
        }
    }

    /// `key: value` lines, as written at the top of a CSV.
    pub fn lines(&self) -> Vec<String> {
        vec![
            format!("cores: {}", self.cores),
            format!("cpu: {}", self.cpu),
            format!("rustc: {}", self.rustc),
            format!("python: {}", self.python),
            format!("commit: {}", self.commit),
        ]
    }

    /// One line for a chart caption.
    pub fn caption(&self) -> String {
        format!(
            "{} cores, {}; {}; commit {}",
            self.cores, self.cpu, self.rustc, self.commit
        )
    }
}

/// This process's peak resident memory (VmHWM), where the system tells it.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn unknown() -> String {
    "unknown".to_string()
}

fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|line| line.starts_with("model name"))
        .and_then(|line| line.split_once(':'))
        .map(|(_, model)| model.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn first_line(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    // `python3 --version` wrote to stderr before Python 3.4.
    let text = if output.stdout.is_empty() {
        output.stderr
    } else {
        output.stdout
    };
    let line = String::from_utf8_lossy(&text)
        .lines()
        .next()?
        .trim()
        .to_string();
    (!line.is_empty()).then_some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_cores_and_the_compiler() {
        let fp = Fingerprint::detect();
        assert!(fp.cores >= 1);
        assert!(fp.rustc.starts_with("rustc ") || fp.rustc == "unknown");
        assert_eq!(fp.lines().len(), 5);
        assert!(fp.caption().contains("cores"));
    }
}
