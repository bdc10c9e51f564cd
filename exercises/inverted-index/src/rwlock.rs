//! One reader-writer lock around one mutable index: the first design most
//! people draw. Correct, and simple: a change is visible as soon as its
//! add returns, so `refresh` has nothing to do. The price is on the chart:
//! an add waits for every search in flight to finish, and every search
//! that arrives meanwhile waits for the add.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use kit::sync::{RwLock, RwLockReadGuard};

use crate::bm25::{self, Stats};
use crate::visible::Visible;
use crate::{DocId, Hit, Reader, SearchIndex, Seq, TimedOut, Tokenize};

/// The index a lock guards: postings that writers change in place.
#[derive(Debug, Default)]
pub struct Mutable {
    seq: Seq,
    /// Each term's documents and term frequencies, by id.
    postings: HashMap<String, BTreeMap<DocId, u32>>,
    /// Each document's length and distinct terms (to find its postings
    /// again when it is deleted).
    docs: HashMap<DocId, (u32, Vec<String>)>,
    tokens: u64,
}

impl Mutable {
    fn remove(&mut self, id: DocId) {
        if let Some((len, terms)) = self.docs.remove(&id) {
            self.tokens -= u64::from(len);
            for term in terms {
                if let Some(docs) = self.postings.get_mut(&term) {
                    docs.remove(&id);
                    if docs.is_empty() {
                        self.postings.remove(&term);
                    }
                }
            }
        }
    }

    fn insert(&mut self, id: DocId, tokens: Vec<String>) {
        let len = u32::try_from(tokens.len()).expect("a document of under 2^32 tokens");
        let mut terms: Vec<String> = Vec::new();
        for token in tokens {
            let tf = self
                .postings
                .entry(token.clone())
                .or_default()
                .entry(id)
                .or_insert(0);
            if *tf == 0 {
                terms.push(token);
            }
            *tf += 1;
        }
        self.tokens += u64::from(len);
        self.docs.insert(id, (len, terms));
    }
}

/// A mutable index behind one `RwLock`.
#[derive(Debug)]
pub struct RwLockIndex {
    tokenizer: Arc<dyn Tokenize>,
    index: RwLock<Mutable>,
    visible: Visible,
}

impl RwLockIndex {
    fn change(&self, apply: impl FnOnce(&mut Mutable)) -> Seq {
        let mut index = self.index.write();
        index.seq += 1;
        apply(&mut index);
        // Still under the write lock, so that two changes publish in order.
        self.visible.publish(index.seq);
        index.seq
    }
}

impl SearchIndex for RwLockIndex {
    type Reader<'a> = RwLockReader<'a>;

    fn new(tokenizer: Arc<dyn Tokenize>) -> Self {
        Self {
            tokenizer,
            index: RwLock::new(Mutable::default()),
            visible: Visible::default(),
        }
    }

    fn tokenizer(&self) -> &dyn Tokenize {
        &*self.tokenizer
    }

    fn add(&self, id: DocId, text: &str) -> Seq {
        // Tokenize before taking the lock: the slow part needs no lock.
        let tokens = self.tokenizer.tokens(text);
        self.change(|index| {
            index.remove(id);
            index.insert(id, tokens);
        })
    }

    fn delete(&self, id: DocId) -> Seq {
        self.change(|index| index.remove(id))
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
pub struct RwLockReader<'a>(RwLockReadGuard<'a, Mutable>);

impl Reader for RwLockReader<'_> {
    fn seq(&self) -> Seq {
        self.0.seq
    }

    fn stats(&self, terms: &[String]) -> Stats {
        Stats {
            docs: self.0.docs.len() as u64,
            tokens: self.0.tokens,
            containing: terms
                .iter()
                .map(|term| {
                    self.0
                        .postings
                        .get(term)
                        .map_or(0, |docs| docs.len() as u64)
                })
                .collect(),
        }
    }

    fn top_k(&self, terms: &[String], stats: &Stats, k: usize) -> Vec<Hit> {
        bm25::rank(terms, stats, k, |term, add| {
            for (&doc, &tf) in self.0.postings.get(term).into_iter().flatten() {
                add(doc, tf, self.0.docs[&doc].0);
            }
        })
    }
}
