//! A shard's recent answer times, for the hedge delay: the p95 of the last
//! [`WINDOW`] answers. A window, not all history, so that the delay follows
//! a replica that got slower or recovered.

use kit::sync::Mutex;
use std::time::Duration;

use crate::{HEDGE_BEFORE_SAMPLES, MIN_SAMPLES};

/// Answers the p95 is taken over.
pub const WINDOW: usize = 200;

/// tokio's timer resolution.
pub const TICK: Duration = Duration::from_millis(1);

/// The last [`WINDOW`] answer times of one shard.
#[derive(Debug)]
pub struct Latencies {
    /// A ring: `recent[next % WINDOW]` is overwritten next. A std-style
    /// lock in async code is fine here: it is held for a copy, never
    /// across an `.await`.
    recent: Mutex<(Vec<Duration>, usize)>,
}

impl Default for Latencies {
    fn default() -> Self {
        Self {
            recent: Mutex::new((Vec::with_capacity(WINDOW), 0)),
        }
    }
}

impl Latencies {
    pub fn record(&self, took: Duration) {
        let mut guard = self.recent.lock();
        let (recent, next) = &mut *guard;
        if recent.len() < WINDOW {
            recent.push(took);
        } else {
            recent[*next % WINDOW] = took;
        }
        *next += 1;
    }

    /// How long to wait for an answer before hedging: one timer tick past
    /// the recent p95, or [`HEDGE_BEFORE_SAMPLES`] while there are too few
    /// answers to tell.
    pub fn hedge_after(&self) -> Duration {
        let mut recent = self.recent.lock().0.clone();
        if recent.len() < MIN_SAMPLES {
            return HEDGE_BEFORE_SAMPLES;
        }
        recent.sort_unstable();
        // The nearest-rank p95: the smallest time that 95% of answers beat
        // or equal. tokio's timers tick in milliseconds, so an answer due
        // in the p95's own tick and a hedge timer set for it fire together,
        // and which one a coordinator sees first is luck; a tick later, an
        // answer that is on time has always come.
        recent[(recent.len() * 95).div_ceil(100) - 1] + TICK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_p95_follows_the_recent_window() {
        let latencies = Latencies::default();
        assert_eq!(latencies.hedge_after(), HEDGE_BEFORE_SAMPLES);
        for ms in 1..=100 {
            latencies.record(Duration::from_millis(ms));
        }
        assert_eq!(latencies.hedge_after(), Duration::from_millis(95) + TICK);
        for _ in 0..WINDOW {
            latencies.record(Duration::from_millis(2));
        }
        assert_eq!(latencies.hedge_after(), Duration::from_millis(2) + TICK);
    }
}
