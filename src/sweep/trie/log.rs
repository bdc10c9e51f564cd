//! The query log the trie sweep replays: sentences made of real words, with
//! Zipf popularity, and each thread's operations.

use kit::workload::{Rng, Zipf};
use trie::Trie;

/// 30 k SCOWL words (see data/README.md).
const WORDS: &str = include_str!("../../../data/words.txt");

/// Distinct sentences in the log.
const SENTENCES: usize = 50_000;

/// Operations per thread in one run.
pub const OPS_PER_THREAD: usize = 1 << 15;

/// The workloads: percent of operations that are suggestions (the rest
/// record a search).
pub const MIXES: [(&str, u64); 3] = [("read-only", 100), ("read-mostly", 99), ("write-heavy", 90)];

/// One operation of the log.
#[derive(Debug, Clone, Copy)]
pub enum Op {
    /// Type the first `len` characters of sentence `sentence`; ask for 3.
    Suggest { sentence: u32, len: u8 },
    /// Someone searched sentence `sentence`.
    Record { sentence: u32 },
}

/// The sentences of the log with their popularity: 1-3 words each, common
/// words first more often, counts falling as Zipf(1.0) with rank.
#[derive(Debug)]
pub struct Log {
    pub sentences: Vec<String>,
    pub counts: Vec<u64>,
    popularity: Zipf,
}

impl Log {
    pub fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let mut words: Vec<&str> = WORDS.lines().collect();
        // The list is alphabetical; shuffle it so popularity is not "a" first.
        for i in (1..words.len()).rev() {
            words.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let word_popularity = Zipf::new(words.len() as u64, 1.0);
        let mut seen = std::collections::HashSet::new();
        let mut sentences = Vec::with_capacity(SENTENCES);
        while sentences.len() < SENTENCES {
            let n = 1 + rng.below(3);
            let sentence: Vec<&str> = (0..n)
                .map(|_| words[word_popularity.sample(&mut rng) as usize])
                .collect();
            let sentence = sentence.join(" ");
            if seen.insert(sentence.clone()) {
                sentences.push(sentence);
            }
        }
        let counts = (0..SENTENCES)
            .map(|rank| 1 + 1_000_000 / (rank as u64 + 1))
            .collect();
        Self {
            sentences,
            counts,
            popularity: Zipf::new(SENTENCES as u64, 1.0),
        }
    }

    pub fn trie(&self) -> Trie {
        Trie::from_counts(
            self.sentences
                .iter()
                .map(String::as_str)
                .zip(self.counts.iter().copied()),
        )
    }

    /// `len` operations for thread `thread`, `suggest_percent` of them
    /// suggestions of a prefix of 1 to 8 characters.
    pub fn ops(&self, suggest_percent: u64, thread: usize, len: usize) -> Vec<Op> {
        let mut rng = Rng::for_thread(57, thread);
        (0..len)
            .map(|_| {
                let sentence = self.popularity.sample(&mut rng) as u32;
                if rng.below(100) < suggest_percent {
                    let chars = self.sentences[sentence as usize].chars().count().min(8) as u64;
                    Op::Suggest {
                        sentence,
                        len: (1 + rng.below(chars)) as u8,
                    }
                } else {
                    Op::Record { sentence }
                }
            })
            .collect()
    }

    pub fn prefix(&self, sentence: u32, len: u8) -> &str {
        let text = &self.sentences[sentence as usize];
        let end = text
            .char_indices()
            .nth(len as usize)
            .map_or(text.len(), |(i, _)| i);
        &text[..end]
    }
}
