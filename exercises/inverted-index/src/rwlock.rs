//! One reader-writer lock around one mutable index: the first design most
//! people draw. Correct, and simple: a change is visible as soon as its
//! add returns, so `refresh` has nothing to do. The price is on the chart:
//! an add waits for every search in flight to finish, and every search
//! that arrives meanwhile waits for the add.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use kit::sync::{RwLock, RwLockReadGuard};

use crate::bm25::{self, Stats};
use crate::visible::Visible;
use crate::{DocId, Hit, Reader, SearchIndex, Seq, TimedOut, Tokenize};

/// (document, term frequency, document length).
type Posting = (DocId, u32, u32);

/// A mutable index with no synchronisation at all: for one thread, or
/// behind a lock. Postings change in place.
#[derive(Debug, Default)]
pub struct PlainIndex {
    seq: Seq,
    /// Each term's postings, sorted by document: (document, term
    /// frequency, document length), the length beside the frequency so that
    /// scoring reads one array and nothing else.
    postings: HashMap<String, Vec<Posting>>,
    /// Each document's length and distinct terms (to find its postings
    /// again when it is deleted).
    docs: HashMap<DocId, (u32, Vec<String>)>,
    tokens: u64,
}

impl PlainIndex {
    /// Adds document `id` with its tokens, replacing any with that id.
    pub fn add(&mut self, id: DocId, tokens: Vec<String>) -> Seq {
        self.seq += 1;
        self.remove(id);
        self.insert(id, tokens);
        self.seq
    }

    pub fn delete(&mut self, id: DocId) -> Seq {
        self.seq += 1;
        self.remove(id);
        self.seq
    }

    pub fn seq(&self) -> Seq {
        self.seq
    }

    pub fn stats(&self, terms: &[String]) -> Stats {
        Stats {
            docs: self.docs.len() as u64,
            tokens: self.tokens,
            containing: terms
                .iter()
                .map(|term| self.postings.get(term).map_or(0, |docs| docs.len() as u64))
                .collect(),
        }
    }

    pub fn top_k(&self, terms: &[String], stats: &Stats, k: usize) -> Vec<Hit> {
        bm25::rank(terms, stats, k, |term, add| {
            for &(doc, tf, len) in self.postings.get(term).into_iter().flatten() {
                add(doc, tf, len);
            }
        })
    }

    fn remove(&mut self, id: DocId) {
        if let Some((len, terms)) = self.docs.remove(&id) {
            self.tokens -= u64::from(len);
            for term in terms {
                if let Some(docs) = self.postings.get_mut(&term) {
                    if let Ok(at) = docs.binary_search_by_key(&id, |posting| posting.0) {
                        docs.remove(at);
                    }
                    if docs.is_empty() {
                        self.postings.remove(&term);
                    }
                }
            }
        }
    }

    fn insert(&mut self, id: DocId, tokens: Vec<String>) {
        let len = u32::try_from(tokens.len()).expect("a document of under 2^32 tokens");
        let mut tf: HashMap<String, u32> = HashMap::new();
        for token in tokens {
            *tf.entry(token).or_insert(0) += 1;
        }
        let mut terms: Vec<String> = Vec::with_capacity(tf.len());
        for (term, tf) in tf {
            let docs = self.postings.entry(term.clone()).or_default();
            // Ids mostly arrive in increasing order: then this appends.
            let at = docs.partition_point(|posting| posting.0 < id);
            docs.insert(at, (id, tf, len));
            terms.push(term);
        }
        self.tokens += u64::from(len);
        self.docs.insert(id, (len, terms));
    }
}

/// A [`PlainIndex`] behind one `RwLock`.
#[derive(Debug)]
pub struct RwLockIndex {
    tokenizer: Arc<dyn Tokenize>,
    index: RwLock<PlainIndex>,
    visible: Visible,
}

impl RwLockIndex {
    fn change(&self, apply: impl FnOnce(&mut PlainIndex) -> Seq) -> Seq {
        let mut index = self.index.write();
        let seq = apply(&mut index);
        // Still under the write lock, so that two changes publish in order.
        self.visible.publish(seq);
        seq
    }
}

impl SearchIndex for RwLockIndex {
    type Reader<'a> = RwLockReader<'a>;

    fn new(tokenizer: Arc<dyn Tokenize>) -> Self {
        Self {
            tokenizer,
            index: RwLock::new(PlainIndex::default()),
            visible: Visible::default(),
        }
    }

    fn tokenizer(&self) -> &dyn Tokenize {
        &*self.tokenizer
    }

    fn add(&self, id: DocId, text: &str) -> Seq {
        // Tokenize before taking the lock: the slow part needs no lock.
        let tokens = self.tokenizer.tokens(text);
        self.change(|index| index.add(id, tokens))
    }

    fn delete(&self, id: DocId) -> Seq {
        self.change(|index| index.delete(id))
    }

    fn refresh(&self) -> Seq {
        self.index.read().seq
    }

    fn merge(&self) {}

    fn reader(&self) -> RwLockReader<'_> {
        RwLockReader(self.index.read())
    }

    fn wait_for(&self, seq: Seq, timeout: Duration) -> Result<Seq, TimedOut> {
        self.visible.wait_for(seq, timeout)
    }
}

/// A read lock, held from the query's statistics to its last posting.
#[derive(Debug)]
pub struct RwLockReader<'a>(RwLockReadGuard<'a, PlainIndex>);

impl Reader for RwLockReader<'_> {
    fn seq(&self) -> Seq {
        self.0.seq
    }

    fn stats(&self, terms: &[String]) -> Stats {
        self.0.stats(terms)
    }

    fn top_k(&self, terms: &[String], stats: &Stats, k: usize) -> Vec<Hit> {
        self.0.top_k(terms, stats, k)
    }
}
