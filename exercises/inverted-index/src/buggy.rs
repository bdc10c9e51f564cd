//! The bug zoo: indexes that look right, pass a quick test, and are wrong.
//! Each is named after what it gets wrong; `tests/bugs.rs` proves the
//! suite catches every one, under its bug class.

use std::sync::Arc;
use std::time::Duration;

use crate::bm25::{self, Stats};
use crate::segments::{Part, SegmentIndex, SegmentReader, View};
use crate::{BufferedIndex, DocId, Hit, Reader, SearchIndex, Seq, Sharded, TimedOut, Tokenize};

/// The per-shard IDF trap: each shard scores its documents with its own
/// statistics. A term rare in one shard and common in another weighs
/// differently in each, so the ranking depends on how documents were
/// spread. A cluster that gathers no statistics first does exactly this.
pub fn per_shard_idf<I: SearchIndex>(sharded: &Sharded<I>, query: &str, k: usize) -> Vec<Hit> {
    let terms = bm25::query_terms(sharded.tokenizer(), query);
    let tops = sharded.shards().iter().map(|shard| {
        let reader = shard.reader();
        let own = reader.stats(&terms);
        reader.top_k(&terms, &own, k)
    });
    bm25::top_k(tops.flatten(), k)
}

/// The methods a zoo index takes from `SegmentIndex` unchanged: the
/// common ones, and those named.
macro_rules! like_segment_index {
    (@one refresh) => {
        fn refresh(&self) -> Seq {
            self.0.refresh()
        }
    };
    (@one merge) => {
        fn merge(&self) {
            self.0.merge();
        }
    };
    (@one reader) => {
        fn reader(&self) -> SegmentReader {
            self.0.reader()
        }
    };
    ($($also:ident),*) => {
        like_segment_index!(@in SegmentIndex; $($also),*);
    };
    // The same, around another index.
    (@in $inner:ty; $($also:ident),*) => {
        $(like_segment_index!(@one $also);)*
        fn new(tokenizer: Arc<dyn Tokenize>) -> Self {
            Self(<$inner>::new(tokenizer))
        }
        fn tokenizer(&self) -> &dyn Tokenize {
            self.0.tokenizer()
        }
        fn add(&self, id: DocId, text: &str) -> Seq {
            self.0.add(id, text)
        }
        fn delete(&self, id: DocId) -> Seq {
            self.0.delete(id)
        }
        fn wait_for(&self, seq: Seq, timeout: Duration) -> Result<Seq, TimedOut> {
            self.0.wait_for(seq, timeout)
        }
        fn segments(&self) -> Option<usize> {
            self.0.segments()
        }
    };
}

/// Statistics from one view, postings from another: the reader loads the
/// current view again for its statistics. A refresh between the two loads
/// scores the query with an N and avgdl its postings never had.
#[derive(Debug)]
pub struct StatsFromAnotherView(SegmentIndex);

/// A reader whose statistics come from a fresh load of the view.
#[derive(Debug)]
pub struct Drifting<'a> {
    index: &'a SegmentIndex,
    postings: SegmentReader,
}

impl Reader for Drifting<'_> {
    fn seq(&self) -> Seq {
        self.postings.seq()
    }
    fn stats(&self, terms: &[String]) -> Stats {
        self.index.reader().stats(terms)
    }
    fn top_k(&self, terms: &[String], stats: &Stats, k: usize) -> Vec<Hit> {
        self.postings.top_k(terms, stats, k)
    }
}

impl SearchIndex for StatsFromAnotherView {
    type Reader<'a> = Drifting<'a>;
    like_segment_index!(refresh, merge);
    fn reader(&self) -> Drifting<'_> {
        Drifting {
            index: &self.0,
            postings: self.0.reader(),
        }
    }
}

/// A refresh that publishes the new segment before its postings: first a
/// view whose new documents count in N but match no term, then the whole
/// one. A search between the two sees documents that are there and are
/// not.
#[derive(Debug)]
pub struct PublishBeforePostings(SegmentIndex);

impl SearchIndex for PublishBeforePostings {
    type Reader<'a> = SegmentReader;
    like_segment_index!(merge, reader);
    fn refresh(&self) -> Seq {
        self.0.refresh_then(|index, current, next| {
            let mut early = View {
                seq: next.seq,
                parts: next.parts.clone(),
                docs: next.docs,
                tokens: next.tokens,
            };
            // Only a refresh that added documents has a new segment to strip.
            if early.parts.len() > current.parts.len()
                && let Some(newest) = early.parts.last_mut()
            {
                newest.segment = Arc::new(newest.segment.without_postings());
            }
            index.view.publish(kit::sync::Arc::new(early));
            // The postings follow "a moment later".
            std::thread::yield_now();
            index.publish(next);
        })
    }
}

