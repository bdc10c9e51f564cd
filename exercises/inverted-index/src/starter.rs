//! Your near-real-time index. Make
//! `cargo test -p inverted-index --features starter` pass.
//!
//! Given, and not the exercise: `crate::segment::Segment` (build one from
//! documents, merge several, read a term's postings), `crate::bm25`
//! (statistics, a term's score, summing scores, the top k),
//! `crate::visible::Visible` (wait until a change is visible) and kit's
//! `Snapshot` (a value readers load without waiting, replaced whole).
//! Yours: the concurrency. Read the contract in `lib.rs` first. Stuck? The
//! README has hints.

use std::sync::Arc;
use std::time::Duration;

use kit::sync::{Mutex, Snapshot};

use crate::segment::Segment;
use crate::visible::Visible;
use crate::{DocId, Hit, Reader, SearchIndex, Seq, Stats, TimedOut, Tokenize};

/// What a search sees; a suggested layout, change it if you like.
#[derive(Debug, Default)]
pub struct StarterView {
    /// The last change this view holds.
    pub seq: Seq,
    /// Segments, each with which of its documents are live.
    pub segments: Vec<(Arc<Segment>, Arc<[bool]>)>,
    /// Live documents and their tokens: BM25's N and avgdl.
    pub docs: u64,
    pub tokens: u64,
}

/// The writer's side; a suggested layout.
#[derive(Debug, Default)]
pub struct StarterWriter {
    /// The last change numbered.
    pub last: Seq,
    /// Documents added since the last refresh, with their tokens.
    pub added: Vec<(DocId, Vec<String>)>,
    // TODO: deletes, and where each live document is (to kill its old
    // copy when it is replaced or deleted).
}

/// Your index.
#[derive(Debug)]
pub struct StarterIndex {
    tokenizer: Arc<dyn Tokenize>,
    view: Snapshot<StarterView>,
    writer: Mutex<StarterWriter>,
    visible: Visible,
}

impl StarterIndex {
    /// Changes waiting for a refresh.
    pub fn pending(&self) -> usize {
        self.writer.lock().added.len()
    }

    /// The last change searches can see.
    pub fn visible(&self) -> Seq {
        self.visible.get()
    }
}

#[allow(unused_variables)] // until you use them
impl SearchIndex for StarterIndex {
    type Reader<'a> = StarterReader;

    fn new(tokenizer: Arc<dyn Tokenize>) -> Self {
        Self {
            tokenizer,
            view: Snapshot::new(StarterView::default()),
            writer: Mutex::new(StarterWriter::default()),
            visible: Visible::default(),
        }
    }

    fn tokenizer(&self) -> &dyn Tokenize {
        &*self.tokenizer
    }

    fn add(&self, id: DocId, text: &str) -> Seq {
        // TODO: tokenize with no lock held, then number the change and
        // buffer it under the writer's lock.
        todo!("StarterIndex::add")
    }

    fn delete(&self, id: DocId) -> Seq {
        todo!("StarterIndex::delete")
    }

    fn refresh(&self) -> Seq {
        // TODO: build a segment from the buffer, kill replaced and deleted
        // documents in *copies* of the live bitmaps, and publish the new
        // view whole. Then tell `visible`, not before.
        todo!("StarterIndex::refresh")
    }

    fn merge(&self) {
        // TODO: merge the segments of one view with no lock held, then,
        // under the writer's lock, keep what happened meanwhile: deletes
        // of documents you moved, and segments refreshed since you began.
        todo!("StarterIndex::merge")
    }

    fn reader(&self) -> StarterReader {
        todo!("StarterIndex::reader")
    }

    /// Given: the suite checks that a merge leaves at most one segment.
    fn segments(&self) -> Option<usize> {
        Some(self.view.read(|view| view.segments.len()))
    }

    fn wait_for(&self, seq: Seq, timeout: Duration) -> Result<Seq, TimedOut> {
        todo!("StarterIndex::wait_for")
    }
}

/// One view, for one query's statistics and postings alike: the `Arc`
/// that `Snapshot::load` returns (kit's, which loom models).
#[derive(Debug)]
pub struct StarterReader(pub kit::sync::Arc<StarterView>);

#[allow(unused_variables)] // until you use them
impl Reader for StarterReader {
    fn seq(&self) -> Seq {
        todo!("StarterReader::seq")
    }

    fn stats(&self, terms: &[String]) -> Stats {
        // TODO: N and tokens from the view; for each term, the live
        // documents that contain it.
        todo!("StarterReader::stats")
    }

    fn top_k(&self, terms: &[String], stats: &Stats, k: usize) -> Vec<Hit> {
        // TODO: `crate::bm25::rank`, given every live posting of each term.
        todo!("StarterReader::top_k")
    }
}
