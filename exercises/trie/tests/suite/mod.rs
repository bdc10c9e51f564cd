//! The conformance suite, shared by `conformance.rs` (every implementation
//! must pass) and `bugs.rs` (every bug-zoo variant must fail).
//!
//! Each check tests promises of the `Suggester` contract in `src/lib.rs`
//! (the README's "What the suite checks" lists them) and returns `Err` with
//! a message that names the bug class it found (`kit::bugs`).

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use kit::bugs;
use kit::stress::Stress;
use kit::workload::Rng;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use trie::{Suggester, Trie, rank};

/// How long a one-thread check may take before it counts as stuck.
const ONE_THREAD: Duration = Duration::from_secs(15);

/// A proptest failure, named: the checks' own messages name their class;
/// anything else is a panic in the code under test.
fn named<T: std::fmt::Debug>(e: TestError<T>) -> String {
    match e {
        TestError::Fail(why, input) => {
            let why = bugs::named(why.message());
            format!(
                "{why}. On one thread, no concurrency involved; the failing input, shrunk: {input:?}"
            )
        }
        TestError::Abort(why) => bugs::WRONG_ANSWER.says(format!("the test gave up: {why}")),
    }
}

/// The model: every sentence with its count, searched by brute force.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub counts: HashMap<String, u64>,
}

impl Model {
    pub fn record(&mut self, sentence: &str, n: u64) {
        if n > 0 {
            *self.counts.entry(sentence.to_string()).or_default() += n;
        }
    }

    fn best(&self, matches: impl Fn(&str) -> bool, k: usize) -> Vec<(String, u64)> {
        let mut all: Vec<(String, u64)> = self
            .counts
            .iter()
            .filter(|(s, _)| matches(s))
            .map(|(s, c)| (s.clone(), *c))
            .collect();
        all.sort_by(|a, b| rank((&a.0, a.1), (&b.0, b.1)));
        all.truncate(k);
        all
    }

    pub fn suggest(&self, prefix: &str, k: usize) -> Vec<(String, u64)> {
        self.best(|s| s.starts_with(prefix), k)
    }

    pub fn suggest_fuzzy(&self, prefix: &str, max_edits: usize, k: usize) -> Vec<(String, u64)> {
        self.best(|s| prefix_distance(prefix, s) <= max_edits, k)
    }
}

/// The least edit distance between `typed` and any prefix of `sentence`.
pub fn prefix_distance(typed: &str, sentence: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (typed.chars().collect(), sentence.chars().collect());
    // previous[j]: distance from a[..i] to b[..j].
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut current = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let substitute = previous[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            current[j] = substitute.min(previous[j] + 1).min(current[j - 1] + 1);
        }
        previous = current;
    }
    previous.into_iter().min().unwrap_or(0)
}

/// Names what is wrong with `got` against the model's `want`.
fn diagnose(
    what: &str,
    got: &[(String, u64)],
    want: &[(String, u64)],
    model: &Model,
) -> Option<String> {
    if got == want {
        return None;
    }
    for (sentence, count) in got {
        let actual = model.counts.get(sentence).copied().unwrap_or(0);
        if *count < actual {
            return Some(bugs::STALE_READ.says(format!(
                "{what} gave \"{}\" with {count}, but it was searched {actual} times",
                sentence.escape_debug()
            )));
        }
    }
    if let Some((missing, count)) = want.iter().find(|(s, _)| !got.iter().any(|(g, _)| g == s)) {
        return Some(bugs::STALE_READ.says(format!(
            "{what} gave {}, without \"{}\" (searched {count} times); expected {}",
            bugs::listed(got),
            missing.escape_debug(),
            bugs::listed(want)
        )));
    }
    Some(bugs::WRONG_ANSWER.says(format!(
        "{what} gave {}, expected {}",
        bugs::listed(got),
        bugs::listed(want)
    )))
}

