//! The trie, with the best sentences of every subtree cached in its node.
//!
//! Without the cache, "top 3 for the prefix `a`" walks every sentence that
//! starts with `a`: most of the trie. With it, a suggestion walks the prefix
//! and reads a short list. The price is paid on update: recording a sentence
//! touches every node on its path, and each keeps its list right. Counts
//! only grow, so a list needs one rule: put the sentence in (or move it up)
//! and drop whatever falls off the end.
//!
//! Children are `Arc`s, updated through `Arc::make_mut`. A trie nobody else
//! holds is changed in place. A trie that shares nodes with a published
//! snapshot copies just the path it changes and shares everything else:
//! the persistent data structure that lets `SnapshotTrie` readers keep
//! reading an old version while the writer builds the next.

use std::collections::HashMap;
use std::sync::Arc;

use crate::rank;

/// Sentences cached per node: suggestions for up to this many come straight
/// from the cache; more walk the subtree.
pub const CACHED: usize = 10;

/// A sentence and its count, the sentence shared by every cache it is in.
type Entry = (Arc<str>, u64);

// ANCHOR: node
#[derive(Debug, Clone, Default)]
struct Node {
    /// Sorted by character, for binary search.
    children: Vec<(char, Arc<Node>)>,
    /// The sentence that ends here, if one does, with its count.
    sentence: Option<Entry>,
    /// The best `CACHED` sentences in this subtree, in rank order.
    top: Vec<Entry>,
}
// ANCHOR_END: node

/// A trie of sentences with counts.
#[derive(Debug, Clone, Default)]
pub struct Trie {
    root: Arc<Node>,
    sentences: usize,
}

impl Trie {
    pub fn new() -> Self {
        Self::default()
    }

    /// A trie holding each sentence with its count.
    pub fn from_counts<'a>(counts: impl IntoIterator<Item = (&'a str, u64)>) -> Self {
        let mut trie = Self::new();
        for (sentence, count) in counts {
            trie.record(sentence, count);
        }
        trie
    }

    /// Distinct sentences held.
    pub fn len(&self) -> usize {
        self.sentences
    }

    pub fn is_empty(&self) -> bool {
        self.sentences == 0
    }

    fn node(&self, prefix: &str) -> Option<&Node> {
        let mut node = &*self.root;
        for c in prefix.chars() {
            let i = node.children.binary_search_by_key(&c, |(ch, _)| *ch).ok()?;
            node = &node.children[i].1;
        }
        Some(node)
    }

    /// The count of `sentence` (zero if never recorded).
    pub fn count(&self, sentence: &str) -> u64 {
        self.node(sentence)
            .and_then(|node| node.sentence.as_ref())
            .map_or(0, |(_, count)| *count)
    }

    // ANCHOR: record
    /// Adds `n` to the count of `sentence`, and fixes the cache of every node
    /// on its path.
    pub fn record(&mut self, sentence: &str, n: u64) {
        if n == 0 {
            return;
        }
        let existing = self.node(sentence).and_then(|node| node.sentence.clone());
        let (text, count) = match existing {
            Some((text, count)) => (text, count + n),
            None => {
                self.sentences += 1;
                (Arc::from(sentence), n)
            }
        };
        let mut node = Arc::make_mut(&mut self.root);
        promote(&mut node.top, &text, count);
        for c in sentence.chars() {
            let i = match node.children.binary_search_by_key(&c, |(ch, _)| *ch) {
                Ok(i) => i,
                Err(i) => {
                    node.children.insert(i, (c, Arc::default()));
                    i
                }
            };
            // Copies the child first if a published snapshot shares it.
            node = Arc::make_mut(&mut node.children[i].1);
            promote(&mut node.top, &text, count);
        }
        node.sentence = Some((text, count));
    }
    // ANCHOR_END: record

    // ANCHOR: suggest
    /// The `k` best sentences starting with `prefix`.
    pub fn suggest(&self, prefix: &str, k: usize) -> Vec<(String, u64)> {
        let Some(node) = self.node(prefix) else {
            return Vec::new();
        };
        if k <= CACHED {
            return node
                .top
                .iter()
                .take(k)
                .map(|(s, c)| (s.to_string(), *c))
                .collect();
        }
        // More than the cache holds: walk the whole subtree.
        let mut all = Vec::new();
        collect(node, &mut all);
        best(all, k)
    }
    // ANCHOR_END: suggest

    // ANCHOR: fuzzy
    /// The `k` best sentences starting with anything within `max_edits`
    /// (Levenshtein) of `prefix`.
    ///
    /// A depth-first walk carries one row of the edit-distance table per
    /// depth: row `j` holds the distance from `prefix[..j]` to the path so
    /// far. A node whose last entry is within `max_edits` matches, and its
    /// whole subtree with it; a node whose every entry is over the limit
    /// cannot lead to a match, and its subtree is skipped.
    pub fn suggest_fuzzy(&self, prefix: &str, max_edits: usize, k: usize) -> Vec<(String, u64)> {
        let typed: Vec<char> = prefix.chars().collect();
        let first_row: Vec<usize> = (0..=typed.len()).collect();
        let mut found = Vec::new();
        fuzzy(&self.root, &typed, &first_row, max_edits, k, &mut found);
        best(found, k)
    }
    // ANCHOR_END: fuzzy
}

