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
use std::hash::{BuildHasherDefault, Hasher};

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
pub struct Scores(HashMap<DocId, f64, BuildHasherDefault<MixId>>);

/// A document id's hash: one multiplication (Fibonacci hashing). The
/// standard SipHash resists keys chosen by an attacker, which ids are not;
/// a query of a common word hashes tens of thousands of them.
#[derive(Debug, Default)]
pub struct MixId(u64);

impl Hasher for MixId {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u32(&mut self, id: u32) {
        self.write_u64(u64::from(id));
    }

    fn write_u64(&mut self, id: u64) {
        // The multiplier is 2^64 / φ: consecutive ids land far apart, in
        // the high bits as well as the low ones (a table uses both).
        self.0 = (self.0 ^ id).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Scores {
    pub fn with_capacity(n: usize) -> Scores {
        Scores(HashMap::with_capacity_and_hasher(n, Default::default()))
    }

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
    if let [term] = terms {
        // One term: a document's score is that term's, nothing to sum.
        let idf = stats.idf(0);
        let mut best = TopK::new(k);
        postings(term, &mut |doc, tf, len| {
            best.offer(Hit {
                doc,
                score: term_score(idf, tf, len, avgdl),
            });
        });
        return best.into_sorted();
    }
    // Room for the commonest term's documents up front: growing the table
    // as its postings arrive would rehash it a dozen times.
    let most = stats.containing.iter().max().copied().unwrap_or(0);
    let mut scores = Scores::with_capacity(most as usize);
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
#[derive(Debug)]
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
    let mut best = TopK::new(k);
    for hit in hits {
        best.offer(hit);
    }
    best.into_sorted()
}

/// The `k` best hits offered so far.
#[derive(Debug)]
pub struct TopK {
    k: usize,
    kept: BinaryHeap<Kept>,
}

impl TopK {
    pub fn new(k: usize) -> TopK {
        TopK {
            k,
            // A caller may ask for every hit (k = usize::MAX).
            kept: BinaryHeap::with_capacity(k.min(1024) + 1),
        }
    }

    pub fn offer(&mut self, hit: Hit) {
        if self.k == 0 {
            return;
        }
        if self.kept.len() == self.k {
            // Full: most hits of a common term rank below the worst kept,
            // and one comparison turns them away without touching the heap.
            let worst = self.kept.peek().expect("k > 0 hits kept");
            if rank_order(&hit, &worst.0) != Ordering::Less {
                return;
            }
        }
        self.kept.push(Kept(hit));
        if self.kept.len() > self.k {
            self.kept.pop();
        }
    }

    /// Best first.
    pub fn into_sorted(self) -> Vec<Hit> {
        self.kept
            .into_sorted_vec()
            .into_iter()
            .map(|kept| kept.0)
            .collect()
    }
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
