//! Every figure the book quotes in prose is held to the CSV it came from.
//!
//! A measured number in a chapter carries, right after it, an HTML comment
//! that says where it comes from (HTML comments do not show in the book):
//!
//! ```text
//! fell from 13.3<!--fig hashmap.csv ops_per_sec/1e6 where workload=read-heavy; implementation=GlobalLockMap; threads=1-->
//! to 7.5<!--fig hashmap.csv ops_per_sec/1e6 where workload=read-heavy; implementation=GlobalLockMap; threads=2-->
//! ```
//!
//! - `FILE COLUMN` names a CSV in `book/src/charts/` and one of its columns
//!   (or, for the few tables with no CSV, a generated `.md` and a column of
//!   its first table: `crawler-rss.md AsyncCrawler where concurrency=256`);
//!   `*K` or `/K` after the column scales it. `where k=v; k=v` picks rows;
//!   several rows (repeated runs) give their median.
//! - `FILE best COLUMN where ...` groups the rows by implementation and
//!   takes the largest median: the best design at a point. `worst` takes
//!   the smallest. In a CSV without implementations, each row is a group.
//! - `FILE ceiling`, `FILE handoff_min`, `handoff_max`, `handoff_median`
//!   read the run's `#` lines, and so does any other `FILE NAME` whose
//!   `#` line is `NAME: number` (`serving.csv batched_capacity` reads
//!   `# batched capacity: 432/s`).
//! - `over`, `minus`, `plus` and `times` join terms, read left to right
//!   with no precedence: `A over B minus 1 times 100` is a change in
//!   percent, `A minus B times 1024 over 192` a difference per item. A term
//!   that starts with `where` reads the same file and column as the first
//!   term. Any term may be a plain number, such as `1e9 over hashmap.csv
//!   ops_per_sec where ...` for nanoseconds an op.
//!
//! The test computes each figure, rounds it to as many decimals as the
//! text shows, and fails on any difference, naming the chapter and line.
//! After regenerating the figures, `UPDATE_FIGURES=1 cargo test --test
//! figures` rewrites every annotated number from its CSV instead; then
//! read the sentences around the numbers that moved.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn book() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src")
}

const OPEN: &str = "<!--fig ";
const CLOSE: &str = "-->";

/// One CSV: its header, its rows and its `#` lines.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    notes: Vec<String>,
}

fn load(name: &str, cache: &mut BTreeMap<String, Table>) -> Result<(), String> {
    if cache.contains_key(name) {
        return Ok(());
    }
    let path = book().join("charts").join(name);
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    if name.ends_with(".md") {
        cache.insert(name.to_string(), markdown_table(&text, name)?);
        return Ok(());
    }
    let notes = text
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .map(|l| l.trim().to_string())
        .collect();
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| format!("{name}: {e}"))?
        .iter()
        .map(String::from)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.map(|r| r.iter().map(String::from).collect()))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{name}: {e}"))?;
    cache.insert(
        name.to_string(),
        Table {
            header,
            rows,
            notes,
        },
    );
    Ok(())
}

/// The first table of a generated Markdown file (`crawler-rss.md`), for
/// the few tables that have no CSV: its header and its cells as text.
fn markdown_table(text: &str, name: &str) -> Result<Table, String> {
    let cells = |line: &str| -> Vec<String> {
        line.trim()
            .trim_matches('|')
            .split('|')
            .map(|cell| cell.trim().trim_matches('`').to_string())
            .collect()
    };
    let mut lines = text
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'));
    let header = cells(lines.next().ok_or(format!("{name}: no table"))?);
    let rows = lines.filter(|l| !l.contains("---")).map(cells).collect();
    Ok(Table {
        header,
        rows,
        notes: Vec::new(),
    })
}

