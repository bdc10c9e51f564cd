//! The all-reduce of the book's "Distributed training"
//! (`benches/allreduce/allreduce.rs`): its bench runs without libtest's
//! harness, so its tests run here. Sums and traffic only; no timings.

#[path = "../benches/allreduce/allreduce.rs"]
#[allow(dead_code)]
mod allreduce;

use allreduce::{Stats, chunk_range, naive_all_reduce, one_thread_all_reduce, ring_all_reduce};

const WORKERS: [usize; 6] = [1, 2, 3, 4, 5, 8];

/// Lengths for `n` workers: empty, shorter than `n`, divisible by `n`, and
/// not (remainders of 1 and of several).
fn lengths(n: usize) -> Vec<usize> {
    let mut lengths = vec![
        0,
        1,
        n.saturating_sub(1),
        n,
        n + 1,
        2 * n + 3,
        97,
        1000,
        1024,
    ];
    lengths.sort_unstable();
    lengths.dedup();
    lengths
}

/// Small integers, negative ones too, different on every worker: their
/// sums are exact in f32 in any order, so results compare with `==`.
fn gradients(n: usize, len: usize) -> Vec<Vec<f32>> {
    (0..n)
        .map(|w| {
            (0..len)
                .map(|i| ((w * 31 + i * 7) % 13) as f32 - 6.0)
                .collect()
        })
        .collect()
}

fn element_wise_sum(gradients: &[Vec<f32>], len: usize) -> Vec<f32> {
    (0..len)
        .map(|i| gradients.iter().map(|g| g[i]).sum())
        .collect()
}

fn check_sum(name: &str, all_reduce: fn(&mut [Vec<f32>]) -> Stats) {
    for n in WORKERS {
        for len in lengths(n) {
            let mut buffers = gradients(n, len);
            let expected = element_wise_sum(&buffers, len);
            all_reduce(&mut buffers);
            for (worker, buffer) in buffers.iter().enumerate() {
                assert_eq!(
                    buffer, &expected,
                    "{name}: worker {worker} of {n}, length {len}"
                );
            }
        }
    }
}

#[test]
fn ring_leaves_the_exact_sum_in_every_buffer() {
    check_sum("ring", ring_all_reduce);
}

#[test]
fn naive_leaves_the_exact_sum_in_every_buffer() {
    check_sum("naive", naive_all_reduce);
}

#[test]
fn one_thread_leaves_the_exact_sum_in_every_buffer() {
    check_sum("one thread", one_thread_all_reduce);
}

#[test]
fn chunks_cover_the_vector_and_differ_by_one_element_at_most() {
    for n in WORKERS {
        for len in lengths(n) {
            let chunks: Vec<_> = (0..n).map(|i| chunk_range(len, n, i)).collect();
            assert_eq!(chunks[0].start, 0);
            assert_eq!(chunks[n - 1].end, len);
            for pair in chunks.windows(2) {
                assert_eq!(pair[0].end, pair[1].start, "n {n}, length {len}");
            }
            let sizes: Vec<usize> = chunks.iter().map(|c| c.len()).collect();
            assert!(
                sizes.iter().all(|&s| s == len / n || s == len / n + 1),
                "n {n}, length {len}: {sizes:?}"
            );
        }
    }
}

/// The ring's traffic, by construction. Each worker sends 2(N−1) chunks:
/// in the reduce-scatter every chunk but the one it finishes (r + 1), in
/// the all-gather every chunk but the last it receives (r + 2). So worker
/// r sends exactly 2·len − |chunk r+1| − |chunk r+2|. When N divides len
/// that is 2(N−1)/N · len for every worker; when it does not, a worker's
/// count is off 2(N−1)/N · len by less than 2(N−1) elements (each chunk is
/// ⌊len/N⌋ or ⌈len/N⌉ long), and the ring as a whole sends exactly
/// 2(N−1) · len, as N workers at 2(N−1)/N · len each would.
#[test]
fn ring_traffic_is_two_n_minus_one_over_n_of_the_vector() {
    for n in WORKERS {
        for len in lengths(n) {
            let stats = ring_all_reduce(&mut gradients(n, len));
            let case = format!("{n} workers, length {len}");
            assert_eq!(stats.sent_per_worker.len(), n, "{case}");
            let size = |i: usize| chunk_range(len, n, i % n).len();
            for (r, &sent) in stats.sent_per_worker.iter().enumerate() {
                assert_eq!(
                    sent,
                    2 * len - size(r + 1) - size(r + 2),
                    "{case}, worker {r}"
                );
                assert!(
                    2 * (n - 1) * (len / n) <= sent && sent <= 2 * (n - 1) * len.div_ceil(n),
                    "{case}, worker {r}: {sent}"
                );
                if len % n == 0 {
                    assert_eq!(sent, 2 * (n - 1) * len / n, "{case}, worker {r}");
                }
                // What a worker receives is what its left neighbour sent.
                assert_eq!(
                    stats.received_per_worker[r],
                    stats.sent_per_worker[(r + n - 1) % n],
                    "{case}, worker {r}"
                );
            }
            let total: usize = stats.sent_per_worker.iter().sum();
            assert_eq!(total, 2 * (n - 1) * len, "{case}");
        }
    }
}

#[test]
fn naive_root_sends_and_receives_n_minus_one_vectors() {
    for n in WORKERS {
        for len in lengths(n) {
            let stats = naive_all_reduce(&mut gradients(n, len));
            let case = format!("{n} workers, length {len}");
            assert_eq!(stats.sent_per_worker[0], (n - 1) * len, "{case}");
            assert_eq!(stats.received_per_worker[0], (n - 1) * len, "{case}");
            for w in 1..n {
                assert_eq!(stats.sent_per_worker[w], len, "{case}, worker {w}");
                assert_eq!(stats.received_per_worker[w], len, "{case}, worker {w}");
            }
            assert_eq!(stats.busiest(), (n - 1) * len, "{case}");
        }
    }
}

/// The point of the ring: its busiest worker carries under 2 vectors
/// whatever N is, while the root's load grows with N.
#[test]
fn ring_busiest_worker_stays_under_two_vectors() {
    let len = 8 * 7 * 5 * 3 * 10; // divisible by every N here
    for n in WORKERS {
        let ring = ring_all_reduce(&mut gradients(n, len)).busiest();
        let naive = naive_all_reduce(&mut gradients(n, len)).busiest();
        assert_eq!(ring, 2 * (n - 1) * len / n, "{n} workers");
        assert!(ring < 2 * len, "{n} workers");
        assert_eq!(naive, (n - 1) * len, "{n} workers");
        if n >= 3 {
            assert!(ring < naive, "{n} workers: ring {ring}, naive {naive}");
        }
    }
}

#[test]
fn no_workers_is_a_no_op() {
    assert_eq!(ring_all_reduce(&mut []), Stats::default());
    assert_eq!(naive_all_reduce(&mut []), Stats::default());
}

#[test]
#[should_panic(expected = "same length")]
fn ring_refuses_gradients_of_different_lengths() {
    ring_all_reduce(&mut [vec![1.0; 4], vec![1.0; 5]]);
}

#[test]
#[should_panic(expected = "same length")]
fn naive_refuses_gradients_of_different_lengths() {
    naive_all_reduce(&mut [vec![1.0; 4], vec![1.0; 5]]);
}
