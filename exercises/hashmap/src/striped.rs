//! Many independently locked shards: the idea behind `ConcurrentHashMap`.
//!
//! Two threads working on keys in different shards never touch the same lock,
//! so they run in parallel. How Java got here:
//!
//! - **JDK 7** split the table into 16 *segments* by default, each a small
//!   hash table guarded by its own `ReentrantLock` (the concurrency level
//!   was fixed at construction). Reads mostly took no lock at all, relying on
//!   `volatile` fields. Lock striping with a fixed stripe count.
//! - **JDK 8** dropped segments: the lock is per *bin*. An empty bin is filled
//!   with a compare-and-swap, no lock; a non-empty bin is locked with
//!   `synchronized` on its first node; reads are lock-free; a resize moves
//!   bins over cooperatively while other threads keep working.
//!
//! [`StripedMap`] is the JDK 7 design with reader-writer locks, which is also
//! what `dashmap` does: shards fixed at construction (a power of two, by
//! default 64 per core so that two busy threads rarely meet), each a plain
//! hash table behind a lock. Reads share a shard; they are not lock-free as
//! in JDK 8, which is the price of staying in safe Rust.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash};

use crossbeam_utils::CachePadded;
use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use kit::sync::RwLock;

use crate::{ConcurrentMap, Counter, Striped, TransferError, self_transfer, transfer_balances};

// ANCHOR: struct
/// One shard: a plain hash table of key-value pairs behind its own lock.
/// Each shard sits on its own cache line(s): without the padding, two
/// shards' locks can share a 64-byte line, and threads locking *different*
/// shards still fight over it (false sharing).
pub(crate) type Shard<K, V> = CachePadded<RwLock<HashTable<(K, V)>>>;

/// A hash map split into independently locked shards.
#[derive(Debug)]
pub struct StripedMap<K, V, S = RandomState> {
    pub(crate) shards: Box<[Shard<K, V>]>,
    /// `(hash << 7) >> shift` picks the shard; see `shard_of_hash`.
    shift: u32,
    hasher: S,
}
// ANCHOR_END: struct

impl<K, V, S> StripedMap<K, V, S>
where
    K: Hash + Eq,
    S: BuildHasher + Default,
{
    /// A map with `shards` shards (rounded up to a power of two) and room for
    /// about `capacity` entries in all.
    pub fn with_shards_and_capacity(shards: usize, capacity: usize) -> Self {
        let shards = shards.max(1).next_power_of_two();
        let per_shard = capacity.div_ceil(shards);
        Self {
            shards: (0..shards)
                .map(|_| CachePadded::new(RwLock::new(HashTable::with_capacity(per_shard))))
                .collect(),
            shift: 64 - shards.trailing_zeros(),
            hasher: S::default(),
        }
    }

    /// Sixty-four shards per available core, the default.
    ///
    /// Why so many: a thread that finds its shard's lock taken is slow (it
    /// spins, then sleeps), and with `T` busy threads and `N` shards that
    /// happens on about `(T - 1) / N` of operations. Shards cost little (a
    /// lock and an empty table each, 128 bytes of padding), so buy a low
    /// collision rate. The book's chart has the same map with 8 shards
    /// (dashmap's default here) beside it.
    pub fn default_shards() -> usize {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        (64 * cores).next_power_of_two()
    }

    /// The key's hash, computed once per operation: it picks the shard and
    /// then the bucket inside the shard's table.
    pub(crate) fn hash(&self, key: &K) -> u64 {
        self.hasher.hash_one(key)
    }

    // ANCHOR: shard_of_hash
    /// The shard for a hash. hashbrown uses the *top* 7 bits of a hash as a
    /// tag it compares 16 at a time, and the low bits to pick a bucket. If
    /// the shard came from either, every key in a shard would share them and
    /// the table inside would work worse. So skip the top 7 bits and take
    /// the shard from the bits just below them, as dashmap does.
    pub(crate) fn shard_of_hash(&self, hash: u64) -> usize {
        shard_index(hash, self.shift, self.shards.len())
    }
    // ANCHOR_END: shard_of_hash

    fn rehash(&self) -> impl Fn(&(K, V)) -> u64 + '_ {
        |(key, _)| self.hasher.hash_one(key)
    }
}

impl<K, V, S> Striped<K> for StripedMap<K, V, S>
where
    K: Hash + Eq,
    S: BuildHasher + Default,
{
    fn stripes(&self) -> usize {
        self.shards.len()
    }

    fn stripe_of(&self, key: &K) -> usize {
        self.shard_of_hash(self.hash(key))
    }
}

