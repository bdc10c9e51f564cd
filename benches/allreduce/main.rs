//! The all-reduce experiment behind the book's "Distributed training": a
//! ring all-reduce against the parameter-server shape (everyone sends to
//! worker 0), for 2, 4 and 8 worker threads on one gradient of 4M f32
//! (16 MiB). Not criterion: each point is the median of a few runs of a
//! fixed size, ring and naive interleaved so that both see the same
//! seconds of the machine. A complete run refreshes
//! `book/src/charts/allreduce.md`; `cargo bench -- --test` runs a tiny
//! vector once. The all-reduce itself is `allreduce.rs`, beside this file.
//!
//! What the times mean. The "network" is a channel between threads: a send
//! is a copy through memory, so the times are about memory bandwidth and
//! cores, never about a NIC. Both shapes move the same total, 2(N−1)·len
//! elements, and do the same additions; what differs is who does them. The
//! ring gives every worker 2(N−1)/N·len to send; the naive shape gives
//! worker 0 (N−1)·len to send, as much to receive, and every addition. With
//! a core per worker, the time ratio follows the busiest worker's traffic.
//! On a 2-core machine with 4 or 8 threads the cores are shared: the ring
//! can only win what two cores working at once win over worker 0 working
//! alone. The traffic columns are exact on any machine; the times are this
//! machine's.

#[path = "../common/mod.rs"]
mod common;
// Its tests run with `cargo test`, from tests/allreduce.rs: a bench
// without libtest's harness runs none.
#[allow(dead_code)]
mod allreduce;

use std::time::{Duration, Instant};

use allreduce::{Stats, naive_all_reduce, one_thread_all_reduce, ring_all_reduce};
use kit::contention::{busy_warning, scaling_ceiling};
use kit::report::{Align, Table, ceiling_note};

const WORKERS: [usize; 3] = [2, 4, 8];
/// A model's gradient: 4M parameters in f32, 16 MiB.
const LEN: usize = 4 << 20;
const RUNS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if !filters.is_empty() && !filters.iter().any(|f| "allreduce".contains(f.as_str())) {
        return;
    }
    let test = common::test_mode();
    // Not a multiple of 8 in --test, so the uneven chunks run too.
    let (len, runs) = if test { (1003, 1) } else { (LEN, RUNS) };

    // The floors, on one thread: one copy of the vector into memory already
    // touched (what memory bandwidth allows), and one into a fresh
    // allocation, as a send makes here: the kernel must first hand over and
    // zero every page, and that, not the copy, takes most of the time.
    let floor = |fresh: bool| {
        median(
            (0..runs)
                .map(|_| {
                    let source = gradient(0, len);
                    let mut warm = gradient(1, len);
                    let start = Instant::now();
                    if fresh {
                        std::hint::black_box(source.to_vec());
                    } else {
                        warm.copy_from_slice(&source);
                    }
                    let took = start.elapsed();
                    std::hint::black_box(warm);
                    took
                })
                .collect(),
        )
    };
    let (warm_floor, fresh_floor) = (floor(false), floor(true));

    let mut table = Table::new([
        ("workers", Align::Right),
        ("busiest worker sends, ring", Align::Right),
        ("busiest worker sends, naive", Align::Right),
        ("one thread", Align::Right),
        ("ring", Align::Right),
        ("naive", Align::Right),
        ("naive / ring", Align::Right),
        ("one thread / ring", Align::Right),
    ]);
    // What the chapter says of the figures, written from them.
    let mut readings = Vec::new();
    for workers in WORKERS {
        eprintln!("allreduce: {workers} workers, {runs} runs each");
        let expected = expected_sum(workers, len);
        let (mut ring_times, mut naive_times, mut one_times) = (Vec::new(), Vec::new(), Vec::new());
        let (mut ring_stats, mut naive_stats) = (Stats::default(), Stats::default());
        // Interleaved, so that a slow second of the machine falls on both.
        for _ in 0..runs {
            let (stats, took) = timed(ring_all_reduce, workers, len, &expected);
            ring_stats = stats;
            ring_times.push(took);
            let (stats, took) = timed(naive_all_reduce, workers, len, &expected);
            naive_stats = stats;
            naive_times.push(took);
            one_times.push(timed(one_thread_all_reduce, workers, len, &expected).1);
        }
        let (ring, naive, one) = (median(ring_times), median(naive_times), median(one_times));
        let less = busiest_sender(&naive_stats) as f64 / busiest_sender(&ring_stats).max(1) as f64;
        let faster = naive.as_secs_f64() / ring.as_secs_f64();
        let cost = one.as_secs_f64() / ring.as_secs_f64();
        readings.push(format!(
            "- At {workers} workers, worker 0 of the naive shape sent {less:.1}x as much as \
             the ring's busiest worker and took {faster:.2}x as long. One thread with no \
             channels took {cost:.2}x as long as the ring{}.",
            if cost < 1.0 { ": it was faster" } else { "" }
        ));
        table.row([
            workers.to_string(),
            traffic(busiest_sender(&ring_stats), len),
            traffic(busiest_sender(&naive_stats), len),
            duration(one),
            duration(ring),
            duration(naive),
            format!("{:.2}x", naive.as_secs_f64() / ring.as_secs_f64()),
            format!("{:.2}x", one.as_secs_f64() / ring.as_secs_f64()),
        ]);
    }

    // `write_tables` adds the line that names the machine.
    let ceiling = scaling_ceiling(2, 5);
    if let Some(warning) = busy_warning(ceiling) {
        eprintln!("{warning}");
    }
    let markdown = format!(
        "One gradient of {len} f32 ({}) per worker; median of {runs} runs, \
         ring, naive and one thread interleaved. \"One thread\" adds every \
         vector into the first and copies the sum over the rest, with no \
         channels: what the parallel shapes must beat. Copying the vector \
         once on one thread took {} into memory already in use, and {} into \
         a fresh allocation, as a send makes one. Threads on one machine: the \"network\" \
         is memory, not a NIC. This machine's {}.\n\n{}\n{}\n",
        bytes(len * size_of::<f32>()),
        duration(warm_floor),
        duration(fresh_floor),
        ceiling_note(2, ceiling),
        table.markdown(),
        readings.join("\n")
    );
    println!("\n{markdown}");
    common::write_tables(&[("allreduce.md", &markdown)], common::full_run());
}

