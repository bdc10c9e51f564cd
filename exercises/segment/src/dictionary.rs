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

/// One trie node: its children are `edges[first..first + len]`, sorted by
/// character.
#[derive(Debug, Clone, Copy, Default)]
struct Node {
    first: u32,
    len: u32,
    /// The word's frequency; 0 if no word ends here (a prefix only).
    freq: u64,
}

// ANCHOR: dictionary
/// Words with frequencies, as a trie of characters in flat arrays.
#[derive(Debug, Clone)]
pub struct Dictionary {
    nodes: Vec<Node>,
    edges: Vec<(char, u32)>,
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
        let mut nodes = vec![Node::default()];
        let mut edges = Vec::new();
        let mut queue = std::collections::VecDeque::from([(0usize, &root)]);
        while let Some((index, tree)) = queue.pop_front() {
            nodes[index].first = edges.len() as u32;
            nodes[index].len = tree.children.len() as u32;
            nodes[index].freq = tree.freq;
            for (&c, child) in &tree.children {
                let child_index = nodes.len();
                nodes.push(Node::default());
                edges.push((c, child_index as u32));
                queue.push_back((child_index, child));
            }
        }
        Self {
            nodes,
            edges,
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

    fn child(&self, node: u32, c: char) -> Option<u32> {
        let node = self.nodes[node as usize];
        let edges = &self.edges[node.first as usize..(node.first + node.len) as usize];
        edges
            .binary_search_by_key(&c, |(ch, _)| *ch)
            .ok()
            .map(|i| edges[i].1)
    }

    // ANCHOR: words_at
    /// Calls `found(end, freq)` for every dictionary word that starts at
    /// `chars[start]`, where the word is `chars[start..=end]`: the edges of
    /// the DAG from `start`. Stops as soon as no word can start like this.
    pub fn words_at(&self, chars: &[char], start: usize, mut found: impl FnMut(usize, u64)) {
        let mut node = 0;
        for (end, &c) in chars.iter().enumerate().skip(start) {
            match self.child(node, c) {
                Some(next) => node = next,
                None => return,
            }
            let freq = self.nodes[node as usize].freq;
            if freq > 0 {
                found(end, freq);
            }
        }
    }
    // ANCHOR_END: words_at

    /// The frequency of `word`, 0 if it is not a word (or only a prefix).
    pub fn freq(&self, word: &str) -> u64 {
        let mut node = 0;
        for c in word.chars() {
            match self.child(node, c) {
                Some(next) => node = next,
                None => return 0,
            }
        }
        self.nodes[node as usize].freq
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
        dict.words_at(&chars, 0, |end, freq| ends.push((end, freq)));
        assert_eq!(ends, vec![(1, 100), (3, 20)]);
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
