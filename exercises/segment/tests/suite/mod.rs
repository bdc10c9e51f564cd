//! The conformance suite, shared by `conformance.rs` (every strategy must
//! pass) and `bugs.rs` (every bug-zoo variant must fail).
//!
//! Each check tests promises of the `Strategy` contract in `src/lib.rs` (the
//! README's "What the suite checks" lists them) and returns `Err` with a
//! message that names the bug class it found (`kit::bugs`).

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::ThreadId;
use std::time::Duration;

use kit::bugs;
use kit::sync::Mutex;
use proptest::prelude::{prop, prop_oneof};
use proptest::strategy::Strategy as _;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use segment::{Cut, Dictionary, Segmenter, Sequential, Strategy, UnicodeWords};

/// jieba's dictionary, loaded once for the whole test binary.
pub fn jieba() -> &'static Segmenter {
    static SEGMENTER: OnceLock<Segmenter> = OnceLock::new();
    SEGMENTER.get_or_init(|| Segmenter::new(Dictionary::jieba()))
}

/// Names the difference between a strategy's lines and the sequential ones.
fn diagnose(got: &[Vec<&str>], want: &[Vec<&str>]) -> Option<String> {
    let shown = |tokens: &[&str]| -> String {
        let quoted: Vec<String> = tokens
            .iter()
            .map(|t| format!("\"{}\"", t.escape_debug()))
            .collect();
        format!("[{}]", quoted.join(", "))
    };
    if got.len() != want.len() {
        let first = (0..got.len().min(want.len())).find(|&i| got[i] != want[i]);
        return Some(bugs::CHUNK_BOUNDARY.says(format!(
            "the text has {} lines, the output {}{}. Chunks must end at line ends.",
            want.len(),
            got.len(),
            first.map_or(String::new(), |i| format!(
                "; line {} differs first: {} where one thread gives {}",
                i + 1,
                shown(&got[i]),
                shown(&want[i])
            ))
        )));
    }
    let first = (0..got.len()).find(|&i| got[i] != want[i])?;
    let (mut a, mut b) = (got.to_vec(), want.to_vec());
    a.sort();
    b.sort();
    if a == b {
        return Some(bugs::OUT_OF_ORDER.says(format!(
            "every line is right, but line {} is not where it belongs. \
             Put chunks back in input order, not in the order they finish.",
            first + 1
        )));
    }
    Some(bugs::WRONG_ANSWER.says(format!(
        "line {} came out as {}, one thread gives {}",
        first + 1,
        shown(&got[first]),
        shown(&want[first])
    )))
}

fn piece() -> impl proptest::strategy::Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["北京", "大学", "生活", "研究", "生命", "的", "起源", "中华人民共和国", "我们"]),
        1 => prop::sample::select(vec!["Rust", "GPU", "3.14", "e-mail", "C++", "x"]),
        1 => prop::sample::select(vec!["，", "。", "！", " ", "  ", "\t", "😀", "é", "\r\n", "\n", "\n\n", "\r"]),
    ]
    .prop_map(str::to_string)
}

/// How long a check on small texts may take before it counts as stuck.
const SMALL: Duration = Duration::from_secs(20);

/// Random texts on one to eight workers (more workers than lines, too):
/// every strategy's output equals the sequential one, for both ways of
/// cutting, with `\n`, `\r\n`, a lone `\r`, empty lines, no final line end.
pub fn matches_sequential_on_random_text<S: Strategy + Send + 'static>(
    strategy: S,
) -> Result<(), String> {
    kit::stress::watch(
        SMALL,
        (
            bugs::DEADLOCK,
            "the workers or the merge wait for each other for ever (a channel never closed, \
             a reorder that waits for a chunk that never comes, a worker never joined)",
        ),
        move || run_random_text(&strategy),
    )
}

fn run_random_text<S: Strategy>(strategy: &S) -> Result<(), String> {
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
                        "{problem} ({name} mode, {workers} workers)"
                    )));
                }
            }
            Ok(())
        })
        .map_err(|e| match e {
            TestError::Fail(why, (text, workers)) => {
                let why = bugs::named(why.message());
                format!(
                    "{why}. The shortest text that shows it, on {workers} workers: \"{}\"",
                    text.escape_debug()
                )
            }
            TestError::Abort(why) => bugs::WRONG_ANSWER.says(format!("the test gave up: {why}")),
        })
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

/// A corpus of a few hundred kilobytes at 1, 2, 3, 4 and 8 workers, again
/// with a segmenter that takes a different, random time per line (so
/// workers finish in an order unlike the input's), and a text of many tiny
/// lines (so workers contend for work): the same lines as one thread, in the
/// same order.
pub fn matches_sequential_on_a_corpus<S: Strategy>(strategy: S) -> Result<(), String> {
    let corpus = segment::corpus::generate(300_000, 7);
    let want = Sequential.segment(&corpus, jieba(), 1).lines;
    for workers in [1, 2, 3, 4, 8] {
        let got = strategy.segment(&corpus, jieba(), workers).lines;
        if let Some(problem) = diagnose(&got, &want) {
            return Err(format!("{problem} ({workers} workers)"));
        }
    }
    let jitter = Jitter(jieba());
    for workers in [2, 3] {
        let got = strategy.segment(&corpus, &jitter, workers).lines;
        if let Some(problem) = diagnose(&got, &want) {
            return Err(format!(
                "{problem} ({workers} workers, lines taking random times)"
            ));
        }
    }
    // Many tiny lines: workers come back for more all the time, so any
    // step of handing out work or numbering it outside a lock is raced.
    let tiny: String = (0..20_000)
        .map(|i| format!("{}\n", ["好", "北京", "a b", "。"][i % 4]))
        .collect();
    let want = Sequential.segment(&tiny, jieba(), 1).lines;
    for round in 0..5 {
        for workers in [4, 8] {
            let got = strategy.segment(&tiny, jieba(), workers).lines;
            if let Some(problem) = diagnose(&got, &want) {
                return Err(format!(
                    "{problem} ({workers} workers, 20 000 tiny lines, round {})",
                    round + 1
                ));
            }
        }
    }
    Ok(())
}

