//! `concur watch NAME`: checks again every time the starter changes. File
//! events where the system has them, polling where it does not.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result};
use concur::workflow::progress::hash_file;
use notify::{Config, PollWatcher, RecursiveMode, Watcher};

use super::check::check;

use super::ui::Named;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    exercise: Named,
    /// Poll the file instead of waiting for file events (for file systems
    /// that do not report them, such as some network and container mounts).
    #[arg(long)]
    poll: bool,
    /// How often to poll, in milliseconds.
    #[arg(long, default_value_t = 500)]
    interval_ms: u64,
}

pub fn run(args: &Args) -> Result<()> {
    let (root, exercise) = args.exercise.resolve()?;
    let starter = exercise.starter(&root);
    let interval = Duration::from_millis(args.interval_ms.max(50));
    let (tx, rx) = mpsc::channel();
    // Watch the folder, not the file: editors save by writing a new file
    // and renaming it over the old one.
    let folder = starter.parent().context("the starter has a folder")?;
    let _watcher = watcher(folder, tx, args.poll, interval)?;

    let mut last = hash_file(&starter)?;
    check(&root, exercise, false)?;
    println!("\nWatching {} (Ctrl-C to stop).", exercise.starter_in_git());
    loop {
        if let Err(error) = rx.recv().context("the file watcher stopped")? {
            eprintln!("the file watcher reported: {error}");
        }
        // One save is often several events: let them settle.
        std::thread::sleep(Duration::from_millis(200));
        while rx.try_recv().is_ok() {}
        let Ok(now) = hash_file(&starter) else {
            continue; // mid-save: the next event brings it back
        };
        if now != last {
            last = now;
            println!(
                "\n--- {} changed: checking again ---\n",
                exercise.starter_in_git()
            );
            check(&root, exercise, false)?;
            println!("\nWatching {} (Ctrl-C to stop).", exercise.starter_in_git());
        }
    }
}

fn watcher(
    folder: &Path,
    tx: mpsc::Sender<notify::Result<notify::Event>>,
    poll: bool,
    interval: Duration,
) -> Result<Box<dyn Watcher>> {
    if !poll {
        let events = notify::recommended_watcher(tx.clone()).and_then(|mut w| {
            w.watch(folder, RecursiveMode::NonRecursive)?;
            Ok(w)
        });
        match events {
            Ok(w) => return Ok(Box::new(w)),
            Err(error) => eprintln!(
                "file events are not available here ({error}); polling every {} ms instead",
                interval.as_millis()
            ),
        }
    }
    let mut w = PollWatcher::new(tx, Config::default().with_poll_interval(interval))?;
    w.watch(folder, RecursiveMode::NonRecursive)?;
    Ok(Box::new(w))
}