#[derive(Debug, Clone)]
enum Cmd {
    Record(String, u64),
    Batch(Vec<(String, u64)>),
    Suggest(String, usize),
    Fuzzy(String, usize, usize),
}

fn text() -> impl Strategy<Value = String> {
    // A tiny alphabet, so that prefixes are shared and ties are common;
    // 'é' to make sure nothing assumes one byte per character.
    proptest::collection::vec(
        prop_oneof![Just('a'), Just('b'), Just(' '), Just('é')],
        0..5,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        3 => (text(), 0..4u64).prop_map(|(s, n)| Cmd::Record(s, n)),
        1 => proptest::collection::vec((text(), 1..3u64), 1..4).prop_map(Cmd::Batch),
        3 => (text(), 0..13usize).prop_map(|(p, k)| Cmd::Suggest(p, k)),
        1 => (text(), 0..3usize, 0..13usize).prop_map(|(p, d, k)| Cmd::Fuzzy(p, d, k)),
    ]
}

/// One thread: random updates and queries, checked after every step against
/// the brute-force model. Includes `k` of 0 and beyond the cached size,
/// `n` of 0, the empty sentence and two-byte characters.
pub fn sequential_matches_model<S: Suggester + 'static>(
    make: impl Fn(Trie) -> S + Send + 'static,
) -> Result<(), String> {
    kit::stress::watch(ONE_THREAD, kit::stress::ONE_THREAD_HANG, move || {
        run_model(make)
    })
}

fn run_model<S: Suggester>(make: impl Fn(Trie) -> S) -> Result<(), String> {
    every_prefix_sees_an_update(&make)?;
    let config = Config {
        cases: 150,
        failure_persistence: None,
        ..Config::default()
    };
    let initial = proptest::collection::vec((text(), 1..5u64), 0..8);
    TestRunner::new(config)
        .run(
            &(initial, proptest::collection::vec(cmd(), 1..40)),
            |(initial, cmds)| {
                let mut model = Model::default();
                for (s, n) in &initial {
                    model.record(s, *n);
                }
                let service = make(Trie::from_counts(
                    initial.iter().map(|(s, n)| (s.as_str(), *n)),
                ));
                for cmd in &cmds {
                    let problem = match cmd {
                        Cmd::Record(s, n) => {
                            service.record(s, *n);
                            model.record(s, *n);
                            None
                        }
                        Cmd::Batch(updates) => {
                            let borrowed: Vec<(&str, u64)> =
                                updates.iter().map(|(s, n)| (s.as_str(), *n)).collect();
                            service.record_batch(&borrowed);
                            for (s, n) in updates {
                                model.record(s, *n);
                            }
                            None
                        }
                        Cmd::Suggest(prefix, k) => diagnose(
                            &format!("suggest({prefix:?}, {k})"),
                            &service.suggest(prefix, *k),
                            &model.suggest(prefix, *k),
                            &model,
                        ),
                        Cmd::Fuzzy(prefix, d, k) => diagnose(
                            &format!("suggest_fuzzy({prefix:?}, {d}, {k})"),
                            &service.suggest_fuzzy(prefix, *d, *k),
                            &model.suggest_fuzzy(prefix, *d, *k),
                            &model,
                        ),
                    };
                    if let Some(problem) = problem {
                        return Err(TestCaseError::fail(problem));
                    }
                }
                Ok(())
            },
        )
        .map_err(named)
}

