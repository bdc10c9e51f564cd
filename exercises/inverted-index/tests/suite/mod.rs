//! The suite's checks, shared by `conformance.rs` (every implementation)
//! and `bugs.rs` (proof that each bug of the zoo is caught). Each check
//! returns `Err` with a message that names the bug class it found.
//!
//! The judge is a model: the documents as a plain map, and BM25 computed
//! from the formula in `bm25.rs`'s docs, written out again here, on every
//! document. Every answer an index gives names the change it reflects
//! (`Answer::seq`), so the model can replay the changes up to that one and
//! say what the answer must be, exactly.

#![allow(dead_code)] // each test binary uses its own subset

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use inverted_index::{Answer, DocId, Hit, Reader, SearchIndex, Seq, Sharded, Tokenize, Words};
use kit::bugs;
use kit::stress::Finish;

/// A change as the model applies it.
#[derive(Debug, Clone)]
pub enum Change {
    Add(DocId, String),
    Delete(DocId),
}

/// The documents, as they are after some prefix of the changes.
#[derive(Debug, Default, Clone)]
pub struct Model {
    docs: BTreeMap<DocId, Vec<String>>,
    /// Changes applied: the last one's number.
    applied: Seq,
}

impl Model {
    pub fn apply(&mut self, change: &Change) {
        self.applied += 1;
        match change {
            Change::Add(id, text) => {
                self.docs.insert(*id, Words.tokens(text));
            }
            Change::Delete(id) => {
                self.docs.remove(id);
            }
        }
    }

    /// BM25 with k1 = 1.2 and b = 0.75 over the query's distinct terms,
    /// summed in the order they first appear; score descending, then id.
    pub fn answer(&self, query: &str, k: usize) -> Vec<Hit> {
        let (k1, b) = (1.2, 0.75);
        let mut terms: Vec<String> = Vec::new();
        for token in Words.tokens(query) {
            if !terms.contains(&token) {
                terms.push(token);
            }
        }
        let n = self.docs.len() as u64;
        if n == 0 {
            return Vec::new();
        }
        let tokens: u64 = self.docs.values().map(|d| d.len() as u64).sum();
        let avgdl = tokens as f64 / n as f64;
        let mut scores: HashMap<DocId, f64> = HashMap::new();
        for term in &terms {
            let containing = self.docs.values().filter(|d| d.contains(term)).count() as f64;
            let idf = (1.0 + (n as f64 - containing + 0.5) / (containing + 0.5)).ln();
            for (&id, doc) in &self.docs {
                let tf = doc.iter().filter(|t| *t == term).count();
                if tf == 0 {
                    continue;
                }
                let (tf, len) = (tf as f64, doc.len() as f64);
                let score = idf * tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * len / avgdl));
                *scores.entry(id).or_insert(0.0) += score;
            }
        }
        let mut hits: Vec<Hit> = scores
            .into_iter()
            .map(|(doc, score)| Hit { doc, score })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        hits.truncate(k);
        hits
    }
}

/// Equal answers: the same documents in the same order, scores equal to
/// a billionth.
fn same(got: &[Hit], want: &[Hit]) -> bool {
    got.len() == want.len()
        && got.iter().zip(want).all(|(g, w)| {
            g.doc == w.doc && (g.score - w.score).abs() <= 1e-9 * w.score.abs().max(1.0)
        })
}

fn show(hits: &[Hit]) -> String {
    let shown: Vec<String> = hits
        .iter()
        .take(6)
        .map(|h| format!("{} ({:.4})", h.doc, h.score))
        .collect();
    let more = if hits.len() > 6 { ", ..." } else { "" };
    format!("[{}{more}]", shown.join(", "))
}

const WORDS: [&str; 32] = [
    "the", "index", "search", "query", "shard", "merge", "segment", "refresh", "token", "score",
    "rank", "lock", "reader", "writer", "thread", "cache", "disk", "memory", "fresh", "stale",
    "snapshot", "posting", "term", "document", "vector", "model", "server", "client", "batch",
    "stream", "queue", "latency",
];

