//! Your map. Make `cargo test -p hashmap --features starter` pass.
//!
//! The goal: a map that many threads use at once, faster than one global
//! lock (see `global_lock.rs` for the slow but correct version, which you may
//! read), by splitting the keys over independently locked *stripes*.
//!
//! Read the contract in `lib.rs` first: every method must be atomic. The
//! tests run each method from many threads at once, and they know the classic
//! mistakes. Stuck? `exercises/hashmap/README.md` has hints.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash};

use kit::sync::RwLock;

use crate::{ConcurrentMap, Counter, Striped, TransferError};

/// A striped map: the keys spread over `shards`, each behind its own lock.
#[derive(Debug)]
pub struct StarterMap<K, V> {
    // A suggested layout; change it if you like.
    shards: Box<[RwLock<HashMap<K, V>>]>,
    hasher: RandomState,
}

impl<K, V> Striped<K> for StarterMap<K, V>
where
    K: Hash + Eq,
{
    fn stripes(&self) -> usize {
        self.shards.len()
    }

    fn stripe_of(&self, key: &K) -> usize {
        // Given: a key's stripe comes from its hash. With a power-of-two
        // number of shards, masking keeps the low bits.
        (self.hasher.hash_one(key) as usize) & (self.shards.len() - 1)
    }
}

#[allow(unused_variables)] // until you use them
impl<K, V> ConcurrentMap<K, V> for StarterMap<K, V>
where
    K: Hash + Eq + Send + Sync,
    V: Clone + Send + Sync,
{
    fn with_capacity(capacity: usize) -> Self {
        // TODO: build a power-of-two number of shards (a few per core: see
        // `std::thread::available_parallelism`), splitting the capacity.
        todo!("StarterMap::with_capacity")
    }

    fn insert(&self, key: K, value: V) -> Option<V> {
        // TODO: lock only the key's shard, for writing.
        todo!("StarterMap::insert")
    }

    fn get(&self, key: &K) -> Option<V> {
        // TODO: a read lock is enough; return a clone, never a reference.
        todo!("StarterMap::get")
    }

    fn remove(&self, key: &K) -> Option<V> {
        todo!("StarterMap::remove")
    }

    fn update<F: FnOnce(&mut V)>(&self, key: &K, f: F) -> bool {
        // TODO: read, change and write back under ONE lock acquisition.
        todo!("StarterMap::update")
    }

    fn get_or_insert_with<F: FnOnce() -> V>(&self, key: K, f: F) -> V {
        // TODO: `f` must run at most once per absent key, however many
        // threads race for it. What can change between a check and an act?
        todo!("StarterMap::get_or_insert_with")
    }

    fn transfer(&self, from: &K, to: &K, amount: V) -> Result<(), TransferError>
    where
        V: Counter,
    {
        // TODO: hold both keys' shards at once. In what order do you lock
        // them, so that a->b and b->a at the same time cannot deadlock? And
        // what if both keys live in the same shard, or from == to?
        // `crate::transfer_balances` and `crate::self_transfer` do the
        // arithmetic.
        todo!("StarterMap::transfer")
    }

    fn len(&self) -> usize {
        todo!("StarterMap::len")
    }
}
