//! A pipeline: a reader cuts chunks, workers segment them, and an ordered
//! writer puts the results back in order, all connected by bounded
//! channels.
//!
//! This is the shape that scales past memory (the `stream` module runs it
//! over a file): every stage runs at once, and the channels' bounds are the
//! back-pressure that keeps a fast reader from racing ahead of slow workers.
//! The price over rayon: two channel hops per chunk and a reorder buffer.

use std::time::{Duration, Instant};

use crate::chunk::chunks_of;
use crate::rayon_strategy::CHUNK_BYTES;
use crate::reorder::Reorder;
use crate::{Cut, Segmented, Strategy, Timings, cut_lines};

// ANCHOR: channel
/// Reader -> workers -> ordered writer, over crossbeam bounded channels.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChannelPipeline;

impl Strategy for ChannelPipeline {
    fn segment<'a, C: Cut>(&self, text: &'a str, cut: &C, workers: usize) -> Segmented<'a> {
        let workers = workers.max(1);
        let (to_workers, inbox) = crossbeam_channel::bounded::<(u64, &'a str)>(2 * workers);
        let (to_writer, results) =
            crossbeam_channel::bounded::<(u64, Vec<Vec<&'a str>>, Duration)>(2 * workers);
        std::thread::scope(|scope| {
            for _ in 0..workers {
                let (inbox, to_writer) = (inbox.clone(), to_writer.clone());
                scope.spawn(move || {
                    for (seq, chunk) in inbox {
                        let started = Instant::now();
                        let lines = cut_lines(chunk, cut);
                        // The writer outlives the workers; a send fails
                        // only if it panicked, and the scope reports that.
                        let _ = to_writer.send((seq, lines, started.elapsed()));
                    }
                });
            }
            drop((inbox, to_writer));
            let writer = scope.spawn(move || {
                let (mut lines, mut busy, mut merging) =
                    (Vec::new(), Duration::ZERO, Duration::ZERO);
                let mut reorder = Reorder::new();
                for (seq, chunk_lines, took) in results {
                    busy += took;
                    let started = Instant::now();
                    for ready in reorder.push(seq, chunk_lines) {
                        lines.extend(ready);
                    }
                    merging += started.elapsed();
                }
                (lines, busy, merging)
            });
            // The reader: this thread. Sending blocks while the workers are
            // behind: that is the back-pressure.
            let started = Instant::now();
            let chunks = chunks_of(text, CHUNK_BYTES);
            let chunking = started.elapsed();
            for (seq, chunk) in chunks.into_iter().enumerate() {
                let _ = to_workers.send((seq as u64, chunk));
            }
            drop(to_workers);
            let (lines, busy, merging) = writer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            Segmented {
                lines,
                timings: Timings {
                    chunking,
                    segmenting: busy / workers as u32,
                    merging,
                },
            }
        })
    }
}
// ANCHOR_END: channel