/// A seeded stream of small numbers, so that every run is the same run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    /// A word, the first ones far more often (as in real text).
    pub fn word(&mut self) -> &'static str {
        let skewed = self.below(WORDS.len()) * self.below(WORDS.len()) / WORDS.len();
        WORDS[skewed]
    }

    /// A document of 2 to 12 words, cased and punctuated a little.
    pub fn document(&mut self) -> String {
        let len = 2 + self.below(11);
        let words: Vec<String> = (0..len)
            .map(|i| match (i, self.below(8)) {
                (0, _) | (_, 0) => capitalised(self.word()),
                (_, 1) => format!("{},", self.word()),
                _ => self.word().to_string(),
            })
            .collect();
        words.join(" ")
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

/// The queries every check asks: common and rare words, two and three
/// words, a repeated word, a word no document has, and nothing.
pub fn queries() -> Vec<&'static str> {
    vec![
        "the",
        "index",
        "latency",
        "queue",
        "search query",
        "merge segment refresh",
        "Token TOKEN token",
        "shard latency stream",
        "nowhere",
        "",
        "the index",
        "snapshot",
    ]
}

fn tokenizer() -> Arc<dyn Tokenize> {
    Arc::new(Words)
}

/// One thread: every answer is the model's, through adds, replacing adds,
/// deletes, refreshes and merges; ties go to the lower id; `k` bounds the
/// answer; a merge changes nothing a search sees.
pub fn scores_and_ranks_as_bm25_says<I: SearchIndex>() -> Result<(), String> {
    let index = I::new(tokenizer());
    let mut model = Model::default();
    let mut rng = Rng::new(1);
    let check = |index: &I, model: &Model, when: &str| -> Result<(), String> {
        let last = model.applied;
        for query in queries() {
            for k in [0, 1, 3, 10, 1000] {
                let Answer { seq, hits } = index.search(query, k);
                if seq != last {
                    return Err(bugs::STALE_READ.says(format!(
                        "{when}, on one thread, a search answered as of change {seq}, but change \
                         {last} had been refreshed"
                    )));
                }
                let want = model.answer(query, k);
                if !same(&hits, &want) {
                    return Err(bugs::WRONG_ANSWER.says(format!(
                        "{when}, query {query:?} with k = {k}: expected {}, got {}",
                        show(&want),
                        show(&hits)
                    )));
                }
            }
        }
        Ok(())
    };

    check(&index, &model, "on an empty index")?;
    for id in 0..60 {
        change(&index, &mut model, Change::Add(id, rng.document()))?;
    }
    // Ties, an empty document, case and punctuation.
    change(
        &index,
        &mut model,
        Change::Add(101, "Tie breaker tie".into()),
    )?;
    change(
        &index,
        &mut model,
        Change::Add(100, "tie breaker TIE".into()),
    )?;
    change(&index, &mut model, Change::Add(102, String::new()))?;
    change(
        &index,
        &mut model,
        Change::Add(103, "Latency, LATENCY latency!".into()),
    )?;
    let seq = index.refresh();
    let last = model.applied;
    if seq != last {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "refresh returned {seq}, but the last change was {last}"
        )));
    }
    check(&index, &model, "after 64 adds and a refresh")?;
    let tie = index.search("tie", 1).hits;
    if tie.first().map(|hit| hit.doc) != Some(100) {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "documents 100 and 101 score the same for \"tie\", so the lower id ranks first; \
             got {}",
            show(&tie)
        )));
    }

    change(
        &index,
        &mut model,
        Change::Add(5, "Queue latency queue".into()),
    )?;
    change(&index, &mut model, Change::Delete(7))?;
    change(&index, &mut model, Change::Delete(999))?;
    change(
        &index,
        &mut model,
        Change::Add(7, "back again with the index".into()),
    )?;
    change(&index, &mut model, Change::Delete(103))?;
    index.refresh();
    check(
        &index,
        &model,
        "after replacing, deleting and re-adding documents",
    )?;
    index.merge();
    check(&index, &model, "after a merge")?;
    for id in 200..240 {
        change(&index, &mut model, Change::Add(id, rng.document()))?;
        if id % 10 == 0 {
            change(&index, &mut model, Change::Delete(id - 150))?;
            index.refresh();
        }
    }
    index.refresh();
    check(
        &index,
        &model,
        "after more adds and deletes, refreshed in several segments",
    )?;
    index.merge();
    index.merge();
    check(&index, &model, "after two more merges")?;
    match index.segments() {
        Some(segments) if segments > 1 => Err(bugs::WRONG_ANSWER.says(format!(
            "after refreshes and merges with nothing else running, searches still read {segments} \
             segments: a merge must combine them into one"
        ))),
        _ => Ok(()),
    }
}

