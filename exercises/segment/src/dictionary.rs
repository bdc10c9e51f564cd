//! jieba's dictionary format, and the prefix trie the segmenter walks.
//!
//! Each line is `word freq [tag]`. jieba keeps every word with its frequency
//! and every *prefix* of a word with frequency 0, so that while scanning a
//! sentence it can tell "no word starts like this" (stop) from "a longer
//! word might" (go on). Here the same knowledge is a trie of characters:
//! walking it from a position finds every dictionary word that starts
//! there in one pass, without hashing a growing substring at every step.

use std::collections::BTreeMap;
use std::fmt;

/// The shipped dictionary: jieba 0.42.1's (MIT; see data/jieba.LICENSE).
const JIEBA: &str = include_str!("../../../data/jieba.dict.txt");

/// A bad line of a dictionary file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DictionaryError {
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for DictionaryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "dictionary line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for DictionaryError {}

/// What a trie edge leads to. Edge `i` is `keys[i]`, and the node it leads
/// to is `nodes[i]`; that node's children are the edges
/// `first..first + len`, sorted by character.
#[derive(Debug, Clone, Copy)]
struct Node {
    first: u32,
    len: u32,
    /// The word's frequency; 0 if no word ends here (a prefix only).
    freq: u64,
    /// `ln(freq) - ln(total)`, the word's log probability, computed once
    /// here instead of at every position of every sentence.
    log_prob: f64,
}

/// Marks "no child" in the root's direct table.
const NONE: u32 = u32::MAX;

// ANCHOR: dictionary
/// Words with frequencies, as a trie of characters in flat arrays: the
/// characters on the edges apart (4 bytes each, so a binary search over a
/// node's children touches few cache lines), and what each edge leads to
/// beside them.
#[derive(Debug, Clone)]
pub struct Dictionary {
    keys: Vec<char>,
    nodes: Vec<Node>,
    /// The root's children: edges `0..roots`.
    roots: u32,
    /// The root's children indexed directly by code point, for the Basic
    /// Multilingual Plane: the root has thousands of children (one per
    /// first character), and every position of every sentence starts there.
    root: Vec<u32>,
    /// The sum of all frequencies: a word's probability is freq / total.
    total: u64,
    words: usize,
}
// ANCHOR_END: dictionary

impl Dictionary {
    /// jieba's own dictionary, shipped with concur.
    pub fn jieba() -> Self {
        Self::parse(JIEBA).expect("the shipped dictionary parses")
    }

