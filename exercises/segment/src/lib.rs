//! # Parallel word segmentation of a large corpus
//!
//! The interview question: *design and implement a parallel word
//! segmentation system for large-scale datasets: split the data into blocks,
//! distribute tasks, merge results, avoid contention on shared state, keep
//! the results accurate and complete.*
//!
//! - [`Segmenter`] (`jieba.rs`) cuts Chinese text exactly as jieba's
//!   `cut(text, HMM=False)` does, over a [`Dictionary`] (`dictionary.rs`) in
//!   jieba's format; [`UnicodeWords`] (`unicode.rs`) cuts space-delimited
//!   languages at UAX #29 word boundaries. Both implement [`Cut`].
//! - The contract for parallelism is [`Strategy`]: segment a text line by
//!   line on N workers, with the same output as on one. Each strategy lives
//!   in its own file: [`Sequential`], [`ScopedThreads`], [`ChannelPipeline`],
//!   [`Rayon`]. `chunk.rs` splits at line boundaries; `reorder.rs` puts
//!   results back in input order.
//! - [`count`] counts words: one shared map against one map per worker.
//! - [`stream`] is the `concur segment` pipeline for files larger than
//!   memory.
//!
//! `buggy.rs` holds the bug zoo and `starter.rs` is the candidate's file.

use std::time::Duration;

// ANCHOR: contract
/// A way to cut text into tokens. Tokens borrow from the text, and together
/// they cover it exactly: concatenated, they give the text back.
pub trait Cut: Sync {
    fn cut<'a>(&self, text: &'a str) -> Vec<&'a str>;
}

/// A way to segment a whole text, line by line, on `workers` threads.
///
/// The output is one list of tokens per line of `text` (the line terminator,
/// `\n` or `\r\n`, excluded), in input order, and identical whatever the
/// number of workers: parallelism must not change the answer. At most
/// `workers` threads segment at once, and with more than one worker on a
/// large text, more than one does.
pub trait Strategy: Sync {
    fn segment<'a, C: Cut>(&self, text: &'a str, cut: &C, workers: usize) -> Segmented<'a>;
}

/// A segmented text, and where the time went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Segmented<'a> {
    /// The tokens of each line.
    pub lines: Vec<Vec<&'a str>>,
    pub timings: Timings,
}
// ANCHOR_END: contract

impl<'a> Segmented<'a> {
    /// The lines of every chunk in chunk order, for the strategies that
    /// split, segment, then join: the phases end at `chunked`, `segmented`
    /// and now.
    pub(crate) fn joined(
        parts: Vec<Vec<Vec<&'a str>>>,
        started: std::time::Instant,
        chunked: std::time::Instant,
        segmented: std::time::Instant,
    ) -> Self {
        let lines = parts.into_iter().flatten().collect();
        Segmented {
            lines,
            timings: Timings {
                chunking: chunked - started,
                segmenting: segmented - chunked,
                merging: segmented.elapsed(),
            },
        }
    }
}

/// Where a strategy spent its time. For the phased strategies each is a
/// wall-clock span; for the pipeline, whose phases overlap, `segmenting` is
/// the workers' busy time divided by their number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    /// Finding chunk boundaries (and, for the pipeline, reading).
    pub chunking: Duration,
    /// Cutting lines into tokens.
    pub segmenting: Duration,
    /// Putting the chunks' results back together in order.
    pub merging: Duration,
}

/// The lines of `text` without their terminators (`\n`, or `\r\n`).
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
}

/// Segments every line of `text` with `cut`, one list per line.
pub fn cut_lines<'a, C: Cut>(text: &'a str, cut: &C) -> Vec<Vec<&'a str>> {
    lines(text).map(|line| cut.cut(line)).collect()
}

pub mod buggy;
mod channel;
pub mod chunk;
pub mod corpus;
pub mod count;
mod dictionary;
mod jieba;
mod rayon_strategy;
pub mod reorder;
mod scoped;
mod sequential;
#[cfg(feature = "starter")]
pub mod starter;
pub mod stream;
mod unicode;

pub use channel::ChannelPipeline;
pub use dictionary::{Dictionary, DictionaryError};
pub use jieba::Segmenter;
pub use rayon_strategy::Rayon;
pub use scoped::ScopedThreads;
pub use sequential::Sequential;
pub use unicode::UnicodeWords;
