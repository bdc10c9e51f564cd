//! The conformance suite, shared by `conformance.rs` (every implementation
//! must pass) and `bugs.rs` (every bug-zoo variant must fail).
//!
//! Each check tests promises of the `TopK` contract in `src/lib.rs` (the
//! README's "What the suite checks" lists them) and returns `Err` with a
//! message that names the bug class it found (`kit::bugs`).

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use kit::bugs;
use kit::stress::Stress;
use kit::workload::{Queries, Rng};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use topk::TopK;

/// The true counts of a stream, as a sorted top list.
pub fn model_top(counts: &HashMap<String, u64>, k: usize) -> Vec<(String, u64)> {
    topk::select_top(counts.iter().map(|(q, &c)| (q.as_str(), c)), k)
}

/// What is wrong with `got`, the answer to `top(k)`, against the true
/// `counts`, or None. A query recorded only with `n = 0` has count 0, and
/// the contract lets `top` list it (last) or leave it out.
fn diagnose(got: &[(String, u64)], counts: &HashMap<String, u64>, k: usize) -> Option<String> {
    for (query, reported) in got {
        let actual = counts.get(query).copied().unwrap_or(0);
        let q = query.escape_debug();
        if *reported < actual {
            return Some(bugs::STALE_READ.says(format!(
                "top reported \"{q}\" with {reported}, but it was recorded {actual} times"
            )));
        }
        if *reported > actual {
            return Some(bugs::WRONG_ANSWER.says(format!(
                "top reported \"{q}\" with {reported}, but it was recorded only {actual} times"
            )));
        }
    }
    if got.len() > k {
        return Some(bugs::WRONG_ANSWER.says(format!(
            "top({k}) returned {} entries: {}",
            got.len(),
            bugs::listed(got)
        )));
    }
    let nonzero = |top: &[(String, u64)]| -> Vec<(String, u64)> {
        top.iter().filter(|(_, c)| *c > 0).cloned().collect()
    };
    let want = model_top(counts, k);
    (nonzero(got) != nonzero(&want)).then(|| {
        bugs::WRONG_ANSWER.says(format!(
            "top({k}) returned {}, the counts give {} (order: count descending, then query \
             ascending by bytes)",
            bugs::listed(got),
            bugs::listed(&want)
        ))
    })
}

#[derive(Clone)]
enum Cmd {
    Record(usize),
    RecordN(usize, u64),
    Top(usize),
}

impl std::fmt::Debug for Cmd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Cmd::Record(w) => write!(f, "record(\"{}\")", WORDS[w].escape_debug()),
            Cmd::RecordN(w, n) => write!(f, "record_n(\"{}\", {n})", WORDS[w].escape_debug()),
            Cmd::Top(k) => write!(f, "top({k})"),
        }
    }
}

/// Look-alike queries that tie and sort by bytes in tricky ways: upper case
/// before lower, a precomposed é after z, an e with a combining accent, a
/// space, an empty query.
const WORDS: [&str; 11] = [
    "a", "b", "B", "ab", "a b", "é", "e\u{301}", "z", "aa", "", "A",
];

fn cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        4 => (0..WORDS.len()).prop_map(Cmd::Record),
        1 => (0..WORDS.len(), 0..5u64).prop_map(|(w, n)| Cmd::RecordN(w, n)),
        1 => prop_oneof![9 => 0..12usize, 1 => Just(usize::MAX)].prop_map(Cmd::Top),
    ]
}

/// How long a one-thread check may take before it counts as stuck.
const ONE_THREAD: Duration = Duration::from_secs(10);

/// One thread: after every step, `top(k)` is exactly what the counts say,
/// for every `k` from 0 past the number of queries.
pub fn sequential_matches_model<T: TopK + 'static>(
    make: impl Fn() -> T + Send + 'static,
) -> Result<(), String> {
    kit::stress::watch(ONE_THREAD, kit::stress::ONE_THREAD_HANG, move || {
        run_model(make)
    })
}

