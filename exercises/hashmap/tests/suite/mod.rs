//! The conformance suite, shared by `conformance.rs` (every implementation
//! must pass) and `bugs.rs` (every bug-zoo variant must fail).
//!
//! Each check tests promises of the contract in `src/lib.rs` (the README's
//! "What the suite checks" lists them) and returns `Err` with a message that
//! names the bug class it found (`kit::bugs`), so a candidate reads "lost
//! update", not "assertion failed: 79998 == 80000".

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hashmap::{ConcurrentMap, Striped, TransferError};
use kit::bugs;
use kit::stress::Stress;
use kit::workload::Rng;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};

/// Threads in the stress checks: more than this machine's two cores, so that
/// threads are also preempted while holding locks, as in production.
const THREADS: usize = 4;

// ---------------------------------------------------------------------------
// One thread against a model

/// One operation of a random sequence, over the keys of `keys`.
#[derive(Clone, Copy)]
enum Cmd {
    Insert(usize, u64),
    Get(usize),
    Remove(usize),
    Add(usize, u64),
    GetOrInsert(usize, u64),
    Transfer(usize, usize, u64),
    Len,
    IsEmpty,
}

/// Shown as a call, with the real keys: `transfer(3, 17, 5)`.
struct Call<'a>(&'a Cmd, &'a [u64]);

impl fmt::Display for Call<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = |i: usize| self.1[i];
        match *self.0 {
            Cmd::Insert(k, v) => write!(f, "insert({}, {v})", key(k)),
            Cmd::Get(k) => write!(f, "get({})", key(k)),
            Cmd::Remove(k) => write!(f, "remove({})", key(k)),
            Cmd::Add(k, d) => write!(f, "update({}, add {d})", key(k)),
            Cmd::GetOrInsert(k, v) => write!(f, "get_or_insert_with({}, || {v})", key(k)),
            Cmd::Transfer(a, b, n) => write!(f, "transfer({}, {}, {n})", key(a), key(b)),
            Cmd::Len => write!(f, "len()"),
            Cmd::IsEmpty => write!(f, "is_empty()"),
        }
    }
}

// proptest prints a failing input with Debug: show it as calls too.
impl fmt::Debug for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<u64> = (0..KEY_SLOTS as u64).collect();
        write!(f, "{}", Call(self, &keys))
    }
}

/// How many distinct keys a sequence uses: few, so that operations meet on
/// the same key often.
const KEY_SLOTS: usize = 8;

fn cmd() -> impl Strategy<Value = Cmd> {
    let key = 0..KEY_SLOTS;
    // Amounts and values small, and now and then near the top of u64, so
    // that a transfer can overflow its receiver.
    let value = prop_oneof![4 => 0..100u64, 1 => (u64::MAX - 50)..=u64::MAX];
    prop_oneof![
        (key.clone(), value.clone()).prop_map(|(k, v)| Cmd::Insert(k, v)),
        key.clone().prop_map(Cmd::Get),
        key.clone().prop_map(Cmd::Remove),
        (key.clone(), 0..10u64).prop_map(|(k, d)| Cmd::Add(k, d)),
        (key.clone(), value.clone()).prop_map(|(k, v)| Cmd::GetOrInsert(k, v)),
        (key.clone(), key, value).prop_map(|(a, b, n)| Cmd::Transfer(a, b, n)),
        Just(Cmd::Len),
        Just(Cmd::IsEmpty),
    ]
}

/// An answer, in words a candidate reads.
#[derive(Clone, PartialEq, Eq)]
enum Answer {
    Value(Option<u64>),
    Updated { present: bool, f_ran: usize },
    Got { value: u64, f_ran: usize },
    Transfer(Result<(), TransferError>),
    Count(usize),
    Flag(bool),
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let times = |n: usize| match n {
            0 => "never".to_string(),
            1 => "once".to_string(),
            n => format!("{n} times"),
        };
        match self {
            Answer::Value(Some(v)) => write!(f, "{v}"),
            Answer::Value(None) => write!(f, "nothing"),
            Answer::Updated { present, f_ran } => {
                write!(f, "{present}, with f run {}", times(*f_ran))
            }
            Answer::Got { value, f_ran } => write!(f, "{value}, with f run {}", times(*f_ran)),
            Answer::Transfer(Ok(())) => write!(f, "success"),
            Answer::Transfer(Err(e)) => write!(f, "the error \"{e}\""),
            Answer::Count(n) => write!(f, "{n}"),
            Answer::Flag(b) => write!(f, "{b}"),
        }
    }
}

