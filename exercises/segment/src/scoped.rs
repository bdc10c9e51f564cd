//! Split first, then one scoped thread per chunk: the simplest parallelism.
//!
//! The text is cut into as many chunks as workers, at line boundaries;
//! each thread segments its chunk, borrowing the text (scoped threads may
//! borrow from the caller's stack); the results are joined in chunk order.
//! No shared state while working, so no locks. The weakness: one chunk per
//! worker, so a chunk of hard text holds everyone up at the end.

use std::time::Instant;

use crate::chunk::line_chunks;
use crate::{Cut, Segmented, Strategy, cut_lines};

// ANCHOR: scoped
/// One chunk per worker on `std::thread::scope`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScopedThreads;

impl Strategy for ScopedThreads {
    fn segment<'a, C: Cut>(&self, text: &'a str, cut: &C, workers: usize) -> Segmented<'a> {
        let started = Instant::now();
        let chunks = line_chunks(text, workers);
        let chunked = Instant::now();
        let parts: Vec<Vec<Vec<&'a str>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .iter()
                .map(|chunk| scope.spawn(move || cut_lines(chunk, cut)))
                .collect();
            // Joining in spawn order is what keeps the output in input order.
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        Segmented::joined(parts, started, chunked, Instant::now())
    }
}
// ANCHOR_END: scoped
