//! The bug zoo: maps that compile, pass a quick single-threaded test, and are
//! wrong. Each is named after its bug class and breaks exactly one method of
//! a correct [`StripedMap`] (or, at the end, of a [`SnapshotMap`]); the rest
//! is forwarded untouched. `tests/bugs.rs`
//! checks that the conformance suite catches every one of them.
//!
//! They are over `u64` keys and values, the types the suite uses, and hash
//! with a fixed (unseeded) hasher so that a loom model of them replays the
//! same way every time.

use std::collections::hash_map::DefaultHasher;
use std::hash::BuildHasherDefault;

use hashbrown::HashTable;
use kit::sync::Arc;

use crate::striped::set;
use crate::{ConcurrentMap, SnapshotMap, Striped, StripedMap, TransferError, transfer_balances};

type Inner = StripedMap<u64, u64, BuildHasherDefault<DefaultHasher>>;
type SnapshotInner = SnapshotMap<u64, u64, BuildHasherDefault<DefaultHasher>>;

/// Forwards the named methods to the correct map inside.
macro_rules! forward {
    ($($method:ident)*) => { $(forward!(@ $method);)* };
    (@insert) => {
        fn insert(&self, key: u64, value: u64) -> Option<u64> { self.0.insert(key, value) }
    };
    (@get) => { fn get(&self, key: &u64) -> Option<u64> { self.0.get(key) } };
    (@remove) => { fn remove(&self, key: &u64) -> Option<u64> { self.0.remove(key) } };
    (@len) => { fn len(&self) -> usize { self.0.len() } };
    (@update) => {
        fn update<F: FnOnce(&mut u64)>(&self, key: &u64, f: F) -> bool { self.0.update(key, f) }
    };
    (@get_or_insert_with) => {
        fn get_or_insert_with<F: FnOnce() -> u64>(&self, key: u64, f: F) -> u64 {
            self.0.get_or_insert_with(key, f)
        }
    };
    (@transfer) => {
        fn transfer(&self, from: &u64, to: &u64, amount: u64) -> Result<(), TransferError> {
            self.0.transfer(from, to, amount)
        }
    };
}

/// Each bug wraps a correct map, so the stripe layout is the same.
macro_rules! striped_wrapper {
    ($name:ident) => {
        impl Striped<u64> for $name {
            fn stripes(&self) -> usize {
                self.0.stripes()
            }
            fn stripe_of(&self, key: &u64) -> usize {
                self.0.stripe_of(key)
            }
        }
    };
}

// ANCHOR: lost_update
/// **Lost update.** `update` as a `get` followed by an `insert`: each is
/// atomic, the pair is not. Two threads read 5, both write 6, and one
/// increment is gone.
#[derive(Debug)]
pub struct LostUpdateMap(Inner);

impl ConcurrentMap<u64, u64> for LostUpdateMap {
    fn with_capacity(capacity: usize) -> Self {
        Self(Inner::with_capacity(capacity))
    }

    fn update<F: FnOnce(&mut u64)>(&self, key: &u64, f: F) -> bool {
        let Some(mut value) = self.0.get(key) else {
            return false;
        };
        f(&mut value);
        // BUG: another thread may have written `key` since our `get`.
        self.0.insert(*key, value);
        true
    }

    forward!(insert get remove get_or_insert_with transfer len);
}
// ANCHOR_END: lost_update
striped_wrapper!(LostUpdateMap);

// ANCHOR: check_then_act
/// **Check-then-act.** `get_or_insert_with` as "if absent, insert": two
/// threads both see the key absent, both run `f` (an expensive load, a
/// connection) and the second insert overwrites the first, so the two callers
/// hold different values for one key.
#[derive(Debug)]
pub struct CheckThenActMap(Inner);

impl ConcurrentMap<u64, u64> for CheckThenActMap {
    fn with_capacity(capacity: usize) -> Self {
        Self(Inner::with_capacity(capacity))
    }

    fn get_or_insert_with<F: FnOnce() -> u64>(&self, key: u64, f: F) -> u64 {
        if let Some(value) = self.0.get(&key) {
            return value;
        }
        // BUG: the key may have been inserted since the check.
        let value = f();
        self.0.insert(key, value);
        value
    }