/// The model: what a sequential `HashMap` answers, and for a transfer that
/// must fail, every error the contract allows (when two reasons hold at
/// once, it does not say which one wins).
fn apply_model(model: &mut HashMap<u64, u64>, cmd: &Cmd, keys: &[u64]) -> Vec<Answer> {
    let key = |i: usize| keys[i];
    let one = |a: Answer| vec![a];
    match *cmd {
        Cmd::Insert(k, v) => one(Answer::Value(model.insert(key(k), v))),
        Cmd::Get(k) => one(Answer::Value(model.get(&key(k)).copied())),
        Cmd::Remove(k) => one(Answer::Value(model.remove(&key(k)))),
        Cmd::Add(k, d) => {
            let slot = model.get_mut(&key(k));
            let present = slot.is_some();
            if let Some(v) = slot {
                *v = v.wrapping_add(d);
            }
            one(Answer::Updated {
                present,
                f_ran: present as usize,
            })
        }
        Cmd::GetOrInsert(k, v) => {
            let f_ran = !model.contains_key(&key(k)) as usize;
            one(Answer::Got {
                value: *model.entry(key(k)).or_insert(v),
                f_ran,
            })
        }
        Cmd::Transfer(a, b, n) => {
            let (from, to) = (model.get(&key(a)).copied(), model.get(&key(b)).copied());
            let mut errors = Vec::new();
            if from.is_none() || to.is_none() {
                errors.push(TransferError::MissingKey);
            }
            if from.is_some_and(|x| x < n) {
                errors.push(TransferError::Insufficient);
            }
            if a != b && to.is_some_and(|y| y.checked_add(n).is_none()) {
                errors.push(TransferError::Overflow);
            }
            if errors.is_empty() {
                if a != b {
                    model.insert(key(a), from.unwrap() - n);
                    model.insert(key(b), to.unwrap() + n);
                }
                return one(Answer::Transfer(Ok(())));
            }
            errors
                .into_iter()
                .map(|e| Answer::Transfer(Err(e)))
                .collect()
        }
        Cmd::Len => one(Answer::Count(model.len())),
        Cmd::IsEmpty => one(Answer::Flag(model.is_empty())),
    }
}

fn apply_map<M: ConcurrentMap<u64, u64>>(map: &M, cmd: &Cmd, keys: &[u64]) -> Answer {
    let key = |i: usize| keys[i];
    match *cmd {
        Cmd::Insert(k, v) => Answer::Value(map.insert(key(k), v)),
        Cmd::Get(k) => Answer::Value(map.get(&key(k))),
        Cmd::Remove(k) => Answer::Value(map.remove(&key(k))),
        Cmd::Add(k, d) => {
            let mut f_ran = 0;
            let present = map.update(&key(k), |v| {
                f_ran += 1;
                *v = v.wrapping_add(d);
            });
            Answer::Updated { present, f_ran }
        }
        Cmd::GetOrInsert(k, v) => {
            let mut f_ran = 0;
            let value = map.get_or_insert_with(key(k), || {
                f_ran += 1;
                v
            });
            Answer::Got { value, f_ran }
        }
        Cmd::Transfer(a, b, n) => Answer::Transfer(map.transfer(&key(a), &key(b), n)),
        Cmd::Len => Answer::Count(map.len()),
        Cmd::IsEmpty => Answer::Flag(map.is_empty()),
    }
}

/// Random sequences on one thread, compared with a `HashMap` step by step;
/// after every step, every key's value must be what the model holds.
/// `choose` picks the keys for each fresh map (keys that share a stripe of
/// that very map, say). Proptest shrinks a failure to a shortest sequence,
/// which the message shows.
fn matches_model_on<M: ConcurrentMap<u64, u64> + 'static>(
    choose: fn(&M) -> Vec<u64>,
    what: &'static str,
) -> Result<(), String> {
    // One thread takes milliseconds: a hang here is named in seconds.
    kit::stress::watch(ONE_THREAD, kit::stress::ONE_THREAD_HANG, move || {
        run_model::<M>(choose, what)
    })
}

/// How long a one-thread check may take before it counts as stuck.
const ONE_THREAD: Duration = Duration::from_secs(10);

