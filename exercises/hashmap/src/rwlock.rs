//! One reader-writer lock around one map.
//!
//! Better than [`GlobalLockMap`](crate::GlobalLockMap) when almost every
//! operation is a read: readers hold the lock together. Still a global
//! bottleneck: every reader writes the lock's reader count, so that one cache
//! line bounces between cores on every `get`, and any writer stops all
//! readers. Java has no direct twin; `Collections.synchronizedMap` over a
//! `ReentrantReadWriteLock` would be one.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash};

use kit::sync::RwLock;

use crate::{ConcurrentMap, Counter, TransferError, transfer_within};

/// A `HashMap` behind a single [`RwLock`].
#[derive(Debug, Default)]
pub struct RwLockMap<K, V, S = RandomState> {
    map: RwLock<HashMap<K, V, S>>,
}

impl<K, V, S> ConcurrentMap<K, V> for RwLockMap<K, V, S>
where
    K: Hash + Eq + Send + Sync,
    V: Clone + Send + Sync,
    S: BuildHasher + Default + Send + Sync,
{
    fn with_capacity(capacity: usize) -> Self {
        Self {
            map: RwLock::new(HashMap::with_capacity_and_hasher(capacity, S::default())),
        }
    }

    fn insert(&self, key: K, value: V) -> Option<V> {
        self.map.write().insert(key, value)
    }

    fn get(&self, key: &K) -> Option<V> {
        self.map.read().get(key).cloned()
    }

    fn remove(&self, key: &K) -> Option<V> {
        self.map.write().remove(key)
    }

    fn update<F: FnOnce(&mut V)>(&self, key: &K, f: F) -> bool {
        match self.map.write().get_mut(key) {
            Some(value) => {
                f(value);
                true
            }
            None => false,
        }
    }

    // ANCHOR: get_or_insert_with
    fn get_or_insert_with<F: FnOnce() -> V>(&self, key: K, f: F) -> V {
        // Fast path: most calls find the key, and readers do not block
        // each other.
        if let Some(value) = self.map.read().get(&key) {
            return value.clone();
        }
        // Slow path: the key was absent a moment ago, but another thread may
        // have inserted it since we let go of the read lock. `entry` checks
        // again under the write lock, so `f` runs only if it is still absent.
        self.map.write().entry(key).or_insert_with(f).clone()
    }
    // ANCHOR_END: get_or_insert_with

    fn transfer(&self, from: &K, to: &K, amount: V) -> Result<(), TransferError>
    where
        V: Counter,
    {
        transfer_within(&mut self.map.write(), from, to, amount)
    }

    fn len(&self) -> usize {
        self.map.read().len()
    }
}
