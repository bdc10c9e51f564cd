//! What is printed under every chart and above every table: the machine,
//! then the run's notes. And the one note every run carries, the scaling
//! ceiling, in one format.

/// The `#` lines of a CSV (the fingerprint, then notes), as a chart's
/// caption: the machine on the first line (the Python version only if the
/// chart involves Python), then the scaling ceiling and the interpreter, then
/// everything else. Empty lines are left out.
pub fn caption(lines: &[String], with_python: bool) -> Vec<String> {
    let machine = ["cores:", "cpu:", "rustc:", "commit:"];
    let run = [
        CEILING,
        LEGACY_CEILING,
        HANDOFF,
        "embedded python",
        "python:",
    ];
    let is = |line: &str, keys: &[&str]| keys.iter().any(|k| line.starts_with(k));
    let join = |keep: &dyn Fn(&str) -> bool| {
        lines
            .iter()
            .filter(|l| keep(l))
            .cloned()
            .collect::<Vec<_>>()
            .join("; ")
    };
    let first = join(&|l| is(l, &machine));
    let second = join(&|l| is(l, &run[..4]) || (with_python && l.starts_with("python:")));
    let third = join(&|l| !is(l, &machine) && !is(l, &run));
    [first, second, third]
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect()
}

/// The line under a table that names the machine it was measured on, from
/// the `#` lines of its CSV (or a fingerprint's lines): the same machine
/// line a chart's caption starts with.
pub fn machine_line(lines: &[String]) -> String {
    let machine = caption(lines, false)
        .into_iter()
        .next()
        .filter(|l| l.starts_with("cores:"))
        .unwrap_or_else(|| "not recorded".to_string());
    format!("Machine: {machine}.\n")
}

/// `markdown` (a table) with its machine line under it, a blank line
/// between, so the line is a paragraph of its own.
pub fn with_machine(markdown: &str, lines: &[String]) -> String {
    format!("{}\n\n{}", markdown.trim_end(), machine_line(lines))
}

const CEILING: &str = "scaling ceiling, ";
/// How the Python comparison wrote it before: still read.
const LEGACY_CEILING: &str = "scaling ceiling: ";

/// The note that records this machine's scaling ceiling: how much faster
/// `threads` threads of independent work ran than one, in the same run.
pub fn ceiling_note(threads: usize, ceiling: f64) -> String {
    format!("{CEILING}{threads} threads of independent work: {ceiling:.2}x")
}

const HANDOFF: &str = "cache-line hand-off between 2 cores: ";

/// The note that records how long a cache line took to move between the
/// two cores (`kit::contention::line_handoff_ns`): the fastest and slowest
/// sample and the median. A wide range means the host moved the virtual
/// cores during the run, and figures above one thread moved with it.
pub fn handoff_note(samples: &[f64]) -> String {
    let mut sorted = samples.to_vec();
    if sorted.is_empty() {
        return format!("{HANDOFF}not measured");
    }
    let median = crate::contention::median(&mut sorted);
    format!(
        "{HANDOFF}{:.0}-{:.0} ns (median {median:.0} ns of {})",
        sorted[0],
        sorted[sorted.len() - 1],
        sorted.len()
    )
}

/// The scaling ceiling recorded in a CSV's `#` lines, if any.
pub fn ceiling_from_notes(notes: &[String]) -> Option<f64> {
    notes.iter().find_map(|line| {
        let rest = match line.strip_prefix(CEILING) {
            Some(rest) => rest.split_once(": ")?.1,
            None => line.strip_prefix(LEGACY_CEILING)?,
        };
        rest.split('x').next()?.trim().parse().ok()
    })
}

/// The machine's core count recorded in a CSV's `#` lines, if any.
pub fn cores_from_notes(notes: &[String]) -> Option<usize> {
    notes
        .iter()
        .flat_map(|line| line.split("; "))
        .find_map(|part| part.strip_prefix("cores: ")?.trim().parse().ok())
}

/// The scaling-ceiling guide for a chart of CPU-bound work, from a CSV's
/// `#` lines: none if the run did not measure the ceiling.
pub fn ceiling_guide(notes: &[String]) -> Option<super::Guide<'static>> {
    Some(super::Guide::Ceiling {
        ceiling: ceiling_from_notes(notes)?,
        cores: cores_from_notes(notes).unwrap_or(2),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_names_its_machine() {
        let lines: Vec<String> = ["cores: 2", "cpu: EPYC", "python: 3.11", "commit: abc"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            with_machine("| a |\n|---|\n", &lines),
            "| a |\n|---|\n\nMachine: cores: 2; cpu: EPYC; commit: abc.\n"
        );
        assert_eq!(machine_line(&[]), "Machine: not recorded.\n");
    }

    #[test]
    fn the_ceiling_reads_back_in_both_formats() {
        assert_eq!(ceiling_from_notes(&[ceiling_note(2, 1.87)]), Some(1.87));
        assert_eq!(
            ceiling_from_notes(&[
                "scaling ceiling: 1.95x (2 threads of independent work against 1)".into()
            ]),
            Some(1.95)
        );
        assert_eq!(ceiling_from_notes(&["cores: 2".into()]), None);
    }

    #[test]
    fn the_handoff_note_gives_the_range_and_the_median() {
        assert_eq!(
            handoff_note(&[250.0, 55.0, 240.0]),
            "cache-line hand-off between 2 cores: 55-250 ns (median 240 ns of 3)"
        );
        assert_eq!(
            handoff_note(&[]),
            "cache-line hand-off between 2 cores: not measured"
        );
    }

    #[test]
    fn a_caption_has_the_machine_then_the_run_then_the_rest() {
        let lines: Vec<String> = [
            "cores: 2",
            "cpu: x",
            "rustc: 1.95",
            "python: Python 3.11",
            "commit: abc",
            &ceiling_note(2, 1.9),
            "seconds: the median of 3 runs",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            caption(&lines, false),
            [
                "cores: 2; cpu: x; rustc: 1.95; commit: abc",
                "scaling ceiling, 2 threads of independent work: 1.90x",
                "seconds: the median of 3 runs"
            ]
        );
        assert_eq!(
            caption(&lines, true)[1],
            "python: Python 3.11; scaling ceiling, 2 threads of independent work: 1.90x"
        );
    }
}