fn run_model<M: ConcurrentMap<u64, u64>>(
    choose: fn(&M) -> Vec<u64>,
    what: &str,
) -> Result<(), String> {
    let config = Config {
        cases: 200,
        failure_persistence: None,
        ..Config::default()
    };
    // The keys of the case that failed last: the shrunk one.
    let last_keys = std::cell::RefCell::new(Vec::new());
    TestRunner::new(config)
        .run(&proptest::collection::vec(cmd(), 1..60), |cmds| {
            let map = M::with_capacity(4);
            let keys = choose(&map);
            *last_keys.borrow_mut() = keys.clone();
            let keys = &keys;
            let mut model = HashMap::new();
            if map.len() != 0 || !map.is_empty() {
                return Err(TestCaseError::fail(bugs::WRONG_ANSWER.says(format!(
                    "with_capacity(4) made a map with len() {} and is_empty() {}",
                    map.len(),
                    map.is_empty()
                ))));
            }
            for (step, cmd) in cmds.iter().enumerate() {
                let got = apply_map(&map, cmd, keys);
                let allowed = apply_model(&mut model, cmd, keys);
                let call = Call(cmd, keys);
                if !allowed.contains(&got) {
                    let want: Vec<String> = allowed.iter().map(Answer::to_string).collect();
                    return Err(TestCaseError::fail(bugs::WRONG_ANSWER.says(format!(
                        "step {}, {call}: the map answered {got}, a HashMap answers {}",
                        step + 1,
                        want.join(" or ")
                    ))));
                }
                if let Some(key) = keys.iter().find(|k| map.get(k) != model.get(k).copied()) {
                    return Err(TestCaseError::fail(bugs::WRONG_ANSWER.says(format!(
                        "step {}, after {call}: get({key}) finds {}, a HashMap holds {}",
                        step + 1,
                        Answer::Value(map.get(key)),
                        Answer::Value(model.get(key).copied())
                    ))));
                }
            }
            Ok(())
        })
        .map_err(|e| match e {
            TestError::Fail(why, cmds) => {
                let keys = last_keys.borrow();
                let calls: Vec<String> = cmds.iter().map(|c| Call(c, &keys).to_string()).collect();
                format!(
                    "{}. On one thread ({what}), no concurrency involved; the shortest \
                     sequence that shows it: {}",
                    bugs::named(why.message()),
                    calls.join("; ")
                )
            }
            TestError::Abort(why) => bugs::WRONG_ANSWER.says(format!("the test gave up: {why}")),
        })
}

/// One thread: random sequences of every operation, with every error path
/// of `transfer`, give the same answers as a `HashMap`.
pub fn sequential_matches_model<M: ConcurrentMap<u64, u64> + 'static>() -> Result<(), String> {
    matches_model_on::<M>(|_| (0..KEY_SLOTS as u64).collect(), "keys 0 to 7")
}

/// The same on keys that all live in one stripe of the map under test
/// (look-alike keys): a map that locks a stripe twice in one operation
/// deadlocks against itself here (the watchdog names it), and one that
/// mixes up same-stripe keys answers wrong.
pub fn sequential_on_one_stripe<M>() -> Result<(), String>
where
    M: ConcurrentMap<u64, u64> + Striped<u64> + 'static,
{
    matches_model_on::<M>(keys_sharing_a_stripe, "keys that all share one stripe")
}

/// Keys of one stripe of `map`: its own hasher decides.
fn keys_sharing_a_stripe<M: Striped<u64>>(map: &M) -> Vec<u64> {
    let stripe = map.stripe_of(&0);
    let keys: Vec<u64> = (0..1_000_000)
        .filter(|k| map.stripe_of(k) == stripe)
        .take(KEY_SLOTS)
        .collect();
    if keys.len() < KEY_SLOTS {
        // So many stripes that few keys share one: any keys will do.
        (0..KEY_SLOTS as u64).collect()
    } else {
        keys
    }
}

/// A transfer between two keys of one stripe, on one thread, under a short
/// deadline: the stripe must be locked once, not twice.
pub fn transfer_within_one_stripe<M>() -> Result<(), String>
where
    M: ConcurrentMap<u64, u64> + Striped<u64> + 'static,
{
    let map = M::with_capacity(4);
    let stripe = map.stripe_of(&0);
    let Some(other) = (1..1_000_000).find(|k| map.stripe_of(k) == stripe) else {
        return Ok(()); // no two keys share a stripe: nothing to lock twice
    };
    map.insert(0, 10);
    map.insert(other, 10);
    let map = Arc::new(map);
    Stress::new(
        1,
        bugs::SELF_DEADLOCK,
        "transfer between two keys of the same stripe locked that stripe twice. The locks \
         are not reentrant: when both keys share a shard, lock it once.",
    )
    // Two transfers take microseconds.
    .deadline(Duration::from_secs(5))
    .run(Arc::clone(&map), move |map, _| {
        let _ = map.transfer(&0, &other, 3);
        let _ = map.transfer(&other, &0, 1);
    })
    .map_err(|e| e.to_string())?;
    if (map.get(&0), map.get(&other)) != (Some(8), Some(12)) {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "transfers of 3 and then 1 back between keys 0 and {other} (one stripe), each \
             holding 10, left {} and {}, not 8 and 12",
            Answer::Value(map.get(&0)),
            Answer::Value(map.get(&other))
        )));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Many threads