/// Puts `sentence` with its new `count` into a cached list, in rank order,
/// keeping the best `CACHED`.
fn promote(top: &mut Vec<Entry>, sentence: &Arc<str>, count: u64) {
    match top.iter().position(|(s, _)| s == sentence) {
        Some(i) => top[i].1 = count,
        None => top.push((Arc::clone(sentence), count)),
    }
    top.sort_by(|a, b| rank((&a.0, a.1), (&b.0, b.1)));
    top.truncate(CACHED);
}

fn collect<'a>(node: &'a Node, into: &mut Vec<(&'a str, u64)>) {
    if let Some((s, c)) = &node.sentence {
        into.push((s, *c));
    }
    for (_, child) in &node.children {
        collect(child, into);
    }
}

fn fuzzy<'a>(
    node: &'a Node,
    typed: &[char],
    row: &[usize],
    max_edits: usize,
    k: usize,
    found: &mut Vec<(&'a str, u64)>,
) {
    if row[typed.len()] <= max_edits {
        // This path is close enough: everything below it completes it.
        if k <= CACHED {
            found.extend(node.top.iter().map(|(s, c)| (&**s, *c)));
        } else {
            collect(node, found);
        }
        return;
    }
    if row.iter().min().is_some_and(|&least| least > max_edits) {
        return;
    }
    for (c, child) in &node.children {
        let mut next = Vec::with_capacity(row.len());
        next.push(row[0] + 1);
        for j in 1..row.len() {
            let substitute = row[j - 1] + usize::from(typed[j - 1] != *c);
            next.push(substitute.min(row[j] + 1).min(next[j - 1] + 1));
        }
        fuzzy(child, typed, &next, max_edits, k, found);
    }
}

/// The best `k` of some sentences, duplicates removed.
fn best(candidates: Vec<(&str, u64)>, k: usize) -> Vec<(String, u64)> {
    let unique: HashMap<&str, u64> = candidates.into_iter().collect();
    let mut all: Vec<(&str, u64)> = unique.into_iter().collect();
    all.sort_by(|a, b| rank(*a, *b));
    all.into_iter()
        .take(k)
        .map(|(s, c)| (s.to_string(), c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caches_the_best_of_every_subtree() {
        let trie = Trie::from_counts([("apple", 5), ("app", 3), ("apply", 9), ("banana", 1)]);
        assert_eq!(
            trie.suggest("ap", 2),
            vec![("apply".to_string(), 9), ("apple".to_string(), 5)]
        );
        assert_eq!(trie.suggest("b", 3), vec![("banana".to_string(), 1)]);
        assert_eq!(trie.suggest("c", 3), vec![]);
        assert_eq!(trie.len(), 4);
    }

    #[test]
    fn a_copy_shares_until_written() {
        let old = Trie::from_counts([("ab", 1), ("ac", 2)]);
        let mut new = old.clone();
        new.record("ab", 5);
        assert_eq!(old.count("ab"), 1, "the old version is untouched");
        assert_eq!(new.count("ab"), 6);
        assert_eq!(old.suggest("a", 1), vec![("ac".to_string(), 2)]);
        assert_eq!(new.suggest("a", 1), vec![("ab".to_string(), 6)]);
    }

    #[test]
    fn fuzzy_forgives_a_typo() {
        let trie = Trie::from_counts([("rust", 5), ("ruby", 3), ("go", 9)]);
        assert_eq!(trie.suggest_fuzzy("rsut", 1, 3), vec![]);
        assert_eq!(trie.suggest_fuzzy("rsut", 2, 3)[0], ("rust".to_string(), 5));
        assert_eq!(
            trie.suggest_fuzzy("rub", 1, 3),
            vec![("rust".to_string(), 5), ("ruby".to_string(), 3)]
        );
    }
}
