//! A simulated accelerator with the cost shape of a real one.
//!
//! A batch of `n` prompts takes `fixed + n · per_item`, with `fixed`
//! dominant: on a GPU, one decoding step reads every weight of the model
//! from memory whether it serves one sequence or eight, so a batch of 8
//! costs little more than a batch of 1. The time is a tokio sleep, not a
//! busy loop: the cores stay free for the server, as they would while a
//! real accelerator works.
//!
//! It also keeps a log of every batch (when it started, which prompts),
//! and counts the server's mistakes it can see: two batches at once, a
//! batch over its limit, an empty batch.

use std::time::Duration;

use kit::sync::{AtomicUsize, Mutex, Ordering};

use crate::{Accelerator, Instant};

/// What the model answers for `prompt`: a fixed scramble of it, so that an
/// answer handed to the wrong request shows.
pub fn output_of(prompt: u64) -> u64 {
    // splitmix64's finaliser: every bit of the prompt moves every bit.
    let mut x = prompt.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// One batch the accelerator ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub started: Instant,
    pub prompts: Vec<u64>,
}

/// The simulated accelerator.
#[derive(Debug)]
pub struct Simulated {
    fixed: Duration,
    per_item: Duration,
    max_batch: usize,
    log: Mutex<Vec<Batch>>,
    running: AtomicUsize,
    overlaps: AtomicUsize,
    oversized: AtomicUsize,
    empty: AtomicUsize,
}

impl Simulated {
    pub fn new(fixed: Duration, per_item: Duration, max_batch: usize) -> Self {
        Self {
            fixed,
            per_item,
            max_batch,
            log: Mutex::new(Vec::new()),
            running: AtomicUsize::new(0),
            overlaps: AtomicUsize::new(0),
            oversized: AtomicUsize::new(0),
            empty: AtomicUsize::new(0),
        }
    }

    /// How long a batch of `n` takes.
    pub fn cost(&self, n: usize) -> Duration {
        self.fixed + self.per_item * n as u32
    }

    /// Every batch started so far, in the order they started.
    pub fn batches(&self) -> Vec<Batch> {
        self.log.lock().clone()
    }

    /// Batches started while another ran.
    pub fn overlaps(&self) -> usize {
        self.overlaps.load(Ordering::Relaxed)
    }

    /// Batches of more prompts than `max_batch`.
    pub fn oversized(&self) -> usize {
        self.oversized.load(Ordering::Relaxed)
    }

    /// Batches of no prompt at all.
    pub fn empty(&self) -> usize {
        self.empty.load(Ordering::Relaxed)
    }
}

/// Counts a batch (or a decoder's step) as running until dropped, also
/// when the server drops its future half-way; one begun while another
/// runs counts as an overlap.
pub(crate) struct Running<'a>(&'a AtomicUsize);

impl<'a> Running<'a> {
    pub(crate) fn start(running: &'a AtomicUsize, overlaps: &AtomicUsize) -> Self {
        if running.fetch_add(1, Ordering::Relaxed) > 0 {
            overlaps.fetch_add(1, Ordering::Relaxed);
        }
        Running(running)
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Accelerator for Simulated {
    fn max_batch(&self) -> usize {
        self.max_batch
    }

    async fn run(&self, prompts: Vec<u64>) -> Vec<u64> {
        let _running = Running::start(&self.running, &self.overlaps);
        if prompts.len() > self.max_batch {
            self.oversized.fetch_add(1, Ordering::Relaxed);
        }
        if prompts.is_empty() {
            self.empty.fetch_add(1, Ordering::Relaxed);
        }
        self.log.lock().push(Batch {
            started: Instant::now(),
            prompts: prompts.clone(),
        });
        tokio::time::sleep(self.cost(prompts.len())).await;
        prompts.into_iter().map(output_of).collect()
    }
}