/// Texts at the edges: nothing, one line, blank lines only, one line far
/// longer than the rest, no final line end, and more workers than lines.
pub fn matches_sequential_at_the_edges<S: Strategy>(strategy: S) -> Result<(), String> {
    let long: String = "我们研究生命的起源。".repeat(5_000);
    let texts = [
        String::new(),
        "\n".to_string(),
        "\n\n\n".to_string(),
        "北京大学".to_string(),
        "北京大学\r\n".to_string(),
        format!("短\n{long}\n短\n"),
        "a\nb\nc".to_string(),
        "一\r二\n三".to_string(),
    ];
    for text in &texts {
        let want = Sequential.segment(text, jieba(), 1).lines;
        for workers in [1, 2, 5, 16] {
            let got = strategy.segment(text, jieba(), workers).lines;
            if let Some(problem) = diagnose(&got, &want) {
                let shown: String = text.chars().take(40).collect();
                return Err(format!(
                    "{problem} (the text \"{}\"{}, {workers} workers)",
                    shown.escape_debug(),
                    if text.chars().count() > 40 { "..." } else { "" }
                ));
            }
        }
    }
    Ok(())
}

/// A `Cut` that takes a different, pseudo-random time for each line: the
/// schedule a real corpus makes, where some lines are long.
pub struct Jitter<'c, C>(pub &'c C);

impl<C: Cut> Cut for Jitter<'_, C> {
    fn cut<'a>(&self, text: &'a str) -> Vec<&'a str> {
        let spins = text
            .bytes()
            .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b.into()))
            % 2_000;
        for _ in 0..spins {
            std::hint::spin_loop();
        }
        if spins % 97 == 0 {
            std::thread::yield_now();
        }
        self.0.cut(text)
    }
}

/// A `Cut` that notes which threads called it, and how many called it at
/// once.
pub struct Witness<'c, C> {
    inner: &'c C,
    threads: Mutex<HashSet<ThreadId>>,
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl<'c, C: Cut> Witness<'c, C> {
    pub fn new(inner: &'c C) -> Self {
        Self {
            inner,
            threads: Mutex::default(),
            now: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }
    }
}

impl<C: Cut> Cut for Witness<'_, C> {
    fn cut<'a>(&self, text: &'a str) -> Vec<&'a str> {
        self.threads.lock().insert(std::thread::current().id());
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        let tokens = self.inner.cut(text);
        self.now.fetch_sub(1, Ordering::SeqCst);
        tokens
    }
}

/// Parallelism is the point: with four workers on a corpus, more than one
/// thread really segments; and the bound holds: never more than `workers`
/// threads segment at once.
pub fn more_than_one_worker_works<S: Strategy>(strategy: S) -> Result<(), String> {
    let corpus = segment::corpus::generate(300_000, 3);
    for workers in [2, 4] {
        let witness = Witness::new(jieba());
        strategy.segment(&corpus, &witness, workers);
        let threads = witness.threads.lock().len();
        if threads < 2 {
            return Err(bugs::NO_PARALLELISM.says(format!(
                "with {workers} workers, only {threads} thread segmented anything"
            )));
        }
        let peak = witness.peak.load(Ordering::SeqCst);
        if peak < 2 {
            return Err(bugs::NO_PARALLELISM.says(format!(
                "with {workers} workers, {threads} threads segmented, but never two at once: is \
                 a lock held while a line is cut (a guard kept alive by `while let ... = \
                 lock().next()` is one)?"
            )));
        }
        if peak > workers {
            return Err(bugs::BOUND_EXCEEDED.says(format!(
                "with {workers} workers, {peak} threads were segmenting at once"
            )));
        }
    }
    Ok(())
}

/// A word count on workers equals the count on one thread.
pub fn counts_match<'a>(
    count: impl Fn(&'a str, &Segmenter, usize) -> HashMap<&'a str, u64>,
    corpus: &'a str,
) -> Result<(), String> {
    // The model's own idea of a word (not only whitespace), not the
    // library's: a model that shares the code it checks checks nothing.
    let is_word = |token: &&str| !token.chars().all(char::is_whitespace);
    let mut want: HashMap<&str, u64> = HashMap::new();
    for line in corpus.lines() {
        for token in jieba().cut(line).into_iter().filter(is_word) {
            *want.entry(token).or_default() += 1;
        }
    }
    for workers in [1, 2, 4, 8] {
        let got = count(corpus, jieba(), workers);
        if let Some((word, n)) = want.iter().find(|(w, n)| got.get(*w) != Some(n)) {
            return Err(bugs::LOST_UPDATE.says(format!(
                "\"{word}\" occurs {n} times, counted {} ({workers} workers)",
                got.get(word)
                    .map_or("not at all".to_string(), |c| format!("{c} times"))
            )));
        }
        if got.len() != want.len() {
            return Err(bugs::WRONG_ANSWER.says(format!(
                "{} distinct words counted, the text has {} ({workers} workers)",
                got.len(),
                want.len()
            )));
        }
    }
    Ok(())
}