/// Many threads increment a few shared counters: not one increment may be
/// lost, `update` reports every present key present, and runs its closure
/// exactly once per call. The closures sometimes yield while the caller
/// holds the lock, to widen any window between a read and a write.
pub fn update_is_atomic<M: ConcurrentMap<u64, u64> + 'static>() -> Result<(), String> {
    const KEYS: u64 = 4;
    const PER_THREAD: u64 = 40_000;
    let map = Arc::new(M::with_capacity(16));
    for key in 0..KEYS {
        map.insert(key, 0);
    }
    let calls = Arc::new(AtomicUsize::new(0));
    let shared = Arc::new((Arc::clone(&map), Arc::clone(&calls)));
    Stress::new(
        THREADS,
        bugs::DEADLOCK,
        "update never returned: is a lock taken and never released?",
    )
    .run(shared, |(map, calls), thread| {
        let mut rng = Rng::for_thread(17, thread);
        for i in 0..PER_THREAD {
            let pause = rng.below(64) == 0;
            let present = map.update(&(i % KEYS), |v| {
                calls.fetch_add(1, Ordering::Relaxed);
                if pause {
                    std::thread::yield_now();
                }
                *v += 1;
            });
            assert!(
                present,
                "{}",
                bugs::LOST_UPDATE.says(format!(
                    "update reported key {} absent, though it was inserted before the threads \
                     started and nothing removes it",
                    i % KEYS
                ))
            );
        }
    })
    .map_err(|e| e.to_string())?;
    let total: u64 = (0..KEYS).map(|k| map.get(&k).unwrap_or(0)).sum();
    let expected = THREADS as u64 * PER_THREAD;
    let calls = calls.load(Ordering::Relaxed) as u64;
    if calls != expected {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "{expected} calls of update ran their closure {calls} times: it must run exactly \
             once per call on a present key (a retry must not run it again)"
        )));
    }
    if total != expected {
        return Err(bugs::LOST_UPDATE.says(format!(
            "{expected} increments were made, the counters hold {total}. \
             Is the read, the change and the write done under one lock acquisition?"
        )));
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
    Stress::new(
        THREADS,
        bugs::DEADLOCK,
        "get_or_insert_with never returned: is a lock taken and never released?",
    )
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
        return Err(bugs::CHECK_THEN_ACT.says(format!(
            "the initialiser ran {calls} times for {KEYS} keys. \
             Between checking that a key is absent and inserting it, another thread got in."
        )));
    }
    let seen = seen.lock();
    for key in 0..KEYS {
        let stored = map.get(&key);
        if let Some(thread) = (0..THREADS).find(|&t| Some(seen[t][key as usize]) != stored) {
            return Err(bugs::CHECK_THEN_ACT.says(format!(
                "thread {thread} got {:#x} for key {key}, but the map holds {}: two callers \
                 were given different values for one key",
                seen[thread][key as usize],
                stored.map_or("nothing".to_string(), |v| format!("{v:#x}"))
            )));
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
/// The total never changes, every key stays present, no transfer between
/// present keys reports a missing one, and no pair of transfers deadlocks.
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
        bugs::LOCK_ORDER_DEADLOCK,
        "two transfers each hold one lock and wait for the other's. \
         Lock the two shards in one global order (say, by index).",
    )
    .deadline(Duration::from_secs(20))
    .run(Arc::clone(&map), |map, thread| {
        let mut rng = Rng::for_thread(99, thread);
        for _ in 0..PER_THREAD {
            let (from, to) = (rng.below(ACCOUNTS), rng.below(ACCOUNTS));
            match map.transfer(&from, &to, 1 + rng.below(20)) {
                Ok(()) | Err(TransferError::Insufficient) => {}
                Err(other) => panic!(
                    "{}",
                    bugs::TORN_UPDATE.says(format!(
                        "transfer({from}, {to}) failed with \"{other}\" while both accounts \
                         existed: another transfer was seen half done"
                    ))
                ),
            }
        }
    })
    .map_err(|e| e.to_string())?;
    let total: u64 = (0..ACCOUNTS).map(|k| map.get(&k).unwrap_or(0)).sum();
    if total != ACCOUNTS * START {
        return Err(bugs::TORN_UPDATE.says(format!(
            "the accounts started with {} in all and hold {total} after the transfers: \
             amounts were created or lost. Both balances must change under both locks.",
            ACCOUNTS * START
        )));
    }
    Ok(())
}

