//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name.

mod suite;

use kit::bugs;
use kit::stress::assert_caught;
use trie::buggy::{RacingWritersTrie, StaleMemoTrie, TornBatchTrie};

#[test]
fn stale_memo_is_caught() {
    assert_caught(bugs::STALE_READ, || {
        suite::sequential_matches_model(StaleMemoTrie::new)
    });
}

#[test]
fn half_applied_batch_is_caught() {
    assert_caught(bugs::TORN_UPDATE, || {
        suite::readers_see_only_real_states(TornBatchTrie::new)
    });
}

#[test]
fn racing_writers_are_caught() {
    assert_caught(bugs::LOST_UPDATE, || {
        suite::writers_together_lose_nothing(RacingWritersTrie::new)
    });
}

/// Each bug is in one place only: what it does not touch still passes.
#[test]
fn each_bug_breaks_only_its_own_part() {
    // One thread never sees half a batch.
    assert_eq!(suite::sequential_matches_model(TornBatchTrie::new), Ok(()));
    // Fuzzy answers bypass the memo.
    assert_eq!(suite::fuzzy_matches_brute_force(StaleMemoTrie::new), Ok(()));
    // One writer at a time loses nothing.
    assert_eq!(
        suite::readers_see_only_real_states(RacingWritersTrie::new),
        Ok(())
    );
}
