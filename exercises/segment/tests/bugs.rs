//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name.

mod suite;

use kit::bugs;
use kit::stress::assert_caught;
use segment::buggy::{
    ByteChunks, CompletionOrder, LockHeldAcrossWork, OneThreadTooMany, count_racy_merge,
};

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

#[test]
fn a_lock_held_across_the_work_is_caught() {
    assert_caught(bugs::NO_PARALLELISM, || {
        suite::more_than_one_worker_works(LockHeldAcrossWork)
    });
}

#[test]
fn one_thread_too_many_is_caught() {
    assert_caught(bugs::BOUND_EXCEEDED, || {
        suite::more_than_one_worker_works(OneThreadTooMany)
    });
}

/// Both give the right lines: only parallelism and its bound show them.
#[test]
fn each_bug_breaks_only_its_own_part() {
    assert_eq!(
        suite::matches_sequential_at_the_edges(LockHeldAcrossWork),
        Ok(())
    );
    assert_eq!(
        suite::matches_sequential_at_the_edges(OneThreadTooMany),
        Ok(())
    );
}
