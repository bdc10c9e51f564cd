//! Progress you can see on a terminal, and nothing that gets in the way
//! elsewhere: in a pipe or a CI log each step is one plain line, and with
//! `quiet` there is nothing at all.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// Steps of a long run: a bar when the count is known, a spinner when not.
#[derive(Debug)]
pub struct Steps {
    bar: ProgressBar,
    plain: bool,
    quiet: bool,
}

impl Steps {
    /// `len` steps (`None` if unknown).
    pub fn new(len: Option<u64>, quiet: bool) -> Steps {
        let terminal = std::io::stderr().is_terminal();
        if quiet || !terminal {
            return Steps {
                bar: ProgressBar::hidden(),
                plain: !quiet,
                quiet,
            };
        }
        let bar = match len {
            Some(len) => ProgressBar::new(len).with_style(
                ProgressStyle::with_template(
                    "{bar:30.cyan/blue} {pos}/{len} {msg} [{elapsed}, about {eta} left]",
                )
                .expect("a valid template"),
            ),
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                    .expect("a valid template"),
            ),
        };
        bar.enable_steady_tick(Duration::from_millis(120));
        Steps {
            bar,
            plain: false,
            quiet,
        }
    }

    /// A spinner showing `message` until it is dropped or finished.
    pub fn spinner(message: &str, quiet: bool) -> Steps {
        let steps = Steps::new(None, quiet);
        steps.show(message);
        steps
    }

    /// What is happening now.
    pub fn show(&self, message: &str) {
        if self.plain {
            eprintln!("{message}");
        } else {
            self.bar.set_message(message.to_string());
        }
    }

    /// One step done.
    pub fn done(&self) {
        self.bar.inc(1);
    }

    /// A line that stays (a warning, a result), printed above the bar.
    pub fn note(&self, line: &str) {
        if !self.quiet {
            self.bar.suspend(|| eprintln!("{line}"));
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Steps {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