fn run_model<T: TopK>(make: impl Fn() -> T) -> Result<(), String> {
    let config = Config {
        cases: 200,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new(config)
        .run(&proptest::collection::vec(cmd(), 1..80), |cmds| {
            let counter = make();
            let mut counts: HashMap<String, u64> = HashMap::new();
            if !counter.top(5).is_empty() {
                return Err(TestCaseError::fail(
                    "a new counter's top(5) is not empty".to_string(),
                ));
            }
            for (step, cmd) in cmds.iter().enumerate() {
                match *cmd {
                    Cmd::Record(w) => {
                        counter.record(WORDS[w]);
                        *counts.entry(WORDS[w].to_string()).or_default() += 1;
                    }
                    Cmd::RecordN(w, n) => {
                        counter.record_n(WORDS[w], n);
                        *counts.entry(WORDS[w].to_string()).or_default() += n;
                    }
                    Cmd::Top(k) => {
                        if let Some(problem) = diagnose(&counter.top(k), &counts, k) {
                            return Err(TestCaseError::fail(format!(
                                "step {}, {cmd:?}: {problem}",
                                step + 1
                            )));
                        }
                    }
                }
            }
            // Any k, however large, is fine: fewer results, never a panic.
            match diagnose(&counter.top(usize::MAX), &counts, usize::MAX) {
                Some(problem) => Err(TestCaseError::fail(format!(
                    "at the end, top(usize::MAX): {problem}"
                ))),
                None => Ok(()),
            }
        })
        .map_err(|e| match e {
            TestError::Fail(why, cmds) => format!(
                "{}. On one thread, no concurrency involved; the shortest sequence that \
                 shows it: {}",
                bugs::named(why.message()),
                cmds.iter()
                    .map(|c| format!("{c:?}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            TestError::Abort(why) => bugs::WRONG_ANSWER.says(format!("the test gave up: {why}")),
        })
}

/// A Zipf stream split over `threads` threads, and one hot query hammered by
/// all of them; afterwards every count is exact. The recorders now and then
/// yield between records, so their schedules interleave differently on
/// every run.
pub fn exact_under_threads<T: TopK + 'static>(make: impl Fn() -> T) -> Result<(), String> {
    let queries = Arc::new(Queries::new(300, 1.0, 11));
    for threads in [1, 2, 3, 4, 8] {
        let per_thread = 12_000;
        let counter = Arc::new(make());
        let shared = (Arc::clone(&counter), Arc::clone(&queries));
        Stress::new(
            threads,
            bugs::DEADLOCK,
            "record never returned: is a lock taken and never released?",
        )
        .run(Arc::new(shared), move |(counter, queries), thread| {
            let mut rng = Rng::for_thread(23, thread);
            for (i, q) in queries
                .stream(7, thread, per_thread)
                .into_iter()
                .enumerate()
            {
                // Every fifth occurrence arrives as a small batch.
                if i % 5 == 0 {
                    counter.record_n(queries.text(q), 2);
                } else {
                    counter.record(queries.text(q));
                }
                counter.record("hot");
                if rng.below(256) == 0 {
                    std::thread::yield_now();
                }
            }
        })
        .map_err(|e| format!("{threads} threads: {e}"))?;
        let mut counts: HashMap<String, u64> = HashMap::new();
        for thread in 0..threads {
            for (i, q) in queries
                .stream(7, thread, per_thread)
                .into_iter()
                .enumerate()
            {
                *counts.entry(queries.text(q).to_string()).or_default() +=
                    if i % 5 == 0 { 2 } else { 1 };
            }
        }
        counts.insert("hot".to_string(), (threads * per_thread) as u64);
        let all = counts.len();
        let top = counter.top(all);
        for (query, &actual) in &counts {
            let reported = count_in(&top, query);
            if reported >= actual {
                continue;
            }
            // Every thread has finished: a count below the truth is either
            // a record that never landed, or an answer that ignores records
            // (a stale cache). One more record tells them apart: a count
            // that moves on from where it was lost records; an answer that
            // then stays put, or jumps to the truth, ignored them.
            counter.record(query);
            let again = count_in(&counter.top(all), query);
            let problem = if again == reported + 1 && again != actual + 1 {
                bugs::LOST_UPDATE.says(format!(
                    "\"{query}\" was recorded {actual} times, the counter holds {reported}"
                ))
            } else {
                bugs::STALE_READ.says(format!(
                    "\"{query}\" was recorded {actual} times and top says {reported}; after \
                     one more record it says {again}: the answer ignores records"
                ))
            };
            return Err(format!("{threads} threads: {problem}"));
        }
        if let Some(problem) = diagnose(&top, &counts, all) {
            return Err(format!("{threads} threads: {problem}"));
        }
    }
    Ok(())
}

/// The count `top` gave `query`, 0 if it is not listed.
fn count_in(top: &[(String, u64)], query: &str) -> u64 {
    top.iter().find(|(q, _)| q == query).map_or(0, |(_, c)| *c)
}

/// `top` while other threads record: every answer is ordered, no count
/// ever goes backwards from one answer to the next, and every reported
/// count lies between the records of that query finished before `top` was
/// called and those begun before it returned (the answer reflects a recent
/// moment, not a stale cache and not records that never happened). Once
/// the recorders stop, `top` is exact. Three schedules: many recorders on a
/// few hot queries; two readers and many queries (so that buffered records
/// are flushed while others read); one recorder that pauses after every
/// record, so that a reader's `top` often falls between two records.
pub fn top_while_recording<T: TopK + 'static>(make: impl Fn() -> T) -> Result<(), String> {
    for schedule in [
        Schedule {
            recorders: 3,
            readers: 1,
            vocabulary: 40,
            records: 20_000,
            pause: 128,
            rest: None,
        },
        Schedule {
            recorders: 2,
            readers: 2,
            vocabulary: 300,
            records: 20_000,
            pause: 128,
            rest: None,
        },
        Schedule {
            recorders: 1,
            readers: 1,
            vocabulary: 40,
            records: 3_000,
            pause: 1,
            rest: Some(Duration::from_micros(30)),
        },
    ] {
        top_while_recording_with(make(), schedule).map_err(|problem| {
            format!(
                "{problem} ({} recorder(s), {} reader(s), {} queries)",
                schedule.recorders, schedule.readers, schedule.vocabulary
            )
        })?;
    }
    Ok(())
}

/// Who records and who reads in [`top_while_recording`].
#[derive(Debug, Clone, Copy)]
struct Schedule {
    recorders: usize,
    readers: usize,
    vocabulary: usize,
    /// Records per recorder.
    records: usize,
    /// A recorder pauses after one record in this many.
    pause: u64,
    /// How it pauses: a sleep this long, or (`None`) a yield. A sleep lets
    /// the reader call `top` between every two records.
    rest: Option<Duration>,
}

fn top_while_recording_with<T: TopK + 'static>(
    counter: T,
    schedule: Schedule,
) -> Result<(), String> {
    let Schedule {
        recorders,
        readers,
        vocabulary,
        records,
        pause,
        rest,
    } = schedule;
    let queries = Arc::new(Queries::new(vocabulary as u64, 1.1, 3));
    let counter = Arc::new(counter);
    // Per query: records begun and records finished.
    let begun: Arc<Vec<AtomicU64>> = Arc::new((0..vocabulary).map(|_| AtomicU64::new(0)).collect());
    let finished: Arc<Vec<AtomicU64>> =
        Arc::new((0..vocabulary).map(|_| AtomicU64::new(0)).collect());
    let done = Arc::new(AtomicBool::new(false));
    let problem = Arc::new(kit::sync::Mutex::new(None::<String>));
    let shared = Arc::new((
        Arc::clone(&counter),
        Arc::clone(&queries),
        done,
        Arc::clone(&problem),
        begun,
        Arc::clone(&finished),
    ));
    Stress::new(
        recorders + readers,
        bugs::DEADLOCK,
        "top and record wait for each other for ever",
    )
    .run(
        shared,
        move |(counter, queries, done, problem, begun, finished), thread| {
            if thread < recorders {
                // The readers stop when a recorder ends, by a return or a
                // panic.
                let _finished = kit::stress::Finish::new(done);
                let mut rng = Rng::for_thread(31, thread);
                for (i, q) in queries.stream(5, thread, records).into_iter().enumerate() {
                    let n = if i % 7 == 0 { 3 } else { 1 };
                    begun[q as usize].fetch_add(n, Ordering::SeqCst);
                    counter.record_n(queries.text(q), n);
                    finished[q as usize].fetch_add(n, Ordering::SeqCst);
                    if rng.below(pause) == 0 {
                        match rest {
                            Some(rest) => std::thread::sleep(rest),
                            None => std::thread::yield_now(),
                        }
                    }
                }
                return;
            }
            let index: HashMap<&str, usize> = (0..vocabulary)
                .map(|q| (queries.text(q as u32), q))
                .collect();
            let mut last: HashMap<String, u64> = HashMap::new();
            let fail = |message: String| *problem.lock() = Some(message);
            while !done.load(Ordering::SeqCst) {
                let low: Vec<u64> = finished.iter().map(|c| c.load(Ordering::SeqCst)).collect();
                let top = counter.top(vocabulary);
                let high: Vec<u64> = begun.iter().map(|c| c.load(Ordering::SeqCst)).collect();
                if let Some(w) = top
                    .windows(2)
                    .find(|w| topk::rank((&w[0].0, w[0].1), (&w[1].0, w[1].1)).is_gt())
                {
                    return fail(bugs::WRONG_ANSWER.says(format!(
                        "top returned {} before {}: not count descending, then query by bytes",
                        bugs::listed(&w[..1]),
                        bugs::listed(&w[1..])
                    )));
                }
                for (query, count) in &top {
                    let Some(&q) = index.get(query.as_str()) else {
                        return fail(bugs::WRONG_ANSWER.says(format!(
                            "top reported \"{}\", a query nobody recorded",
                            query.escape_debug()
                        )));
                    };
                    if *count < low[q] {
                        return fail(bugs::STALE_READ.says(format!(
                            "top reported \"{query}\" with {count}, but {} of its records had \
                             finished before top was called",
                            low[q]
                        )));
                    }
                    if *count > high[q] {
                        return fail(bugs::WRONG_ANSWER.says(format!(
                            "top reported \"{query}\" with {count}, but only {} of its records \
                             had begun when top returned",
                            high[q]
                        )));
                    }
                    let before = last.insert(query.clone(), *count).unwrap_or(0);
                    if *count < before {
                        return fail(bugs::TORN_UPDATE.says(format!(
                            "\"{query}\" was counted {before}, then {count}: a count went \
                             backwards between two calls of top"
                        )));
                    }
                }
                if let Some(q) = (0..vocabulary)
                    .find(|&q| low[q] > 0 && !top.iter().any(|(t, _)| index[t.as_str()] == q))
                {
                    return fail(bugs::STALE_READ.says(format!(
                        "top({vocabulary}) left out \"{}\", recorded {} times before the call",
                        queries.text(q as u32),
                        low[q]
                    )));
                }
            }
        },
    )
    .map_err(|e| e.to_string())?;
    if let Some(problem) = problem.lock().take() {
        return Err(problem);
    }
    // Every recorder has stopped: now the answer is exact.
    let top = counter.top(vocabulary);
    for q in 0..vocabulary {
        let (want, query) = (finished[q].load(Ordering::SeqCst), queries.text(q as u32));
        let got = count_in(&top, query);
        if want > 0 && got != want {
            return Err(bugs::STALE_READ.says(format!(
                "after every recorder had stopped, top gave \"{query}\" {got}; it was recorded \
                 {want} times"
            )));
        }
    }
    Ok(())
}

/// Many threads record the same new queries in the same order, so that the
/// first record of each query races across all of them: a first record
/// must not overwrite another's (a count of 1 where there were 4). The
/// queries are long, as real ones can be, so that anything done between two
/// lock acquisitions for a new query (making its key) takes a while.
pub fn first_records_race<T: TopK + 'static>(make: impl Fn() -> T) -> Result<(), String> {
    // A race shows only when two threads make a query's first record at
    // the same moment, which a busy machine (CI runs several checks at
    // once) sometimes never lets happen in one pass: CI once passed the
    // zoo's race. A correct counter passes every pass, so five passes
    // cost it time only, and a racy one must hide from all five.
    for _ in 0..5 {
        first_records_race_once(&make)?;
    }
    Ok(())
}

