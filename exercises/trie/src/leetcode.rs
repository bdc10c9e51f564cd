//! LeetCode 642, "Design Search Autocomplete System", exactly.

use crate::Trie;

// ANCHOR: leetcode
/// The user types one character at a time. For every character but `#`,
/// return the top 3 past sentences that start with what has been typed
/// since the last `#`, by count descending, then ASCII ascending. `#` ends
/// the sentence: it is recorded (its count goes up by one), the answer is
/// empty, and typing starts over.
#[derive(Debug, Clone, Default)]
pub struct AutocompleteSystem {
    trie: Trie,
    typed: String,
    /// Beyond LeetCode: suggest sentences within this many edits of what was
    /// typed (0, the default, is LeetCode's exact prefix match).
    max_edits: usize,
}

impl AutocompleteSystem {
    /// `sentences[i]` has been searched `times[i]` times.
    ///
    /// # Panics
    /// If the two slices differ in length: that is a caller's bug.
    pub fn new<S: AsRef<str>>(sentences: &[S], times: &[u64]) -> Self {
        assert_eq!(sentences.len(), times.len(), "one count per sentence");
        Self::from_trie(Trie::from_counts(
            sentences
                .iter()
                .map(AsRef::as_ref)
                .zip(times.iter().copied()),
        ))
    }

    /// The system over an existing trie.
    pub fn from_trie(trie: Trie) -> Self {
        Self {
            trie,
            typed: String::new(),
            max_edits: 0,
        }
    }

    /// Forgives up to `max_edits` typos in what was typed.
    pub fn fuzzy(mut self, max_edits: usize) -> Self {
        self.max_edits = max_edits;
        self
    }

    pub fn input(&mut self, c: char) -> Vec<String> {
        if c == '#' {
            // An empty sentence is not a search; LeetCode never sends one.
            if !self.typed.is_empty() {
                self.trie.record(&self.typed, 1);
            }
            self.typed.clear();
            return Vec::new();
        }
        self.typed.push(c);
        let best = if self.max_edits == 0 {
            self.trie.suggest(&self.typed, 3)
        } else {
            self.trie.suggest_fuzzy(&self.typed, self.max_edits, 3)
        };
        best.into_iter().map(|(sentence, _)| sentence).collect()
    }
}
// ANCHOR_END: leetcode

#[cfg(test)]
mod tests {
    use super::*;

    /// LeetCode's own example.
    #[test]
    fn the_leetcode_example() {
        let mut system = AutocompleteSystem::new(
            &["i love you", "island", "iroman", "i love leetcode"],
            &[5, 3, 2, 2],
        );
        assert_eq!(
            system.input('i'),
            ["i love you", "island", "i love leetcode"]
        );
        assert_eq!(system.input(' '), ["i love you", "i love leetcode"]);
        assert_eq!(system.input('a'), Vec::<String>::new());
        assert_eq!(system.input('#'), Vec::<String>::new());
        // "i a" was recorded once: it now shows, behind the others.
        assert_eq!(
            system.input('i'),
            ["i love you", "island", "i love leetcode"]
        );
        assert_eq!(system.input(' '), ["i love you", "i love leetcode", "i a"]);
    }
}
