//! Which replica gets a request: the one with the fewest requests
//! outstanding, so that a slow replica, whose requests pile up, gets fewer
//! new ones. Ties go round the replicas, so that none is always first.

use kit::sync::Arc;
use kit::sync::{AtomicUsize, Ordering};

// ANCHOR: replicas
/// One shard's replicas and the requests each has outstanding.
#[derive(Debug)]
pub struct Replicas {
    outstanding: Arc<Vec<AtomicUsize>>,
    /// Where the search for the least loaded starts: turns round, so that
    /// ties do not always go to replica 0.
    next: AtomicUsize,
}

/// A request counted against its replica until it is dropped, whether it
/// finished or was cancelled: a count decremented after an `.await` would
/// never be decremented for a request whose future was dropped there.
#[derive(Debug)]
pub struct Outstanding {
    outstanding: Arc<Vec<AtomicUsize>>,
    pub replica: usize,
}

impl Replicas {
    pub fn new(replicas: usize) -> Self {
        Self {
            outstanding: Arc::new((0..replicas).map(|_| AtomicUsize::new(0)).collect()),
            next: AtomicUsize::new(0),
        }
    }

    /// Counts a request against the least loaded replica not in `skip`
    /// (a bit set of replicas already tried), or `None` if all are.
    pub fn pick(&self, skip: u64) -> Option<Outstanding> {
        let n = self.outstanding.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        // Relaxed: the counts only steer the choice; a stale one picks a
        // busier replica, never a wrong answer.
        let replica = (0..n)
            .map(|i| (start + i) % n)
            .filter(|&r| r >= 64 || skip & (1 << r) == 0)
            .min_by_key(|&r| self.outstanding[r].load(Ordering::Relaxed))?;
        self.outstanding[replica].fetch_add(1, Ordering::Relaxed);
        Some(Outstanding {
            outstanding: Arc::clone(&self.outstanding),
            replica,
        })
    }

    /// Requests outstanding at `replica` now.
    pub fn outstanding(&self, replica: usize) -> usize {
        self.outstanding[replica].load(Ordering::Relaxed)
    }
}

impl Drop for Outstanding {
    fn drop(&mut self) {
        self.outstanding[self.replica].fetch_sub(1, Ordering::Relaxed);
    }
}
// ANCHOR_END: replicas