fn first_records_race_once<T: TopK + 'static>(make: &impl Fn() -> T) -> Result<(), String> {
    const THREADS: usize = 4;
    const QUERIES: usize = 5_000;
    let padding = "…".repeat(400);
    let query = move |i: usize| format!("new query {i} {padding}");
    // Made before the threads start, so that they meet on each query's
    // first record, not on making its text.
    let texts: Arc<Vec<String>> = Arc::new((0..QUERIES).map(&query).collect());
    let counter = Arc::new(make());
    Stress::new(
        THREADS,
        bugs::DEADLOCK,
        "record never returned: is a lock taken and never released?",
    )
    .run(
        Arc::new((Arc::clone(&counter), Arc::clone(&texts))),
        |(counter, texts), _| {
            for text in texts.iter() {
                counter.record(text);
            }
        },
    )
    .map_err(|e| e.to_string())?;
    let top = counter.top(usize::MAX);
    for i in 0..QUERIES {
        let query = query(i);
        let count = count_in(&top, &query);
        if count != THREADS as u64 {
            let query: String = query.chars().take(16).collect();
            return Err(bugs::LOST_UPDATE.says(format!(
                "\"{query}…\" was recorded once by each of {THREADS} threads at about the same \
                 moment, and counts {count}: a first record wrote over another. A new query's \
                 count must be created and added to under one lock acquisition (look again \
                 after taking the lock)."
            )));
        }
    }
    Ok(())
}

