//! The conformance suite, shared by `conformance.rs` (every implementation
//! must pass) and `bugs.rs` (every bug-zoo variant must fail).
//!
//! Each check returns `Err` with a message that names the bug class it found,
//! so a candidate reads "lost update", not "assertion failed: 79998 == 80000".

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hashmap::{ConcurrentMap, Striped, TransferError};
use kit::stress::Stress;
use kit::workload::Rng;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Threads in the stress checks: more than this machine's two cores, so that
/// threads are also preempted while holding locks, as in production.
const THREADS: usize = 4;

/// One operation of a random sequence.
#[derive(Debug, Clone)]
enum Cmd {
    Insert(u64, u64),
    Get(u64),
    Remove(u64),
    Add(u64, u64),
    GetOrInsert(u64, u64),
    Transfer(u64, u64, u64),
    Len,
}

fn cmd() -> impl Strategy<Value = Cmd> {
    // Few keys, so that operations meet on the same key often.
    let key = 0..12u64;
    prop_oneof![
        (key.clone(), 0..100u64).prop_map(|(k, v)| Cmd::Insert(k, v)),
        key.clone().prop_map(Cmd::Get),
        key.clone().prop_map(Cmd::Remove),
        (key.clone(), 0..10u64).prop_map(|(k, d)| Cmd::Add(k, d)),
        (key.clone(), 0..100u64).prop_map(|(k, v)| Cmd::GetOrInsert(k, v)),
        (key.clone(), key, 0..60u64).prop_map(|(a, b, n)| Cmd::Transfer(a, b, n)),
        Just(Cmd::Len),
    ]
}

/// The model: what a sequential `HashMap` answers to the same command.
fn apply_model(model: &mut HashMap<u64, u64>, cmd: &Cmd) -> String {
    match *cmd {
        Cmd::Insert(k, v) => format!("{:?}", model.insert(k, v)),
        Cmd::Get(k) => format!("{:?}", model.get(&k).copied()),
        Cmd::Remove(k) => format!("{:?}", model.remove(&k)),
        Cmd::Add(k, d) => format!("{:?}", model.get_mut(&k).map(|v| *v += d).is_some()),
        Cmd::GetOrInsert(k, v) => format!("{:?}", *model.entry(k).or_insert(v)),
        Cmd::Transfer(a, b, n) => {
            let result = match (model.get(&a).copied(), model.get(&b).copied()) {
                (None, _) | (_, None) => Err(TransferError::MissingKey),
                (Some(x), _) if x < n => Err(TransferError::Insufficient),
                _ if a == b => Ok(()),
                (Some(x), Some(y)) => {
                    model.insert(a, x - n);
                    model.insert(b, y + n);
                    Ok(())
                }
            };
            format!("{result:?}")
        }
        Cmd::Len => format!("{:?}", model.len()),
    }
}

fn apply_map<M: ConcurrentMap<u64, u64>>(map: &M, cmd: &Cmd) -> String {
    match *cmd {
        Cmd::Insert(k, v) => format!("{:?}", map.insert(k, v)),
        Cmd::Get(k) => format!("{:?}", map.get(&k)),
        Cmd::Remove(k) => format!("{:?}", map.remove(&k)),
        Cmd::Add(k, d) => format!("{:?}", map.update(&k, |v| *v += d)),
        Cmd::GetOrInsert(k, v) => format!("{:?}", map.get_or_insert_with(k, || v)),
        Cmd::Transfer(a, b, n) => format!("{:?}", map.transfer(&a, &b, n)),
        Cmd::Len => format!("{:?}", map.len()),
    }
}

