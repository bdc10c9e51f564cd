//! Many small chunks on a work-stealing pool.
//!
//! Rayon splits a parallel iterator over idle threads and lets a thread that
//! runs out steal half of another's remaining work. With many more chunks
//! than workers, a slow chunk no longer holds everyone up; `collect` on an
//! indexed parallel iterator keeps the input order for free.

use std::time::Instant;

use rayon::prelude::*;

use crate::chunk::chunks_of;
use crate::{Cut, Segmented, Strategy, cut_lines};

/// Chunk size for the work-stealing strategies: many chunks per worker.
pub const CHUNK_BYTES: usize = 64 * 1024;

// ANCHOR: rayon
/// Chunks of about 64 KiB on a rayon pool of `workers` threads.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rayon;

impl Strategy for Rayon {
    fn segment<'a, C: Cut>(&self, text: &'a str, cut: &C, workers: usize) -> Segmented<'a> {
        let started = Instant::now();
        let chunks = chunks_of(text, CHUNK_BYTES);
        let chunked = Instant::now();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(workers.max(1))
            .build()
            .expect("a rayon pool starts");
        let parts: Vec<Vec<Vec<&'a str>>> = pool.install(|| {
            chunks
                .par_iter()
                .map(|chunk| cut_lines(chunk, cut))
                .collect()
        });
        Segmented::joined(parts, started, chunked, Instant::now())
    }
}
// ANCHOR_END: rayon
