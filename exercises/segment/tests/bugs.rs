//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name.

mod suite;

use kit::stress::assert_caught;
use segment::buggy::{ByteChunks, CompletionOrder, count_racy_merge};

#[test]
fn a_chunk_boundary_inside_a_line_is_caught() {
    assert_caught(
        suite::matches_sequential_on_a_corpus(&ByteChunks),
        "chunk boundary inside a line",
    );
}

#[test]
fn completion_order_is_caught() {
    assert_caught(
        suite::matches_sequential_on_a_corpus(&CompletionOrder),
        "merged out of order",
    );
}

#[test]
fn a_racy_merge_of_counts_is_caught() {
    let corpus = segment::corpus::generate(200_000, 5);
    assert_caught(
        suite::counts_match(|t, c, w| count_racy_merge(t, c, w), &corpus),
        "lost count",
    );
}