/// One thread: random operation sequences give the same answers as a
/// `HashMap`, step by step (proptest shrinks a failure to a short sequence).
pub fn sequential_matches_model<M: ConcurrentMap<u64, u64>>() -> Result<(), String> {
    let config = Config {
        cases: 200,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new(config)
        .run(&proptest::collection::vec(cmd(), 1..60), |cmds| {
            let map = M::with_capacity(4);
            let mut model = HashMap::new();
            for (step, cmd) in cmds.iter().enumerate() {
                let (got, want) = (apply_map(&map, cmd), apply_model(&mut model, cmd));
                if got != want {
                    return Err(TestCaseError::fail(format!(
                        "step {step}, {cmd:?}: the map answered {got}, a HashMap answers {want}"
                    )));
                }
            }
            Ok(())
        })
        .map_err(|e| format!("wrong answer on one thread (no concurrency involved): {e}"))
}

/// Many threads increment a few shared counters; not one increment may be
/// lost.
pub fn update_is_atomic<M: ConcurrentMap<u64, u64> + 'static>() -> Result<(), String> {
    const KEYS: u64 = 4;
    const PER_THREAD: u64 = 40_000;
    let map = Arc::new(M::with_capacity(16));
    for key in 0..KEYS {
        map.insert(key, 0);
    }
    Stress::new(THREADS, "a deadlock inside update")
        .run(Arc::clone(&map), |map, _| {
            for i in 0..PER_THREAD {
                assert!(
                    map.update(&(i % KEYS), |v| *v += 1),
                    "a present key was reported absent"
                );
            }
        })
        .map_err(|e| e.to_string())?;
    let total: u64 = (0..KEYS).map(|k| map.get(&k).unwrap_or(0)).sum();
    let expected = THREADS as u64 * PER_THREAD;
    if total != expected {
        return Err(format!(
            "lost update: {expected} increments were made, the counters hold {total}. \
             Is the read, the change and the write done under one lock acquisition?"
        ));
    }
    Ok(())
}

/// Many threads race to initialise the same keys: `f` runs once per key, and
/// every caller gets the value that stayed in the map.
pub fn get_or_insert_with_runs_f_once<M: ConcurrentMap<u64, u64> + 'static>() -> Result<(), String>
{
    const KEYS: u64 = 2_000;
    let map = Arc::new(M::with_capacity(16));
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(kit::sync::Mutex::new(vec![Vec::new(); THREADS]));
    let shared = Arc::new((Arc::clone(&map), Arc::clone(&calls), Arc::clone(&seen)));
    Stress::new(THREADS, "a deadlock inside get_or_insert_with")
        .run(shared, |(map, calls, seen), thread| {
            let mut mine = Vec::with_capacity(KEYS as usize);
            for key in 0..KEYS {
                mine.push(map.get_or_insert_with(key, || {
                    calls.fetch_add(1, Ordering::Relaxed);
                    // An initialiser does real work (a load, a connection)
                    // and may give up the CPU meanwhile: that is what makes
                    // running it twice costly, and the race window wide.
                    expensive();
                    std::thread::yield_now();
                    (thread as u64) << 32 | key
                }));
            }
            seen.lock()[thread] = mine;
        })
        .map_err(|e| e.to_string())?;
    let calls = calls.load(Ordering::Relaxed);
    if calls != KEYS as usize {
        return Err(format!(
            "check-then-act race: the initialiser ran {calls} times for {KEYS} keys. \
             Between checking that a key is absent and inserting it, another thread got in."
        ));
    }
    let seen = seen.lock();
    for key in 0..KEYS {
        let stored = map.get(&key);
        if let Some(thread) = (0..THREADS).find(|&t| Some(seen[t][key as usize]) != stored) {
            return Err(format!(
                "check-then-act race: thread {thread} got {:#x} for key {key}, the map holds {stored:#x?}",
                seen[thread][key as usize]
            ));
        }
    }
    Ok(())
}

fn expensive() {
    let mut x = 1u64;
    for i in 0..2_000 {
        x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(i));
    }
}

/// Threads move amounts between a few accounts in every direction at once.
/// The total never changes, and no pair of transfers deadlocks.
pub fn transfers_conserve_and_never_deadlock<M: ConcurrentMap<u64, u64> + 'static>()
-> Result<(), String> {
    const ACCOUNTS: u64 = 3;
    const START: u64 = 1_000;
    const PER_THREAD: usize = 50_000;
    let map = Arc::new(M::with_capacity(16));
    for account in 0..ACCOUNTS {
        map.insert(account, START);
    }
    Stress::new(
        THREADS,
        "lock-order deadlock: two transfers each hold one lock and wait for the other's. \
         Lock the two shards in one global order (say, by index).",
    )
    .deadline(Duration::from_secs(8))
    .run(Arc::clone(&map), |map, thread| {
        let mut rng = Rng::for_thread(99, thread);
        for _ in 0..PER_THREAD {
            let (from, to) = (rng.below(ACCOUNTS), rng.below(ACCOUNTS));
            match map.transfer(&from, &to, 1 + rng.below(20)) {
                Ok(()) | Err(TransferError::Insufficient) => {}
                Err(other) => panic!("transfer({from}, {to}) failed with {other:?}"),
            }
        }
    })
    .map_err(|e| e.to_string())?;
    let total: u64 = (0..ACCOUNTS).map(|k| map.get(&k).unwrap_or(0)).sum();
    if total != ACCOUNTS * START {
        return Err(format!(
            "torn transfer: the accounts started with {} in all and hold {total} now",
            ACCOUNTS * START
        ));
    }
    Ok(())
}

