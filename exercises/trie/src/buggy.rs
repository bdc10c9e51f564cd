//! The bug zoo: suggestion services that pass a quick test and are wrong.
//! `tests/bugs.rs` checks that the suite catches every one.

use std::collections::HashMap;

use kit::sync::{Mutex, RwLock};

use crate::{Suggester, Trie};

// ANCHOR: memo
/// **Stale cached suggestions.** Suggestions are memoised per prefix in
/// front of the trie, and an update clears the memo for the sentence it
/// changed. But "apple" changing also changes the answers for "a", "ap",
/// "app" and "appl": every prefix on its path. Only the full sentence's
/// entry is cleared, so the shorter prefixes keep serving the old ranking.
#[derive(Debug, Default)]
pub struct StaleMemoTrie {
    trie: RwLock<Trie>,
    memo: Mutex<Memo>,
}

/// Answers by (prefix, k).
type Memo = HashMap<(String, usize), Vec<(String, u64)>>;

impl StaleMemoTrie {
    pub fn new(trie: Trie) -> Self {
        Self {
            trie: RwLock::new(trie),
            memo: Mutex::default(),
        }
    }
}

impl Suggester for StaleMemoTrie {
    fn suggest(&self, prefix: &str, k: usize) -> Vec<(String, u64)> {
        let key = (prefix.to_string(), k);
        if let Some(hit) = self.memo.lock().get(&key) {
            return hit.clone();
        }
        let answer = self.trie.read().suggest(prefix, k);
        self.memo.lock().insert(key, answer.clone());
        answer
    }

    fn suggest_fuzzy(&self, prefix: &str, max_edits: usize, k: usize) -> Vec<(String, u64)> {
        self.trie.read().suggest_fuzzy(prefix, max_edits, k)
    }

    fn record_batch(&self, updates: &[(&str, u64)]) {
        let mut trie = self.trie.write();
        let mut memo = self.memo.lock();
        for (sentence, n) in updates {
            trie.record(sentence, *n);
            // BUG: every prefix of `sentence` has a new answer, not just
            // the sentence itself.
            memo.retain(|(prefix, _), _| prefix != sentence);
        }
    }
}
// ANCHOR_END: memo

// ANCHOR: torn
/// **Half-applied batch.** A batch of updates ("these two terms trend
/// together") is applied one update at a time, each under its own lock
/// acquisition. A reader between two of them sees one term bumped and not
/// the other: a state that never existed.
#[derive(Debug, Default)]
pub struct TornBatchTrie {
    trie: RwLock<Trie>,
}

impl TornBatchTrie {
    pub fn new(trie: Trie) -> Self {
        Self {
            trie: RwLock::new(trie),
        }
    }
}

impl Suggester for TornBatchTrie {
    fn suggest(&self, prefix: &str, k: usize) -> Vec<(String, u64)> {
        self.trie.read().suggest(prefix, k)
    }

    fn suggest_fuzzy(&self, prefix: &str, max_edits: usize, k: usize) -> Vec<(String, u64)> {
        self.trie.read().suggest_fuzzy(prefix, max_edits, k)
    }

    fn record_batch(&self, updates: &[(&str, u64)]) {
        for (sentence, n) in updates {
            // BUG: the lock is released between updates of one batch.
            self.trie.write().record(sentence, *n);
        }
    }
}
// ANCHOR_END: torn

// ANCHOR: racing_writers
/// **Writers that race to publish.** Readers load the published version and
/// never wait, as they should. A writer copies the published version,
/// applies its batch to the copy and publishes it: whole, so no reader sees
/// half a batch. But nothing makes writers take turns: two writers copy the
/// same version, each applies its own batch, and the second to publish
/// replaces the first's version, batch and all. One writer at a time (a
/// lock around copy, change and publish) is the fix.
#[derive(Debug)]
pub struct RacingWritersTrie {
    published: kit::sync::Snapshot<Trie>,
}

impl RacingWritersTrie {
    pub fn new(trie: Trie) -> Self {
        Self {
            published: kit::sync::Snapshot::new(trie),
        }
    }
}

impl Suggester for RacingWritersTrie {
    fn suggest(&self, prefix: &str, k: usize) -> Vec<(String, u64)> {
        self.published.read(|trie| trie.suggest(prefix, k))
    }

    fn suggest_fuzzy(&self, prefix: &str, max_edits: usize, k: usize) -> Vec<(String, u64)> {
        self.published
            .read(|trie| trie.suggest_fuzzy(prefix, max_edits, k))
    }

    fn record_batch(&self, updates: &[(&str, u64)]) {
        // BUG: another writer may copy the same version now, and one of
        // the two publications will be lost.
        let mut next = self.published.read(Trie::clone);
        for (sentence, n) in updates {
            next.record(sentence, *n);
        }
        self.published.publish(kit::sync::Arc::new(next));
    }
}
// ANCHOR_END: racing_writers
