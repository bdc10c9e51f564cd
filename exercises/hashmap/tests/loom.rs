//! Loom models of the synchronisation core: every interleaving of two
//! threads (up to LOOM_MAX_PREEMPTIONS preemptions), not just the ones a
//! stress test happens to hit.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p hashmap --test loom --release`
#![cfg(loom)]

use std::collections::hash_map::DefaultHasher;
use std::hash::BuildHasherDefault;
use std::panic::{AssertUnwindSafe, catch_unwind};

use hashmap::buggy::{LostUpdateMap, UnguardedCopyMap, UnsequencedTransferMap};
use hashmap::{ConcurrentMap, SnapshotMap, Striped, StripedMap};
use kit::sync::{Arc, AtomicUsize, Ordering, thread};

/// A fixed hasher: loom replays a model many times, and a seeded hasher
/// would move keys between shards from one replay to the next.
type Map = StripedMap<u64, u64, BuildHasherDefault<DefaultHasher>>;

fn tiny_map() -> Map {
    Map::with_shards_and_capacity(2, 4)
}

/// The copy-on-write map, as small.
type Snapshots = SnapshotMap<u64, u64, BuildHasherDefault<DefaultHasher>>;

fn tiny_snapshots() -> Snapshots {
    Snapshots::with_shards_and_capacity(2, 4)
}

/// Two keys that live in different shards of `map`.
fn keys_in_two_shards<M: Striped<u64>>(map: &M) -> (u64, u64) {
    let other = (1..100)
        .find(|k| map.stripe_of(k) != map.stripe_of(&0))
        .expect("some key lands in the other shard");
    (0, other)
}

/// Runs `body` on two threads against one map, then `check` on the result.
fn two_threads<M, F, C>(map: M, body: F, check: C)
where
    M: Send + Sync + 'static,
    F: Fn(&M, usize) + Send + Sync + 'static,
    C: Fn(&M),
{
    let map = Arc::new(map);
    let body = Arc::new(body);
    let handles: Vec<_> = (0..2)
        .map(|index| {
            let (map, body) = (Arc::clone(&map), Arc::clone(&body));
            thread::spawn(move || body(&map, index))
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    check(&map);
}

/// Two threads each add 1 to key 1 through `update`: both must land.
fn two_increments<M: ConcurrentMap<u64, u64> + 'static>(map: M) {
    map.insert(1, 0);
    two_threads(
        map,
        |map, _| assert!(map.update(&1, |v| *v += 1)),
        |map| assert_eq!(map.get(&1), Some(2), "an increment was lost"),
    );
}

#[test]
fn update_loses_no_increment() {
    loom::model(|| two_increments(tiny_map()));
}

#[test]
fn get_or_insert_with_runs_f_once() {
    loom::model(|| {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        two_threads(
            (tiny_map(), counted),
            |(map, calls), index| {
                let value = map.get_or_insert_with(7, || {
                    calls.fetch_add(1, Ordering::SeqCst);
                    index as u64
                });
                assert_eq!(map.get(&7), Some(value), "callers disagree on the value");
            },
            |(map, _)| assert_eq!(map.len(), 1),
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn opposite_transfers_neither_deadlock_nor_lose_money() {
    loom::model(|| {
        let map = tiny_map();
        let (a, b) = keys_in_two_shards(&map);
        map.insert(a, 10);
        map.insert(b, 10);
        two_threads(
            map,
            move |map, index| {
                let (from, to) = if index == 0 { (a, b) } else { (b, a) };
                map.transfer(&from, &to, 3).unwrap();
            },
            move |map| {
                assert_eq!(map.get(&a), Some(10));
                assert_eq!(map.get(&b), Some(10));
            },
        );
    });
}

/// Loom must find the interleaving that loses an increment: both threads
/// read 0, both write 1. (The lock-order deadlock is left to the watchdog in
/// `bugs.rs`: loom does detect deadlocks, but it reports them by panicking
/// while its threads unwind, which aborts the test binary.)
#[test]
fn loom_finds_the_lost_update() {
    let found = catch_unwind(AssertUnwindSafe(|| {
        loom::model(|| two_increments(LostUpdateMap::with_capacity(4)));
    }));
    assert!(
        found.is_err(),
        "loom explored every interleaving and found no lost update"
    );
}

/// Copy-on-write: two writers of one shard take turns, so neither copies a
/// version the other is about to replace.
#[test]
fn snapshot_update_loses_no_increment() {
    loom::model(|| two_increments(tiny_snapshots()));
}

/// A reader that reads `from` and then `to` while a transfer between two
/// shards is published: once it sees the debit, it sees the credit.
fn transfer_seen_whole<M: ConcurrentMap<u64, u64> + Striped<u64> + 'static>(map: M) {
    let (a, b) = keys_in_two_shards(&map);
    map.insert(a, 10);
    map.insert(b, 10);
    two_threads(
        map,
        move |map, index| {
            if index == 0 {
                map.transfer(&a, &b, 3).unwrap();
            } else {
                let (from, to) = (map.get(&a).unwrap(), map.get(&b).unwrap());
                assert!(from + to >= 20, "read {from} then {to}: half a transfer");
            }
        },
        |_| {},
    );
}

#[test]
fn snapshot_transfer_is_never_seen_half_done() {
    loom::model(|| transfer_seen_whole(tiny_snapshots()));
}

/// Loom must find the bugs of copy-on-write, too: the copies that race and
/// the transfer published in two steps.
#[test]
fn loom_finds_the_copy_on_write_bugs() {
    let race = catch_unwind(AssertUnwindSafe(|| {
        loom::model(|| two_increments(UnguardedCopyMap::with_shards(2)));
    }));
    assert!(race.is_err(), "loom found no race between two copies");
    let torn = catch_unwind(AssertUnwindSafe(|| {
        loom::model(|| transfer_seen_whole(UnsequencedTransferMap::with_shards(2)));
    }));
    assert!(torn.is_err(), "loom found no half-published transfer");
}

/// One thread inserts a key while the other removes it as soon as it is
/// there: `len` may lag the insert in progress, but a count changed after
/// the lock is released can be lowered by the remove before the insert
/// raises it, and wrap below zero. A stress test almost never hits that
/// window of a few nanoseconds; loom walks into it.
fn len_never_wraps<M: ConcurrentMap<u64, u64> + 'static>(map: M) {
    two_threads(
        map,
        |map, index| {
            if index == 0 {
                map.insert(1, 0);
            } else {
                while map.remove(&1).is_none() {
                    thread::yield_now();
                }
                let len = map.len();
                assert!(
                    len <= 1,
                    "len() is {len} right after removing the only key: the count wrapped below zero"
                );
            }
        },
        |map| assert_eq!(map.len(), 0, "no key is left"),
    );
}

#[test]
fn striped_len_never_wraps() {
    loom::model(|| len_never_wraps(tiny_map()));
}

#[test]
fn snapshot_len_never_wraps() {
    loom::model(|| len_never_wraps(tiny_snapshots()));
}
