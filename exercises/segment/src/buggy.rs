//! The bug zoo: parallel segmentation that looks right on a small test and
//! is wrong. `tests/bugs.rs` checks that the suite catches every one.

use std::collections::HashMap;

use kit::sync::Mutex;

use crate::{Cut, Segmented, Strategy, Timings, cut_lines};

// ANCHOR: byte_chunks
/// **Chunk boundary inside a line.** The text is split into equal byte
/// ranges, each end nudged forward to a character boundary so that slicing
/// does not panic. But a range still ends mid-line, usually mid-word: the
/// segmenter sees two half-sentences, cuts them differently, and the line
/// structure of the output no longer matches the input.
#[derive(Debug, Clone, Copy, Default)]
pub struct ByteChunks;

impl Strategy for ByteChunks {
    fn segment<'a, C: Cut>(&self, text: &'a str, cut: &C, workers: usize) -> Segmented<'a> {
        let size = text.len().div_ceil(workers.max(1)).max(1);
        let mut chunks = Vec::new();
        let mut start = 0;
        while start < text.len() {
            let mut end = (start + size).min(text.len());
            // BUG: a character boundary is not a line boundary.
            while !text.is_char_boundary(end) {
                end += 1;
            }
            chunks.push(&text[start..end]);
            start = end;
        }
        let parts: Vec<Vec<Vec<&'a str>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .iter()
                .map(|c| scope.spawn(move || cut_lines(c, cut)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("worker"))
                .collect()
        });
        Segmented {
            lines: parts.into_iter().flatten().collect(),
            timings: Timings::default(),
        }
    }
}
// ANCHOR_END: byte_chunks

// ANCHOR: completion_order
/// **Results merged in completion order.** Workers take chunks from a shared
/// queue and push their results to a shared list as they finish. On a
/// quiet machine with even chunks the order usually survives; with a long
/// chunk early in the text, it does not.
#[derive(Debug, Clone, Copy, Default)]
pub struct CompletionOrder;

impl Strategy for CompletionOrder {
    fn segment<'a, C: Cut>(&self, text: &'a str, cut: &C, workers: usize) -> Segmented<'a> {
        let chunks = crate::chunk::chunks_of(text, 4 * 1024);
        let next = Mutex::new(0usize);
        let done: Mutex<Vec<Vec<Vec<&'a str>>>> = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..workers.max(1) {
                scope.spawn(|| {
                    loop {
                        let i = {
                            let mut next = next.lock();
                            *next += 1;
                            *next - 1
                        };
                        let Some(chunk) = chunks.get(i) else { return };
                        let lines = cut_lines(chunk, cut);
                        // BUG: pushed in the order chunks finish, not the
                        // order they came in.
                        done.lock().push(lines);
                    }
                });
            }
        });
        Segmented {
            lines: done.into_inner().into_iter().flatten().collect(),
            timings: Timings::default(),
        }
    }
}
// ANCHOR_END: completion_order

// ANCHOR: racy_merge
/// **Counts lost in the merge.** Each worker counts in its own map (good)
/// and, to keep that map small, flushes it into the shared total every 16
/// lines. To keep the lock short, it copies the total under the lock, adds
/// its counts to the copy with the lock released, and stores the copy back.
/// Two workers flushing at once both start from the same total; the one
/// that stores last erases the other's counts.
pub fn count_racy_merge<'a, C: Cut>(
    text: &'a str,
    cut: &C,
    workers: usize,
) -> HashMap<&'a str, u64> {
    let total: Mutex<HashMap<&'a str, u64>> = Mutex::default();
    std::thread::scope(|scope| {
        for chunk in crate::chunk::line_chunks(text, workers) {
            let total = &total;
            scope.spawn(move || {
                let mut mine: HashMap<&'a str, u64> = HashMap::new();
                let flush = |mine: &mut HashMap<&'a str, u64>| {
                    let mut copy = total.lock().clone();
                    for (word, n) in mine.drain() {
                        *copy.entry(word).or_default() += n;
                    }
                    // BUG: another worker may have stored its copy since.
                    *total.lock() = copy;
                };
                for (i, line) in chunk.lines().enumerate() {
                    for token in cut
                        .cut(line)
                        .into_iter()
                        .filter(|t| crate::count::is_word(t))
                    {
                        *mine.entry(token).or_default() += 1;
                    }
                    if i % 16 == 15 {
                        flush(&mut mine);
                    }
                }
                flush(&mut mine);
            });
        }
    });
    total.into_inner()
}
// ANCHOR_END: racy_merge

// ANCHOR: lock_held
/// **A lock held across the work.** Workers take lines from a shared
/// iterator behind a mutex, in a `while let` loop. But a temporary in the
/// condition of `while let` lives for the whole loop body: the guard of
/// `lines.lock()` is still held while the line is cut. The workers take
/// turns; the output is right, and no faster than one thread.
#[derive(Debug, Clone, Copy, Default)]
pub struct LockHeldAcrossWork;

impl Strategy for LockHeldAcrossWork {
    fn segment<'a, C: Cut>(&self, text: &'a str, cut: &C, workers: usize) -> Segmented<'a> {
        let lines = Mutex::new(crate::lines(text).enumerate());
        let done: Mutex<Vec<(usize, Vec<&'a str>)>> = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..workers.max(1) {
                scope.spawn(|| {
                    // BUG: the guard lives until the end of each iteration.
                    while let Some((i, line)) = lines.lock().next() {
                        let tokens = cut.cut(line);
                        done.lock().push((i, tokens));
                    }
                });
            }
        });
        let mut done = done.into_inner();
        done.sort_by_key(|(i, _)| *i);
        Segmented {
            lines: done.into_iter().map(|(_, tokens)| tokens).collect(),
            timings: Timings::default(),
        }
    }
}
// ANCHOR_END: lock_held

// ANCHOR: one_too_many
/// **One thread too many.** `workers` threads are spawned for `workers`
/// chunks, and the calling thread, idle while it waits, takes one more
/// chunk itself. The output is right and it is a little faster, but
/// `workers + 1` threads segment at once: the bound the caller set (for the
/// cores it has, or the memory) is not kept.
#[derive(Debug, Clone, Copy, Default)]
pub struct OneThreadTooMany;

impl Strategy for OneThreadTooMany {
    fn segment<'a, C: Cut>(&self, text: &'a str, cut: &C, workers: usize) -> Segmented<'a> {
        // BUG: workers + 1 chunks, for workers + 1 threads.
        let chunks = crate::chunk::line_chunks(text, workers.max(1) + 1);
        let (first, rest) = chunks.split_first().map_or(("", &[][..]), |(f, r)| (*f, r));
        let parts: Vec<Vec<Vec<&'a str>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = rest
                .iter()
                .map(|chunk| scope.spawn(move || cut_lines(chunk, cut)))
                .collect();
            let mut parts = vec![cut_lines(first, cut)];
            parts.extend(handles.into_iter().map(|h| h.join().expect("a worker")));
            parts
        });
        Segmented {
            lines: parts.into_iter().flatten().collect(),
            timings: Timings::default(),
        }
    }
}
// ANCHOR_END: one_too_many