/// One adversarial or realistic stream for the bounded-memory guarantees.
#[derive(Clone)]
pub struct Case {
    pub name: &'static str,
    pub stream: Vec<String>,
}

pub fn bounded_cases() -> Vec<Case> {
    let distinct: Vec<String> = (0..5_000).map(|i| format!("distinct {i}")).collect();
    let heavy: Vec<String> = (0..3_000)
        .map(|i| {
            if i % 3 == 0 {
                "heavy".to_string()
            } else {
                format!("once {i}")
            }
        })
        .collect();
    let ties: Vec<String> = (0..2_000).map(|i| format!("tie {}", i % 200)).collect();
    // Heavy hitters that arrive last, after the counters are full of others.
    let late: Vec<String> = (0..4_000)
        .map(|i| {
            if i < 3_000 {
                format!("early {i}")
            } else {
                format!("late {}", i % 4)
            }
        })
        .collect();
    // Heavy queries first, then new ones while counters are still free:
    // each newcomer starts below counters already counted many times, so
    // a summary that keeps its smallest counter at hand must move it there
    // (and evict it, not a heavy one, once the counters are full).
    let heavy_first: Vec<String> = (0..40)
        .flat_map(|i| std::iter::repeat_n(format!("heavy {i}"), 10))
        .chain((0..2_000).map(|i| format!("newcomer {i}")))
        .collect();
    let queries = Queries::new(2_000, 1.0, 9);
    let zipf: Vec<String> = queries
        .stream(3, 0, 60_000)
        .into_iter()
        .map(|q| queries.text(q).to_string())
        .collect();
    vec![
        Case {
            name: "all distinct",
            stream: distinct,
        },
        Case {
            name: "one heavy hitter",
            stream: heavy,
        },
        Case {
            name: "ties",
            stream: ties,
        },
        Case {
            name: "heavy hitters last",
            stream: late,
        },
        Case {
            name: "heavy ones first, then newcomers",
            stream: heavy_first,
        },
        Case {
            name: "zipf",
            stream: zipf,
        },
    ]
}