/// A cell's number: a CSV's `94.3`, or a Markdown table's `94.3 MiB`,
/// `2.26x`, `0.8%`, `1,106 ms`.
fn number_in(cell: &str) -> Option<f64> {
    let plain: String = cell.chars().filter(|c| *c != ',').collect();
    // A whole number first (a CSV writer's `7.06e-5` too), then the number
    // that starts a cell with a unit after it.
    plain.trim().parse().ok().or_else(|| {
        let end = plain
            .char_indices()
            .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (i == 0 && c == '-')))
            .map_or(plain.len(), |(i, _)| i);
        plain[..end].parse().ok()
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// `COLUMN`, `COLUMN*K` or `COLUMN/K`.
fn scaled(column: &str) -> Result<(&str, f64), String> {
    let number = |s: &str| {
        s.parse::<f64>()
            .map_err(|_| format!("{s:?} is not a number"))
    };
    if let Some((c, k)) = column.split_once('*') {
        Ok((c, number(k)?))
    } else if let Some((c, k)) = column.split_once('/') {
        Ok((c, 1.0 / number(k)?))
    } else {
        Ok((column, 1.0))
    }
}

/// A note's value: the ceiling, or the hand-off's range and median.
fn note(table: &Table, name: &str) -> Result<f64, String> {
    let find = |prefix: &str| {
        table
            .notes
            .iter()
            .find_map(|l| l.strip_prefix(prefix).map(str::to_string))
            .ok_or(format!("no {prefix:?} line"))
    };
    let number = |s: &str| {
        s.trim_matches(|c: char| !c.is_ascii_digit() && c != '.')
            .parse::<f64>()
            .map_err(|_| format!("cannot read a number in {s:?}"))
    };
    match name {
        "ceiling" => kit::report::ceiling_from_notes(&table.notes).ok_or("no ceiling line".into()),
        "handoff_min" | "handoff_max" | "handoff_median" => {
            // "cache-line hand-off between 2 cores: 41-670 ns (median 236 ns of 9)"
            let line = find("cache-line hand-off between 2 cores: ")?;
            let (range, median) = line.split_once(" ns (median ").ok_or("no range")?;
            let (low, high) = range.split_once('-').ok_or("no range")?;
            match name {
                "handoff_min" => number(low),
                "handoff_max" => number(high),
                _ => number(median.split(' ').next().unwrap_or("")),
            }
        }
        // "capacity: 89/s", "batched capacity: 432/s": any other note that
        // is a name and a number, with `_` for the spaces of the name.
        _ => find(&format!("{}: ", name.replace('_', " ")))
            .and_then(|value| number(&value))
            .map_err(|_| format!("no note called {name:?}")),
    }
}

/// How `best` and `worst` pick among implementations: `f64::max`, `f64::min`.
type Pick = fn(f64, f64) -> f64;

/// `[FILE] COLUMN [where k=v; ...]`, or a plain number. `inherit` is the
/// file and column of the left side of `over`.
fn term(
    text: &str,
    inherit: Option<(&str, &str)>,
    cache: &mut BTreeMap<String, Table>,
) -> Result<f64, String> {
    let text = text.trim();
    if let Ok(number) = text.parse::<f64>() {
        return Ok(number);
    }
    let (head, filters) = match text.split_once("where ") {
        Some((head, filters)) => (head.trim(), Some(filters)),
        None => (text, None),
    };
    let (file, column) = if head.is_empty() {
        inherit.ok_or("`where` alone needs a left side to take the file from")?
    } else {
        head.split_once(' ')
            .ok_or(format!("{head:?}: expected FILE COLUMN"))?
    };
    load(file, cache)?;
    let table = &cache[file];
    let column = column.trim();
    let (pick, column): (Option<Pick>, &str) = if let Some(column) = column.strip_prefix("best ") {
        (Some(f64::max), column)
    } else if let Some(column) = column.strip_prefix("worst ") {
        (Some(f64::min), column)
    } else {
        (None, column)
    };
    let (column, scale) = scaled(column)?;
    if filters.is_none()
        && let Ok(value) = note(table, column)
    {
        return Ok(value * scale);
    }
    let index = |name: &str| {
        table
            .header
            .iter()
            .position(|h| h == name)
            .ok_or(format!("{file} has no column {name:?}"))
    };
    let wanted = index(column)?;
    let mut conditions = Vec::new();
    for filter in filters
        .unwrap_or("")
        .split(';')
        .filter(|f| !f.trim().is_empty())
    {
        let (key, value) = filter
            .split_once('=')
            .ok_or(format!("{filter:?}: expected key=value"))?;
        conditions.push((index(key.trim())?, value.trim()));
    }
    // With `best` or `worst`, rows are grouped by implementation (each
    // group's median) and the largest or smallest is taken; a bound that is
    // not a design is left out. A CSV without implementations groups by row.
    let group = match pick {
        Some(_) => table.header.iter().position(|h| h == "implementation"),
        None => None,
    };
    let mut groups: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (number, row) in table.rows.iter().enumerate() {
        if !conditions.iter().all(|(i, v)| row[*i] == *v) {
            continue;
        }
        let name = match (pick, group) {
            (_, Some(g)) => row[g].clone(),
            (Some(_), None) => number.to_string(),
            (None, None) => String::new(),
        };
        if concur::sweep::REFERENCE_LINES.contains(&name.as_str()) {
            continue;
        }
        let value =
            number_in(&row[wanted]).ok_or(format!("{file}: {:?} is not a number", row[wanted]))?;
        groups.entry(name).or_default().push(value);
    }
    if groups.is_empty() {
        return Err(format!("{file}: no row where {}", filters.unwrap_or("")));
    }
    let mut medians = groups.into_values().map(median);
    let first = medians.next().unwrap_or(f64::NAN);
    let value = medians.fold(first, pick.unwrap_or(f64::max));
    Ok(value * scale)
}

/// The operators of an expression, read left to right with no precedence:
/// `A over B minus 1 times 100` is ((A / B) - 1) * 100.
const OPERATORS: [&str; 4] = [" over ", " plus ", " minus ", " times "];

/// The value of a figure's expression: terms joined by operators, from
/// left to right. A term that starts with `where` reads the file and column
/// of the first term.
fn evaluate(expression: &str, cache: &mut BTreeMap<String, Table>) -> Result<f64, String> {
    let mut parts: Vec<(&str, &str)> = Vec::new();
    let (mut operator, mut rest) = ("", expression.trim());
    loop {
        let next = OPERATORS
            .iter()
            .filter_map(|o| rest.find(o).map(|at| (at, *o)))
            .min();
        let Some((at, found)) = next else {
            parts.push((operator, rest));
            break;
        };
        parts.push((operator, &rest[..at]));
        operator = found.trim();
        rest = &rest[at + found.len()..];
    }
    let first = parts[0].1.trim();
    let head = first.split_once("where ").map_or(first, |p| p.0.trim());
    let inherit = head.split_once(' ');
    let mut value = term(first, None, cache)?;
    for (operator, operand) in &parts[1..] {
        let next = term(operand, inherit, cache)?;
        value = match *operator {
            "over" if next == 0.0 => return Err("division by zero".into()),
            "over" => value / next,
            "plus" => value + next,
            "minus" => value - next,
            _ => value * next,
        };
    }
    Ok(value)
}

/// The number written just before `end` in `line`: digits, a point and
/// thousands separators.
fn number_before(line: &str, end: usize) -> Option<(usize, &str)> {
    let start = line[..end]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.' || *c == ',')
        .last()
        .map(|(i, _)| i)?;
    let text = line[start..end].trim_start_matches([',', '.']);
    let mut start = end - text.len();
    // A minus sign is the number's, not a hyphen, when a word does not run
    // into it ("was -4", not "x-4"): without it, each rewrite would add
    // another sign in front of the old one.
    let before = &line[..start];
    if let Some(signed) = before.strip_suffix('-')
        && signed
            .chars()
            .last()
            .is_none_or(|c| c.is_whitespace() || c == '(')
    {
        start -= 1;
    }
    (!text.is_empty()).then_some((start, &line[start..end]))
}

/// `value` written as `shown` is: as many decimals, commas kept.
fn written_like(value: f64, shown: &str) -> String {
    let decimals = shown.split_once('.').map_or(0, |(_, d)| d.len());
    let mut plain = format!("{value:.decimals$}");
    // A small negative rounds to "-0": the prose says 0.
    if plain.starts_with('-') && plain.chars().all(|c| matches!(c, '-' | '0' | '.')) {
        plain.remove(0);
    }
    if !shown.contains(',') {
        return plain;
    }
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if fraction.is_empty() {
        grouped
    } else {
        format!("{grouped}.{fraction}")
    }
}

struct Figure {
    chapter: String,
    line: usize,
    shown: String,
    expected: Result<String, String>,
}

/// Every annotated figure of a chapter; with `fix`, the chapter's text with
/// every figure rewritten from its data.
fn figures_of(path: &Path, cache: &mut BTreeMap<String, Table>) -> (Vec<Figure>, String) {
    let text = fs::read_to_string(path).unwrap();
    let chapter = path.file_name().unwrap().to_string_lossy().to_string();
    let mut figures = Vec::new();
    let mut fixed = String::new();
    for (number, line) in text.split_inclusive('\n').enumerate() {
        let mut out = String::new();
        let mut rest = 0;
        let mut from = 0;
        while let Some(at) = line[from..].find(OPEN).map(|i| i + from) {
            let Some(close) = line[at..].find(CLOSE).map(|i| i + at) else {
                break;
            };
            let expression = &line[at + OPEN.len()..close];
            let (expected, shown) = match number_before(line, at) {
                None => (Err("no number just before the comment".to_string()), ""),
                Some((start, shown)) => {
                    let expected = evaluate(expression, cache).map(|v| written_like(v, shown));
                    out.push_str(&line[rest..start]);
                    out.push_str(expected.as_deref().unwrap_or(shown));
                    rest = at;
                    (expected, shown)
                }
            };
            figures.push(Figure {
                chapter: chapter.clone(),
                line: number + 1,
                shown: shown.to_string(),
                expected,
            });
            from = close + CLOSE.len();
        }
        out.push_str(&line[rest..]);
        fixed.push_str(&out);
    }
    (figures, fixed)
}

#[test]
fn every_figure_in_prose_matches_its_csv() {
    let update = std::env::var_os("UPDATE_FIGURES").is_some();
    let mut cache = BTreeMap::new();
    let mut wrong = Vec::new();
    let mut count = 0;
    let mut chapters: Vec<PathBuf> = fs::read_dir(book())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    chapters.sort();
    for path in chapters {
        let (figures, fixed) = figures_of(&path, &mut cache);
        count += figures.len();
        for f in &figures {
            match &f.expected {
                Ok(expected) if *expected == f.shown => {}
                Ok(expected) if update => {
                    eprintln!("{}:{}: {} -> {expected}", f.chapter, f.line, f.shown)
                }
                Ok(expected) => wrong.push(format!(
                    "{}:{}: says {}, its data says {expected}",
                    f.chapter, f.line, f.shown
                )),
                Err(why) => wrong.push(format!("{}:{}: {why}", f.chapter, f.line)),
            }
        }
        if update && !figures.is_empty() {
            fs::write(&path, fixed).unwrap();
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {count} figures disagree with their data (after a new run, \
         `UPDATE_FIGURES=1 cargo test --test figures` rewrites them):\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_checker_reads_what_it_is_given() {
    assert_eq!(written_like(1234.567, "1,200"), "1,235");
    assert_eq!(written_like(0.8149, "0.82"), "0.81");
    assert_eq!(written_like(13.26, "13"), "13");
    let line = "fell from 13.3<!--fig x-->";
    assert_eq!(
        number_before(line, line.find(OPEN).unwrap()),
        Some((10, "13.3"))
    );
    let negative = "ran -4<!--fig x-->% faster, x-2<!--fig y-->";
    assert_eq!(
        number_before(negative, negative.find(OPEN).unwrap()).map(|p| p.1),
        Some("-4")
    );
    assert_eq!(
        number_before(negative, negative.rfind(OPEN).unwrap()).map(|p| p.1),
        Some("2")
    );
    let sentence = "in 2026, 4.5<!--fig x-->";
    assert_eq!(
        number_before(sentence, sentence.find(OPEN).unwrap()).map(|p| p.1),
        Some("4.5")
    );
    let mut cache = BTreeMap::new();
    let one = evaluate(
        "hashmap.csv ops_per_sec where workload=read-heavy; implementation=GlobalLockMap; threads=1",
        &mut cache,
    )
    .unwrap();
    let ratio = evaluate(
        "hashmap.csv ops_per_sec where workload=read-heavy; implementation=GlobalLockMap; threads=1 \
         over where workload=read-heavy; implementation=GlobalLockMap; threads=1",
        &mut cache,
    )
    .unwrap();
    assert!(one > 0.0);
    assert_eq!(ratio, 1.0);
    assert!(evaluate("hashmap.csv ceiling", &mut cache).unwrap() > 1.0);
    let best = evaluate(
        "hashmap.csv best ops_per_sec where workload=read-heavy; threads=1",
        &mut cache,
    )
    .unwrap();
    assert!(best >= one, "the best is at least any one design");
    let worst = evaluate(
        "hashmap.csv worst ops_per_sec where workload=read-heavy; threads=1",
        &mut cache,
    )
    .unwrap();
    assert!(worst <= one && worst < best);
    let lowest = evaluate("hashmap-run-length.csv worst striped", &mut cache).unwrap();
    let highest = evaluate("hashmap-run-length.csv best striped", &mut cache).unwrap();
    assert!(
        lowest < highest,
        "rows of a plain CSV are compared one by one"
    );
    assert!(evaluate("hashmap.csv nope where threads=1", &mut cache).is_err());
    assert!(evaluate("hashmap.csv ops_per_sec where threads=99", &mut cache).is_err());
}
