//! Per-operation latency, the same way in every sweep that records it: one
//! histogram of nanoseconds per thread, merged after the run.

use std::time::Instant;

use hdrhistogram::Histogram;

/// An empty histogram of nanoseconds, from 1 ns to a minute, three
/// significant digits (0.1% error on any quantile).
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000_000, 3).expect("valid histogram bounds")
}

/// Runs `op`, records how long it took in `latencies`, and hands back its
/// result. A time too long for the histogram is recorded as its largest
/// value rather than lost; a clock that reads 0 ns records 1.
pub fn timed<R>(op: impl FnOnce() -> R, latencies: &mut Histogram<u64>) -> R {
    let started = Instant::now();
    let result = op();
    latencies.saturating_record((started.elapsed().as_nanos() as u64).max(1));
    result
}

/// Every thread's histogram in one.
pub fn merged<'a>(histograms: impl IntoIterator<Item = &'a Histogram<u64>>) -> Histogram<u64> {
    let mut all = histogram();
    for one in histograms {
        // Same bounds on every histogram made by `histogram`: adding cannot fail.
        let _ = all.add(one);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timed_records_one_sample_and_returns_the_result() {
        let mut latencies = histogram();
        assert_eq!(timed(|| 7, &mut latencies), 7);
        assert_eq!(latencies.len(), 1);
        assert!(latencies.min() >= 1);
    }

    #[test]
    fn merged_keeps_every_sample() {
        let (mut a, mut b) = (histogram(), histogram());
        a.record(10).unwrap();
        b.record(1_000).unwrap();
        b.record(2_000).unwrap();
        let all = merged([&a, &b]);
        assert_eq!(all.len(), 3);
        assert_eq!(all.min(), 10);
        assert!(all.max() >= 2_000);
    }
}
