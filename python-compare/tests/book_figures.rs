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
