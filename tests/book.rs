//! The book includes code and charts from the repository instead of copies.
//! mdbook quietly includes nothing for an anchor that does not exist, so
//! this checks every `{{#include}}` and every image the book names.

use std::fs;
use std::path::{Path, PathBuf};

fn chapters() -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src");
    let mut found: Vec<PathBuf> = fs::read_dir(&src)
        .expect("book/src exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    found.sort();
    found
}

/// The `{{#include ...}}` directives of a chapter: (file, optional anchor).
fn includes(text: &str) -> Vec<(String, Option<String>)> {
    text.match_indices("{{#include ")
        .map(|(at, directive)| {
            let rest = &text[at + directive.len()..];
            let inner = &rest[..rest.find("}}").expect("an include directive is closed")];
            match inner.trim().split_once(':') {
                Some((file, anchor)) => (file.to_string(), Some(anchor.to_string())),
                None => (inner.trim().to_string(), None),
            }
        })
        .collect()
}

#[test]
fn every_include_and_anchor_resolves() {
    let mut checked = 0;
    for chapter in chapters() {
        let text = fs::read_to_string(&chapter).unwrap();
        for (file, anchor) in includes(&text) {
            let path = chapter.parent().unwrap().join(&file);
            let source = fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: includes {file}: {e}", chapter.display()));
            if let Some(anchor) = anchor {
                let (start, end) = (format!("ANCHOR: {anchor}"), format!("ANCHOR_END: {anchor}"));
                assert!(
                    source.contains(&start) && source.contains(&end),
                    "{}: {file} has no anchor {anchor:?}",
                    chapter.display()
                );
            }
            checked += 1;
        }
    }
    assert!(
        checked > 0,
        "the book includes nothing: is this the right folder?"
    );
}

#[test]
fn every_chart_the_book_shows_exists_with_its_fingerprint() {
    for chapter in chapters() {
        let text = fs::read_to_string(&chapter).unwrap();
        for (at, _) in text.match_indices("](charts/") {
            let rest = &text[at + 2..];
            let target = &rest[..rest.find(')').unwrap()];
            let path = chapter.parent().unwrap().join(target);
            let content = fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: shows {target}: {e}", chapter.display()));
            if target.ends_with(".svg") {
                assert!(
                    content.contains("cores: "),
                    "{target} has no machine fingerprint"
                );
            }
        }
    }
}

/// Every table a chapter includes from `charts/` names the machine it was
/// measured on, as every chart does.
#[test]
fn every_included_table_names_its_machine() {
    for chapter in chapters() {
        let text = fs::read_to_string(&chapter).unwrap();
        for (file, _) in includes(&text) {
            if !(file.starts_with("charts/") && file.ends_with(".md")) {
                continue;
            }
            let path = chapter.parent().unwrap().join(&file);
            let table = fs::read_to_string(&path).unwrap();
            assert!(
                table.contains("Machine: cores: "),
                "{}: includes {file}, which does not name its machine",
                chapter.display()
            );
        }
    }
}

/// The tables of ratios the chapters show are generated from the CSVs beside
/// them; a hand edit of either shows up here.
#[test]
fn every_ratio_table_matches_its_csv() {
    let charts = Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src/charts");
    for sweep in concur::sweep::sweeps() {
        let csv = charts.join(format!("{}.csv", sweep.exercise));
        if !csv.exists() {
            continue;
        }
        let generated = sweep.summary_of_csv(&csv).unwrap();
        let path = charts.join(format!("{}-summary.md", sweep.exercise));
        let committed = fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            committed,
            generated,
            "{} differs from its CSV",
            path.display()
        );
    }
}

/// Every sweep's chart is what its CSV draws with today's chart code: a
/// change to how charts look, or a CSV edited by hand, shows up here.
#[test]
fn every_contention_chart_is_drawn_from_its_csv() {
    let charts = Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src/charts");
    let dir = std::env::temp_dir().join(format!("concur-redraw-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    for sweep in concur::sweep::sweeps() {
        let name = format!("{}.csv", sweep.exercise);
        if !charts.join(&name).exists() {
            continue;
        }
        fs::copy(charts.join(&name), dir.join(&name)).unwrap();
        let svg = concur::sweep::redraw(&dir.join(&name)).unwrap();
        let committed = fs::read_to_string(charts.join(svg.file_name().unwrap())).unwrap();
        assert!(
            committed == fs::read_to_string(&svg).unwrap(),
            "{}.svg differs from what its CSV draws: run `cargo run -- chart book/src/charts/{name}`",
            sweep.exercise
        );
    }
    fs::remove_dir_all(dir).unwrap();
}
