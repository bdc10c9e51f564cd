//! Text to terms. Not the exercise: every strategy tokenizes the same way,
//! so that their answers can be compared term for term.

use unicode_segmentation::UnicodeSegmentation;

/// Splits a document or a query into terms. Queries and documents must be
/// cut by the same tokenizer, or a query term never meets its document.
pub trait Tokenize: Send + Sync + std::fmt::Debug {
    fn tokens(&self, text: &str) -> Vec<String>;
}

/// Words at Unicode's word boundaries (UAX #29), lowercased: close to
/// Lucene's `StandardTokenizer` (the same UAX #29 rules) followed by a
/// `LowerCaseFilter`, though not token for token. A piece counts as a word
/// if it holds a letter or a digit, so spaces and punctuation are dropped;
/// "can't" and "3.14" stay whole. Chinese has no
/// spaces, and UAX #29 cuts it into single characters: the CLI cuts Han
/// text with the segment exercise's dictionary instead.
#[derive(Debug, Clone, Copy, Default)]
pub struct Words;

impl Tokenize for Words {
    fn tokens(&self, text: &str) -> Vec<String> {
        text.unicode_words().map(str::to_lowercase).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercases_words_and_drops_punctuation() {
        assert_eq!(
            Words.tokens("Can't stop, 3.14 Times!"),
            ["can't", "stop", "3.14", "times"]
        );
    }
}
