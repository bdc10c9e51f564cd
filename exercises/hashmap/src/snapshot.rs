//! Reads that take no lock: per-shard snapshots, copied on write.
//!
//! Every other map here takes a lock to read, and taking a lock, even a
//! reader's share of an `RwLock`, is a write to the lock's word: the lock's
//! cache line moves to the reading core, away from the core that read last.
//! A lookup in a table that fits in cache costs tens of nanoseconds; the
//! line transfer costs 50 to 250 ns on our machine (the caption of every
//! chart measures it), so two threads that lock to read can run no faster
//! than one. On a table larger than the cache, each lookup waits for memory
//! anyway, and the transfer matters less (the book's COST section).
//!
//! [`SnapshotMap`] reads without writing anything another reader writes:
//! each shard is an immutable table behind a pointer (`kit::sync::Snapshot`,
//! arc-swap's `ArcSwap`). A reader loads the pointer and looks the key up.
//! arc-swap marks the table in use in a slot of the reading thread's own
//! (on its fast path; writers read those slots, readers never share them),
//! so two readers of one shard touch no common line for writing. A writer
//! takes the shard's writer lock (so writers of one shard never race),
//! copies the shard's table, changes the copy, and publishes it with one
//! pointer swap: readers see the old table or the new one, never a
//! half-done change.
//!
//! The price is on the write path: every write copies a shard, and a
//! write-heavy mix loses to the striped map. Smaller shards make copies
//! cheaper, but every shard is one more table behind one more pointer, and
//! a read that misses the cache three times instead of two is slower too:
//! 128 shards per core is where the read-heavy mix ran fastest on our
//! 2-core machine (2048 shards read at half the rate, and wrote only 1.5x
//! faster). Java's `CopyOnWriteArrayList` makes the same trade for a
//! whole list.
//!
//! One operation spans two shards: a [`transfer`](ConcurrentMap::transfer)
//! between keys of different shards publishes two tables, and a reader must
//! not see one without the other. Each shard has a sequence number, as a
//! seqlock does: the transfer makes both odd, publishes both tables, and
//! makes both even again; a reader that saw its shard's number odd, or saw
//! it change while it read, reads again. Readers still take no lock; they
//! wait only while a transfer touching their shard is being published.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash};

use crossbeam_utils::CachePadded;
use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use kit::sync::{Arc, AtomicU64, AtomicUsize, Mutex, Ordering, Snapshot, spin_hint, thread};

use crate::striped::{set, shard_index};
use crate::{ConcurrentMap, Counter, Striped, TransferError, self_transfer, transfer_balances};

// ANCHOR: struct
/// One shard: its current table, which readers load; the lock that writers
/// of this shard take in turn; and its sequence number, odd while a
/// transfer is publishing this shard's table and another's.
#[derive(Debug)]
pub(crate) struct Shard<K, V> {
    pub(crate) table: Snapshot<HashTable<(K, V)>>,
    pub(crate) writer: Mutex<()>,
    /// Changed only by a holder of `writer`.
    pub(crate) sequence: AtomicU64,
}

/// A hash map whose reads take no lock: shards of immutable tables,
/// replaced whole on every write.
#[derive(Debug)]
pub struct SnapshotMap<K, V, S = RandomState> {
    /// Not padded to a cache line each, unlike `StripedMap`'s: readers
    /// only read a shard, so neighbours sharing a line cost nothing until a
    /// write, and 24 bytes a shard keeps the whole array in a core's cache.
    pub(crate) shards: Box<[Shard<K, V>]>,
    /// `(hash << 7) >> shift` picks the shard, as in `StripedMap`.
    shift: u32,
    hasher: S,
    /// Entries in all shards, changed by writers while they hold their
    /// shard's lock (so a key's insert is counted before its removal), and
    /// read by `len` in one load rather than a visit to every shard.
    len: CachePadded<AtomicUsize>,
}
// ANCHOR_END: struct