/// Worker `w`'s gradient: small integers, so the sum is exact and a wrong
/// all-reduce shows as a wrong number, not as rounding.
fn gradient(w: usize, len: usize) -> Vec<f32> {
    (0..len).map(|i| ((w + i) % 7) as f32).collect()
}

fn expected_sum(workers: usize, len: usize) -> Vec<f32> {
    (0..len)
        .map(|i| (0..workers).map(|w| ((w + i) % 7) as f32).sum())
        .collect()
}

/// One run of `all_reduce`; the buffers are filled before the clock starts
/// and checked after it stops. A bench that times a wrong answer is worse
/// than none.
fn timed(
    all_reduce: fn(&mut [Vec<f32>]) -> Stats,
    workers: usize,
    len: usize,
    expected: &[f32],
) -> (Stats, Duration) {
    let mut buffers: Vec<Vec<f32>> = (0..workers).map(|w| gradient(w, len)).collect();
    let start = Instant::now();
    let stats = all_reduce(&mut buffers);
    let took = start.elapsed();
    assert!(
        buffers.iter().all(|b| b == expected),
        "an all-reduce of {workers} workers left a wrong sum"
    );
    (stats, took)
}

fn busiest_sender(stats: &Stats) -> usize {
    stats.sent_per_worker.iter().copied().max().unwrap_or(0)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

/// Elements, and how many whole vectors that is.
fn traffic(elements: usize, len: usize) -> String {
    format!("{elements} ({:.2} x len)", elements as f64 / len as f64)
}

fn duration(d: Duration) -> String {
    if d < Duration::from_millis(1) {
        format!("{:.0} µs", d.as_secs_f64() * 1e6)
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1e3)
    }
}

fn bytes(n: usize) -> String {
    if n >= 1 << 20 {
        format!("{:.0} MiB", n as f64 / f64::from(1 << 20))
    } else {
        format!("{n} bytes")
    }
}
