//! The search cluster as processes, run as a user runs it: no shard
//! process outlives `concur search --processes`, however the command ends.
//! (That its answers equal the in-process index's is `tests/cli.rs`.)

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The children of `pid`, from /proc.
fn children_of(pid: u32) -> Vec<u32> {
    let mut children = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if let Some((_, parent)) = state_and_parent(child)
            && parent == pid
        {
            children.push(child);
        }
    }
    children
}

/// A process's state letter and parent, or `None` once it is gone.
fn state_and_parent(pid: u32) -> Option<(char, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) S ppid ...": comm may hold spaces and parentheses.
    let after = &stat[stat.rfind(')')? + 2..];
    let mut fields = after.split(' ');
    let state = fields.next()?.chars().next()?;
    let parent = fields.next()?.parse().ok()?;
    Some((state, parent))
}

/// Alive: present and not a zombie (a zombie has exited; only its parent,
/// or init, has not collected its status yet).
fn alive(pid: u32) -> bool {
    state_and_parent(pid).is_some_and(|(state, _)| state != 'Z')
}

/// A `concur search --processes` that has answered one query.
struct Cluster {
    child: Child,
    stdin: Option<ChildStdin>,
    answers: mpsc::Receiver<String>,
    shards: Vec<u32>,
}

impl Cluster {
    fn start(corpus: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_concur"))
            .args([
                "search",
                "--corpus",
                corpus,
                "--shards",
                "2",
                "--replicas",
                "2",
                "--processes",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the concur binary runs");
        let stdout: ChildStdout = child.stdout.take().unwrap();
        let (tx, answers) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut cluster = Self {
            stdin: child.stdin.take(),
            child,
            answers,
            shards: Vec::new(),
        };
        let stdin = cluster.stdin.as_mut().unwrap();
        stdin.write_all(b"light\n").unwrap();
        stdin.flush().unwrap();
        let answer = (cluster.answers.recv_timeout(Duration::from_secs(120)))
            .expect("the cluster answered its first query within two minutes");
        assert!(answer.contains("\"hits\""), "{answer}");
        cluster.shards = children_of(cluster.child.id());
        assert_eq!(
            cluster.shards.len(),
            4,
            "two shards of two replicas: {:?}",
            cluster.shards
        );
        cluster
    }

    /// Waits for the command to end, and for its shards to be gone.
    fn ended_and_left_nothing(mut self, how: &str) {
        let status = self.child.wait().unwrap();
        let since = Instant::now();
        while self.shards.iter().any(|&pid| alive(pid)) && since.elapsed() < Duration::from_secs(20)
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        let left: Vec<u32> = self
            .shards
            .iter()
            .copied()
            .filter(|&pid| alive(pid))
            .collect();
        assert!(
            left.is_empty(),
            "after {how} ({status}), shard processes {left:?} of {:?} are still running",
            self.shards
        );
    }
}

impl Drop for Cluster {
    /// A failed test leaves nothing either.
    fn drop(&mut self) {
        let _ = self.child.kill();
        for &pid in &self.shards {
            signal(pid, nix::sys::signal::Signal::SIGKILL);
        }
    }
}

fn signal(pid: u32, signal: nix::sys::signal::Signal) {
    let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), signal);
}

#[test]
fn no_shard_process_outlives_the_command() {
    use nix::sys::signal::Signal;

    let dir = std::env::temp_dir().join(format!("concur-cluster-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let corpus = dir.join("corpus.txt");
    let verses: Vec<&str> = include_str!("../data/kjv.txt").lines().take(500).collect();
    std::fs::write(&corpus, verses.join("\n")).unwrap();
    let corpus = corpus.to_str().unwrap();

    let mut cluster = Cluster::start(corpus);
    drop(cluster.stdin.take());
    cluster.ended_and_left_nothing("the end of its input");

    for (sent, how) in [
        (Signal::SIGINT, "Ctrl-C (SIGINT)"),
        (Signal::SIGTERM, "SIGTERM"),
        (Signal::SIGHUP, "SIGHUP"),
        (Signal::SIGKILL, "SIGKILL, which no handler sees"),
    ] {
        let cluster = Cluster::start(corpus);
        signal(cluster.child.id(), sent);
        cluster.ended_and_left_nothing(how);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Options that only mean something for a cluster, given without one, and
/// a shard that cannot exist: a clear error and a non-zero exit.
#[test]
fn cluster_options_without_a_cluster_are_errors() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/data/kjv.txt");
    for (args, says) in [
        (vec!["--replicas", "2"], "--replicas needs --processes"),
        (
            vec!["--metrics-port", "0"],
            "--metrics-port needs --processes",
        ),
        (
            vec!["--processes", "--replicas", "0"],
            "--replicas takes a count",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_concur"))
            .args(["search", "--corpus", corpus])
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_concur"))
        .args([
            "search",
            "serve-shard",
            "--corpus",
            corpus,
            "--shard",
            "3",
            "--of",
            "2",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--shard must be below --of"));
}
