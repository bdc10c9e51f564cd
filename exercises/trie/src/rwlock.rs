//! One reader-writer lock around one trie.
//!
//! Suggestions share the lock, and an update takes it alone. Simple, and
//! fine while updates are rare. But every update stops every reader, and
//! every reader writes the lock's reader count: under load, readers wait for
//! each other's cache traffic and for every hot-term update.

use kit::sync::RwLock;

use crate::{Suggester, Trie};

// ANCHOR: rwlock
/// A [`Trie`] behind one [`RwLock`].
#[derive(Debug, Default)]
pub struct RwLockTrie {
    trie: RwLock<Trie>,
}

impl RwLockTrie {
    pub fn new(trie: Trie) -> Self {
        Self {
            trie: RwLock::new(trie),
        }
    }
}

impl Suggester for RwLockTrie {
    fn suggest(&self, prefix: &str, k: usize) -> Vec<(String, u64)> {
        self.trie.read().suggest(prefix, k)
    }

    fn suggest_fuzzy(&self, prefix: &str, max_edits: usize, k: usize) -> Vec<(String, u64)> {
        self.trie.read().suggest_fuzzy(prefix, max_edits, k)
    }

    fn record_batch(&self, updates: &[(&str, u64)]) {
        let mut trie = self.trie.write();
        for (sentence, n) in updates {
            trie.record(sentence, *n);
        }
    }
}
// ANCHOR_END: rwlock
