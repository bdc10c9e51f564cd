//! Your suggestion service. Make `cargo test -p trie --features starter`
//! pass.
//!
//! Build it yourself rather than wrapping `crate::Trie`: a trie whose nodes
//! cache the best sentences below them, behind whatever synchronisation you
//! choose. Read the contract in `lib.rs` first. Stuck? The README has hints.

use std::collections::BTreeMap;

use kit::sync::RwLock;

use crate::{Suggester, Trie};

/// A suggested layout; change it if you like.
#[derive(Debug, Default)]
pub struct StarterNode {
    pub children: BTreeMap<char, StarterNode>,
    /// How often the sentence ending here was searched (0: none ends here).
    pub count: u64,
    // TODO: cache the best sentences of this subtree, so that a suggestion
    // does not walk the whole subtree.
}

/// Your suggestion service.
#[derive(Debug, Default)]
pub struct StarterTrie {
    root: RwLock<StarterNode>,
}

#[allow(unused_variables)] // until you use them
impl StarterTrie {
    /// A service holding every sentence of `trie` with its count
    /// (`trie.suggest("", usize::MAX)` lists them).
    pub fn new(trie: Trie) -> Self {
        todo!("StarterTrie::new")
    }

    /// How many children the root has: a start for walking the trie.
    pub fn first_letters(&self) -> usize {
        self.root.read().children.len()
    }
}

#[allow(unused_variables)] // until you use them
impl Suggester for StarterTrie {
    fn suggest(&self, prefix: &str, k: usize) -> Vec<(String, u64)> {
        // TODO: walk to the prefix's node and read its cached best. Order:
        // count descending, then sentence ascending (`crate::rank`).
        todo!("StarterTrie::suggest")
    }

    fn suggest_fuzzy(&self, prefix: &str, max_edits: usize, k: usize) -> Vec<(String, u64)> {
        // TODO: a depth-first walk with one row of the edit-distance table
        // per depth; prune a branch when every entry of its row is over.
        todo!("StarterTrie::suggest_fuzzy")
    }

    fn record_batch(&self, updates: &[(&str, u64)]) {
        // TODO: apply every update, and fix the cache of every node on each
        // sentence's path. No reader may see half a batch.
        todo!("StarterTrie::record_batch")
    }
}
