//! The conformance suite, shared by `conformance.rs` (every implementation
//! must pass) and `bugs.rs` (every bug-zoo variant must fail). Each check
//! returns `Err` with a message that names the bug class it found.

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use kit::stress::Stress;
use kit::workload::Queries;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use topk::TopK;

/// The true counts of a stream, as a sorted top list.
pub fn model_top(counts: &HashMap<String, u64>, k: usize) -> Vec<(String, u64)> {
    topk::select_top(counts.iter().map(|(q, &c)| (q.as_str(), c)), k)
}

/// Names what is wrong with `got` against the true `counts`, or None.
fn diagnose(got: &[(String, u64)], counts: &HashMap<String, u64>, k: usize) -> Option<String> {
    for (query, reported) in got {
        let actual = counts.get(query).copied().unwrap_or(0);
        if *reported < actual {
            return Some(format!(
                "stale or lost count: top reported {query:?} with {reported}, it was recorded {actual} times"
            ));
        }
        if *reported > actual {
            return Some(format!(
                "overcount: top reported {query:?} with {reported}, it was recorded only {actual} times"
            ));
        }
    }
    let want = model_top(counts, k);
    (got != want.as_slice()).then(|| {
        format!("wrong top {k}: got {got:?}, the counts give {want:?} (order: count descending, then query by bytes)")
    })
}

#[derive(Debug, Clone)]
enum Cmd {
    Record(usize),
    RecordN(usize, u64),
    Top(usize),
}

/// Queries that tie and sort by bytes in tricky ways.
const WORDS: [&str; 8] = ["a", "b", "B", "ab", "a b", "é", "z", "aa"];

fn cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        4 => (0..WORDS.len()).prop_map(Cmd::Record),
        1 => (0..WORDS.len(), 0..5u64).prop_map(|(w, n)| Cmd::RecordN(w, n)),
        1 => (0..10usize).prop_map(Cmd::Top),
    ]
}

/// One thread: after every step, `top(k)` is exactly what the counts say.
pub fn sequential_matches_model<T: TopK>(make: impl Fn() -> T) -> Result<(), String> {
    let config = Config {
        cases: 200,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new(config)
        .run(&proptest::collection::vec(cmd(), 1..80), |cmds| {
            let counter = make();
            let mut counts: HashMap<String, u64> = HashMap::new();
            for cmd in &cmds {
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
                            return Err(TestCaseError::fail(problem));
                        }
                    }
                }
            }
            match diagnose(&counter.top(WORDS.len()), &counts, WORDS.len()) {
                Some(problem) => Err(TestCaseError::fail(problem)),
                None => Ok(()),
            }
        })
        .map_err(|e| format!("wrong answer on one thread (no concurrency involved): {e}"))
}

/// A Zipf stream split over `threads` threads; afterwards every count is
/// exact.
pub fn exact_under_threads<T: TopK + 'static>(make: impl Fn() -> T) -> Result<(), String> {
    let queries = Arc::new(Queries::new(300, 1.0, 11));
    for threads in [1, 2, 3, 4, 8] {
        let per_thread = 12_000;
        let counter = Arc::new(make());
        let shared = (Arc::clone(&counter), Arc::clone(&queries));
        Stress::new(threads, "a deadlock while recording")
            .run(Arc::new(shared), move |(counter, queries), thread| {
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
        let all = queries.vocabulary.len();
        if let Some(problem) = diagnose(&counter.top(all), &counts, all) {
            let problem = problem.replace("stale or lost count", "lost count");
            return Err(format!("{threads} threads: {problem}"));
        }
    }
    Ok(())
}

/// `top` while other threads record: every answer is ordered, and no count
/// ever goes backwards from one answer to the next.
pub fn top_while_recording<T: TopK + 'static>(make: impl Fn() -> T) -> Result<(), String> {
    const RECORDERS: usize = 3;
    let queries = Arc::new(Queries::new(200, 1.1, 3));
    let counter = Arc::new(make());
    let done = Arc::new(AtomicBool::new(false));
    let problem = Arc::new(kit::sync::Mutex::new(None::<String>));
    let shared = Arc::new((Arc::clone(&counter), queries, done, Arc::clone(&problem)));
    Stress::new(RECORDERS + 1, "a deadlock between top and record")
        .run(shared, |(counter, queries, done, problem), thread| {
            if thread < RECORDERS {
                for q in queries.stream(5, thread, 20_000) {
                    counter.record(queries.text(q));
                }
                done.store(true, Ordering::SeqCst);
                return;
            }
            let mut last: HashMap<String, u64> = HashMap::new();
            while !done.load(Ordering::SeqCst) {
                let top = counter.top(20);
                if top.windows(2).any(|w| topk::rank((&w[0].0, w[0].1), (&w[1].0, w[1].1)).is_gt()) {
                    *problem.lock() = Some(format!("unordered answer: {top:?}"));
                    return;
                }
                for (query, count) in top {
                    let before = last.insert(query.clone(), count).unwrap_or(0);
                    if count < before {
                        *problem.lock() = Some(format!(
                            "torn read: {query:?} was counted {before}, then {count}: a count went backwards"
                        ));
                        return;
                    }
                }
            }
        })
        .map_err(|e| e.to_string())?;
    match problem.lock().take() {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

/// One adversarial or realistic stream for the bounded-memory guarantees.
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
        Stress::new(threads, "a deadlock while recording")
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
                return Err(format!(
                    "{}: undercount: {query:?} reported {estimate}, occurred {actual} times. \
                     Space-Saving never undercounts: a new query must inherit the evicted count.",
                    case.name
                ));
            }
        }
        for (query, actual) in &counts {
            if *actual > n / m as u64 && !reported.iter().any(|(q, _)| q == query) {
                return Err(format!(
                    "{}: missed heavy hitter: {query:?} occurred {actual} times, above N/m = {}, \
                     and is not reported",
                    case.name,
                    n / m as u64
                ));
            }
        }
    }
    Ok(())
}
