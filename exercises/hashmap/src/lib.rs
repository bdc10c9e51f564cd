//! # ConcurrentHashMap vs Hashtable
//!
//! The interview question: *compare Java's `ConcurrentHashMap` and
//! `Hashtable`: safety, performance, features; which would you choose for a
//! high-concurrency cache?*
//!
//! This crate answers it in Rust. The contract is [`ConcurrentMap`]; each
//! strategy lives in its own file:
//!
//! - [`GlobalLockMap`] (`global_lock.rs`): one mutex around one map. Java's
//!   `Hashtable` and `Collections.synchronizedMap`.
//! - [`RwLockMap`] (`rwlock.rs`): one reader-writer lock. Readers share,
//!   writers still stop the world.
//! - [`StripedMap`] (`striped.rs`): many independently locked shards, the
//!   idea behind `ConcurrentHashMap`.
//! - [`SnapshotMap`] (`snapshot.rs`): reads that take no lock (copy-on-write
//!   shards), so two readers never write to a common cache line; every write
//!   copies a small shard.
//!
//! `buggy.rs` holds the bug zoo (maps that look right and are not), and
//! `starter.rs` is the candidate's file.

use std::fmt;

// ANCHOR: contract
/// A hash map that many threads can use at once through `&self`.
///
/// Every method is atomic: another thread sees it either not started or
/// finished, never half done. That is the whole difference between this
/// trait and a `HashMap` behind a lock that callers take and release around
/// each call: `if !map.contains(k) { map.insert(k, v) }` is two atomic steps
/// and a race between them, so the compound operations a real cache needs
/// ([`update`](Self::update), [`get_or_insert_with`](Self::get_or_insert_with),
/// [`transfer`](Self::transfer)) are methods here, not caller code.
pub trait ConcurrentMap<K, V>: Send + Sync {
    /// An empty map with room for about `capacity` entries before it grows.
    fn with_capacity(capacity: usize) -> Self
    where
        Self: Sized;

    /// Inserts or replaces; returns the previous value.
    fn insert(&self, key: K, value: V) -> Option<V>;

    /// A clone of the value for `key`.
    ///
    /// A clone, not a reference or a guard: a reference would have to keep
    /// the lock held for as long as the caller holds it, and a caller that
    /// then calls back into the map (say `insert` on a key in the same
    /// shard) deadlocks against itself. That is the classic `dashmap`
    /// deadlock; returning owned values rules it out. Store `Arc<T>` when
    /// values are large.
    fn get(&self, key: &K) -> Option<V>;

    /// Removes `key`; returns its value.
    fn remove(&self, key: &K) -> Option<V>;

    /// Atomic read-modify-write: runs `f` on the value for `key` while no
    /// other thread can read or write it. Returns `false` if `key` is absent
    /// (and `f` did not run). Java: `compute` / `merge`.
    ///
    /// `f` runs under a lock: keep it short, and never touch the map from it.
    fn update<F: FnOnce(&mut V)>(&self, key: &K, f: F) -> bool;

    /// Atomic check-then-act: returns the value for `key`, first inserting
    /// `f()` if the key is absent. Under any number of racing callers, `f`
    /// runs at most once per absent key, and every caller gets the same
    /// value. Java: `computeIfAbsent` (while `putIfAbsent` takes a value, so
    /// it may be built and thrown away).
    ///
    /// `f` runs under a lock: keep it short, and never touch the map from it.
    fn get_or_insert_with<F: FnOnce() -> V>(&self, key: K, f: F) -> V;

    /// Moves `amount` from the counter at `from` to the counter at `to`,
    /// atomically across both keys: no thread ever sees the amount in both
    /// places or in neither. Fails, changing nothing, if a key is absent, the
    /// balance at `from` is below `amount`, or `to` would overflow.
    ///
    /// The lesson: two locks taken in different orders by two threads is a
    /// deadlock waiting to happen. Take them in one global order.
    fn transfer(&self, from: &K, to: &K, amount: V) -> Result<(), TransferError>
    where
        V: Counter;