impl<K, V, S> SnapshotMap<K, V, S>
where
    K: Hash + Eq + Clone,
    V: Clone,
    S: BuildHasher + Default,
{
    /// A map with `shards` shards (rounded up to a power of two) and room for
    /// about `capacity` entries in all.
    pub fn with_shards_and_capacity(shards: usize, capacity: usize) -> Self {
        let shards = shards.max(1).next_power_of_two();
        let per_shard = capacity.div_ceil(shards);
        Self {
            shards: (0..shards)
                .map(|_| Shard {
                    table: Snapshot::new(HashTable::with_capacity(per_shard)),
                    writer: Mutex::new(()),
                    sequence: AtomicU64::new(0),
                })
                .collect(),
            shift: 64 - shards.trailing_zeros(),
            hasher: S::default(),
            len: CachePadded::new(AtomicUsize::new(0)),
        }
    }

    /// 128 shards per available core, the default: a write copies one
    /// shard (256 keys each with 64 k keys on two cores), a read follows
    /// one pointer more than `StripedMap`'s (see the module's comment).
    pub fn default_shards() -> usize {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        (128 * cores).next_power_of_two()
    }

    pub(crate) fn hash(&self, key: &K) -> u64 {
        self.hasher.hash_one(key)
    }

    pub(crate) fn shard_of_hash(&self, hash: u64) -> usize {
        shard_index(hash, self.shift, self.shards.len())
    }

    /// Whether shard `index`'s current table holds `key`. A writer of the
    /// shard asks before it copies: an absent key needs no copy.
    fn holds(&self, index: usize, hash: u64, key: &K) -> bool {
        self.shards[index]
            .table
            .read(|table| table.find(hash, |(k, _)| k == key).is_some())
    }

    // ANCHOR: read
    /// Runs `read` on the table of shard `index` as it is between transfers:
    /// if a transfer was publishing this shard, or published it, while it
    /// read, it reads again.
    fn read<R>(&self, index: usize, read: impl Fn(&HashTable<(K, V)>) -> R) -> R {
        let shard = &self.shards[index];
        let mut spins = 0u32;
        loop {
            let before = shard.sequence.load(Ordering::SeqCst);
            if before.is_multiple_of(2) {
                let seen = shard.table.read(&read);
                // If the table came from a transfer, this load comes after
                // the load of the table's pointer, and so after the number
                // went odd: it sees the number changed.
                if shard.sequence.load(Ordering::SeqCst) == before {
                    return seen;
                }
            }
            // A transfer is publishing this shard: a few spins, then let
            // its thread run (on two cores it may be waiting for ours).
            spins += 1;
            if spins < 64 {
                spin_hint();
            } else {
                thread::yield_now();
            }
        }
    }
    // ANCHOR_END: read

    // ANCHOR: write
    /// Replaces shard `index`'s table with a changed copy. The caller holds
    /// the shard's writer lock, so no other writer copies the same version.
    pub(crate) fn rewrite<R>(
        &self,
        index: usize,
        change: impl FnOnce(&mut HashTable<(K, V)>) -> R,
    ) -> R {
        let mut copy = self.shards[index].table.read(HashTable::clone);
        let result = change(&mut copy);
        self.shards[index].table.publish(Arc::new(copy));
        result
    }
    // ANCHOR_END: write

    fn rehash(&self) -> impl Fn(&(K, V)) -> u64 + '_ {
        |(key, _)| self.hasher.hash_one(key)
    }
}

impl<K, V, S> Striped<K> for SnapshotMap<K, V, S>
where
    K: Hash + Eq + Clone,
    V: Clone,
    S: BuildHasher + Default,
{
    fn stripes(&self) -> usize {
        self.shards.len()
    }

    fn stripe_of(&self, key: &K) -> usize {
        self.shard_of_hash(self.hash(key))
    }
}

