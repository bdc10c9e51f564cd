//! The conformance suite, shared by `conformance.rs` (every strategy must
//! pass) and `bugs.rs` (every bug-zoo variant must fail). Each check returns
//! `Err` with a message that names the bug class it found.

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;
use std::thread::ThreadId;

use kit::sync::Mutex;
use proptest::prelude::{prop, prop_oneof};
use proptest::strategy::Strategy as _;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use segment::{Cut, Dictionary, Segmenter, Sequential, Strategy, UnicodeWords};

/// jieba's dictionary, loaded once for the whole test binary.
pub fn jieba() -> &'static Segmenter {
    static SEGMENTER: OnceLock<Segmenter> = OnceLock::new();
    SEGMENTER.get_or_init(|| Segmenter::new(Dictionary::jieba()))
}

/// Names the difference between a strategy's lines and the sequential ones.
fn diagnose(got: &[Vec<&str>], want: &[Vec<&str>]) -> Option<String> {
    if got.len() != want.len() {
        return Some(format!(
            "chunk boundary inside a line: the text has {} lines, the output {}. \
             Chunks must end at line ends.",
            want.len(),
            got.len()
        ));
    }
    let first = (0..got.len()).find(|&i| got[i] != want[i])?;
    let (mut a, mut b) = (got.to_vec(), want.to_vec());
    a.sort();
    b.sort();
    if a == b {
        return Some(format!(
            "results merged out of order: every line is right, but line {first} is not where it belongs. \
             Put chunks back in input order, not in the order they finish."
        ));
    }
    Some(format!(
        "wrong tokens at line {first}: got {:?}, one thread gives {:?}",
        got[first], want[first]
    ))
}

fn piece() -> impl proptest::strategy::Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["北京", "大学", "生活", "研究", "生命", "的", "起源", "中华人民共和国", "我们"]),
        1 => prop::sample::select(vec!["Rust", "GPU", "3.14", "e-mail", "C++", "x"]),
        1 => prop::sample::select(vec!["，", "。", "！", " ", "  ", "\t", "😀", "é", "\r\n", "\n", "\n\n"]),
    ]
    .prop_map(str::to_string)
}

/// Random texts on one to eight workers: every strategy's output equals the
/// sequential one, for both ways of cutting.
pub fn matches_sequential_on_random_text<S: Strategy>(strategy: &S) -> Result<(), String> {
    let config = Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    };
    let text = proptest::collection::vec(piece(), 0..300).prop_map(|p| p.concat());
    TestRunner::new(config)
        .run(&(text, 1..=8usize), |(text, workers)| {
            for (name, problem) in [
                ("jieba", compare(strategy, &text, jieba(), workers)),
                ("unicode", compare(strategy, &text, &UnicodeWords, workers)),
            ] {
                if let Some(problem) = problem {
                    return Err(TestCaseError::fail(format!(
                        "{name} mode, {workers} workers: {problem}"
                    )));
                }
            }
            Ok(())
        })
        .map_err(|e| e.to_string())
}

fn compare<S: Strategy, C: Cut>(
    strategy: &S,
    text: &str,
    cut: &C,
    workers: usize,
) -> Option<String> {
    let want = Sequential.segment(text, cut, 1).lines;
    let got = strategy.segment(text, cut, workers).lines;
    diagnose(&got, &want)
}

/// A corpus of a few hundred kilobytes at 1, 2, 3, 4 and 8 workers: the same
/// lines as one thread, in the same order.
pub fn matches_sequential_on_a_corpus<S: Strategy>(strategy: &S) -> Result<(), String> {
    let corpus = segment::corpus::generate(300_000, 7);
    let want = Sequential.segment(&corpus, jieba(), 1).lines;
    for workers in [1, 2, 3, 4, 8] {
        let got = strategy.segment(&corpus, jieba(), workers).lines;
        if let Some(problem) = diagnose(&got, &want) {
            return Err(format!("{workers} workers: {problem}"));
        }
    }
    Ok(())
}

/// A `Cut` that notes which threads called it.
pub struct Witness<'c, C> {
    inner: &'c C,
    threads: Mutex<HashSet<ThreadId>>,
}

impl<'c, C: Cut> Witness<'c, C> {
    pub fn new(inner: &'c C) -> Self {
        Self {
            inner,
            threads: Mutex::default(),
        }
    }
}

impl<C: Cut> Cut for Witness<'_, C> {
    fn cut<'a>(&self, text: &'a str) -> Vec<&'a str> {
        self.threads.lock().insert(std::thread::current().id());
        self.inner.cut(text)
    }
}

/// Parallelism is the point: with four workers on a corpus, more than one
/// thread really segments.
pub fn more_than_one_worker_works<S: Strategy>(strategy: &S) -> Result<(), String> {
    let corpus = segment::corpus::generate(300_000, 3);
    let witness = Witness::new(jieba());
    strategy.segment(&corpus, &witness, 4);
    let threads = witness.threads.lock().len();
    if threads < 2 {
        return Err(format!(
            "no parallelism: with 4 workers, only {threads} thread segmented anything"
        ));
    }
    Ok(())
}

/// A word count on workers equals the count on one thread.
pub fn counts_match<'a>(
    count: impl Fn(&'a str, &Segmenter, usize) -> HashMap<&'a str, u64>,
    corpus: &'a str,
) -> Result<(), String> {
    let mut want: HashMap<&str, u64> = HashMap::new();
    for line in corpus.lines() {
        for token in jieba()
            .cut(line)
            .into_iter()
            .filter(|t| segment::count::is_word(t))
        {
            *want.entry(token).or_default() += 1;
        }
    }
    for workers in [1, 2, 4, 8] {
        let got = count(corpus, jieba(), workers);
        if let Some((word, n)) = want.iter().find(|(w, n)| got.get(*w) != Some(n)) {
            return Err(format!(
                "{workers} workers: lost count: {word:?} occurs {n} times, counted {:?}",
                got.get(word)
            ));
        }
        if got.len() != want.len() {
            return Err(format!(
                "{workers} workers: {} distinct words, expected {}",
                got.len(),
                want.len()
            ));
        }
    }
    Ok(())
}