    /// The number of entries. Under concurrent writes this is a moment's
    /// estimate, as `ConcurrentHashMap::size` is: it may be off by the
    /// writes still in progress, never by more.
    fn len(&self) -> usize;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
// ANCHOR_END: contract

/// A map that spreads its keys over independently locked stripes (shards).
/// The tests use it to check that two stripes really can be held at once.
pub trait Striped<K> {
    /// How many stripes there are.
    fn stripes(&self) -> usize;
    /// The stripe that `key` lives in, in `0..self.stripes()`.
    fn stripe_of(&self, key: &K) -> usize;
}

/// An unsigned counter that [`ConcurrentMap::transfer`] can move amounts
/// between.
pub trait Counter: Copy + Ord {
    fn checked_add(self, other: Self) -> Option<Self>;
    fn checked_sub(self, other: Self) -> Option<Self>;
}

macro_rules! counter {
    ($($t:ty),*) => {$(
        impl Counter for $t {
            fn checked_add(self, other: Self) -> Option<Self> { <$t>::checked_add(self, other) }
            fn checked_sub(self, other: Self) -> Option<Self> { <$t>::checked_sub(self, other) }
        }
    )*};
}
counter!(u8, u16, u32, u64, u128, usize);

/// Why a transfer changed nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferError {
    /// `from` or `to` is not in the map.
    MissingKey,
    /// The balance at `from` is below the amount.
    Insufficient,
    /// The balance at `to` would overflow.
    Overflow,
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransferError::MissingKey => "a key of the transfer is not in the map",
            TransferError::Insufficient => "the balance is below the amount",
            TransferError::Overflow => "the receiving balance would overflow",
        })
    }
}

impl std::error::Error for TransferError {}

/// The new balances of a transfer of `amount` from `from` to `to` (two
/// different keys), or why it cannot happen. Every implementation calls this
/// while it holds the locks of both keys.
pub fn transfer_balances<V: Counter>(
    from: Option<V>,
    to: Option<V>,
    amount: V,
) -> Result<(V, V), TransferError> {
    let (from, to) = from.zip(to).ok_or(TransferError::MissingKey)?;
    let from = from
        .checked_sub(amount)
        .ok_or(TransferError::Insufficient)?;
    let to = to.checked_add(amount).ok_or(TransferError::Overflow)?;
    Ok((from, to))
}

/// A transfer from a key to itself moves nothing, but must still fail where a
/// real transfer would. Handled apart: applying both new balances to one key
/// would credit the amount without debiting it.
pub fn self_transfer<V: Counter>(balance: Option<V>, amount: V) -> Result<(), TransferError> {
    let balance = balance.ok_or(TransferError::MissingKey)?;
    balance
        .checked_sub(amount)
        .ok_or(TransferError::Insufficient)?;
    Ok(())
}

/// A transfer inside one `HashMap` that the caller has locked as a whole:
/// the single-lock maps share it.
pub fn transfer_within<K, V, S>(
    map: &mut std::collections::HashMap<K, V, S>,
    from: &K,
    to: &K,
    amount: V,
) -> Result<(), TransferError>
where
    K: std::hash::Hash + Eq,
    V: Counter,
    S: std::hash::BuildHasher,
{
    if from == to {
        return self_transfer(map.get(from).copied(), amount);
    }
    let (debited, credited) =
        transfer_balances(map.get(from).copied(), map.get(to).copied(), amount)?;
    for (key, balance) in [(from, debited), (to, credited)] {
        if let Some(slot) = map.get_mut(key) {
            *slot = balance;
        }
    }
    Ok(())
}

pub mod buggy;
mod global_lock;
mod rwlock;
mod snapshot;
#[cfg(feature = "starter")]
pub mod starter;
mod striped;

pub use global_lock::GlobalLockMap;
pub use rwlock::RwLockMap;
pub use snapshot::SnapshotMap;
pub use striped::StripedMap;