/// Applies `change` to the index and the model, which must agree on its
/// number: changes are numbered 1, 2, 3, ...
fn change<I: SearchIndex>(index: &I, model: &mut Model, change: Change) -> Result<(), String> {
    model.apply(&change);
    let seq = match &change {
        Change::Add(id, text) => index.add(*id, text),
        Change::Delete(id) => index.delete(*id),
    };
    if seq != model.applied {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "change {} ({change:?}) was numbered {seq}: changes are numbered 1, 2, 3, ...",
            model.applied
        )));
    }
    Ok(())
}

/// What one search thread saw.
struct Seen {
    seq: Seq,
    query: usize,
    hits: Vec<Hit>,
}

/// Writers, refreshes, merges and searches at once, several times over:
/// first with one writer, then with three that add, replace and delete the
/// same documents. Every answer must be the model's answer at the change it
/// names, the changes applied in the order of their numbers; the index
/// must end holding every change; a searcher's answers never go back in
/// time.
pub fn answers_are_whole_points_in_time<I: SearchIndex>() -> Result<(), String> {
    for round in 0..8 {
        one_round::<I>(round, 1)?;
    }
    // Twelve rounds of several writers, each on new threads: which buffer a
    // writer lands in follows its thread, and an index that applies
    // buffers out of order shows it only when two writers' changes to one
    // document sit in different buffers. Four rounds missed it one run in
    // six.
    for round in 8..20 {
        one_round::<I>(round, 3)?;
    }
    Ok(())
}

/// One writer's share of a round: random adds, replacements and deletes,
/// a refresh every other change (every sixth with several writers), each
/// followed by a short wait for two searches, so that publishes land in the middle of searches. Ids come
/// from `next_id`, shared by every writer; `(number, change)` for each.
fn write_changes<I: SearchIndex>(
    index: &I,
    seed: u64,
    changes: usize,
    next_id: &AtomicU32,
    shared: bool,
    searches: &AtomicUsize,
) -> Vec<(Seq, Change)> {
    let mut rng = Rng::new(seed);
    let mut log: Vec<(Seq, Change)> = Vec::with_capacity(changes);
    for i in 0..changes {
        let known = next_id.load(Ordering::Relaxed) as usize;
        // An existing id. With several writers, one of the last few added,
        // so that writers often change the same documents between two
        // refreshes: their changes must then apply in number order.
        let existing = |rng: &mut Rng| {
            let from = if shared { known.min(4) } else { known };
            (known - rng.below(from)) as DocId
        };
        let change = match rng.below(20) {
            0..=13 => Change::Add(next_id.fetch_add(1, Ordering::Relaxed) + 1, rng.document()),
            14..=16 if known > 0 => Change::Add(existing(&mut rng), rng.document()),
            _ if known > 0 => Change::Delete(existing(&mut rng)),
            _ => Change::Delete(0),
        };
        let seq = match &change {
            Change::Add(id, text) => index.add(*id, text),
            Change::Delete(id) => index.delete(*id),
        };
        log.push((seq, change));
        // Several writers refresh less often: more of their changes meet
        // between two refreshes.
        let every = if shared { 6 } else { 2 };
        if i % every == every - 1 {
            index.refresh();
            let wanted = searches.load(Ordering::Relaxed) + 2;
            let until = Instant::now() + Duration::from_millis(5);
            while searches.load(Ordering::Relaxed) < wanted && Instant::now() < until {
                thread::yield_now();
            }
        }
    }
    log
}

