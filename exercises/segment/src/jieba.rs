//! Dictionary segmentation exactly as jieba's `cut(text, HMM=False)`.
//!
//! 1. Split the text into runs of "word characters" (CJK ideographs U+4E00
//!    to U+9FD5, ASCII letters and digits, and `+#&._%-`) and everything
//!    else. Outside the runs, whitespace comes out as its own tokens (`\r\n`
//!    as one) and every other character alone.
//! 2. Inside a run, build the DAG: from each position, an edge to the end of
//!    every dictionary word that starts there (or to itself, if none does).
//! 3. Pick the route of greatest probability, the product of `freq / total`
//!    over its words, by dynamic programming from the end. In logs: a sum.
//! 4. Walk the route. Consecutive single ASCII letters or digits are glued
//!    back into one token, so an unknown English word stays whole.
//!
//! Every choice below that looks arbitrary (ties going to the longer word,
//! `\x1c`..`\x1f` counting as whitespace) is what jieba does, so that the
//! output matches it token for token.

use std::cell::RefCell;

use crate::{Cut, Dictionary};

/// jieba's segmenter over a dictionary.
#[derive(Debug, Clone)]
pub struct Segmenter {
    dictionary: Dictionary,
}

/// Buffers one cut reuses, one set per thread: a corpus is millions of
/// short runs, and allocating four vectors for each costs more than
/// segmenting it.
#[derive(Default)]
struct Scratch {
    chars: Vec<char>,
    at: Vec<usize>,
    score: Vec<f64>,
    best: Vec<usize>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

impl Segmenter {
    pub fn new(dictionary: Dictionary) -> Self {
        Self { dictionary }
    }

    pub fn dictionary(&self) -> &Dictionary {
        &self.dictionary
    }

    // ANCHOR: route
    /// The best route through one run of word characters: `best[i]` is the
    /// last index of the word that starts at `i`.
    fn route(&self, chars: &[char], score: &mut Vec<f64>, best: &mut Vec<usize>) {
        let n = chars.len();
        // score[i]: log probability of the best segmentation of chars[i..].
        score.clear();
        score.resize(n + 1, 0.0);
        best.clear();
        best.resize(n, 0);
        for start in (0..n).rev() {
            let mut pick = (f64::NEG_INFINITY, start);
            let mut consider = |end: usize, log_prob: f64| {
                let candidate = (log_prob + score[end + 1], end);
                // Python compares (score, end) tuples: on a tie in score,
                // the longer word wins.
                if candidate.0 > pick.0 || (candidate.0 == pick.0 && candidate.1 > pick.1) {
                    pick = candidate;
                }
            };
            let mut any = false;
            self.dictionary.words_at(chars, start, |end, log_prob| {
                any = true;
                consider(end, log_prob);
            });
            if !any {
                // No word starts here: the character alone, at frequency 1.
                consider(start, self.dictionary.unknown_log_prob());
            }
            score[start] = pick.0;
            best[start] = pick.1;
        }
    }
    // ANCHOR_END: route

    /// Cuts one run of word characters (`text`, whose characters are in
    /// `scratch.chars` and start at the byte offsets `scratch.at`) along the
    /// best route.
    fn cut_run<'a>(&self, text: &'a str, scratch: &mut Scratch, into: &mut Vec<&'a str>) {
        let Scratch {
            chars,
            at,
            score,
            best,
        } = scratch;
        self.route(chars, score, best);
        let end_of = |i: usize| at.get(i).copied().unwrap_or(text.len());
        let mut i = 0;
        // Start of a run of single ASCII letters and digits being glued.
        let mut glue: Option<usize> = None;
        while i < chars.len() {
            let end = best[i] + 1;
            if end == i + 1 && chars[i].is_ascii_alphanumeric() {
                glue.get_or_insert(i);
            } else {
                if let Some(from) = glue.take() {
                    into.push(&text[at[from]..at[i]]);
                }
                into.push(&text[at[i]..end_of(end)]);
            }
            i = end;
        }
        if let Some(from) = glue {
            into.push(&text[at[from]..]);
        }
    }
}

/// Is `c` one of jieba's word characters (`re_han_default`)?
fn is_word_char(c: char) -> bool {
    ('\u{4E00}'..='\u{9FD5}').contains(&c) || c.is_ascii_alphanumeric() || "+#&._%-".contains(c)
}

/// Python's `\s`: Unicode whitespace, plus the four ASCII separators
/// `\x1c`..`\x1f`, which Python counts and Rust does not.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

impl Cut for Segmenter {
    // ANCHOR: cut
    fn cut<'a>(&self, text: &'a str) -> Vec<&'a str> {
        SCRATCH.with_borrow_mut(|scratch| self.cut_with(text, scratch))
    }
    // ANCHOR_END: cut
}

impl Segmenter {
    fn cut_with<'a>(&self, text: &'a str, scratch: &mut Scratch) -> Vec<&'a str> {
        let mut tokens = Vec::with_capacity(text.len() / 4);
        let mut rest = text.char_indices().peekable();
        while let Some(&(start, c)) = rest.peek() {
            if is_word_char(c) {
                scratch.chars.clear();
                scratch.at.clear();
                while let Some(&(i, c)) = rest.peek().filter(|(_, c)| is_word_char(*c)) {
                    scratch.chars.push(c);
                    scratch.at.push(i - start);
                    rest.next();
                }
                let end = rest.peek().map_or(text.len(), |&(i, _)| i);
                self.cut_run(&text[start..end], scratch, &mut tokens);
            } else {
                rest.next();
                let mut end = start + c.len_utf8();
                // `\r\n` is one whitespace token; other characters go alone.
                if c == '\r' && text[end..].starts_with('\n') {
                    rest.next();
                    end += 1;
                }
                debug_assert!(is_python_space(c) || end == start + c.len_utf8());
                tokens.push(&text[start..end]);
            }
        }
        tokens
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segmenter() -> Segmenter {
        Segmenter::new(
            Dictionary::parse("北京 100\n北京大学 20\n大学 50\n大学生 30\n生活 40\n学生 60\n")
                .unwrap(),
        )
    }

    #[test]
    fn picks_the_most_probable_route() {
        // 北京/大学生/活 or 北京大学/生活? The probabilities decide.
        let tokens = segmenter().cut("北京大学生活");
        assert_eq!(tokens.concat(), "北京大学生活");
        assert_eq!(tokens, ["北京大学", "生活"]);
    }

    #[test]
    fn glues_unknown_ascii_and_splits_the_rest() {
        let tokens = segmenter().cut("abc 北京, x\r\ny");
        assert_eq!(tokens, ["abc", " ", "北京", ",", " ", "x", "\r\n", "y"]);
    }
}