    /// The text of the shipped dictionary, in jieba's format.
    pub fn jieba_text() -> &'static str {
        JIEBA
    }

    /// Parses jieba's format. Like jieba, a word listed twice keeps its last
    /// frequency while the total counts both lines, and blank lines are
    /// skipped.
    pub fn parse(text: &str) -> Result<Self, DictionaryError> {
        let mut words: BTreeMap<&str, u64> = BTreeMap::new();
        let mut total = 0u64;
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let bad = |reason: String| DictionaryError {
                line: index + 1,
                reason,
            };
            let mut fields = line.split(' ');
            let word = fields.next().unwrap_or_default();
            let freq = fields
                .next()
                .ok_or_else(|| bad(format!("expected `word freq [tag]`, got {line:?}")))?;
            let freq: u64 = freq
                .parse()
                .map_err(|_| bad(format!("the frequency {freq:?} is not a whole number")))?;
            words.insert(word, freq);
            total += freq;
        }
        Ok(Self::build(&words, total))
    }

    /// Builds the trie breadth-first so each node's children sit together.
    fn build(words: &BTreeMap<&str, u64>, total: u64) -> Self {
        // A nested map first (simple), then flattened (fast to walk).
        #[derive(Default)]
        struct Tree {
            children: BTreeMap<char, Tree>,
            freq: u64,
        }
        let mut root = Tree::default();
        for (word, &freq) in words {
            let mut node = &mut root;
            for c in word.chars() {
                node = node.children.entry(c).or_default();
            }
            node.freq = freq;
        }
        let log_total = (total.max(1) as f64).ln();
        let (mut keys, mut nodes) = (Vec::new(), Vec::new());
        // Allocates a node's children as one block and returns where.
        let push_children = |tree: &Tree, keys: &mut Vec<char>, nodes: &mut Vec<Node>| {
            let first = keys.len() as u32;
            for (&c, child) in &tree.children {
                keys.push(c);
                nodes.push(Node {
                    first: 0,
                    len: 0,
                    freq: child.freq,
                    // The same arithmetic as jieba's `log(freq) - logtotal`,
                    // so that routes tie exactly where jieba's do.
                    log_prob: (child.freq.max(1) as f64).ln() - log_total,
                });
            }
            first
        };
        let roots = root.children.len() as u32;
        push_children(&root, &mut keys, &mut nodes);
        // Depth first, so that a word's path lies in nearby memory.
        let mut stack: Vec<(usize, &Tree)> = root.children.values().enumerate().rev().collect();
        while let Some((index, tree)) = stack.pop() {
            let first = push_children(tree, &mut keys, &mut nodes);
            nodes[index].first = first;
            nodes[index].len = tree.children.len() as u32;
            for (i, child) in tree.children.values().enumerate().rev() {
                stack.push((first as usize + i, child));
            }
        }
        let mut direct = vec![NONE; 0x1_0000];
        for (i, &c) in keys[..roots as usize].iter().enumerate() {
            if let Some(slot) = direct.get_mut(c as usize) {
                *slot = i as u32;
            }
        }
        Self {
            keys,
            nodes,
            roots,
            root: direct,
            total,
            words: words.len(),
        }
    }

    /// Words in the dictionary.
    pub fn len(&self) -> usize {
        self.words
    }

    pub fn is_empty(&self) -> bool {
        self.words == 0
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    /// The log probability jieba gives a single character that starts no
    /// word: frequency 1.
    pub fn unknown_log_prob(&self) -> f64 {
        -(self.total.max(1) as f64).ln()
    }

    /// The node under the edge for `c` among edges `first..first + len`.
    #[inline]
    fn child(&self, first: u32, len: u32, c: char) -> Option<&Node> {
        let (first, len) = (first as usize, len as usize);
        let i = self.keys[first..first + len].binary_search(&c).ok()?;
        Some(&self.nodes[first + i])
    }

    /// The node under the root's edge for `c`.
    #[inline]
    fn root_child(&self, c: char) -> Option<&Node> {
        match self.root.get(c as usize) {
            Some(&NONE) => None,
            Some(&i) => Some(&self.nodes[i as usize]),
            None => self.child(0, self.roots, c),
        }
    }

    // ANCHOR: words_at
    /// Calls `found(end, log_prob)` for every dictionary word that starts at
    /// `chars[start]`, where the word is `chars[start..=end]`: the edges of
    /// the DAG from `start`. Stops as soon as no word can start like this.
    pub fn words_at(&self, chars: &[char], start: usize, mut found: impl FnMut(usize, f64)) {
        let Some(mut node) = chars.get(start).and_then(|&c| self.root_child(c)) else {
            return;
        };
        let mut end = start;
        loop {
            if node.freq > 0 {
                found(end, node.log_prob);
            }
            end += 1;
            match chars
                .get(end)
                .and_then(|&c| self.child(node.first, node.len, c))
            {
                Some(next) => node = next,
                None => return,
            }
        }
    }
    // ANCHOR_END: words_at

    /// The frequency of `word`, 0 if it is not a word (or only a prefix).
    pub fn freq(&self, word: &str) -> u64 {
        let mut chars = word.chars();
        let Some(mut node) = chars.next().and_then(|c| self.root_child(c)) else {
            return 0;
        };
        for c in chars {
            match self.child(node.first, node.len, c) {
                Some(next) => node = next,
                None => return 0,
            }
        }
        node.freq
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_words_and_prefixes() {
        let dict = Dictionary::parse("北京 100 ns\n北京大学 20\n大学 50 n\n\n").unwrap();
        assert_eq!(dict.len(), 3);
        assert_eq!(dict.total(), 170);
        assert_eq!(dict.freq("北京大学"), 20);
        assert_eq!(dict.freq("北京大"), 0, "a prefix, not a word");
        let chars: Vec<char> = "北京大学生".chars().collect();
        let mut ends = Vec::new();
        dict.words_at(&chars, 0, |end, log_prob| ends.push((end, log_prob)));
        let p = |freq: f64| freq.ln() - 170f64.ln();
        assert_eq!(ends, vec![(1, p(100.0)), (3, p(20.0))]);
    }

    #[test]
    fn a_bad_line_is_named() {
        let err = Dictionary::parse("好 1\n坏\n").unwrap_err();
        assert_eq!(err.line, 2);
        let err = Dictionary::parse("好 lots\n").unwrap_err();
        assert!(
            err.to_string().contains("\"lots\" is not a whole number"),
            "{err}"
        );
    }

    #[test]
    fn the_shipped_dictionary_loads() {
        let dict = Dictionary::jieba();
        assert!(dict.len() > 340_000);
        assert!(dict.freq("北京") > 0);
    }
}