/// One thread moves 1 from key 0 to key 1, again and again; two readers
/// read both keys, in opposite orders. A transfer is atomic, so once a
/// reader has seen key 0 debited, a later read of key 1 sees the credit:
/// read 0 then 1, the two sum to at least the total; read 1 then 0, to at
/// most. A transfer done as two steps (debit, then credit, or the other
/// way) shows as a sum off by one. A fourth thread moves money between two
/// other keys meanwhile, so that two transfers are often in flight at once
/// (a guard shared by all transfers must still hold).
pub fn transfers_are_never_seen_half_done<M: ConcurrentMap<u64, u64> + 'static>()
-> Result<(), String> {
    const TOTAL: u64 = 50_000;
    let map = Arc::new(M::with_capacity(16));
    map.insert(0, TOTAL);
    map.insert(1, 0);
    map.insert(2, 1);
    map.insert(3, 1);
    let done = Arc::new(AtomicBool::new(false));
    let problem = Arc::new(kit::sync::Mutex::new(None::<String>));
    let shared = Arc::new((Arc::clone(&map), Arc::clone(&done), Arc::clone(&problem)));
    Stress::new(
        4,
        bugs::DEADLOCK,
        "transfer, get or both never returned while the other ran",
    )
    .deadline(Duration::from_secs(20))
    .run(shared, |(map, done, problem), thread| {
        if thread == 0 {
            // Set when this thread ends, by a return or a panic: the
            // readers below wait for it.
            let _finished = kit::stress::Finish::new(done);
            for _ in 0..TOTAL {
                if let Err(e) = map.transfer(&0, &1, 1) {
                    *problem.lock() = Some(bugs::WRONG_ANSWER.says(format!(
                        "transfer(0, 1, 1) failed with \"{e}\" though key 0 held enough"
                    )));
                    break;
                }
            }
            return;
        }
        if thread == 3 {
            // Back and forth between keys 2 and 3 while the others run.
            let mut way = (2, 3);
            while !done.load(Ordering::SeqCst) {
                if map.transfer(&way.0, &way.1, 1).is_ok() {
                    way = (way.1, way.0);
                }
            }
            return;
        }
        let (first, second) = if thread == 1 { (0, 1) } else { (1, 0) };
        while !done.load(Ordering::SeqCst) {
            let (a, b) = (map.get(&first).unwrap_or(0), map.get(&second).unwrap_or(0));
            let sum = a + b;
            let torn = if first == 0 { sum < TOTAL } else { sum > TOTAL };
            if torn {
                *problem.lock() = Some(bugs::TORN_UPDATE.says(format!(
                    "a reader read key {first} and then key {second} during transfers of 1 \
                     from key 0 to key 1, and they held {a} and {b}: {sum} in all, not {TOTAL}. \
                     The amount was seen in {} place: the transfer changed one balance, \
                     released the lock, then the other. Hold both keys' locks for the whole \
                     transfer.",
                    if sum < TOTAL { "neither" } else { "both" }
                )));
                return;
            }
        }
    })
    .map_err(|e| e.to_string())?;
    match problem.lock().take() {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

/// Transfers among many accounts, so that several share a stripe: a lock
/// order that is consistent for each pair of keys but not for the stripes
/// (by the keys' hashes, say) still deadlocks across four keys.
pub fn transfers_among_many_accounts_never_deadlock<M: ConcurrentMap<u64, u64> + 'static>()
-> Result<(), String> {
    const ACCOUNTS: u64 = 200;
    const START: u64 = 1_000;
    const PER_THREAD: usize = 30_000;
    let map = Arc::new(M::with_capacity(16));
    for account in 0..ACCOUNTS {
        map.insert(account, START);
    }
    Stress::new(
        THREADS,
        bugs::LOCK_ORDER_DEADLOCK,
        "transfers over several accounts wait on each other's locks in a cycle. Order the \
         locks by the stripe they live in (its index), the same order for every transfer.",
    )
    .deadline(Duration::from_secs(20))
    .run(Arc::clone(&map), |map, thread| {
        let mut rng = Rng::for_thread(101, thread);
        for _ in 0..PER_THREAD {
            let (from, to) = (rng.below(ACCOUNTS), rng.below(ACCOUNTS));
            let _ = map.transfer(&from, &to, 1 + rng.below(5));
        }
    })
    .map_err(|e| e.to_string())?;
    let total: u64 = (0..ACCOUNTS).map(|k| map.get(&k).unwrap_or(0)).sum();
    if total != ACCOUNTS * START {
        return Err(bugs::TORN_UPDATE.says(format!(
            "{ACCOUNTS} accounts started with {} in all and hold {total} after the transfers",
            ACCOUNTS * START
        )));
    }
    Ok(())
}

/// Transfers among sixteen keys of just two stripes of the map under test,
/// eight in each: every transfer between the two stripes takes both locks,
/// so any order of taking them that is not the stripes' own (the keys'
/// hashes, the arguments' order) meets its reverse at once.
pub fn transfers_across_two_stripes_never_deadlock<M>() -> Result<(), String>
where
    M: ConcurrentMap<u64, u64> + Striped<u64> + 'static,
{
    const START: u64 = 1_000;
    const PER_THREAD: usize = 20_000;
    let map = M::with_capacity(16);
    let first = map.stripe_of(&0);
    let Some(other) = (1..1_000_000u64)
        .map(|k| map.stripe_of(&k))
        .find(|s| *s != first)
    else {
        return Ok(()); // one stripe: nothing to order
    };
    let of_stripe = |stripe: usize| -> Vec<u64> {
        (0..10_000_000u64)
            .filter(|k| map.stripe_of(k) == stripe)
            .take(8)
            .collect()
    };
    let keys: Vec<u64> = [of_stripe(first), of_stripe(other)].concat();
    for key in &keys {
        map.insert(*key, START);
    }
    let total = START * keys.len() as u64;
    let shared = Arc::new((map, keys));
    Stress::new(
        THREADS,
        bugs::LOCK_ORDER_DEADLOCK,
        "transfers between two stripes each hold one stripe's lock and wait for the other's. \
         Take the two locks in the order of the stripes (their index), whatever the keys.",
    )
    .deadline(Duration::from_secs(20))
    .run(Arc::clone(&shared), |(map, keys), thread| {
        let mut rng = Rng::for_thread(103, thread);
        for _ in 0..PER_THREAD {
            let from = keys[rng.below(keys.len() as u64) as usize];
            let to = keys[rng.below(keys.len() as u64) as usize];
            let _ = map.transfer(&from, &to, 1 + rng.below(5));
        }
    })
    .map_err(|e| e.to_string())?;
    let (map, keys) = &*shared;
    let held: u64 = keys.iter().map(|k| map.get(k).unwrap_or(0)).sum();
    if held != total {
        return Err(bugs::TORN_UPDATE.says(format!(
            "16 accounts started with {total} in all and hold {held} after the transfers"
        )));
    }
    Ok(())
}

/// Threads insert disjoint keys into a map that starts small (so stripes
/// grow while others use them) and remove half of them; every write lands,
/// `len` counts what is left, and every removal returns its value.
pub fn concurrent_writes_all_land<M: ConcurrentMap<u64, u64> + 'static>() -> Result<(), String> {
    const PER_THREAD: u64 = 5_000;
    let map = Arc::new(M::with_capacity(1));
    Stress::new(
        THREADS,
        bugs::DEADLOCK,
        "insert or remove never returned: is a lock taken and never released?",
    )
    .run(Arc::clone(&map), |map, thread| {
        let base = thread as u64 * PER_THREAD;
        for key in base..base + PER_THREAD {
            if let Some(old) = map.insert(key, key) {
                panic!(
                    "{}",
                    bugs::LOST_UPDATE.says(format!(
                        "insert({key}) of a new key returned an old value {old}: \
                         a write of another thread landed on the wrong key"
                    ))
                );
            }
        }
        for key in (base..base + PER_THREAD).step_by(2) {
            let got = map.remove(&key);
            if got != Some(key) {
                panic!(
                    "{}",
                    bugs::LOST_UPDATE.says(format!(
                        "remove({key}) returned {}, not {key}: the insert was lost",
                        Answer::Value(got)
                    ))
                );
            }
        }
    })
    .map_err(|e| e.to_string())?;
    let expected = THREADS * PER_THREAD as usize / 2;
    if map.len() != expected || map.is_empty() {
        return Err(bugs::LOST_UPDATE.says(format!(
            "after every thread finished, len() is {} (is_empty() {}) where {expected} keys \
             remain",
            map.len(),
            map.is_empty()
        )));
    }
    for key in (1..THREADS as u64 * PER_THREAD).step_by(2) {
        if map.get(&key) != Some(key) {
            return Err(bugs::LOST_UPDATE.says(format!(
                "key {key} was inserted and never removed, but get finds {}",
                Answer::Value(map.get(&key))
            )));
        }
    }
    Ok(())
}

/// Writers insert and remove the same few keys, each insert a value no
/// other write uses, and keep every value `insert` and `remove` hand back.
/// Each method is atomic, so every value written comes back exactly once:
/// as the old value of a later insert, from a remove, or still in the map.
/// A value handed back twice, or never, means a method read the old value
/// and changed the map in two steps; and `len` must count the keys present.
pub fn every_value_comes_back_once<M: ConcurrentMap<u64, u64> + 'static>() -> Result<(), String> {
    const KEYS: u64 = 8;
    const OPS: u64 = 50_000;
    struct Shared<M> {
        map: M,
        returned: std::sync::Mutex<Vec<u64>>,
        inserts: std::sync::atomic::AtomicU64,
        writers_done: AtomicUsize,
        most_len: AtomicUsize,
    }
    let shared = Arc::new(Shared {
        map: M::with_capacity(4),
        returned: std::sync::Mutex::new(Vec::new()),
        inserts: std::sync::atomic::AtomicU64::new(0),
        writers_done: AtomicUsize::new(0),
        most_len: AtomicUsize::new(0),
    });
    // THREADS writers, and one more thread that watches len() meanwhile.
    Stress::new(
        THREADS + 1,
        bugs::DEADLOCK,
        "insert or remove never returned while others used the same keys",
    )
    .run(Arc::clone(&shared), |shared, thread| {
        if thread == THREADS {
            // Stops with the writers, or with the watchdog if they hang: a
            // watcher left spinning would burn a core for every later check.
            let started = Instant::now();
            while shared.writers_done.load(Ordering::Acquire) < THREADS
                && started.elapsed() < Duration::from_secs(12)
            {
                shared
                    .most_len
                    .fetch_max(shared.map.len(), Ordering::Relaxed);
            }
            return;
        }
        // Counted on the way out, a panic included: the watchdog reports the
        // panic at once, and the watcher must not wait for this writer.
        struct Done<'a>(&'a AtomicUsize);
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::Release);
            }
        }
        let _done = Done(&shared.writers_done);
        let mut rng = Rng::for_thread(17, thread);
        let (mut mine, mut inserts) = (Vec::new(), 0);
        for i in 0..OPS {
            let key = rng.below(KEYS);
            let back = if rng.below(2) == 0 {
                inserts += 1;
                shared.map.insert(key, (thread as u64) << 32 | i)
            } else {
                shared.map.remove(&key)
            };
            mine.extend(back);
        }
        shared.returned.lock().unwrap().extend(mine);
        shared.inserts.fetch_add(inserts, Ordering::Relaxed);
    })
    .map_err(|e| e.to_string())?;

    let map = &shared.map;
    let present: Vec<u64> = (0..KEYS).filter_map(|key| map.get(&key)).collect();
    let mut values = std::mem::take(&mut *shared.returned.lock().unwrap());
    values.extend(&present);
    let inserts = shared.inserts.load(Ordering::Relaxed) as usize;
    let accounted = values.len();
    values.sort_unstable();
    if let Some(twice) = values.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(bugs::CHECK_THEN_ACT.says(format!(
            "the value {:#x} (thread {}'s write number {}) came back twice, from two inserts or \
             removes of its key: one of them read the old value and changed the map in two \
             steps, with another thread's write in between",
            twice[0],
            twice[0] >> 32,
            twice[0] & 0xffff_ffff
        )));
    }
    if accounted != inserts {
        return Err(bugs::LOST_UPDATE.says(format!(
            "{inserts} values were inserted, but only {accounted} came back from insert, \
             remove or the map at the end: writes were lost"
        )));
    }
    if map.len() != present.len() {
        return Err(bugs::CHECK_THEN_ACT.says(format!(
            "after every thread finished, len() is {} where {} keys are present: an insert or \
             remove counted a change it did not make (did it check for the key before taking \
             the lock?), or made one it did not count",
            map.len(),
            present.len()
        )));
    }
    let most = shared.most_len.load(Ordering::Relaxed);
    if most > KEYS as usize + THREADS {
        return Err(bugs::TORN_UPDATE.says(format!(
            "len() returned {most} while {THREADS} threads inserted and removed {KEYS} keys: a \
             count can be off by the writes in progress, never more"
        )));
    }
    Ok(())
}

