//! A model server under load: what a queue in front of it does when
//! requests arrive faster than it can serve them.
//!
//! Requests arrive open-loop (a Poisson stream at a set rate, as users do:
//! they do not wait for each other). A fixed number of workers serve them;
//! each request holds its worker for a fixed service time, as an inference
//! holds an accelerator. Three front doors:
//!
//! - an **unbounded queue** accepts everything, and past capacity the
//!   queue, and every request's wait, grows without end;
//! - a **bounded queue** refuses a request at once when it is full (a fast
//!   503: the client can retry elsewhere);
//! - a **bounded queue with a deadline** also drops, at dequeue, a request
//!   that waited longer than its deadline: serving it would be wasted work,
//!   since its client has given up.

use std::time::{Duration, Instant};

use crossbeam_channel::{TrySendError, bounded, unbounded};
use hdrhistogram::Histogram;
use kit::workload::Rng;

/// How requests get in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    Unbounded,
    Bounded { capacity: usize },
    BoundedWithDeadline { capacity: usize, deadline: Duration },
}

impl Door {
    pub fn name(&self) -> String {
        match self {
            Door::Unbounded => "unbounded queue".to_string(),
            Door::Bounded { capacity } => format!("queue of {capacity}, refuse when full"),
            Door::BoundedWithDeadline { capacity, deadline } => format!(
                "queue of {capacity}, refuse when full, drop after {} ms",
                deadline.as_millis()
            ),
        }
    }
}

/// The server and the load.
#[derive(Debug, Clone, Copy)]
pub struct Setup {
    pub workers: usize,
    pub service: Duration,
    /// Requests per second offered.
    pub rate: f64,
    /// How long requests keep arriving.
    pub duration: Duration,
    /// A response slower than this counts for nothing (the client gave up).
    pub slo: Duration,
    pub seed: u64,
}

/// What happened to the requests of one run.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub offered: u64,
    pub served: u64,
    /// Refused at the door or dropped at dequeue.
    pub shed: u64,
    /// Served within the SLO.
    pub good: u64,
    /// Latency of the served requests, arrival to completion.
    pub p50: Duration,
    pub p99: Duration,
    /// From the first arrival to the last request served: the queue is
    /// drained after arrivals stop, and that time counts too.
    pub elapsed: Duration,
}

impl Outcome {
    /// Requests served within the SLO per second, over the whole run with
    /// its drain: divided by the arrivals' window alone, a full queue's
    /// drain would push it past the server's capacity.
    pub fn goodput(&self) -> f64 {
        self.good as f64 / self.elapsed.as_secs_f64()
    }
}

/// Runs `setup` behind `door`; returns when every accepted request is
/// served or dropped.
pub fn run(door: Door, setup: &Setup) -> Outcome {
    let (tx, rx) = match door {
        Door::Unbounded => unbounded::<Instant>(),
        Door::Bounded { capacity } | Door::BoundedWithDeadline { capacity, .. } => {
            bounded(capacity)
        }
    };
    let deadline = match door {
        Door::BoundedWithDeadline { deadline, .. } => Some(deadline),
        _ => None,
    };
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..setup.workers)
            .map(|_| {
                let rx = rx.clone();
                // ANCHOR: worker
                scope.spawn(move || {
                    let mut latencies = Histogram::<u64>::new(3).expect("a valid histogram");
                    let (mut dropped, mut good) = (0u64, 0u64);
                    for arrived in rx {
                        if deadline.is_some_and(|d| arrived.elapsed() > d) {
                            dropped += 1;
                            continue;
                        }
                        std::thread::sleep(setup.service);
                        let latency = arrived.elapsed();
                        good += u64::from(latency <= setup.slo);
                        let _ = latencies.record(latency.as_micros() as u64);
                    }
                    (latencies, dropped, good)
                })
                // ANCHOR_END: worker
            })
            .collect();
        drop(rx);

        // Poisson arrivals: exponential gaps, from a seeded generator.
        let mut rng = Rng::new(setup.seed);
        let start = Instant::now();
        let mut next = Duration::ZERO;
        let (mut offered, mut refused) = (0u64, 0u64);
        while next < setup.duration {
            if let Some(wait) = (start + next).checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            offered += 1;
            // ANCHOR: door
            match tx.try_send(Instant::now()) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) => refused += 1,
                Err(TrySendError::Disconnected(_)) => unreachable!("the workers hold the receiver"),
            }
            // ANCHOR_END: door
            let gap = -(1.0 - rng.unit()).ln() / setup.rate;
            next += Duration::from_secs_f64(gap);
        }
        drop(tx);

        let mut latencies = Histogram::<u64>::new(3).expect("a valid histogram");
        let (mut dropped, mut good) = (0, 0);
        for worker in workers {
            let (mine, d, g) = worker.join().expect("a worker panicked");
            latencies
                .add(mine)
                .expect("histograms of the same precision");
            dropped += d;
            good += g;
        }
        let quantile = |q| Duration::from_micros(latencies.value_at_quantile(q));
        Outcome {
            offered,
            served: latencies.len(),
            shed: refused + dropped,
            good,
            p50: quantile(0.5),
            p99: quantile(0.99),
            elapsed: start.elapsed(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(rate: f64) -> Setup {
        Setup {
            workers: 2,
            service: Duration::from_millis(2),
            rate,
            duration: Duration::from_millis(300),
            slo: Duration::from_millis(50),
            seed: 1,
        }
    }

    #[test]
    fn every_request_is_served_or_shed() {
        for door in [
            Door::Unbounded,
            Door::Bounded { capacity: 4 },
            Door::BoundedWithDeadline {
                capacity: 4,
                deadline: Duration::from_millis(5),
            },
        ] {
            let s = setup(4000.0);
            let out = run(door, &s);
            assert_eq!(out.served + out.shed, out.offered, "{door:?}");
            assert!(out.good <= out.served);
            if door == Door::Unbounded {
                assert_eq!(out.shed, 0, "an unbounded queue refuses nothing");
            } else {
                assert!(out.shed > 0, "{door:?} at 4x capacity must shed");
            }
        }
    }

    #[test]
    fn goodput_never_exceeds_capacity() {
        let s = setup(4000.0);
        // Each worker serves at most one request per service time.
        let capacity = s.workers as f64 / s.service.as_secs_f64();
        for door in [
            Door::Unbounded,
            Door::Bounded { capacity: 64 },
            Door::BoundedWithDeadline {
                capacity: 64,
                deadline: Duration::from_millis(40),
            },
        ] {
            let out = run(door, &s);
            assert!(
                out.goodput() <= capacity,
                "{door:?}: {:.0}/s served within the SLO, past the capacity of {capacity:.0}/s",
                out.goodput()
            );
        }
    }
}
