//! The book's table of ratios is generated from the CSV beside it; a hand
//! edit of either shows up here.

use std::path::Path;

use python_compare::summary;

#[test]
fn the_books_table_matches_its_csv() {
    let charts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/src/charts");
    let csv = charts.join("python-compare.csv");
    let table = summary::markdown_of_csv(&csv).expect("the book's CSV reads back");
    let committed = std::fs::read_to_string(charts.join("python-compare.md")).unwrap();
    assert_eq!(committed, table, "python-compare.md differs from its CSV");
    for workload in ["hashmap", "topk", "trie", "segment", "crawler", "gil"] {
        let svg = std::fs::read_to_string(charts.join(format!("python-compare-{workload}.svg")))
            .unwrap_or_else(|e| panic!("python-compare-{workload}.svg: {e}"));
        assert!(
            svg.contains("cores: "),
            "{workload}'s chart has no fingerprint"
        );
        assert!(
            svg.contains("embedded python: "),
            "{workload}'s chart does not name its Python"
        );
    }
}

#[test]
fn the_books_charts_are_drawn_from_its_csv() {
    let charts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/src/charts");
    let dir = std::env::temp_dir().join(format!("python-compare-redraw-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("python-compare.csv");
    std::fs::copy(charts.join("python-compare.csv"), &csv).unwrap();
    let drawn = python_compare::output::redraw(&csv).expect("the book's CSV redraws");
    assert_eq!(drawn.len(), 6, "one chart a workload: {drawn:?}");
    for svg in drawn {
        let name = svg.file_name().unwrap();
        let committed = std::fs::read_to_string(charts.join(name)).unwrap();
        assert!(
            committed == std::fs::read_to_string(&svg).unwrap(),
            "{} differs from what its CSV draws: run `cargo run -p python-compare -- --charts-of book/src/charts/python-compare.csv`",
            name.to_string_lossy()
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn redrawing_a_missing_csv_is_an_error() {
    let error = python_compare::output::redraw(Path::new("/nonexistent/compare.csv"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("/nonexistent/compare.csv"), "{error}");
}
