//! `concur check [NAME]`: the exercise's suite against your starter, each
//! failure named as a bug class with the book's explanation, failures in
//! root-cause order. Without a name, the next exercise not yet passing.

use std::path::Path;

use anyhow::Result;
use concur::workflow::bugs::{explanation, pointer};
use concur::workflow::progress::{self, Progress, State};
use concur::workflow::suite::{self, Check, Ending, Report, Stop, Target};
use concur::workflow::{Exercise, root};
use kit::progress::Steps;

use super::ui::{MaybeNamed, on_ctrl_c};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    exercise: MaybeNamed,
    /// No spinner while the suite builds and runs.
    #[arg(long)]
    quiet: bool,
    /// Also run the loom models of your starter (the drills and the
    /// primitives have them): every interleaving up to two preemptions,
    /// under the memory model that x86 hides. The first run builds loom's
    /// copy of the crate, which takes a minute or two.
    #[arg(long)]
    loom: bool,
}

impl Args {
    /// The next exercise not yet passing, with a spinner.
    pub fn next() -> Args {
        Args {
            exercise: MaybeNamed::default(),
            quiet: false,
            loom: false,
        }
    }
}

/// True when every check passes.
pub fn run(args: &Args) -> Result<bool> {
    let root = root()?;
    let exercise = args.exercise.resolve(&root)?;
    let stop = Stop::new();
    on_ctrl_c(stop.clone())?;
    let outcome = check(&root, exercise, args.quiet, &stop, args.loom)?;
    let passing = outcome.is_some_and(|state| state.passing());
    if !args.loom {
        return Ok(passing);
    }
    println!();
    Ok(check_loom(&root, exercise, args.quiet, &stop)? && passing)
}

/// Runs the loom models of the starter and prints their report. True when
/// every model passes.
fn check_loom(root: &Path, exercise: &Exercise, quiet: bool, stop: &Stop) -> Result<bool> {
    let name = exercise.name;
    if !Target::Loom.applies(root, exercise) {
        println!("{name} has no loom model of your starter: its suite is the whole check.");
        return Ok(true);
    }
    let bar = Steps::spinner(
        &format!("building {name}'s loom models of your starter"),
        quiet,
    );
    let report = suite::run(root, exercise, Target::Loom, stop, |check| {
        bar.show(&format!("loom is exploring {name}: {} done", check.name));
    })?;
    bar.finish();
    println!("Under loom:");
    print_report(root, exercise, Target::Loom, &report, false);
    Ok(report.passing())
}

/// Runs the suite and prints the report. The state it found, or `None` if
/// the run was stopped before it could say. `loom_follows`: the loom models
/// run next, so the report need not suggest them.
pub fn check(
    root: &Path,
    exercise: &Exercise,
    quiet: bool,
    stop: &Stop,
    loom_follows: bool,
) -> Result<Option<State>> {
    let starter = exercise.starter(root);
    if !starter.is_file() {
        anyhow::bail!(
            "{} is missing: `concur reset {}` puts the committed starter back",
            exercise.starter_in_git(),
            exercise.name
        );
    }
    let hash = progress::hash_file(&starter)?;
    let bar = Steps::spinner(
        &format!("building {} with your starter", exercise.name),
        quiet,
    );
    let (mut done, mut failed) = (0, 0);
    let report = suite::run(root, exercise, Target::Suite, stop, |check| {
        done += 1;
        failed += usize::from(!check.passed);
        bar.show(&format!(
            "running {}'s checks: {done} done, {failed} failed",
            exercise.name
        ));
    })?;
    bar.finish();
    let state = State::of(&report);
    print_report(root, exercise, Target::Suite, &report, loom_follows);
    // A run of a file that changed meanwhile says nothing about the file now.
    if let Some(state) = state
        && progress::hash_file(&starter).is_ok_and(|now| now == hash)
    {
        let mut record = Progress::load(root);
        record.record(exercise, &hash, state);
        // The report is out: a record that cannot be saved costs only a
        // re-run later.
        if let Err(error) = record.save() {
            eprintln!("warning: {error:#}");
        }
    }
    Ok(state)
}

