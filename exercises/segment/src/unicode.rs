//! Space-delimited languages: UAX #29 word boundaries.
//!
//! For English, French or Russian, words are separated by spaces and
//! punctuation, and Unicode's word-boundary rules (UAX #29) say where: they
//! keep "can't" and "3.14" whole and split "hello," into "hello" and ",".
//! No dictionary, no probabilities.

use unicode_segmentation::UnicodeSegmentation;

use crate::Cut;

/// Cuts at UAX #29 word boundaries. Every piece is a token, spaces and
/// punctuation included, so the tokens still cover the text exactly.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnicodeWords;

impl Cut for UnicodeWords {
    fn cut<'a>(&self, text: &'a str) -> Vec<&'a str> {
        text.split_word_bounds().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_words_whole_and_splits_punctuation() {
        assert_eq!(
            UnicodeWords.cut("can't stop, 3.14!"),
            ["can't", " ", "stop", ",", " ", "3.14", "!"]
        );
    }
}
