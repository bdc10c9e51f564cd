//! Readers load an immutable version and never wait; one writer builds the
//! next version and publishes it with a pointer swap.
//!
//! The writer keeps a working copy that shares every node with the published
//! version. An update copies only the path from the root to the changed
//! sentence (`Arc::make_mut` in [`Trie::record`]); everything else stays
//! shared. Publishing is one atomic store of the new root. A reader that
//! loaded the old root keeps a complete, consistent old version until it is
//! done; the old nodes are freed when the last reader lets go.
//!
//! **How stale can a read be?** Updates are published in batches of up to
//! `batch` updates. A suggestion reflects every published batch: it can miss
//! at most the updates still waiting in the current batch (`batch - 1` of
//! them) and the batch being published at that instant. With `batch = 1`
//! (the default) a read is at most one update behind. A larger batch buys
//! cheaper writes (one path copy per sentence per batch, one publish per
//! batch) with staler reads: staleness is a knob, not a bug. [`flush`]
//! publishes whatever is waiting.
//!
//! [`flush`]: SnapshotTrie::flush

use kit::sync::{Arc, Mutex, Snapshot};

use crate::{Suggester, Trie};

// ANCHOR: snapshot
/// A trie whose readers never wait for its writer.
#[derive(Debug)]
pub struct SnapshotTrie {
    /// What readers see.
    published: Snapshot<Trie>,
    /// The writer's side: one writer at a time.
    writer: Mutex<Writer>,
}

#[derive(Debug)]
struct Writer {
    /// The next version, sharing unchanged nodes with the published one.
    working: Trie,
    /// Updates applied to `working` but not yet published.
    waiting: usize,
    /// Publish after this many updates.
    batch: usize,
}

impl SnapshotTrie {
    /// Publishes after every update.
    pub fn new(trie: Trie) -> Self {
        Self::with_batch(trie, 1)
    }

    /// Publishes after every `batch` updates (and on [`flush`](Self::flush)).
    pub fn with_batch(trie: Trie, batch: usize) -> Self {
        Self {
            published: Snapshot::new(trie.clone()),
            writer: Mutex::new(Writer {
                working: trie,
                waiting: 0,
                batch: batch.max(1),
            }),
        }
    }

    /// Publishes every update applied so far.
    pub fn flush(&self) {
        let mut writer = self.writer.lock();
        if writer.waiting > 0 {
            self.publish(&mut writer);
        }
    }

    fn publish(&self, writer: &mut Writer) {
        // A clone of a Trie is a clone of its root `Arc`: the published
        // version and the working copy now share every node, and the next
        // update copies its path before changing it.
        self.published.publish(Arc::new(writer.working.clone()));
        writer.waiting = 0;
    }
}

impl Suggester for SnapshotTrie {
    fn suggest(&self, prefix: &str, k: usize) -> Vec<(String, u64)> {
        self.published.read(|trie| trie.suggest(prefix, k))
    }

    fn suggest_fuzzy(&self, prefix: &str, max_edits: usize, k: usize) -> Vec<(String, u64)> {
        self.published
            .read(|trie| trie.suggest_fuzzy(prefix, max_edits, k))
    }

    fn record_batch(&self, updates: &[(&str, u64)]) {
        let mut writer = self.writer.lock();
        for (sentence, n) in updates {
            writer.working.record(sentence, *n);
        }
        // A batch is published whole or not at all, never in part.
        writer.waiting += updates.len();
        if writer.waiting >= writer.batch {
            self.publish(&mut writer);
        }
    }
}
// ANCHOR_END: snapshot
