//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name.

mod suite;

use kit::bugs;
use kit::stress::assert_caught;
use segment::buggy::{ByteChunks, CompletionOrder, count_racy_merge};

#[test]
fn a_chunk_boundary_inside_a_line_is_caught() {
    assert_caught(bugs::CHUNK_BOUNDARY, || {
        suite::matches_sequential_on_a_corpus(ByteChunks)
    });
}

#[test]
fn completion_order_is_caught() {
    assert_caught(bugs::OUT_OF_ORDER, || {
        suite::matches_sequential_on_a_corpus(CompletionOrder)
    });
}

#[test]
fn a_racy_merge_of_counts_is_caught() {
    assert_caught(bugs::LOST_UPDATE, || {
        let corpus = segment::corpus::generate(200_000, 5);
        suite::counts_match(|t, c, w| count_racy_merge(t, c, w), &corpus)
    });
}