    forward!(insert get remove update transfer len);
}
// ANCHOR_END: check_then_act
striped_wrapper!(CheckThenActMap);

type Guard<'a> = kit::sync::RwLockWriteGuard<'a, hashbrown::HashTable<(u64, u64)>>;

// ANCHOR: stale_old_value
/// **Stale old value.** `insert` answers with a value it read before it
/// wrote: a `get`, then an `insert`. Each call is atomic, the pair is not.
/// Two threads insert into one key, both read the same old value, and both
/// hand it back: a caller that frees or retries what `insert` returns acts
/// on it twice, and the value the other thread overwrote is never seen.
#[derive(Debug)]
pub struct StaleOldValueMap(Inner);

impl ConcurrentMap<u64, u64> for StaleOldValueMap {
    fn with_capacity(capacity: usize) -> Self {
        Self(Inner::with_capacity(capacity))
    }

    fn insert(&self, key: u64, value: u64) -> Option<u64> {
        let previous = self.0.get(&key);
        // BUG: another thread may write or remove `key` before this insert.
        self.0.insert(key, value);
        previous
    }

    forward!(get remove update get_or_insert_with transfer len);
}
// ANCHOR_END: stale_old_value
striped_wrapper!(StaleOldValueMap);

/// The transfer itself, once both shards are held: the part the deadlock
/// bugs get right.
fn move_amount(
    from_shard: &mut Guard<'_>,
    to_shard: &mut Guard<'_>,
    (from_hash, from): (u64, &u64),
    (to_hash, to): (u64, &u64),
    amount: u64,
) -> Result<(), TransferError> {
    let balance = |shard: &Guard<'_>, hash: u64, key: &u64| {
        shard.find(hash, |(k, _)| k == key).map(|(_, v)| *v)
    };
    let (debited, credited) = transfer_balances(
        balance(from_shard, from_hash, from),
        balance(to_shard, to_hash, to),
        amount,
    )?;
    crate::striped::set(from_shard, from_hash, from, debited);
    crate::striped::set(to_shard, to_hash, to, credited);
    Ok(())
}

// ANCHOR: lock_order
/// **Lock-order deadlock.** `transfer` locks the shard of `from`, then the
/// shard of `to`. Thread 1 moves a to b and holds a's shard; thread 2 moves
/// b to a and holds b's shard; each waits for the other forever.
#[derive(Debug)]
pub struct LockOrderDeadlockMap(Inner);

impl ConcurrentMap<u64, u64> for LockOrderDeadlockMap {
    fn with_capacity(capacity: usize) -> Self {
        Self(Inner::with_capacity(capacity))
    }

    fn transfer(&self, from: &u64, to: &u64, amount: u64) -> Result<(), TransferError> {
        let map = &self.0;
        let (from_hash, to_hash) = (map.hash(from), map.hash(to));
        let (a, b) = (map.shard_of_hash(from_hash), map.shard_of_hash(to_hash));
        if a == b {
            return map.transfer(from, to, amount);
        }
        // BUG: the order of the two locks depends on the arguments.
        let mut from_shard = map.shards[a].write();
        let mut to_shard = map.shards[b].write();
        move_amount(
            &mut from_shard,
            &mut to_shard,
            (from_hash, from),
            (to_hash, to),
            amount,
        )
    }

    forward!(insert get remove update get_or_insert_with len);
}
// ANCHOR_END: lock_order
striped_wrapper!(LockOrderDeadlockMap);

// ANCHOR: self_deadlock
/// **Self-deadlock.** `transfer` takes its two shard locks in index order,
/// which rules out the lock-order deadlock, but forgets that both keys can
/// live in the same shard. Then it asks for that shard's lock a second
/// time while holding it; the locks are not reentrant, so the thread waits
/// for itself, for ever.
#[derive(Debug)]
pub struct SameShardSelfDeadlockMap(Inner);

impl ConcurrentMap<u64, u64> for SameShardSelfDeadlockMap {
    fn with_capacity(capacity: usize) -> Self {
        Self(Inner::with_capacity(capacity))
    }

