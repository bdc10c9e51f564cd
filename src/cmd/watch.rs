//! `concur watch [NAME]`: checks again every time the starter changes. A
//! save while a check runs stops that check and starts a new one, so a
//! hanging starter never keeps the fix from being checked. File events
//! where the system has them, polling where it does not.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result};
use concur::workflow::progress::hash_file;
use concur::workflow::root;
use concur::workflow::suite::Stop;
use notify::{Config, PollWatcher, RecursiveMode, Watcher};

use super::check::check;
use super::ui::MaybeNamed;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    exercise: MaybeNamed,
    /// Poll the file instead of waiting for file events (for file systems
    /// that do not report them, such as some network and container mounts).
    #[arg(long)]
    poll: bool,
    /// How often to poll, in milliseconds.
    #[arg(long, default_value_t = 500)]
    interval_ms: u64,
}

/// What the loop waits for.
enum Event {
    /// Something in the starter's folder changed.
    Changed,
    /// The check with this number finished.
    Checked(usize),
    /// Ctrl-C.
    Quit,
}

pub fn run(args: &Args) -> Result<()> {
    let root = root()?;
    let exercise = args.exercise.resolve(&root)?;
    let starter = exercise.starter(&root);
    let interval = Duration::from_millis(args.interval_ms.max(50));
    let (tx, rx) = mpsc::channel();
    // Watch the folder, not the file: editors save by writing a new file
    // and renaming it over the old one.
    let folder = starter.parent().context("the starter has a folder")?;
    let _watcher = watcher(folder, tx.clone(), args.poll, interval)?;
    let quit = tx.clone();
    let pressed = std::sync::atomic::AtomicUsize::new(0);
    ctrlc::set_handler(move || {
        // A second Ctrl-C, while the first waits for a check to stop,
        // ends everything at once.
        if pressed.fetch_add(1, std::sync::atomic::Ordering::SeqCst) > 0 {
            concur::workflow::suite::kill_running();
            std::process::exit(130);
        }
        let _ = quit.send(Event::Quit);
    })
    .context("cannot listen for Ctrl-C")?;

    let mut last = hash_file(&starter)?;
    let mut runs = 0;
    let mut running = Some(start(&root, exercise, &tx, runs));
    loop {
        match rx.recv().context("the file watcher stopped")? {
            Event::Quit => {
                if let Some((stop, handle)) = running.take() {
                    stop.stop();
                    let _ = handle.join();
                }
                return Ok(());
            }
            // The end of a check that has since been replaced is old news.
            Event::Checked(run) if run != runs => {}
            Event::Checked(_) => {
                if let Some((_, handle)) = running.take() {
                    let _ = handle.join();
                }
                println!("\nWatching {} (Ctrl-C to stop).", exercise.starter_in_git());
            }
            Event::Changed => {
                // One save is often several events: let them settle.
                std::thread::sleep(Duration::from_millis(200));
                let Ok(now) = hash_file(&starter) else {
                    continue; // mid-save: the next event brings it back
                };
                if now == last {
                    continue;
                }
                last = now;
                if let Some((stop, handle)) = running.take() {
                    let finished = handle.is_finished();
                    stop.stop();
                    let _ = handle.join();
                    if !finished {
                        println!("\n--- stopped the running check: the file changed ---");
                    }
                }
                println!(
                    "\n--- {} changed: checking again ---\n",
                    exercise.starter_in_git()
                );
                runs += 1;
                running = Some(start(&root, exercise, &tx, runs));
            }
        }
    }
}

type Running = (Stop, std::thread::JoinHandle<()>);

/// Starts check number `run` on a thread of its own; it sends `Checked`
/// with its number when it ends.
fn start(
    root: &Path,
    exercise: &'static concur::workflow::Exercise,
    tx: &mpsc::Sender<Event>,
    run: usize,
) -> Running {
    let stop = Stop::new();
    let (root, tx, mine) = (root.to_path_buf(), tx.clone(), stop.clone());
    let handle = std::thread::spawn(move || {
        if let Err(error) = check(&root, exercise, false, &mine, false) {
            eprintln!("error: {error:#}");
        }
        // A stopped check's end is not news: the loop already moved on.
        if !mine.stopped() {
            let _ = tx.send(Event::Checked(run));
        }
    });
    (stop, handle)
}

fn watcher(
    folder: &Path,
    tx: mpsc::Sender<Event>,
    poll: bool,
    interval: Duration,
) -> Result<Box<dyn Watcher>> {
    let events = move |event: notify::Result<notify::Event>| {
        match event {
            Ok(_) => {
                let _ = tx.send(Event::Changed);
            }
            Err(error) => eprintln!("the file watcher reported: {error}"),
        };
    };
    if !poll {
        let handler = events.clone();
        let recommended = notify::recommended_watcher(handler).and_then(|mut w| {
            w.watch(folder, RecursiveMode::NonRecursive)?;
            Ok(w)
        });
        match recommended {
            Ok(w) => return Ok(Box::new(w)),
            Err(error) => eprintln!(
                "file events are not available here ({error}); polling every {} ms instead",
                interval.as_millis()
            ),
        }
    }
    let mut w = PollWatcher::new(events, Config::default().with_poll_interval(interval))?;
    w.watch(folder, RecursiveMode::NonRecursive)?;
    Ok(Box::new(w))
}