/// The Space-Saving guarantees, checked through `TopK` alone, with the stream
/// split over `threads` threads and `m` counters per thread:
/// no reported count is below the truth, and every query that occurred more
/// than N/m times is reported.
pub fn bounded_guarantees<T: TopK + 'static>(
    make: impl Fn(usize) -> T,
    m: usize,
    threads: usize,
) -> Result<(), String> {
    for case in bounded_cases() {
        let counter = Arc::new(make(m));
        let stream = Arc::new(case.stream);
        let shared = Arc::new((Arc::clone(&counter), Arc::clone(&stream)));
        Stress::new(
            threads,
            bugs::DEADLOCK,
            "record never returned: is a lock taken and never released?",
        )
        .run(shared, move |(counter, stream), thread| {
            for query in stream.iter().skip(thread).step_by(threads) {
                counter.record(query);
            }
        })
        .map_err(|e| format!("{}: {e}", case.name))?;
        let mut counts: HashMap<&str, u64> = HashMap::new();
        for query in stream.iter() {
            *counts.entry(query.as_str()).or_default() += 1;
        }
        let n = stream.len() as u64;
        let reported = counter.top(usize::MAX);
        for (query, estimate) in &reported {
            let actual = counts.get(query.as_str()).copied().unwrap_or(0);
            if *estimate < actual {
                return Err(bugs::BROKEN_GUARANTEE.says(format!(
                    "{}: undercount: \"{query}\" reported {estimate}, occurred {actual} times. \
                     Space-Saving never undercounts: a new query must inherit the evicted count.",
                    case.name
                )));
            }
        }
        for (query, actual) in &counts {
            if *actual > n / m as u64 && !reported.iter().any(|(q, _)| q == query) {
                return Err(bugs::BROKEN_GUARANTEE.says(format!(
                    "{}: missed heavy hitter: \"{query}\" occurred {actual} times, above \
                     N/m = {}, and is not reported",
                    case.name,
                    n / m as u64
                )));
            }
        }
    }
    Ok(())
}

