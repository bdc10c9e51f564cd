//! A cluster of shard processes on this machine, started by `concur search
//! --processes` and the cluster bench: `shards × replicas` children of
//! `concur search serve-shard`, each on a port of its own on 127.0.0.1.
//!
//! No child may outlive its parent. Three ways out, three guards:
//! - the parent returns or fails: [`Processes`] kills its children when
//!   dropped;
//! - the parent is interrupted (Ctrl-C, SIGTERM, SIGHUP): the CLI's
//!   handler kills them by their [`pids`](Processes::pids);
//! - the parent is killed outright (SIGKILL, a crash): each child asked
//!   Linux for SIGKILL when its parent dies (`PR_SET_PDEATHSIG`, set by
//!   `serve-shard --parent PID`).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result, bail};

/// How long a shard may take to index its documents and listen.
const START_TIMEOUT: Duration = Duration::from_secs(300);

/// What to start.
#[derive(Debug, Clone)]
pub struct Spawn<'a> {
    /// The `concur` binary.
    pub program: &'a Path,
    pub corpus: &'a Path,
    pub shards: usize,
    pub replicas: usize,
    pub lossy: bool,
    /// How often each shard refreshes.
    pub refresh: Duration,
}

/// Running shard processes, killed when this is dropped.
#[derive(Debug)]
pub struct Processes {
    children: Vec<Child>,
    /// `addresses[shard][replica]`: `http://127.0.0.1:PORT`.
    pub addresses: Vec<Vec<String>>,
}

impl Processes {
    /// Starts every shard process and waits until each listens. Must be
    /// called from a thread that lives as long as the children should:
    /// Linux sends the parent-death signal when the thread that started a
    /// child ends, not only the process.
    pub fn start(spawn: &Spawn) -> Result<Self> {
        let mut processes = Self {
            children: Vec::new(),
            addresses: vec![Vec::new(); spawn.shards],
        };
        let (tx, rx) = mpsc::channel();
        for shard in 0..spawn.shards {
            for replica in 0..spawn.replicas {
                let mut command = Command::new(spawn.program);
                command
                    .args(["search", "serve-shard", "--corpus"])
                    .arg(spawn.corpus)
                    .args([
                        "--shard",
                        &shard.to_string(),
                        "--of",
                        &spawn.shards.to_string(),
                    ])
                    .args(["--parent", &std::process::id().to_string()])
                    .args(["--refresh-ms", &spawn.refresh.as_millis().to_string()])
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::inherit());
                if spawn.lossy {
                    command.arg("--lossy");
                }
                let mut child = command
                    .spawn()
                    .with_context(|| format!("cannot start {}", spawn.program.display()))?;
                let stdout = child.stdout.take().expect("a piped stdout");
                // Counted before anything else can fail, so that Drop kills it.
                processes.children.push(child);
                let tx = tx.clone();
                std::thread::spawn(move || {
                    let mut line = String::new();
                    let read = BufReader::new(stdout).read_line(&mut line);
                    let _ = tx.send((shard, replica, read.map(|_| line)));
                });
            }
        }
        drop(tx);
        let mut started = vec![vec![None; spawn.replicas]; spawn.shards];
        for _ in 0..spawn.shards * spawn.replicas {
            let (shard, replica, line) = rx
                .recv_timeout(START_TIMEOUT)
                .context("a shard process did not start listening in time")?;
            let line = line.context("reading a shard process's address")?;
            let Some(address) = line.trim().strip_prefix("listening on ") else {
                let index = shard * spawn.replicas + replica;
                let status = processes.children[index].wait().ok();
                bail!(
                    "shard {shard} replica {replica} did not start (it printed {:?}, exit status {})",
                    line.trim(),
                    status.map_or("unknown".to_string(), |s| s.to_string())
                );
            };
            started[shard][replica] = Some(address.to_string());
        }
        processes.addresses = started
            .into_iter()
            .map(|replicas| {
                replicas
                    .into_iter()
                    .map(|a| a.expect("every address read"))
                    .collect()
            })
            .collect();
        Ok(processes)
    }

    /// The children's process ids, for a signal handler to kill.
    pub fn pids(&self) -> Vec<u32> {
        self.children.iter().map(Child::id).collect()
    }

    /// Kills shard `shard`'s replica `replica`, as a crash would.
    pub fn kill(&mut self, shard: usize, replica: usize) -> Result<()> {
        let index = shard * self.addresses[0].len() + replica;
        let child = &mut self.children[index];
        child.kill().context("killing a shard process")?;
        child.wait().context("waiting for a killed shard process")?;
        Ok(())
    }
}

impl Drop for Processes {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
        }
        for child in &mut self.children {
            let _ = child.wait();
        }
    }
}