/// A fixed case before the random ones: asking for a prefix, recording a
/// longer sentence under it, and asking again. Every prefix on the
/// sentence's path must see the update, not just the sentence itself.
fn every_prefix_sees_an_update<S: Suggester>(make: &impl Fn(Trie) -> S) -> Result<(), String> {
    let service = make(Trie::from_counts([("apply", 3), ("ape", 2)]));
    let mut model = Model::default();
    model.record("apply", 3);
    model.record("ape", 2);
    for prefix in ["a", "ap", "app"] {
        service.suggest(prefix, 3);
    }
    service.record("apple", 5);
    model.record("apple", 5);
    for prefix in ["", "a", "ap", "app", "appl", "apple"] {
        let what = format!("suggest({prefix:?}, 3) after recording \"apple\"");
        if let Some(problem) = diagnose(
            &what,
            &service.suggest(prefix, 3),
            &model.suggest(prefix, 3),
            &model,
        ) {
            return Err(format!("{problem}. On one thread, no concurrency involved"));
        }
    }
    Ok(())
}

/// LeetCode 642 on top of any `Suggester`: the same answers as a
/// brute-force model, character by character.
pub fn leetcode_semantics<S: Suggester + 'static>(
    make: impl Fn(Trie) -> S + Send + 'static,
) -> Result<(), String> {
    kit::stress::watch(ONE_THREAD, kit::stress::ONE_THREAD_HANG, move || {
        run_leetcode(make)
    })
}

fn run_leetcode<S: Suggester>(make: impl Fn(Trie) -> S) -> Result<(), String> {
    let config = Config {
        cases: 150,
        failure_persistence: None,
        ..Config::default()
    };
    let keys = proptest::collection::vec(
        prop_oneof![Just('a'), Just('b'), Just(' '), Just('#')],
        0..60,
    );
    let initial = proptest::collection::vec((text(), 1..4u64), 0..6);
    TestRunner::new(config)
        .run(&(initial, keys), |(initial, keys)| {
            let mut model = Model::default();
            for (s, n) in &initial {
                model.record(s, *n);
            }
            let service = make(Trie::from_counts(
                initial.iter().map(|(s, n)| (s.as_str(), *n)),
            ));
            let mut typed = String::new();
            for c in keys {
                let (got, want) = if c == '#' {
                    if !typed.is_empty() {
                        service.record(&typed, 1);
                        model.record(&typed, 1);
                    }
                    typed.clear();
                    (Vec::new(), Vec::new())
                } else {
                    typed.push(c);
                    let names =
                        |v: Vec<(String, u64)>| v.into_iter().map(|(s, _)| s).collect::<Vec<_>>();
                    (
                        names(service.suggest(&typed, 3)),
                        names(model.suggest(&typed, 3)),
                    )
                };
                if got != want {
                    return Err(TestCaseError::fail(bugs::WRONG_ANSWER.says(format!(
                        "after typing \"{}\" the suggestions were [{}]; LeetCode 642 expects [{}]",
                        typed.escape_debug(),
                        got.join(", "),
                        want.join(", ")
                    ))));
                }
            }
            Ok(())
        })
        .map_err(named)
}

/// Word-like sentences and typo'd prefixes: fuzzy answers equal a
/// brute-force scan of every sentence.
pub fn fuzzy_matches_brute_force<S: Suggester + 'static>(
    make: impl Fn(Trie) -> S + Send + 'static,
) -> Result<(), String> {
    kit::stress::watch(ONE_THREAD, kit::stress::ONE_THREAD_HANG, move || {
        run_fuzzy(make)
    })
}

fn run_fuzzy<S: Suggester>(make: impl Fn(Trie) -> S) -> Result<(), String> {
    let mut rng = Rng::new(41);
    let words = [
        "rust", "ruby", "trust", "crust", "rusty", "go", "golang", "gopher", "rest", "roast",
    ];
    let mut model = Model::default();
    for _ in 0..300 {
        let a = words[rng.below(words.len() as u64) as usize];
        let b = words[rng.below(words.len() as u64) as usize];
        model.record(&format!("{a} {b}"), 1 + rng.below(20));
    }
    let service = make(Trie::from_counts(
        model.counts.iter().map(|(s, c)| (s.as_str(), *c)),
    ));
    for typed in [
        "rsut", "ruts", "gloang", "rust tr", "", "x", "roast g", "trsut c",
    ] {
        for max_edits in 0..=2 {
            for k in [3, 12] {
                let want = model.suggest_fuzzy(typed, max_edits, k);
                if let Some(problem) = diagnose(
                    &format!("suggest_fuzzy({typed:?}, {max_edits}, {k})"),
                    &service.suggest_fuzzy(typed, max_edits, k),
                    &want,
                    &model,
                ) {
                    return Err(format!("{problem}. On one thread, no concurrency involved"));
                }
            }
        }
    }
    Ok(())
}

