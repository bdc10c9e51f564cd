//! All-reduce on one machine: N worker threads, each holding a gradient
//! vector of the same length, end with the element-wise sum in every
//! vector. Two shapes of it:
//!
//! - **ring**: each worker talks only to its neighbours, one chunk (a
//!   1/N of the vector) per step: a reduce-scatter in N−1 steps, then an
//!   all-gather in N−1 steps. Every worker sends 2(N−1)/N of the vector,
//!   whatever N is.
//! - **naive**, the parameter-server shape: every worker sends its whole
//!   vector to worker 0, which sums them and sends the sum back to each.
//!   Worker 0 sends and receives (N−1) whole vectors.
//!
//! The channels stand for a network: a send copies the chunk out of the
//! sender's buffer, as a NIC reads it, and the receiver adds it in or copies
//! it over. Both functions count the f32 elements each worker sent and
//! received, so that a test can check the traffic against the formula.
//! Standard library only.

use std::ops::Range;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

/// The f32 elements each worker sent and received in one all-reduce.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub sent_per_worker: Vec<usize>,
    pub received_per_worker: Vec<usize>,
}

impl Stats {
    /// The traffic of the busiest worker, sent or received. On a real
    /// network each worker has one link, so this, not the total, bounds
    /// the time.
    pub fn busiest(&self) -> usize {
        self.sent_per_worker
            .iter()
            .chain(&self.received_per_worker)
            .copied()
            .max()
            .unwrap_or(0)
    }
}

/// The elements of chunk `index` when a vector of `len` is cut into `n`
/// chunks. When `n` does not divide `len`, the first `len % n` chunks get
/// one element more, so no two chunks differ by more than one element and
/// a vector shorter than `n` gets some empty chunks.
pub fn chunk_range(len: usize, n: usize, index: usize) -> Range<usize> {
    let (base, extra) = (len / n, len % n);
    let start = index * base + index.min(extra);
    let size = base + usize::from(index < extra);
    start..start + size
}

/// The common length of the buffers. Workers that disagree on the length
/// of the gradient have different models: a bug to stop at, not to pad.
fn common_len(buffers: &[Vec<f32>]) -> usize {
    let len = buffers.first().map_or(0, Vec::len);
    assert!(
        buffers.iter().all(|b| b.len() == len),
        "every worker must hold a gradient of the same length"
    );
    len
}