fn one_round<I: SearchIndex>(round: u64, writers: usize) -> Result<(), String> {
    const CHANGES: usize = 400;
    const K: usize = 5;
    let index = I::new(tokenizer());
    let queries = queries();
    let done = AtomicBool::new(false);
    let next_id = AtomicU32::new(0);
    let start = std::sync::Barrier::new(writers);
    // Searches so far: writers let a few run against each view they
    // publish.
    let searches = AtomicUsize::new(0);
    let (logs, seen) = thread::scope(|scope| {
        let writers: Vec<_> = (0..writers)
            .map(|w| {
                let (index, next_id, searches, done) = (&index, &next_id, &searches, &done);
                let start = &start;
                scope.spawn(move || {
                    let _finish = Finish::new(done);
                    // All at once, not one after another as they are spawned.
                    start.wait();
                    let seed = round + 10 + 1000 * w as u64;
                    write_changes(
                        index,
                        seed,
                        CHANGES / writers,
                        next_id,
                        writers > 1,
                        searches,
                    )
                })
            })
            .collect();
        // Two mergers: a merge may be called from any thread, and two at
        // once must not bring back what the other dropped.
        let mergers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    while !done.load(Ordering::Acquire) {
                        index.merge();
                        thread::yield_now();
                    }
                })
            })
            .collect();
        let searchers: Vec<_> = (0..2)
            .map(|s| {
                let (index, queries, done, searches) = (&index, &queries, &done, &searches);
                scope.spawn(move || {
                    let mut seen = Vec::new();
                    let mut i = s;
                    while !done.load(Ordering::Acquire) && seen.len() < 50_000 {
                        let query = i % queries.len();
                        let answer = index.search(queries[query], K);
                        seen.push(Seen {
                            seq: answer.seq,
                            query,
                            hits: answer.hits,
                        });
                        searches.fetch_add(1, Ordering::Relaxed);
                        i += 1;
                    }
                    seen
                })
            })
            .collect();
        // The writers first: if one panicked, `Finish` has stopped the rest.
        let logs: Vec<Vec<(Seq, Change)>> = writers
            .into_iter()
            .map(|writer| {
                writer
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect();
        for merger in mergers {
            merger
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
        let seen: Vec<Vec<Seen>> = searchers
            .into_iter()
            .map(|s| {
                s.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect();
        (logs, seen)
    });

    for log in &logs {
        for (earlier, later) in log.iter().zip(log.iter().skip(1)) {
            if later.0 <= earlier.0 {
                return Err(bugs::WRONG_ANSWER.says(format!(
                    "one writer's changes were numbered {} then {}: numbers must grow",
                    earlier.0, later.0
                )));
            }
        }
    }
    // Every writer's changes in one order, their numbers': 1, 2, 3, ...,
    // each exactly once.
    let mut log: Vec<(Seq, Change)> = logs.into_iter().flatten().collect();
    log.sort_by_key(|(seq, _)| *seq);
    for (i, (seq, _)) in log.iter().enumerate() {
        if *seq != i as Seq + 1 {
            return Err(bugs::WRONG_ANSWER.says(format!(
                "{writers} writers made {} changes, numbered {:?}...: each number from 1 up must \
                 name exactly one change",
                log.len(),
                log.iter()
                    .map(|(seq, _)| *seq)
                    .take(i + 2)
                    .collect::<Vec<_>>()
            )));
        }
    }

    // The end: every change, refreshed and merged, must be there.
    let last = log.last().map_or(0, |(seq, _)| *seq);
    index.refresh();
    index.merge();
    let mut everything = Model::default();
    for (_, change) in &log {
        everything.apply(change);
    }
    for query in &queries {
        let answer = index.search(query, 1000);
        let want = everything.answer(query, 1000);
        if answer.seq != last || !same(&answer.hits, &want) {
            let lost = lost_change(&want, &answer.hits, &log);
            return Err(bugs::LOST_UPDATE.says(format!(
                "after all {} changes, refreshes and merges, query {query:?} answered {} as of \
                 change {}; the changes say {}{lost}",
                log.len(),
                show(&answer.hits),
                answer.seq,
                show(&want)
            )));
        }
    }

    // Along the way: each answer, against the model at its change.
    for (s, seen) in seen.iter().enumerate() {
        for (a, b) in seen.iter().zip(seen.iter().skip(1)) {
            if b.seq < a.seq {
                return Err(bugs::STALE_READ.says(format!(
                    "searcher {s} saw change {} and then, later, an index as of change {}: \
                     an older view was published after a newer one",
                    a.seq, b.seq
                )));
            }
        }
    }
    let mut all: Vec<&Seen> = seen.iter().flatten().collect();
    all.sort_by_key(|seen| seen.seq);
    let mut model = Model::default();
    let mut applied = 0;
    let mut cache: HashMap<(Seq, usize), Vec<Hit>> = HashMap::new();
    for seen in all {
        if seen.seq > last {
            return Err(bugs::WRONG_ANSWER.says(format!(
                "an answer named change {}, but only {last} changes were made",
                seen.seq
            )));
        }
        while applied < log.len() && log[applied].0 <= seen.seq {
            model.apply(&log[applied].1);
            applied += 1;
        }
        let want = cache
            .entry((seen.seq, seen.query))
            .or_insert_with(|| model.answer(queries[seen.query], K));
        if !same(&seen.hits, want) {
            return Err(bugs::TORN_UPDATE.says(format!(
                "query {:?} answered {} as of change {}, but the index after change {} answers \
                 {}: the answer mixed two points in time (statistics from one view and postings \
                 from another, or a view published before it was complete?)",
                queries[seen.query],
                show(&seen.hits),
                seen.seq,
                seen.seq,
                show(want)
            )));
        }
    }
    Ok(())
}

/// Which change an answer seems to have lost: a document the changes keep
/// that is missing, or one they deleted that is back.
fn lost_change(want: &[Hit], got: &[Hit], log: &[(Seq, Change)]) -> String {
    let last_change = |doc: DocId| {
        log.iter()
            .rev()
            .find(|(_, change)| matches!(change, Change::Add(id, _) | Change::Delete(id) if *id == doc))
            .map_or(0, |(seq, _)| *seq)
    };
    if let Some(missing) = want.iter().find(|w| !got.iter().any(|g| g.doc == w.doc)) {
        return format!(
            ": document {} (last changed by change {}) is missing",
            missing.doc,
            last_change(missing.doc)
        );
    }
    if let Some(back) = got.iter().find(|g| !want.iter().any(|w| w.doc == g.doc)) {
        return format!(
            ": document {} is there, but change {} deleted it",
            back.doc,
            last_change(back.doc)
        );
    }
    String::new()
}

/// Read-your-writes: a search that waits for its own add sees it; a wait
/// ends when a refresh publishes, and times out when nothing does.
pub fn read_your_writes<I: SearchIndex>() -> Result<(), String> {
    let index = I::new(tokenizer());
    let stop = AtomicBool::new(false);
    thread::scope(|scope| -> Result<(), String> {
        let refresher = scope.spawn(|| {
            while !stop.load(Ordering::Acquire) {
                index.refresh();
                thread::sleep(Duration::from_millis(1));
            }
        });
        let result = (|| {
            for id in 0..40 {
                let seq = index.add(id, &format!("mine{id} and the others"));
                let answer = index
                    .search_after(&format!("mine{id}"), 5, seq, Duration::from_secs(20))
                    .map_err(|timed_out| {
                        bugs::LOST_WAKEUP.says(format!(
                            "a refresh ran every millisecond, yet a wait for change {seq} gave \
                             up: {timed_out}"
                        ))
                    })?;
                if answer.seq < seq || !answer.hits.iter().any(|hit| hit.doc == id) {
                    return Err(bugs::STALE_READ.says(format!(
                        "waited for change {seq} (adding document {id}), then searched for it \
                         and got {} as of change {}",
                        show(&answer.hits),
                        answer.seq
                    )));
                }
            }
            Ok(())
        })();
        stop.store(true, Ordering::Release);
        refresher
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        result
    })?;

    // A crowd of waiters for each change, woken together by its refresh:
    // each searches at once, perhaps while the refresh that woke them is
    // still on its way to publishing.
    const WAITERS: usize = 6;
    let change = AtomicUsize::new(0);
    let barrier = std::sync::Barrier::new(WAITERS + 1);
    let first_error: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    thread::scope(|scope| {
        for _ in 0..WAITERS {
            scope.spawn(|| {
                for round in 0..150 {
                    barrier.wait();
                    let seq = change.load(Ordering::Acquire) as Seq;
                    // A panic here must not leave the others at the barrier.
                    let seen = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        crowd_member(&index, seq, round)
                    }))
                    .unwrap_or_else(|panic| Err(bugs::named(&kit::stress::panic_message(panic))));
                    if let Err(message) = seen {
                        first_error.lock().unwrap().get_or_insert(message);
                    }
                    barrier.wait();
                }
            });
        }
        for round in 0..150 {
            let seq = index.add(2000 + round, &format!("crowd{round}"));
            change.store(seq as usize, Ordering::Release);
            barrier.wait();
            thread::sleep(Duration::from_millis(1));
            index.refresh();
            barrier.wait();
        }
    });
    if let Some(message) = first_error.into_inner().unwrap() {
        return Err(message);
    }

    // A waiter woken by the refresh that covers its change.
    let seq = index.add(1000, "late arrival");
    thread::scope(|scope| -> Result<(), String> {
        let waiter = scope.spawn(|| {
            let start = Instant::now();
            (
                index.wait_for(seq, Duration::from_secs(30)),
                start.elapsed(),
            )
        });
        thread::sleep(Duration::from_millis(20));
        index.refresh();
        let (waited, took) = waiter
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        match waited {
            Ok(visible) if visible >= seq && took < Duration::from_secs(10) => Ok(()),
            Ok(visible) if visible < seq => Err(bugs::WRONG_ANSWER.says(format!(
                "wait_for({seq}) returned {visible}: it must return only once {seq} is visible"
            ))),
            Ok(_) => Err(bugs::LOST_WAKEUP.says(format!(
                "a waiter for change {seq} woke {} s after the refresh that published it: \
                 refresh must wake the waiters",
                took.as_secs()
            ))),
            Err(timed_out) => Err(bugs::LOST_WAKEUP.says(format!(
                "a refresh published change {seq}, but its waiter slept on: {timed_out}"
            ))),
        }
    })?;

    // Nothing will publish this one: the wait must give up on time.
    let start = Instant::now();
    let now = index.reader().seq();
    match index.wait_for(seq + 1000, Duration::from_millis(50)) {
        Err(timed_out) if timed_out.wanted != seq + 1000 || timed_out.visible != now => {
            Err(bugs::WRONG_ANSWER.says(format!(
                "wait_for({}) gave up saying {timed_out:?}, but searches could see change {now}: \
                 TimedOut names the change waited for and the last one visible",
                seq + 1000
            )))
        }
        Err(_) if start.elapsed() < Duration::from_secs(10) => Ok(()),
        Err(_) => Err(bugs::WRONG_ANSWER.says(format!(
            "a wait of 50 ms for a change never made took {} s",
            start.elapsed().as_secs()
        ))),
        Ok(visible) => Err(bugs::WRONG_ANSWER.says(format!(
            "wait_for({}) returned Ok({visible}): that change was never made",
            seq + 1000
        ))),
    }
}

