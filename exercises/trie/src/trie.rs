//! The trie, with the best sentences of every subtree cached in its node.
//!
//! Without the cache, "top 3 for the prefix `a`" walks every sentence that
//! starts with `a`: most of the trie. With it, a suggestion walks the prefix
//! and reads a short list. The price is paid on update: recording a sentence
//! touches every node on its path, and each keeps its list right. Counts
//! only grow, so a list needs one rule: put the sentence in (or move it up)
//! and drop whatever falls off the end.
//!
//! The trie is path-compressed (a radix tree): a chain of nodes with one
//! child each is one edge labelled with the whole chain ("pple" under "a"),
//! so a prefix of eight characters crosses two or three nodes instead of
//! eight. Each node is a pointer to follow and, on a large trie, a likely
//! cache miss: fewer nodes is what keeps the slowest suggestions (p99) close
//! to the typical one.
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
    /// The text on the edge into this node (empty for the root).
    label: Box<str>,
    /// Sorted by the first character of their labels, for binary search.
    children: Vec<(char, Arc<Node>)>,
    /// The sentence that ends here, if one does, with its count.
    sentence: Option<Entry>,
    /// The best `CACHED` sentences in this subtree, in rank order.
    top: Vec<Entry>,
}
// ANCHOR_END: node

impl Node {
    fn child(&self, first: char) -> Result<usize, usize> {
        self.children.binary_search_by_key(&first, |(c, _)| *c)
    }
}

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

    /// The node whose subtree holds exactly the sentences starting with
    /// `prefix`, and whether `prefix` ends exactly at it (rather than
    /// inside the edge into it).
    fn node(&self, prefix: &str) -> Option<(&Node, bool)> {
        let mut node = &*self.root;
        let mut rest = prefix;
        while let Some(first) = rest.chars().next() {
            let i = node.child(first).ok()?;
            let child = &*node.children[i].1;
            if let Some(after) = rest.strip_prefix(&*child.label) {
                rest = after;
                node = child;
            } else if child.label.starts_with(rest) {
                return Some((child, false));
            } else {
                return None;
            }
        }
        Some((node, true))
    }

    /// The count of `sentence` (zero if never recorded).
    pub fn count(&self, sentence: &str) -> u64 {
        match self.node(sentence) {
            Some((node, true)) => node.sentence.as_ref().map_or(0, |(_, count)| *count),
            _ => 0,
        }
    }

    // ANCHOR: record
    /// Adds `n` to the count of `sentence`, and fixes the cache of every node
    /// on its path.
    pub fn record(&mut self, sentence: &str, n: u64) {
        if n == 0 {
            return;
        }
        let existing = match self.node(sentence) {
            Some((node, true)) => node.sentence.clone(),
            _ => None,
        };
        let (text, count) = match existing {
            Some((text, count)) => (text, count + n),
            None => {
                self.sentences += 1;
                (Arc::from(sentence), n)
            }
        };
        let mut node = Arc::make_mut(&mut self.root);
        promote(&mut node.top, &text, count);
        let mut rest = sentence;
        while let Some(first) = rest.chars().next() {
            let i = match node.child(first) {
                Ok(i) => i,
                Err(i) => {
                    // Nothing shares this prefix: one new edge for the rest.
                    let leaf = Node {
                        label: rest.into(),
                        ..Node::default()
                    };
                    node.children.insert(i, (first, Arc::new(leaf)));
                    i
                }
            };
            // Copies the child first if a published snapshot shares it.
            let child = Arc::make_mut(&mut node.children[i].1);
            let shared = common_prefix(&child.label, rest);
            if shared < child.label.len() {
                split(child, shared);
            }
            rest = &rest[shared..];
            node = child;
            promote(&mut node.top, &text, count);
        }
        node.sentence = Some((text, count));
    }
    // ANCHOR_END: record

    // ANCHOR: suggest
    /// The `k` best sentences starting with `prefix`.
    pub fn suggest(&self, prefix: &str, k: usize) -> Vec<(String, u64)> {
        let Some((node, _)) = self.node(prefix) else {
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
    /// character of the path: entry `j` of the row is the distance from
    /// `prefix[..j]` to the path so far. Where the last entry is within
    /// `max_edits`, the path matches, and so does everything below it; where
    /// every entry is over the limit, nothing below can match, and the
    /// branch is skipped.
    pub fn suggest_fuzzy(&self, prefix: &str, max_edits: usize, k: usize) -> Vec<(String, u64)> {
        let typed: Vec<char> = prefix.chars().collect();
        let first_row: Vec<usize> = (0..=typed.len()).collect();
        let mut found = Vec::new();
        if first_row[typed.len()] <= max_edits {
            take(&self.root, k, &mut found);
        } else {
            for (_, child) in &self.root.children {
                fuzzy(child, &typed, &first_row, max_edits, k, &mut found);
            }
        }
        best(found, k)
    }
    // ANCHOR_END: fuzzy
}

/// The length in bytes of the longest common prefix of `a` and `b`, on
/// character boundaries.
fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i)
}

/// Splits the edge into `node` after `at` bytes: `node` keeps the first part
/// and gets one child holding the second part and everything `node` had.
/// Its cache stays right: its subtree has not changed.
fn split(node: &mut Node, at: usize) {
    let tail = Node {
        label: node.label[at..].into(),
        children: std::mem::take(&mut node.children),
        sentence: node.sentence.take(),
        top: node.top.clone(),
    };
    let first = tail
        .label
        .chars()
        .next()
        .expect("a split leaves a non-empty tail");
    node.label = node.label[..at].into();
    node.children = vec![(first, Arc::new(tail))];
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

/// The best `k` of a subtree, from the cache when it holds enough.
fn take<'a>(node: &'a Node, k: usize, into: &mut Vec<(&'a str, u64)>) {
    if k <= CACHED {
        into.extend(node.top.iter().map(|(s, c)| (&**s, *c)));
    } else {
        collect(node, into);
    }
}

/// Extends the edit-distance rows along `node`'s label, one character at a
/// time; see [`Trie::suggest_fuzzy`].
fn fuzzy<'a>(
    node: &'a Node,
    typed: &[char],
    row: &[usize],
    max_edits: usize,
    k: usize,
    found: &mut Vec<(&'a str, u64)>,
) {
    let mut row = row.to_vec();
    for c in node.label.chars() {
        let mut next = Vec::with_capacity(row.len());
        next.push(row[0] + 1);
        for j in 1..row.len() {
            let substitute = row[j - 1] + usize::from(typed[j - 1] != c);
            next.push(substitute.min(row[j] + 1).min(next[j - 1] + 1));
        }
        row = next;
        if row[typed.len()] <= max_edits {
            // The path so far is close enough: everything below completes it.
            take(node, k, found);
            return;
        }
        if row.iter().all(|&distance| distance > max_edits) {
            return;
        }
    }
    for (_, child) in &node.children {
        fuzzy(child, typed, &row, max_edits, k, found);
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
    fn edges_split_where_sentences_part() {
        let mut trie = Trie::from_counts([("romane", 1), ("romanus", 2)]);
        trie.record("rom", 3);
        trie.record("rubens", 4);
        assert_eq!(trie.count("rom"), 3);
        assert_eq!(trie.count("roman"), 0, "a split point is not a sentence");
        assert_eq!(trie.suggest("roma", 5).len(), 2);
        assert_eq!(trie.suggest("r", 1), vec![("rubens".to_string(), 4)]);
        assert_eq!(trie.suggest("romx", 1), vec![]);
        assert_eq!(trie.len(), 4);
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