// ANCHOR: ring
/// Ring all-reduce: after it, every buffer holds the element-wise sum of
/// all of them. Worker `r` sends only to worker `r + 1` and receives only
/// from worker `r − 1` (mod N).
pub fn ring_all_reduce(buffers: &mut [Vec<f32>]) -> Stats {
    let n = buffers.len();
    common_len(buffers);
    if n == 0 {
        return Stats::default();
    }
    // One channel into each worker; worker r keeps the sending end of
    // worker r + 1's channel, so the ring is wired by a rotation.
    let (mut to_right, from_left): (Vec<_>, Vec<_>) =
        (0..n).map(|_| mpsc::channel::<Vec<f32>>()).unzip();
    to_right.rotate_left(1);

    let counts: Vec<(usize, usize)> = thread::scope(|scope| {
        let workers: Vec<_> = buffers
            .iter_mut()
            .zip(to_right)
            .zip(from_left)
            .enumerate()
            .map(|(rank, ((buffer, right), left))| {
                scope.spawn(move || ring_worker(rank, n, buffer, &right, &left))
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a ring worker panicked"))
            .collect()
    });
    Stats {
        sent_per_worker: counts.iter().map(|&(sent, _)| sent).collect(),
        received_per_worker: counts.iter().map(|&(_, received)| received).collect(),
    }
}

/// One worker's part: 2(N−1) steps, one chunk out and one chunk in each.
/// Returns the elements it sent and received.
fn ring_worker(
    rank: usize,
    n: usize,
    buffer: &mut [f32],
    right: &Sender<Vec<f32>>,
    left: &Receiver<Vec<f32>>,
) -> (usize, usize) {
    let len = buffer.len();
    let chunk = |index: usize| chunk_range(len, n, index % n);
    let (mut sent, mut received) = (0, 0);

    // Reduce-scatter. At step s, worker r passes on chunk r − s, which holds
    // the sum of s + 1 workers' values, and adds its own values to chunk
    // r − s − 1 arriving from the left. Each chunk goes once round the ring
    // (N − 1 hops), so worker r ends up holding the full sum of chunk r + 1.
    for step in 0..n - 1 {
        let out = buffer[chunk(rank + n - step)].to_vec();
        sent += out.len();
        right.send(out).expect("the right neighbour left the ring");
        let partial = left.recv().expect("the left neighbour left the ring");
        received += partial.len();
        let into = chunk(rank + 2 * n - step - 1);
        for (mine, theirs) in buffer[into].iter_mut().zip(&partial) {
            *mine += theirs;
        }
    }

    // All-gather. The finished chunks go round the ring once more, and now
    // a worker overwrites instead of adding: at step s worker r passes on
    // chunk r + 1 − s and receives the finished chunk r − s.
    for step in 0..n - 1 {
        let out = buffer[chunk(rank + 1 + n - step)].to_vec();
        sent += out.len();
        right.send(out).expect("the right neighbour left the ring");
        let finished = left.recv().expect("the left neighbour left the ring");
        received += finished.len();
        buffer[chunk(rank + n - step)].copy_from_slice(&finished);
    }
    (sent, received)
}
// ANCHOR_END: ring

// ANCHOR: naive
/// The parameter-server shape: every worker sends its whole vector to
/// worker 0, which adds them up and sends the sum back to every worker.
/// Same result as the ring; worker 0 carries (N−1) vectors each way.
pub fn naive_all_reduce(buffers: &mut [Vec<f32>]) -> Stats {
    common_len(buffers);
    let Some((root, others)) = buffers.split_first_mut() else {
        return Stats::default();
    };
    let (to_root, at_root) = mpsc::channel::<Vec<f32>>();
    // One return channel per worker, so the root decides who gets the sum.
    let (to_workers, at_workers): (Vec<_>, Vec<_>) =
        others.iter().map(|_| mpsc::channel::<Vec<f32>>()).unzip();

    let counts: Vec<(usize, usize)> = thread::scope(|scope| {
        let workers: Vec<_> = others
            .iter_mut()
            .zip(at_workers)
            .map(|(buffer, back)| {
                let to_root = to_root.clone();
                scope.spawn(move || {
                    to_root.send(buffer.clone()).expect("the root left");
                    let sum = back.recv().expect("the root left");
                    buffer.copy_from_slice(&sum);
                    (buffer.len(), sum.len())
                })
            })
            .collect();
        drop(to_root);

        // The root does all the adding, one vector after another: the
        // bottleneck that the ring spreads over every worker.
        let root = scope.spawn(move || {
            let (mut sent, mut received) = (0, 0);
            for gradient in at_root.iter().take(to_workers.len()) {
                received += gradient.len();
                for (mine, theirs) in root.iter_mut().zip(&gradient) {
                    *mine += theirs;
                }
            }
            for back in &to_workers {
                back.send(root.clone()).expect("a worker left");
                sent += root.len();
            }
            (sent, received)
        });
        std::iter::once(root)
            .chain(workers)
            .map(|w| w.join().expect("an all-reduce worker panicked"))
            .collect()
    });
    Stats {
        sent_per_worker: counts.iter().map(|&(sent, _)| sent).collect(),
        received_per_worker: counts.iter().map(|&(_, received)| received).collect(),
    }
}
// ANCHOR_END: naive

/// The best one thread can do, with no channels and no copies in flight:
/// add every vector into the first, then copy the sum over the others.
/// What a parallel all-reduce on one machine must beat to be worth its
/// threads (its COST).
pub fn one_thread_all_reduce(buffers: &mut [Vec<f32>]) -> Stats {
    common_len(buffers);
    let Some((first, others)) = buffers.split_first_mut() else {
        return Stats::default();
    };
    for other in others.iter() {
        for (sum, value) in first.iter_mut().zip(other) {
            *sum += value;
        }
    }
    for other in others.iter_mut() {
        other.copy_from_slice(first);
    }
    Stats {
        sent_per_worker: vec![0; others.len() + 1],
        received_per_worker: vec![0; others.len() + 1],
    }
}