impl<K, V, S> ConcurrentMap<K, V> for SnapshotMap<K, V, S>
where
    K: Hash + Eq + Clone + Send + Sync,
    V: Clone + Send + Sync,
    S: BuildHasher + Default + Send + Sync,
{
    fn with_capacity(capacity: usize) -> Self {
        Self::with_shards_and_capacity(Self::default_shards(), capacity)
    }

    fn insert(&self, key: K, value: V) -> Option<V> {
        let hash = self.hash(&key);
        let index = self.shard_of_hash(hash);
        let _writer = self.shards[index].writer.lock();
        let previous = self.rewrite(index, |table| {
            match table.entry(hash, |(k, _)| *k == key, self.rehash()) {
                Entry::Occupied(mut entry) => {
                    Some(std::mem::replace(&mut entry.get_mut().1, value))
                }
                Entry::Vacant(entry) => {
                    entry.insert((key, value));
                    None
                }
            }
        });
        if previous.is_none() {
            self.len.fetch_add(1, Ordering::Relaxed);
        }
        previous
    }

    // ANCHOR: get
    fn get(&self, key: &K) -> Option<V> {
        let hash = self.hash(key);
        self.read(self.shard_of_hash(hash), |table| {
            table.find(hash, |(k, _)| k == key).map(|(_, v)| v.clone())
        })
    }
    // ANCHOR_END: get

    fn remove(&self, key: &K) -> Option<V> {
        let hash = self.hash(key);
        let index = self.shard_of_hash(hash);
        let _writer = self.shards[index].writer.lock();
        if !self.holds(index, hash, key) {
            return None;
        }
        let removed = self.rewrite(index, |table| {
            table
                .find_entry(hash, |(k, _)| k == key)
                .ok()
                .map(|entry| entry.remove().0.1)
        });
        self.len.fetch_sub(1, Ordering::Relaxed);
        removed
    }

    fn update<F: FnOnce(&mut V)>(&self, key: &K, f: F) -> bool {
        let hash = self.hash(key);
        let index = self.shard_of_hash(hash);
        let _writer = self.shards[index].writer.lock();
        if !self.holds(index, hash, key) {
            return false;
        }
        self.rewrite(index, |table| {
            match table.find_mut(hash, |(k, _)| k == key) {
                Some((_, value)) => {
                    f(value);
                    true
                }
                None => false,
            }
        })
    }

    fn get_or_insert_with<F: FnOnce() -> V>(&self, key: K, f: F) -> V {
        let hash = self.hash(&key);
        let index = self.shard_of_hash(hash);
        let find = |table: &HashTable<(K, V)>| {
            table.find(hash, |(k, _)| *k == key).map(|(_, v)| v.clone())
        };
        if let Some(value) = self.read(index, find) {
            return value;
        }
        let _writer = self.shards[index].writer.lock();
        // Absent a moment ago; another writer may have inserted it since.
        if let Some(value) = self.shards[index].table.read(find) {
            return value;
        }
        let value = f();
        self.rewrite(index, |table| {
            table.insert_unique(hash, (key, value.clone()), self.rehash());
        });
        self.len.fetch_add(1, Ordering::Relaxed);
        value
    }

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
        let current = |index: usize, hash, key: &K| {
            self.shards[index]
                .table
                .read(|table| balance(table, hash, key))
        };
        if a == b {
            // One shard: one lock, one copy, one publish.
            let _writer = self.shards[a].writer.lock();
            if from == to {
                return self_transfer(current(a, from_hash, from), amount);
            }
            let (debited, credited) =
                transfer_balances(current(a, from_hash, from), current(a, to_hash, to), amount)?;
            self.rewrite(a, |table| {
                set(table, from_hash, from, debited);
                set(table, to_hash, to, credited);
            });
            return Ok(());
        }
        // Two shards: writer locks in index order, as in StripedMap.
        let _first = self.shards[a.min(b)].writer.lock();
        let _second = self.shards[a.max(b)].writer.lock();
        let (debited, credited) =
            transfer_balances(current(a, from_hash, from), current(b, to_hash, to), amount)?;
        // Both copies are made before the numbers go odd, and the old tables
        // dropped after they are even again: nothing between can panic and
        // leave readers waiting for ever.
        let copy = |index: usize, hash, key: &K, value| {
            let mut table = self.shards[index].table.read(HashTable::clone);
            set(&mut table, hash, key, value);
            Arc::new(table)
        };
        let (new_a, new_b) = (
            copy(a, from_hash, from, debited),
            copy(b, to_hash, to, credited),
        );
        let (shard_a, shard_b) = (&self.shards[a], &self.shards[b]);
        shard_a.sequence.fetch_add(1, Ordering::SeqCst);
        shard_b.sequence.fetch_add(1, Ordering::SeqCst);
        let old_a = shard_a.table.swap(new_a);
        let old_b = shard_b.table.swap(new_b);
        shard_a.sequence.fetch_add(1, Ordering::SeqCst);
        shard_b.sequence.fetch_add(1, Ordering::SeqCst);
        drop((old_a, old_b));
        Ok(())
    }
    // ANCHOR_END: transfer

    fn len(&self) -> usize {
        // A moment's estimate under concurrent writes.
        self.len.load(Ordering::Relaxed)
    }
}