/// Space-Saving on one thread, step by step: whichever counter a new query
/// takes over among equal smallest ones, the counts held are the same
/// multiset as the algorithm's (Metwally et al.): a query already counted
/// adds one; a new one takes a free counter at 1, or the smallest counter's
/// count plus one. A counter that is not the smallest, taken over, shows.
pub fn space_saving_follows_the_algorithm<T: TopK + 'static>(
    make: impl Fn(usize) -> T,
    m: usize,
) -> Result<(), String> {
    // Once with single records, once with weighted ones (`record_n`): a
    // weight lets a new counter start below older ones, which single
    // records never do, so a smallest-counter search that only works when
    // new counters are the smallest shows only here.
    for (case, weighted) in bounded_cases()
        .into_iter()
        .flat_map(|case| [(case.clone(), false), (case, true)])
    {
        let counter = make(m);
        let mut model: HashMap<String, u64> = HashMap::new();
        for (position, query) in case.stream.iter().enumerate() {
            let n = if weighted {
                1 + (position % 7) as u64
            } else {
                1
            };
            counter.record_n(query, n);
            if let Some(count) = model.get_mut(query) {
                *count += n;
            } else if model.len() < m {
                model.insert(query.clone(), n);
            } else {
                let (smallest, count) = model
                    .iter()
                    .min_by_key(|(_, c)| **c)
                    .map(|(q, c)| (q.clone(), *c))
                    .expect("m counters");
                model.remove(&smallest);
                model.insert(query.clone(), count + n);
            }
        }
        let mut want: Vec<u64> = model.values().copied().collect();
        let mut got: Vec<u64> = counter.top(usize::MAX).iter().map(|(_, c)| *c).collect();
        want.sort_unstable();
        got.sort_unstable();
        if got != want {
            let first = (0..got.len().max(want.len())).find(|&i| got.get(i) != want.get(i));
            return Err(bugs::BROKEN_GUARANTEE.says(format!(
                "{}: after {} {} the {} counters hold counts that Space-Saving with {m} \
                 counters never holds (sorted, they first differ at position {}: {:?} where \
                 the algorithm has {:?}). A new query must take over the smallest counter.",
                case.name,
                case.stream.len(),
                if weighted {
                    "weighted records (record_n)"
                } else {
                    "queries"
                },
                got.len(),
                first.map_or(0, |i| i + 1),
                first.and_then(|i| got.get(i)),
                first.and_then(|i| want.get(i)),
            )));
        }
    }
    Ok(())
}