/// A writer records batches that bump two sentences together, and hot
/// terms; readers check every answer is a state that existed: both halves
/// of a batch or neither, no count lower than one seen before, and every
/// batch that had finished before the call is in it. The writer now and
/// then yields between batches, so readers meet it at many points.
pub fn readers_see_only_real_states<S: Suggester + 'static>(
    make: impl Fn(Trie) -> S,
) -> Result<(), String> {
    const READERS: usize = 3;
    const BATCHES: u64 = 20_000;
    let initial = Trie::from_counts([("left pair", 1), ("right pair", 1), ("hot 0", 1)]);
    let service = Arc::new(make(initial));
    let done = Arc::new(AtomicBool::new(false));
    let finished = Arc::new(AtomicU64::new(0));
    let problem = Arc::new(kit::sync::Mutex::new(None::<String>));
    let shared = Arc::new((Arc::clone(&service), done, Arc::clone(&problem), finished));
    Stress::new(
        READERS + 1,
        bugs::DEADLOCK,
        "suggest and record_batch wait for each other for ever",
    )
    .run(shared, |(service, done, problem, finished), thread| {
        if thread == READERS {
            // The readers stop when the writer ends, by a return or a panic.
            let _finished = kit::stress::Finish::new(done);
            let mut rng = Rng::for_thread(43, thread);
            for i in 0..BATCHES {
                let (a, b) = (format!("hot {}", i % 7), format!("hot {}", (i + 3) % 7));
                // The pair is bumped together, with other updates in
                // between: a batch applied piecemeal shows a gap.
                service.record_batch(&[("left pair", 1), (&a, 1), (&b, 1), ("right pair", 1)]);
                finished.store(i + 1, Ordering::SeqCst);
                service.record(&a, 1);
                if rng.below(64) == 0 {
                    std::thread::yield_now();
                }
            }
            return;
        }
        let mut last: HashMap<String, u64> = HashMap::new();
        let fail = |message: String| *problem.lock() = Some(message);
        while !done.load(Ordering::SeqCst) {
            let before = finished.load(Ordering::SeqCst);
            let all = service.suggest("", 20);
            let count = |s: &str| all.iter().find(|(t, _)| t == s).map(|(_, c)| *c);
            let shown = |c: Option<u64>| c.map_or("missing".to_string(), |c| c.to_string());
            if count("left pair") != count("right pair") {
                return fail(bugs::TORN_UPDATE.says(format!(
                    "one answer had \"left pair\" {} and \"right pair\" {}, which were \
                     only ever recorded together, in one batch: a reader saw half a batch",
                    shown(count("left pair")),
                    shown(count("right pair"))
                )));
            }
            if count("left pair").unwrap_or(0) < 1 + before {
                return fail(bugs::STALE_READ.says(format!(
                    "suggest gave \"left pair\" {}, but {before} batches adding to it had \
                     finished before the call (it started at 1)",
                    shown(count("left pair"))
                )));
            }
            // Fuzzy search takes the same locks, or snapshot, as suggest:
            // with no edits allowed it must see the pair whole too.
            let fuzzy = service.suggest_fuzzy("", 0, 20);
            let fuzzy_count = |s: &str| fuzzy.iter().find(|(t, _)| t == s).map(|(_, c)| *c);
            if fuzzy_count("left pair") != fuzzy_count("right pair") {
                return fail(bugs::TORN_UPDATE.says(format!(
                    "suggest_fuzzy had \"left pair\" {} and \"right pair\" {}, which were \
                     only ever recorded together, in one batch",
                    shown(fuzzy_count("left pair")),
                    shown(fuzzy_count("right pair"))
                )));
            }
            for (sentence, c) in all {
                let before = last.insert(sentence.clone(), c).unwrap_or(0);
                if c < before {
                    return fail(bugs::TORN_UPDATE.says(format!(
                        "\"{sentence}\" was {before}, then {c}: a count went backwards \
                         between two answers"
                    )));
                }
            }
        }
    })
    .map_err(|e| e.to_string())?;
    if let Some(problem) = problem.lock().take() {
        return Err(problem);
    }
    let final_pair = service.suggest("left", 1);
    if final_pair != [("left pair".to_string(), 1 + BATCHES)] {
        return Err(bugs::LOST_UPDATE.says(format!(
            "after all {BATCHES} batches, suggest(\"left\", 1) gave {}, not \"left pair\" {}",
            bugs::listed(&final_pair),
            1 + BATCHES
        )));
    }
    Ok(())
}

