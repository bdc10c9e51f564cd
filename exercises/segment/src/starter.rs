//! Your pipeline. Make `cargo test -p segment --features starter` pass.
//!
//! The goal: segment a text on `workers` threads with exactly the output of
//! one thread (`Sequential`), and faster. Read the contract (`Strategy`) in
//! `lib.rs` first. Stuck? The README has hints.

use crate::{Cut, Segmented, Strategy};

/// Your parallel segmentation strategy.
#[derive(Debug, Clone, Copy, Default)]
pub struct StarterPipeline;

#[allow(unused_variables)] // until you use them
impl Strategy for StarterPipeline {
    fn segment<'a, C: Cut>(&self, text: &'a str, cut: &C, workers: usize) -> Segmented<'a> {
        // TODO:
        // 1. Split `text` into chunks for the workers. Where may a chunk
        //    end so that segmenting it alone gives the same tokens?
        // 2. Segment the chunks on `workers` threads (`std::thread::scope`
        //    lets threads borrow `text`). `crate::cut_lines` segments one
        //    chunk line by line.
        // 3. Put the results together in input order, whatever order the
        //    workers finish in.
        todo!("StarterPipeline::segment")
    }
}
