//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name.

mod suite;

use inverted_index::SegmentIndex;
use inverted_index::buggy::{
    AppliesBufferByBuffer, MergeDropsNewSegments, MergeForgetsDeletes, MergesNothing,
    PublishBeforePostings, StatsFromAnotherView, TiesToHigherIds, WakesBeforePublishing,
    per_shard_idf,
};
use kit::bugs;
use kit::stress::{CHECK_DEADLINE, HANG, assert_caught, watch};

#[test]
fn per_shard_idf_is_caught() {
    assert_caught(bugs::WRONG_ANSWER, || {
        suite::shards_answer_as_one_index::<SegmentIndex>(per_shard_idf)
    });
}

#[test]
fn ties_to_higher_ids_are_caught() {
    assert_caught(
        bugs::WRONG_ANSWER,
        suite::scores_and_ranks_as_bm25_says::<TiesToHigherIds>,
    );
}

#[test]
fn stats_from_another_view_are_caught() {
    assert_caught(
        bugs::TORN_UPDATE,
        suite::answers_are_whole_points_in_time::<StatsFromAnotherView>,
    );
}

/// Two names fit, and which one the suite finds first depends on the
/// schedule: a search that meets the half-published view sees a torn
/// update; a merge that meets it copies a segment with no postings, and
/// the documents are lost for good.
#[test]
fn publishing_before_postings_is_caught() {
    let outcome = watch(
        CHECK_DEADLINE,
        HANG,
        suite::answers_are_whole_points_in_time::<PublishBeforePostings>,
    );
    let message = outcome.expect_err("the suite passed a view published before its postings");
    let class = bugs::classify(&message);
    assert!(
        class == Some(bugs::TORN_UPDATE) || class == Some(bugs::LOST_UPDATE),
        "caught, but named neither a torn nor a lost update: {message}"
    );
    eprintln!("caught, as a candidate would see it: {message}");
}

#[test]
fn waking_before_publishing_is_caught() {
    assert_caught(
        bugs::STALE_READ,
        suite::read_your_writes::<WakesBeforePublishing>,
    );
}

#[test]
fn a_merge_that_forgets_deletes_is_caught() {
    assert_caught(
        bugs::LOST_UPDATE,
        suite::answers_are_whole_points_in_time::<MergeForgetsDeletes>,
    );
}

#[test]
fn a_merge_that_drops_new_segments_is_caught() {
    assert_caught(
        bugs::LOST_UPDATE,
        suite::answers_are_whole_points_in_time::<MergeDropsNewSegments>,
    );
}

/// Each bug is in one place only: on one thread, with nothing happening
/// meanwhile, the concurrency bugs answer right.
#[test]
fn each_bug_breaks_only_its_own_part() {
    assert_eq!(
        suite::scores_and_ranks_as_bm25_says::<StatsFromAnotherView>(),
        Ok(())
    );
    assert_eq!(
        suite::scores_and_ranks_as_bm25_says::<PublishBeforePostings>(),
        Ok(())
    );
    assert_eq!(
        suite::scores_and_ranks_as_bm25_says::<MergeForgetsDeletes>(),
        Ok(())
    );
    assert_eq!(
        suite::scores_and_ranks_as_bm25_says::<MergeDropsNewSegments>(),
        Ok(())
    );
    assert_eq!(
        suite::scores_and_ranks_as_bm25_says::<WakesBeforePublishing>(),
        Ok(())
    );
    assert_eq!(
        suite::scores_and_ranks_as_bm25_says::<AppliesBufferByBuffer>(),
        Ok(())
    );
}

#[test]
fn a_merge_that_merges_nothing_is_caught() {
    assert_caught(
        bugs::WRONG_ANSWER,
        suite::scores_and_ranks_as_bm25_says::<MergesNothing>,
    );
}

/// Writers whose buffers both change one document between refreshes:
/// applied buffer by buffer, the older change wins. A search that meets
/// that view sees an answer of no point in time (torn); if no search does,
/// the end state has lost the newer change.
#[test]
fn applying_buffer_by_buffer_is_caught() {
    let outcome = watch(
        CHECK_DEADLINE,
        HANG,
        suite::answers_are_whole_points_in_time::<AppliesBufferByBuffer>,
    );
    let message = outcome.expect_err("the suite passed buffers applied one after another");
    let class = bugs::classify(&message);
    assert!(
        class == Some(bugs::TORN_UPDATE) || class == Some(bugs::LOST_UPDATE),
        "caught, but named neither a torn nor a lost update: {message}"
    );
    eprintln!("caught, as a candidate would see it: {message}");
}
