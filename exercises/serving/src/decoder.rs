//! A simulated decoder: a step over `n` sequences takes `fixed + n ·
//! per_item` (a tokio sleep), and the decoder keeps a log of every step.

use std::time::Duration;

use kit::sync::{AtomicUsize, Mutex, Ordering};

use crate::accelerator::Running;
use crate::{Decoder, Instant, token_of};

/// One step the decoder ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub started: Instant,
    /// (prompt, position) of every sequence in the step.
    pub active: Vec<(u64, u32)>,
}

/// The simulated decoder.
#[derive(Debug)]
pub struct SimulatedDecoder {
    fixed: Duration,
    per_item: Duration,
    slots: usize,
    log: Mutex<Vec<Step>>,
    running: AtomicUsize,
    overlaps: AtomicUsize,
}

impl SimulatedDecoder {
    pub fn new(fixed: Duration, per_item: Duration, slots: usize) -> Self {
        Self {
            fixed,
            per_item,
            slots,
            log: Mutex::new(Vec::new()),
            running: AtomicUsize::new(0),
            overlaps: AtomicUsize::new(0),
        }
    }

    /// How long a step of `n` sequences takes.
    pub fn cost(&self, n: usize) -> Duration {
        self.fixed + self.per_item * n as u32
    }

    /// Every step so far, in the order they started.
    pub fn steps(&self) -> Vec<Step> {
        self.log.lock().clone()
    }

    /// Steps started while another ran.
    pub fn overlaps(&self) -> usize {
        self.overlaps.load(Ordering::Relaxed)
    }
}

impl Decoder for SimulatedDecoder {
    fn slots(&self) -> usize {
        self.slots
    }

    async fn step(&self, active: Vec<(u64, u32)>) -> Vec<u64> {
        let _running = Running::start(&self.running, &self.overlaps);
        self.log.lock().push(Step {
            started: Instant::now(),
            active: active.clone(),
        });
        tokio::time::sleep(self.cost(active.len())).await;
        active
            .into_iter()
            .map(|(prompt, position)| token_of(prompt, position))
            .collect()
    }
}