/// Threads insert disjoint keys and remove half of them; every write lands.
pub fn concurrent_writes_all_land<M: ConcurrentMap<u64, u64> + 'static>() -> Result<(), String> {
    const PER_THREAD: u64 = 5_000;
    // A small start, so shards grow while other threads use them.
    let map = Arc::new(M::with_capacity(1));
    Stress::new(THREADS, "a deadlock inside insert or remove")
        .run(Arc::clone(&map), |map, thread| {
            let base = thread as u64 * PER_THREAD;
            for key in base..base + PER_THREAD {
                assert_eq!(map.insert(key, key), None, "key {key} was already there");
            }
            for key in (base..base + PER_THREAD).step_by(2) {
                assert_eq!(map.remove(&key), Some(key), "key {key} lost its value");
            }
        })
        .map_err(|e| e.to_string())?;
    let expected = THREADS * PER_THREAD as usize / 2;
    if map.len() != expected {
        return Err(format!(
            "lost write: after every thread finished, len() is {} where {expected} keys remain",
            map.len()
        ));
    }
    for key in (1..THREADS as u64 * PER_THREAD).step_by(2) {
        if map.get(&key) != Some(key) {
            return Err(format!(
                "lost write: key {key} was inserted and never removed, but get finds {:?}",
                map.get(&key)
            ));
        }
    }
    Ok(())
}

/// The point of striping: while one thread holds one stripe (inside an
/// `update`), another thread can update a key in a different stripe. Under a
/// global lock the second thread would wait; here it must get through.
pub fn stripes_lock_independently<M>() -> Result<(), String>
where
    M: ConcurrentMap<u64, u64> + Striped<u64> + 'static,
{
    let map = M::with_capacity(16);
    if map.stripes() < 2 {
        return Err(format!(
            "no striping: the map has {} stripe(s)",
            map.stripes()
        ));
    }
    let first = 0u64;
    let Some(second) = (1..10_000).find(|k| map.stripe_of(k) != map.stripe_of(&first)) else {
        return Err("no striping: 10 000 keys all landed in one stripe".to_string());
    };
    map.insert(first, 0);
    map.insert(second, 0);
    let entered = AtomicBool::new(false);
    let second_done = AtomicBool::new(false);
    let waited_in_vain = AtomicBool::new(false);
    let shared = Arc::new((map, entered, second_done, waited_in_vain));
    Stress::new(2, "a deadlock between two stripes")
        .run(
            Arc::clone(&shared),
            move |(map, entered, second_done, waited), thread| {
                if thread == 0 {
                    map.update(&first, |_| {
                        entered.store(true, Ordering::SeqCst);
                        let since = Instant::now();
                        while !second_done.load(Ordering::SeqCst) {
                            if since.elapsed() > Duration::from_secs(3) {
                                waited.store(true, Ordering::SeqCst);
                                return;
                            }
                            std::thread::yield_now();
                        }
                    });
                } else {
                    while !entered.load(Ordering::SeqCst) {
                        std::thread::yield_now();
                    }
                    map.update(&second, |v| *v += 1);
                    second_done.store(true, Ordering::SeqCst);
                }
            },
        )
        .map_err(|e| e.to_string())?;
    if shared.3.load(Ordering::SeqCst) {
        return Err(format!(
            "no striping: an update of key {second} (stripe {}) waited while key {first} \
             (stripe {}) was held. Are the stripes really locked separately?",
            shared.0.stripe_of(&second),
            shared.0.stripe_of(&first)
        ));
    }
    Ok(())
}
