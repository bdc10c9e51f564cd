//! One mutex around one map: Java's `Hashtable`.
//!
//! Every method of `Hashtable` is `synchronized` on the table itself, so at
//! most one thread is inside it at any moment, reading or writing. That makes
//! it trivially correct, compound operations included (one lock covers every
//! key), and it makes the lock the bottleneck: add threads and throughput
//! stays flat or falls, because the threads spend their time handing the lock
//! cache line back and forth instead of working.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash};

use kit::sync::Mutex;

use crate::{ConcurrentMap, Counter, TransferError, transfer_within};

// ANCHOR: struct
/// A `HashMap` behind a single [`Mutex`]: the `Hashtable` strategy.
#[derive(Debug, Default)]
pub struct GlobalLockMap<K, V, S = RandomState> {
    map: Mutex<HashMap<K, V, S>>,
}
// ANCHOR_END: struct

impl<K, V, S> ConcurrentMap<K, V> for GlobalLockMap<K, V, S>
where
    K: Hash + Eq + Send,
    V: Clone + Send,
    S: BuildHasher + Default + Send,
{
    fn with_capacity(capacity: usize) -> Self {
        Self {
            map: Mutex::new(HashMap::with_capacity_and_hasher(capacity, S::default())),
        }
    }

    fn insert(&self, key: K, value: V) -> Option<V> {
        self.map.lock().insert(key, value)
    }

    fn get(&self, key: &K) -> Option<V> {
        self.map.lock().get(key).cloned()
    }

    fn remove(&self, key: &K) -> Option<V> {
        self.map.lock().remove(key)
    }

    // ANCHOR: update
    fn update<F: FnOnce(&mut V)>(&self, key: &K, f: F) -> bool {
        // The read, the change and the write happen under one acquisition.
        match self.map.lock().get_mut(key) {
            Some(value) => {
                f(value);
                true
            }
            None => false,
        }
    }
    // ANCHOR_END: update

    fn get_or_insert_with<F: FnOnce() -> V>(&self, key: K, f: F) -> V {
        self.map.lock().entry(key).or_insert_with(f).clone()
    }

    fn transfer(&self, from: &K, to: &K, amount: V) -> Result<(), TransferError>
    where
        V: Counter,
    {
        // One lock covers both keys: nothing to order.
        transfer_within(&mut self.map.lock(), from, to, amount)
    }

    fn len(&self) -> usize {
        self.map.lock().len()
    }
}
