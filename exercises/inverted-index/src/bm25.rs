//! BM25 scoring and top-k ranking, shared by every strategy. Not the
//! exercise, but the reason a searcher needs statistics and postings from
//! one and the same point in time.
//!
//! score(q, d) = Σ over the distinct terms t of q of
//! idf(t) · tf·(k1+1) / (tf + k1·(1 − b + b·|d|/avgdl)),
//! idf(t) = ln(1 + (N − n(t) + 0.5) / (n(t) + 0.5)),
//!
//! with N the documents in the collection, n(t) those that contain t, tf
//! the times t occurs in d, |d| the tokens of d and avgdl their mean over
//! the collection. This is the classic Okapi BM25, with the idf and the
//! default k1 and b of Lucene's `BM25Similarity`. Lucene itself differs in
//! three ways: since Lucene 8 (LUCENE-8563) it leaves out the constant
//! (k1+1), which scales every score alike and changes no ranking; it stores
//! |d| in one byte, exact only for short fields; and its N and n(t) count
//! deleted documents until a merge drops them.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use crate::{DocId, Hit, Tokenize};

/// Term frequency saturation: how soon a tenth occurrence stops counting.
pub const K1: f64 = 1.2;
/// Length normalisation: 0 ignores a document's length, 1 divides by it.
pub const B: f64 = 0.75;

/// What BM25 needs to know about the whole collection for one query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// N: documents (live ones: a deleted document counts nowhere).
    pub docs: u64,
    /// Tokens in those documents, for avgdl.
    pub tokens: u64,
    /// n(t) for each query term, in the query's order.
    pub containing: Vec<u64>,
}

impl Stats {
    pub fn empty(terms: usize) -> Self {
        Self {
            docs: 0,
            tokens: 0,
            containing: vec![0; terms],
        }
    }

    /// Adds a shard's statistics to these: the collection's are the sum of
    /// its shards'.
    pub fn add(&mut self, shard: &Stats) {
        self.docs += shard.docs;
        self.tokens += shard.tokens;
        for (total, n) in self.containing.iter_mut().zip(&shard.containing) {
            *total += n;
        }
    }

    pub fn avgdl(&self) -> f64 {
        self.tokens as f64 / self.docs as f64
    }

    /// idf of the `term`-th query term.
    pub fn idf(&self, term: usize) -> f64 {
        let (n, nt) = (self.docs as f64, self.containing[term] as f64);
        (1.0 + (n - nt + 0.5) / (nt + 0.5)).ln()
    }
}

/// One term's share of a document's score.
pub fn term_score(idf: f64, tf: u32, len: u32, avgdl: f64) -> f64 {
    let tf = f64::from(tf);
    idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * f64::from(len) / avgdl))
}

/// The query's distinct terms, in the order they first appear. Scores are
/// summed in this order: floating-point addition is not associative, so two
/// indexes that add a document's terms in different orders can disagree in
/// the last bit.
pub fn query_terms(tokenizer: &dyn Tokenize, query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for token in tokenizer.tokens(query) {
        if !terms.contains(&token) {
            terms.push(token);
        }
    }
    terms
}

/// Scores being summed, term by term: every posting of the first term,
/// then of the second, and so on.
#[derive(Debug, Default)]
pub struct Scores(HashMap<DocId, f64>);

impl Scores {
    pub fn add(&mut self, doc: DocId, score: f64) {
        *self.0.entry(doc).or_insert(0.0) += score;
    }

    pub fn top_k(self, k: usize) -> Vec<Hit> {
        top_k(self.0.into_iter().map(|(doc, score)| Hit { doc, score }), k)
    }
}

/// BM25 over `terms` with `stats`, the `k` best. `postings(term, add)`
/// calls `add(doc, tf, len)` for each live document containing `term`:
/// every posting of the first term, then of the second, and so on, so
/// that each document's score is summed in the query's order.
pub fn rank(
    terms: &[String],
    stats: &Stats,
    k: usize,
    postings: impl Fn(&str, &mut dyn FnMut(DocId, u32, u32)),
) -> Vec<Hit> {
    if stats.docs == 0 {
        return Vec::new();
    }
    let avgdl = stats.avgdl();
    let mut scores = Scores::default();
    for (i, term) in terms.iter().enumerate() {
        let idf = stats.idf(i);
        postings(term, &mut |doc, tf, len| {
            scores.add(doc, term_score(idf, tf, len, avgdl));
        });
    }
    scores.top_k(k)
}

/// The ranking: higher score first, then lower document id. `Less` means
/// `a` ranks before `b`.
pub fn rank_order(a: &Hit, b: &Hit) -> Ordering {
    b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc))
}

/// A hit in a heap whose top is the worst of the hits kept.
struct Kept(Hit);

impl Ord for Kept {
    fn cmp(&self, other: &Self) -> Ordering {
        rank_order(&self.0, &other.0)
    }
}

impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Kept {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Kept {}

/// The `k` best hits, best first, keeping no more than `k + 1` at a time:
/// a heap of the best so far whose top is the worst of them, dropped when
/// a better one arrives. O(n log k), against O(n log n) for sorting every
/// match of a common term. Also merges shards' answers.
pub fn top_k(hits: impl IntoIterator<Item = Hit>, k: usize) -> Vec<Hit> {
    if k == 0 {
        return Vec::new();
    }
    let mut kept = BinaryHeap::new();
    for hit in hits {
        kept.push(Kept(hit));
        if kept.len() > k {
            kept.pop();
        }
    }
    kept.into_sorted_vec()
        .into_iter()
        .map(|kept| kept.0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(doc: DocId, score: f64) -> Hit {
        Hit { doc, score }
    }

    #[test]
    fn keeps_the_best_and_breaks_ties_by_id() {
        let hits = [
            hit(5, 1.0),
            hit(2, 3.0),
            hit(9, 3.0),
            hit(1, 0.5),
            hit(4, 2.0),
        ];
        assert_eq!(top_k(hits, 3), [hit(2, 3.0), hit(9, 3.0), hit(4, 2.0)]);
        assert_eq!(top_k(hits, 0), []);
        assert_eq!(top_k(hits, 9).len(), 5);
    }

    #[test]
    fn a_rare_term_weighs_more() {
        let stats = Stats {
            docs: 100,
            tokens: 1000,
            containing: vec![1, 50],
        };
        assert!(stats.idf(0) > stats.idf(1));
        assert!(
            stats.idf(1) > 0.0,
            "with its 1 + inside the log, idf stays positive"
        );
    }
}