/// Waiters told before the view is out: a refresh wakes those waiting for
/// its changes, then publishes. A waiter that wakes and searches at once
/// finds the old view: it waited for its own write and does not see it.
#[derive(Debug)]
pub struct WakesBeforePublishing(SegmentIndex);

impl SearchIndex for WakesBeforePublishing {
    type Reader<'a> = SegmentReader;
    like_segment_index!(merge, reader);
    fn refresh(&self) -> Seq {
        self.0.refresh_then(|index, _, next| {
            index.visible.publish(next.seq);
            index.view.publish(kit::sync::Arc::new(next));
        })
    }
}

/// A merge that forgets the deletes made while it ran: the merged segment
/// keeps every document that was live when the merge began, so a document
/// deleted meanwhile comes back, for good.
#[derive(Debug)]
pub struct MergeForgetsDeletes(SegmentIndex);

impl SearchIndex for MergeForgetsDeletes {
    type Reader<'a> = SegmentReader;
    like_segment_index!(refresh, reader);
    fn merge(&self) {
        self.0.merge_then(|merge| {
            // Live as at the start: the bug.
            let live = vec![true; merge.segment.docs()];
            SegmentIndex::relocate(merge.writer, merge.start, merge.id, &merge.renumbered);
            let merged = Part::new(merge.id, merge.segment, live);
            SegmentIndex::with_merged(merge.start, merge.now, merged)
        });
    }
}

/// A merge that publishes only what it merged: the segments a refresh
/// published while the merge ran are dropped, and their documents with
/// them.
#[derive(Debug)]
pub struct MergeDropsNewSegments(SegmentIndex);

impl SearchIndex for MergeDropsNewSegments {
    type Reader<'a> = SegmentReader;
    like_segment_index!(refresh, reader);
    fn merge(&self) {
        self.0.merge_then(|merge| {
            let live = SegmentIndex::still_live(
                merge.start,
                merge.now,
                &merge.renumbered,
                merge.segment.docs(),
            );
            SegmentIndex::relocate(merge.writer, merge.start, merge.id, &merge.renumbered);
            // Only the merged part: the bug. The parts a refresh added
            // during the merge should follow it.
            View {
                seq: merge.now.seq,
                parts: vec![Part::new(merge.id, merge.segment, live)],
                docs: merge.now.docs,
                tokens: merge.now.tokens,
            }
        });
    }
}

/// Ties broken the wrong way: equal scores go to the higher id. One
/// thread is enough to see it; the contract says lower id first.
#[derive(Debug)]
pub struct TiesToHigherIds(SegmentIndex);

/// A reader that ranks all matches itself, ties to the higher id.
#[derive(Debug)]
pub struct HigherIdsFirst(SegmentReader);

impl Reader for HigherIdsFirst {
    fn seq(&self) -> Seq {
        self.0.seq()
    }
    fn stats(&self, terms: &[String]) -> Stats {
        self.0.stats(terms)
    }
    fn top_k(&self, terms: &[String], stats: &Stats, k: usize) -> Vec<Hit> {
        let mut all = self.0.top_k(terms, stats, usize::MAX);
        all.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.doc.cmp(&a.doc)));
        all.truncate(k);
        all
    }
}

impl SearchIndex for TiesToHigherIds {
    type Reader<'a> = HigherIdsFirst;
    like_segment_index!(refresh, merge);
    fn reader(&self) -> HigherIdsFirst {
        HigherIdsFirst(self.0.reader())
    }
}

/// Per-thread buffers, each applied in turn: the first buffer's changes,
/// then the second's. Each buffer is in order, but an add in one that
/// replaced a document of another's, numbered later, is applied first and
/// then replaced by the older copy (or killed by an older delete).
#[derive(Debug)]
pub struct AppliesBufferByBuffer(BufferedIndex);

impl SearchIndex for AppliesBufferByBuffer {
    type Reader<'a> = SegmentReader;
    like_segment_index!(@in BufferedIndex; merge, reader);
    fn refresh(&self) -> Seq {
        // The changes as the buffers hold them, not sorted by number.
        self.0.refresh_in(|_| {})
    }
}

/// A merge that merges nothing. Every answer stays right, so only a check
/// of the segments catches it; meanwhile segments pile up, one a refresh,
/// and every search reads them all.
#[derive(Debug)]
pub struct MergesNothing(SegmentIndex);

impl SearchIndex for MergesNothing {
    type Reader<'a> = SegmentReader;
    like_segment_index!(refresh, reader);
    fn merge(&self) {}
}