/// Two writers at once, each recording batches that bump one shared
/// sentence and one of its own, while a reader watches: no batch is lost
/// (each writer's count and the shared one are exact at the end), and no
/// count the reader sees goes backwards.
pub fn writers_together_lose_nothing<S: Suggester + 'static>(
    make: impl Fn(Trie) -> S,
) -> Result<(), String> {
    const WRITERS: usize = 2;
    const BATCHES: u64 = 5_000;
    let service = Arc::new(make(Trie::from_counts([("shared", 1)])));
    let finished: Arc<[AtomicBool; WRITERS]> =
        Arc::new([AtomicBool::new(false), AtomicBool::new(false)]);
    let problem = Arc::new(kit::sync::Mutex::new(None::<String>));
    let shared = Arc::new((
        Arc::clone(&service),
        Arc::clone(&finished),
        Arc::clone(&problem),
    ));
    Stress::new(
        WRITERS + 1,
        bugs::DEADLOCK,
        "two writers and a reader wait for each other for ever",
    )
    .run(shared, |(service, finished, problem), thread| {
        if thread < WRITERS {
            // Set when this writer ends, by a return or a panic.
            let _finished = kit::stress::Finish::new(&finished[thread]);
            let own = format!("writer {thread}");
            for _ in 0..BATCHES {
                service.record_batch(&[("shared", 1), (own.as_str(), 1)]);
            }
            return;
        }
        let mut last = 0;
        while finished.iter().any(|f| !f.load(Ordering::SeqCst)) {
            let now = service.suggest("shared", 1).first().map_or(0, |(_, c)| *c);
            if now < last {
                *problem.lock() = Some(bugs::LOST_UPDATE.says(format!(
                    "\"shared\" was counted {last}, then {now}, while two writers added to \
                     it: one writer's version replaced the other's"
                )));
                return;
            }
            last = now;
        }
    })
    .map_err(|e| e.to_string())?;
    if let Some(problem) = problem.lock().take() {
        return Err(problem);
    }
    let count = |s: &str| service.suggest(s, 1).first().map_or(0, |(_, c)| *c);
    let want = 1 + WRITERS as u64 * BATCHES;
    if count("shared") != want {
        return Err(bugs::LOST_UPDATE.says(format!(
            "two writers each recorded {BATCHES} batches adding 1 to \"shared\" (which \
             started at 1), and it holds {}, not {want}: batches of one writer were lost \
             to the other's",
            count("shared")
        )));
    }
    for thread in 0..WRITERS {
        let own = format!("writer {thread}");
        if count(&own) != BATCHES {
            return Err(bugs::LOST_UPDATE.says(format!(
                "\"{own}\" was recorded in {BATCHES} batches and holds {}",
                count(&own)
            )));
        }
    }
    Ok(())
}