    fn transfer(&self, from: &u64, to: &u64, amount: u64) -> Result<(), TransferError> {
        if from == to {
            return self.0.transfer(from, to, amount);
        }
        let map = &self.0;
        let (from_hash, to_hash) = (map.hash(from), map.hash(to));
        let (a, b) = (map.shard_of_hash(from_hash), map.shard_of_hash(to_hash));
        // Lock order by index: right. BUG: when a == b, the second write()
        // waits for the first, held by this very thread.
        let (low, high) = (a.min(b), a.max(b));
        let mut first = map.shards[low].write();
        let mut second = map.shards[high].write();
        let (from_shard, to_shard) = if a == low {
            (&mut first, &mut second)
        } else {
            (&mut second, &mut first)
        };
        move_amount(
            from_shard,
            to_shard,
            (from_hash, from),
            (to_hash, to),
            amount,
        )
    }

    forward!(insert get remove update get_or_insert_with len);
}
// ANCHOR_END: self_deadlock
striped_wrapper!(SameShardSelfDeadlockMap);

// ANCHOR: torn_transfer
/// **Torn transfer.** `transfer` never holds two locks, so it can never
/// deadlock: it debits `from` under its shard's lock, releases it, then
/// credits `to` under the other's (and puts the amount back if the credit
/// would overflow). Each step is atomic; the pair is not. Between them the
/// amount is in neither account, and a reader that looks at both sees
/// money vanish and come back.
#[derive(Debug)]
pub struct TornTransferMap(Inner);

impl ConcurrentMap<u64, u64> for TornTransferMap {
    fn with_capacity(capacity: usize) -> Self {
        Self(Inner::with_capacity(capacity))
    }

    fn transfer(&self, from: &u64, to: &u64, amount: u64) -> Result<(), TransferError> {
        if from == to {
            return self.0.transfer(from, to, amount);
        }
        if self.0.get(to).is_none() {
            return Err(TransferError::MissingKey);
        }
        let mut debited = false;
        let present = self.0.update(from, |balance| {
            if *balance >= amount {
                *balance -= amount;
                debited = true;
            }
        });
        match (present, debited) {
            (false, _) => return Err(TransferError::MissingKey),
            (true, false) => return Err(TransferError::Insufficient),
            (true, true) => {}
        }
        // BUG: the amount is now in neither account, and other threads can
        // see it so. (A preemption can fall here on any run; the yield
        // makes one fall here often, so that a busy machine does not hide
        // the bug from the suite, as it did once in CI.)
        std::thread::yield_now();
        let mut credited = false;
        self.0.update(to, |balance| {
            if let Some(sum) = balance.checked_add(amount) {
                *balance = sum;
                credited = true;
            }
        });
        if !credited {
            self.0.update(from, |balance| *balance += amount);
            return Err(TransferError::Overflow);
        }
        Ok(())
    }

    forward!(insert get remove update get_or_insert_with len);
}
// ANCHOR_END: torn_transfer
striped_wrapper!(TornTransferMap);

// ANCHOR: hash_order
/// **Lock order by the keys, not the locks.** `transfer` takes its two
/// locks in the order of the two keys' hashes: the same order for every
/// transfer between the same two keys, so a to b against b to a cannot
/// deadlock. But the locks are the shards', and several keys share a
/// shard: a transfer between keys in shards 3 and 5 can take 3 first while
/// one between two other keys of the same shards takes 5 first. Across four
/// keys, the cycle is back.
#[derive(Debug)]
pub struct KeyOrderDeadlockMap(Inner);

impl ConcurrentMap<u64, u64> for KeyOrderDeadlockMap {
    fn with_capacity(capacity: usize) -> Self {
        Self(Inner::with_capacity(capacity))
    }

    fn transfer(&self, from: &u64, to: &u64, amount: u64) -> Result<(), TransferError> {
        let map = &self.0;
        let (from_hash, to_hash) = (map.hash(from), map.hash(to));
        let (a, b) = (map.shard_of_hash(from_hash), map.shard_of_hash(to_hash));
        if from == to || a == b {
            return map.transfer(from, to, amount);
        }
        // BUG: ordered by the keys' hashes, which says nothing about the
        // order of the shards' locks across different pairs of keys.
        let from_first = from_hash <= to_hash;
        let (mut first, mut second) = if from_first {
            (map.shards[a].write(), map.shards[b].write())
        } else {
            (map.shards[b].write(), map.shards[a].write())
        };
        let (from_shard, to_shard) = if from_first {
            (&mut first, &mut second)
        } else {
            (&mut second, &mut first)
        };
        move_amount(
            from_shard,
            to_shard,
            (from_hash, from),
            (to_hash, to),
            amount,
        )
    }

