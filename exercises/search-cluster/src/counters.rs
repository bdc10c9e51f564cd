//! What the reference coordinator counts as it works: the figures an
//! operator watches on its `/metrics` page (`concur search --processes
//! --metrics-port P`). Not part of the contract: a candidate's coordinator
//! need not count.

use kit::sync::{AtomicU64, Ordering};

/// Running totals since the coordinator started.
#[derive(Debug, Default)]
pub struct Counters {
    pub queries: AtomicU64,
    /// Answers with shards missing.
    pub partial: AtomicU64,
    /// Calls to replicas, and those that failed (refused, broken, garbage).
    pub calls: AtomicU64,
    pub failed_calls: AtomicU64,
    /// Second attempts sent beside a slow one, and those whose answer was
    /// the one taken.
    pub hedges_sent: AtomicU64,
    pub hedges_won: AtomicU64,
    /// Adds, and those not every replica confirmed in time.
    pub adds: AtomicU64,
    pub failed_adds: AtomicU64,
}

/// The counters at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counted {
    pub queries: u64,
    pub partial: u64,
    pub calls: u64,
    pub failed_calls: u64,
    pub hedges_sent: u64,
    pub hedges_won: u64,
    pub adds: u64,
    pub failed_adds: u64,
}

impl Counters {
    pub fn add(&self, counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn now(&self) -> Counted {
        let read = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Counted {
            queries: read(&self.queries),
            partial: read(&self.partial),
            calls: read(&self.calls),
            failed_calls: read(&self.failed_calls),
            hedges_sent: read(&self.hedges_sent),
            hedges_won: read(&self.hedges_won),
            adds: read(&self.adds),
            failed_adds: read(&self.failed_adds),
        }
    }
}