impl<K, V, S> ConcurrentMap<K, V> for StripedMap<K, V, S>
where
    K: Hash + Eq + Send + Sync,
    V: Clone + Send + Sync,
    S: BuildHasher + Default + Send + Sync,
{
    fn with_capacity(capacity: usize) -> Self {
        Self::with_shards_and_capacity(Self::default_shards(), capacity)
    }

    fn insert(&self, key: K, value: V) -> Option<V> {
        let hash = self.hash(&key);
        let mut shard = self.shards[self.shard_of_hash(hash)].write();
        match shard.entry(hash, |(k, _)| *k == key, self.rehash()) {
            Entry::Occupied(mut entry) => Some(std::mem::replace(&mut entry.get_mut().1, value)),
            Entry::Vacant(entry) => {
                entry.insert((key, value));
                None
            }
        }
    }

    // ANCHOR: get
    fn get(&self, key: &K) -> Option<V> {
        let hash = self.hash(key);
        let shard = self.shards[self.shard_of_hash(hash)].read();
        shard.find(hash, |(k, _)| k == key).map(|(_, v)| v.clone())
    }
    // ANCHOR_END: get

    fn remove(&self, key: &K) -> Option<V> {
        let hash = self.hash(key);
        let mut shard = self.shards[self.shard_of_hash(hash)].write();
        let entry = shard.find_entry(hash, |(k, _)| k == key).ok()?;
        Some(entry.remove().0.1)
    }

    fn update<F: FnOnce(&mut V)>(&self, key: &K, f: F) -> bool {
        let hash = self.hash(key);
        let mut shard = self.shards[self.shard_of_hash(hash)].write();
        match shard.find_mut(hash, |(k, _)| k == key) {
            Some((_, value)) => {
                f(value);
                true
            }
            None => false,
        }
    }

    // ANCHOR: get_or_insert_with
    fn get_or_insert_with<F: FnOnce() -> V>(&self, key: K, f: F) -> V {
        let hash = self.hash(&key);
        let shard = &self.shards[self.shard_of_hash(hash)];
        if let Some((_, value)) = shard.read().find(hash, |(k, _)| *k == key) {
            return value.clone();
        }
        // Absent a moment ago; check again under the write lock, because
        // another thread may have inserted it in between.
        let mut shard = shard.write();
        match shard.entry(hash, |(k, _)| *k == key, self.rehash()) {
            Entry::Occupied(entry) => entry.get().1.clone(),
            Entry::Vacant(entry) => entry.insert((key, f())).get().1.clone(),
        }
    }
    // ANCHOR_END: get_or_insert_with

    // ANCHOR: transfer
    fn transfer(&self, from: &K, to: &K, amount: V) -> Result<(), TransferError>
    where
        V: Counter,
    {
        let (from_hash, to_hash) = (self.hash(from), self.hash(to));
        let (a, b) = (self.shard_of_hash(from_hash), self.shard_of_hash(to_hash));
        let balance = |table: &HashTable<(K, V)>, hash, key: &K| {
            table.find(hash, |(k, _)| k == key).map(|(_, v)| *v)
        };
        if a == b {
            // One shard, one lock. Locking it "twice" would deadlock on
            // itself: these locks are not reentrant.
            let mut shard = self.shards[a].write();
            if from == to {
                return self_transfer(balance(&shard, from_hash, from), amount);
            }
            let (debited, credited) = transfer_balances(
                balance(&shard, from_hash, from),
                balance(&shard, to_hash, to),
                amount,
            )?;
            set(&mut shard, from_hash, from, debited);
            set(&mut shard, to_hash, to, credited);
            return Ok(());
        }
        // Two shards: always lock the lower index first. Two transfers in
        // opposite directions then queue for the same first lock instead of
        // each holding one lock and waiting for the other.
        let (first, second) = (self.shards[a.min(b)].write(), self.shards[a.max(b)].write());
        let (mut from_shard, mut to_shard) = if a < b {
            (first, second)
        } else {
            (second, first)
        };
        let (debited, credited) = transfer_balances(
            balance(&from_shard, from_hash, from),
            balance(&to_shard, to_hash, to),
            amount,
        )?;
        set(&mut from_shard, from_hash, from, debited);
        set(&mut to_shard, to_hash, to, credited);
        Ok(())
    }
    // ANCHOR_END: transfer

    fn len(&self) -> usize {
        // Shard by shard: a moment's estimate under concurrent writes.
        self.shards.iter().map(|shard| shard.read().len()).sum()
    }
}

/// The shard of `shards` (a power of two) for a hash, whose bits from the
/// 8th down are skipped over by `shift`: see `StripedMap::shard_of_hash`.
pub(crate) fn shard_index(hash: u64, shift: u32, shards: usize) -> usize {
    if shards == 1 {
        return 0;
    }
    ((hash << 7) >> shift) as usize
}

/// Overwrites the value of a key known to be present.
pub(crate) fn set<K: Eq, V>(table: &mut HashTable<(K, V)>, hash: u64, key: &K, value: V) {
    if let Some((_, slot)) = table.find_mut(hash, |(k, _)| k == key) {
        *slot = value;
    }
}