fn print_report(
    root: &Path,
    exercise: &Exercise,
    target: Target,
    report: &Report,
    loom_follows: bool,
) {
    let name = exercise.name;
    let again = match target {
        Target::Suite => format!("concur check {name}"),
        Target::Loom => format!("concur check {name} --loom"),
    };
    let (checks, ending) = match report {
        Report::DoesNotBuild(errors) => {
            println!("{name}: your starter does not compile yet.\n");
            for error in errors.iter().take(8) {
                println!("{error}\n");
            }
            if errors.len() > 8 {
                println!("... and {} more errors.\n", errors.len() - 8);
            }
            println!(
                "Fix it and check again: `{again}`. The other exercises, \
                 `concur list` and `concur hint {name}` work meanwhile."
            );
            return;
        }
        Report::Interrupted => {
            println!("{name}: stopped while building; no check ran.");
            return;
        }
        Report::Ran { checks, ending } => (checks, ending),
    };
    let (passed, total) = report.counts();
    match ending {
        Ending::Complete => println!("{name}: {passed} of {total} checks pass\n"),
        Ending::Interrupted => {
            println!("{name}: stopped. {total} checks had finished, {passed} of them passing:\n")
        }
        Ending::Crashed(why) => println!(
            "{name}: the test process died ({why}). {total} checks had finished, {passed} \
             passing:\n"
        ),
    }
    let mut explained: Vec<&str> = Vec::new();
    let mut previous: Option<&str> = None;
    for check in checks {
        if check.passed {
            println!("  ok    {}", check.name);
            continue;
        }
        println!("  FAIL  {}", check.name);
        if check.message.is_some() && check.message.as_deref() == previous {
            println!("        (the same failure as above)");
            continue;
        }
        previous = check.message.as_deref();
        print_failure(root, name, check, &mut explained);
    }
    println!();
    match ending {
        Ending::Complete if report.passing() => {
            println!("All checks pass.");
            if target == Target::Suite && !loom_follows && Target::Loom.applies(root, exercise) {
                println!(
                    "Model-check your orderings too, in every interleaving loom can find:\n  \
                     concur check {name} --loom"
                );
            }
            if target == Target::Suite && exercise.sweep.is_some() {
                println!(
                    "Put your {name} on the chart beside the references:\n  \
                     cargo run --release -- bench {name} --starter --threads 1,2,4"
                );
            }
        }
        Ending::Complete => println!(
            "Not yet. Fix the first failure (the others may follow from it), then \
             `{again}` again, or `concur watch {name}`."
        ),
        _ => println!("Run `{again}` again for the whole suite."),
    }
}

fn print_failure(root: &Path, name: &str, check: &Check, explained: &mut Vec<&'static str>) {
    let Some(message) = &check.message else {
        println!("        (no message: run `cargo test -p {name} --features starter` to see it)");
        return;
    };
    for line in wrap(message, 72).iter().take(8) {
        println!("        {line}");
    }
    let Some(class) = check.bug_class() else {
        println!("        -> read the message above, then `concur hint {name}`.");
        return;
    };
    println!("        -> {}.", class.name);
    // Each class's explanation once per report.
    if explained.contains(&class.name) {
        println!("           (explained above)");
        return;
    }
    explained.push(class.name);
    if let Some(why) = explanation(root, class) {
        for line in wrap(&why, 69) {
            println!("           {line}");
        }
    }
    println!("           More: {}", pointer(class));
}

/// `text` in lines of at most `width` characters, broken at spaces; its own
/// line breaks kept.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_words_whole() {
        assert_eq!(
            wrap("lost update: one two three", 12),
            ["lost update:", "one two", "three"]
        );
        assert_eq!(wrap("a\nb", 10), ["a", "b"]);
    }
}