    forward!(insert get remove update get_or_insert_with len);
}
// ANCHOR_END: hash_order
striped_wrapper!(KeyOrderDeadlockMap);

// ANCHOR: unguarded_copy
/// **Copies that race.** A `SnapshotMap` whose `update` copies the shard,
/// changes the copy and publishes it, without the shard's writer lock.
/// Readers are fine: they see one whole table or the next. But two writers
/// copy the same version, and the later publish throws the earlier's
/// change away: a lost update, as surely as a `get` then an `insert`.
#[derive(Debug)]
pub struct UnguardedCopyMap(SnapshotInner);

impl UnguardedCopyMap {
    /// With `shards` shards: a loom model wants two, not thousands.
    pub fn with_shards(shards: usize) -> Self {
        Self(SnapshotInner::with_shards_and_capacity(shards, 4))
    }
}

impl ConcurrentMap<u64, u64> for UnguardedCopyMap {
    fn with_capacity(capacity: usize) -> Self {
        Self(SnapshotInner::with_capacity(capacity))
    }

    fn update<F: FnOnce(&mut u64)>(&self, key: &u64, f: F) -> bool {
        let hash = self.0.hash(key);
        let shard = &self.0.shards[self.0.shard_of_hash(hash)];
        let mut copy = shard.table.read(HashTable::clone);
        let Some((_, value)) = copy.find_mut(hash, |(k, _)| k == key) else {
            return false;
        };
        f(value);
        // BUG: no writer lock: another writer may have published since our
        // copy, and this publish erases its change.
        shard.table.publish(Arc::new(copy));
        true
    }

    forward!(insert get remove get_or_insert_with transfer len);
}
// ANCHOR_END: unguarded_copy
striped_wrapper!(UnguardedCopyMap);

// ANCHOR: unsequenced_transfer
/// **Two publishes, no sequence.** A `SnapshotMap` whose `transfer` across
/// two shards takes both writer locks in order (no deadlock) and publishes
/// the debited table, then the credited one, without making the shards'
/// sequence numbers odd around them. Each publish is atomic; the pair is not. A reader
/// between the two sees the amount in neither account.
#[derive(Debug)]
pub struct UnsequencedTransferMap(SnapshotInner);

impl UnsequencedTransferMap {
    /// With `shards` shards: a loom model wants two, not thousands.
    pub fn with_shards(shards: usize) -> Self {
        Self(SnapshotInner::with_shards_and_capacity(shards, 4))
    }
}

impl ConcurrentMap<u64, u64> for UnsequencedTransferMap {
    fn with_capacity(capacity: usize) -> Self {
        Self(SnapshotInner::with_capacity(capacity))
    }

    fn transfer(&self, from: &u64, to: &u64, amount: u64) -> Result<(), TransferError> {
        let (from_hash, to_hash) = (self.0.hash(from), self.0.hash(to));
        let (a, b) = (
            self.0.shard_of_hash(from_hash),
            self.0.shard_of_hash(to_hash),
        );
        if a == b {
            return self.0.transfer(from, to, amount);
        }
        let _first = self.0.shards[a.min(b)].writer.lock();
        let _second = self.0.shards[a.max(b)].writer.lock();
        let balance = |index: usize, hash, key: &u64| {
            self.0.shards[index]
                .table
                .read(|table| table.find(hash, |(k, _)| k == key).map(|(_, v)| *v))
        };
        let (debited, credited) =
            transfer_balances(balance(a, from_hash, from), balance(b, to_hash, to), amount)?;
        // BUG: readers that load between these two see half a transfer.
        self.0
            .rewrite(a, |table| set(table, from_hash, from, debited));
        self.0.rewrite(b, |table| set(table, to_hash, to, credited));
        Ok(())
    }

    forward!(insert get remove update get_or_insert_with len);
}
// ANCHOR_END: unsequenced_transfer
striped_wrapper!(UnsequencedTransferMap);