/// Readers and writers on the same few keys at once: every `get` returns a
/// value some writer wrote (never one nobody wrote), and the map ends
/// holding the last write of each key.
pub fn reads_during_writes_see_written_values<M: ConcurrentMap<u64, u64> + 'static>()
-> Result<(), String> {
    const KEYS: u64 = 8;
    const WRITES: u64 = 20_000;
    let map = Arc::new(M::with_capacity(4));
    // Writer w writes key k the values w * 2^40 + i for rising i; readers
    // check each value's shape and that a writer's values never go back,
    // and that len() stays a count of keys that can exist.
    Stress::new(
        THREADS,
        bugs::DEADLOCK,
        "get, insert or remove never returned while others ran",
    )
    .run(Arc::clone(&map), |map, thread| {
        let writer = thread < 2;
        let mut last = [[0u64; 2]; KEYS as usize];
        for i in 1..=WRITES {
            let key = i % KEYS;
            if !writer {
                // An estimate may lag the writes in flight (one per writer),
                // never more: a count that wraps below zero is not one.
                let len = map.len();
                assert!(
                    len <= KEYS as usize + 2,
                    "{}",
                    bugs::TORN_UPDATE.says(format!(
                        "len() returned {len} while two writers inserted and removed {KEYS} \
                         keys: a count kept apart from the stripes was read half updated"
                    ))
                );
            }
            if writer {
                map.insert(key, (thread as u64) << 40 | i);
                // Keys come and go often, so that inserts of new keys and
                // removes meet.
                if i % 3 == 0 {
                    map.remove(&key);
                }
            } else if let Some(value) = map.get(&key) {
                let (w, n) = ((value >> 40) as usize, value & ((1 << 40) - 1));
                assert!(
                    w < 2 && n % KEYS == key && n <= WRITES,
                    "{}",
                    bugs::WRONG_ANSWER.says(format!(
                        "get({key}) returned {value:#x}, a value no thread wrote for this key"
                    ))
                );
                assert!(
                    n >= last[key as usize][w],
                    "{}",
                    bugs::STALE_READ.says(format!(
                        "get({key}) returned writer {w}'s write number {n} after it had \
                         returned number {}: a read went back in time",
                        last[key as usize][w]
                    ))
                );
                last[key as usize][w] = n;
            }
        }
    })
    .map_err(|e| e.to_string())?;
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
        return Err(bugs::NO_STRIPING.says(format!("the map has {} stripe(s)", map.stripes())));
    }
    if let Some(key) = (0..10_000u64).find(|k| map.stripe_of(k) >= map.stripes()) {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "stripe_of({key}) is {}, but there are only {} stripes",
            map.stripe_of(&key),
            map.stripes()
        )));
    }
    let first = 0u64;
    let Some(second) = (1..10_000).find(|k| map.stripe_of(k) != map.stripe_of(&first)) else {
        return Err(bugs::NO_STRIPING.says("10 000 keys all landed in one stripe"));
    };
    map.insert(first, 0);
    map.insert(second, 0);
    let entered = AtomicBool::new(false);
    let second_done = AtomicBool::new(false);
    let waited_in_vain = AtomicBool::new(false);
    let shared = Arc::new((map, entered, second_done, waited_in_vain));
    Stress::new(
        2,
        bugs::DEADLOCK,
        "an update of one stripe waited for ever while another stripe was held",
    )
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
                // Bounded: if the first thread never gets in (a panic), this
                // one must not spin for the rest of the test binary.
                let since = Instant::now();
                while !entered.load(Ordering::SeqCst) {
                    if since.elapsed() > Duration::from_secs(5) {
                        return;
                    }
                    std::thread::yield_now();
                }
                map.update(&second, |v| *v += 1);
                second_done.store(true, Ordering::SeqCst);
            }
        },
    )
    .map_err(|e| e.to_string())?;
    if shared.3.load(Ordering::SeqCst) {
        return Err(bugs::NO_STRIPING.says(format!(
            "an update of key {second} (stripe {}) waited while key {first} \
             (stripe {}) was held. Are the stripes really locked separately?",
            shared.0.stripe_of(&second),
            shared.0.stripe_of(&first)
        )));
    }
    Ok(())
}