/// One of the crowd: waits for change `seq`, which added "crowd{round}",
/// and searches for it.
fn crowd_member<I: SearchIndex>(index: &I, seq: Seq, round: u32) -> Result<(), String> {
    index
        .wait_for(seq, Duration::from_secs(20))
        .map_err(|timed_out| {
            bugs::LOST_WAKEUP.says(format!(
                "a refresh published change {seq}, but a waiter slept on: {timed_out}"
            ))
        })?;
    let answer = index.search(&format!("crowd{round}"), 1);
    if answer.seq < seq || answer.hits.is_empty() {
        return Err(bugs::STALE_READ.says(format!(
            "woken for change {seq}, a search found {} as of change {}: were the waiters \
             told before the view was published?",
            show(&answer.hits),
            answer.seq
        )));
    }
    Ok(())
}

/// Documents spread over three shards answer exactly as one index holding
/// them all: each shard scored with the whole collection's statistics.
/// The corpus is skewed on purpose, so that a term is rare in one shard
/// and common in another.
pub fn shards_answer_as_one_index<I: SearchIndex>(
    search: fn(&Sharded<I>, &str, usize) -> Vec<Hit>,
) -> Result<(), String> {
    let one = I::new(tokenizer());
    let sharded = Sharded::<I>::new(3, tokenizer());
    let mut rng = Rng::new(7);
    for id in 0..300 {
        let mut text = rng.document();
        // Shard 0 (ids divisible by 3) gets "latency" often, the others
        // rarely.
        if id % 3 == 0 || id % 29 == 0 {
            text.push_str(" latency");
        }
        one.add(id, &text);
        sharded.add(id, &text);
    }
    one.refresh();
    sharded.refresh();
    for query in queries() {
        for k in [1, 10, 1000] {
            let want = one.search(query, k).hits;
            let got = search(&sharded, query, k);
            if !same(&got, &want) {
                return Err(bugs::WRONG_ANSWER.says(format!(
                    "three shards answered query {query:?} (k = {k}) with {}, one index with {}: \
                     did each shard score with its own statistics instead of the collection's?",
                    show(&got),
                    show(&want)
                )));
            }
        }
    }
    Ok(())
}
