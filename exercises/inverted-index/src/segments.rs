//! Lucene's near-real-time design: searchers never wait.
//!
//! - **Add** tokenizes outside any lock, then appends the document to the
//!   writer's buffer under a short lock that also numbers the change.
//! - **Refresh** turns the buffer into an immutable segment, marks the
//!   documents that changes replaced or deleted as dead (in copies of the
//!   live bitmaps, never in place), and publishes a new [`View`] (segments,
//!   bitmaps and statistics together) with one pointer swap.
//! - **Search** loads the current view once and reads only it, for the
//!   statistics and the postings alike. A refresh or merge that publishes
//!   meanwhile changes nothing the search holds.
//! - **Merge** loads a view, builds one segment from its segments' live
//!   documents with no lock held, then, under the writer's lock, carries
//!   over what happened meanwhile (deletes of documents it moved, and
//!   segments refreshed after it began) and publishes.

use std::collections::HashMap;
// Segments and bitmaps are plain immutable data behind std's `Arc`; the
// view, which threads publish and load, goes through kit's, which loom
// models.
use std::sync::Arc;
use std::time::Duration;

use kit::sync::{Mutex, Snapshot};

use crate::bm25::{self, Stats};
use crate::segment::Segment;
use crate::visible::Visible;
use crate::{DocId, Hit, Reader, SearchIndex, Seq, TimedOut, Tokenize};

// ANCHOR: view
/// What a search sees: one point in time, published whole.
#[derive(Debug, Default)]
pub struct View {
    /// The last change this view holds.
    pub(crate) seq: Seq,
    pub(crate) parts: Vec<Part>,
    /// Live documents and their tokens: BM25's N and avgdl, kept with the
    /// postings they describe.
    pub(crate) docs: u64,
    pub(crate) tokens: u64,
}

/// A segment and which of its documents are still live. The bitmap is
/// replaced, never changed: a view that holds it must see it as it was.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub(crate) id: u64,
    pub(crate) segment: Arc<Segment>,
    pub(crate) live: Arc<[bool]>,
    /// No document of the segment is dead: n(t) is the segment's count,
    /// with no postings to decode.
    pub(crate) whole: bool,
}
// ANCHOR_END: view

impl Part {
    pub(crate) fn new(id: u64, segment: Segment, live: Vec<bool>) -> Self {
        Self {
            id,
            segment: Arc::new(segment),
            whole: live.iter().all(|&alive| alive),
            live: live.into(),
        }
    }

    /// The same segment with another bitmap.
    fn with_live(&self, live: Vec<bool>) -> Self {
        Self {
            id: self.id,
            segment: Arc::clone(&self.segment),
            whole: live.iter().all(|&alive| alive),
            live: live.into(),
        }
    }

    /// How many live documents hold `term`.
    fn doc_freq(&self, term: &str) -> u64 {
        if self.whole {
            u64::from(self.segment.doc_freq(term))
        } else {
            let live = self
                .segment
                .postings(term)
                .filter(|&(ord, _)| self.live[ord as usize]);
            live.count() as u64
        }
    }
}

/// A merge at its last step, under the writer's lock: the view it began
/// with, the view now, and the merged segment with the new number of each
/// old document.
pub(crate) struct Merge<'a> {
    pub(crate) writer: &'a mut Writer,
    pub(crate) start: &'a View,
    pub(crate) now: &'a View,
    pub(crate) segment: Segment,
    pub(crate) renumbered: Vec<Vec<Option<u32>>>,
    /// The merged segment's part id.
    pub(crate) id: u64,
}

/// A change as a refresh applies it: an added document already has its
/// place in one of the refresh's new segments.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step {
    Add { id: DocId, part: u64, ord: u32 },
    Delete(DocId),
}

/// A change waiting for the next refresh.
#[derive(Debug)]
pub(crate) enum Change {
    Add { id: DocId, tokens: Vec<String> },
    Delete(DocId),
}

/// The writer's side, under one lock: changes since the last refresh, and
/// where each live document is.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    pub(crate) last: Seq,
    pub(crate) pending: Vec<Change>,
    /// Each live document's part and ordinal.
    pub(crate) located: HashMap<DocId, (u64, u32)>,
    pub(crate) next_part: u64,
}

/// Segments published as snapshots, a buffered writer, merges that stop
/// nobody.
#[derive(Debug)]
pub struct SegmentIndex {
    tokenizer: Arc<dyn Tokenize>,
    pub(crate) view: Snapshot<View>,
    pub(crate) writer: Mutex<Writer>,
    /// One merge at a time: a merge replaces the parts it began with, so two
    /// merges of the same parts would each bring back what the other dropped.
    pub(crate) merging: Mutex<()>,
    pub(crate) visible: Visible,
}

impl SegmentIndex {
    fn change(&self, change: Change) -> Seq {
        let mut writer = self.writer.lock();
        writer.last += 1;
        writer.pending.push(change);
        writer.last
    }

    // ANCHOR: refresh
    /// The view after `writer`'s pending changes, applied in order to
    /// `current`. Takes the changes out of the writer.
    pub(crate) fn next_view(writer: &mut Writer, current: &View) -> View {
        let part = writer.next_part;
        writer.next_part += 1;
        let mut added: Vec<(DocId, Vec<String>)> = Vec::new();
        let mut steps = Vec::new();
        for change in std::mem::take(&mut writer.pending) {
            steps.push(match change {
                Change::Add { id, tokens } => {
                    added.push((id, tokens));
                    let ord = added.len() as u32 - 1;
                    Step::Add { id, part, ord }
                }
                Change::Delete(id) => Step::Delete(id),
            });
        }
        let new = if added.is_empty() {
            Vec::new()
        } else {
            vec![(part, Segment::build(&added))]
        };
        let seq = writer.last;
        Self::applied(writer, current, seq, new, steps)
    }

    /// `current` with the `new` segments (each with its part id) and the
    /// `steps` that put documents in them or delete, in the order they were
    /// numbered, the last of them `seq`.
    pub(crate) fn applied(
        writer: &mut Writer,
        current: &View,
        seq: Seq,
        new: Vec<(u64, Segment)>,
        steps: impl IntoIterator<Item = Step>,
    ) -> View {
        let mut parts = current.parts.clone();
        let (mut docs, mut tokens) = (current.docs, current.tokens);
        // The new segments' bitmaps, and copies of those this refresh
        // changes: the current view's stay as they are for the searches
        // that hold it.
        let mut live: HashMap<u64, Vec<bool>> = new
            .iter()
            .map(|(part, segment)| (*part, vec![true; segment.docs()]))
            .collect();
        // Where a located document is: a part of this view or a new one
        // (always, unless a merge of the zoo has dropped a part).
        let segment = |part: u64| -> Option<&Segment> {
            new.iter()
                .find(|(id, _)| *id == part)
                .map(|(_, segment)| segment)
                .or_else(|| parts.iter().find(|p| p.id == part).map(|p| &*p.segment))
        };
        for step in steps {
            let id = match step {
                Step::Add { id, .. } | Step::Delete(id) => id,
            };
            // An add replaces, a delete removes: either way the old copy dies.
            if let Some((part, ord)) = writer.located.remove(&id) {
                docs -= 1;
                if let Some(segment) = segment(part) {
                    tokens -= u64::from(segment.len_of(ord));
                    let bits = live.entry(part).or_insert_with(|| {
                        let old = parts.iter().find(|p| p.id == part);
                        old.expect("not new, so old").live.to_vec()
                    });
                    bits[ord as usize] = false;
                }
            }
            if let Step::Add { id, part, ord } = step {
                writer.located.insert(id, (part, ord));
                docs += 1;
                let segment = segment(part).expect("an add's segment is a new one");
                tokens += u64::from(segment.len_of(ord));
            }
        }
        for part in &mut parts {
            if let Some(bits) = live.remove(&part.id) {
                *part = part.with_live(bits);
            }
        }
        for (part, segment) in new {
            let bits = live.remove(&part).expect("every new segment has a bitmap");
            parts.push(Part::new(part, segment, bits));
        }
        View {
            seq,
            parts,
            docs,
            tokens,
        }
    }

    /// A refresh, up to publishing: `publish` gets the current view and the
    /// next. The writer's lock is held until it returns: two refreshes
    /// publish in the order they built, and an add made meanwhile waits
    /// (for the segment's build, not for any search).
    pub(crate) fn refresh_then(&self, publish: impl FnOnce(&Self, &View, View)) -> Seq {
        let mut writer = self.writer.lock();
        let current = self.view.load();
        if writer.pending.is_empty() {
            return current.seq;
        }
        let next = Self::next_view(&mut writer, &current);
        let seq = next.seq;
        publish(self, &current, next);
        seq
    }

    /// Publishes `view` to searches, then tells waiters: in that order, so
    /// a waiter that wakes finds its change.
    pub(crate) fn publish(&self, view: View) {
        let seq = view.seq;
        self.view.publish(kit::sync::Arc::new(view));
        self.visible.publish(seq);
    }
    // ANCHOR_END: refresh

    // ANCHOR: merge
    /// A merge, up to its last step: merges the parts of the current view
    /// with no lock held, then, under the writer's lock, asks `reconcile`
    /// for the view to publish.
    pub(crate) fn merge_then(&self, reconcile: impl FnOnce(Merge<'_>) -> View) {
        let _one_at_a_time = self.merging.lock();
        let start = self.view.load();
        if start.parts.len() < 2 {
            return;
        }
        let (segment, renumbered) = Self::merged(&start);
        let mut writer = self.writer.lock();
        let now = self.view.load();
        let id = writer.next_part;
        writer.next_part += 1;
        let view = reconcile(Merge {
            writer: &mut writer,
            start: &start,
            now: &now,
            segment,
            renumbered,
            id,
        });
        self.publish(view);
    }

    /// The merge's slow half: every part of `start` in one segment, built
    /// with no lock held.
    pub(crate) fn merged(start: &View) -> (Segment, Vec<Vec<Option<u32>>>) {
        let inputs: Vec<(&Segment, &[bool])> = start
            .parts
            .iter()
            .map(|part| (&*part.segment, &*part.live))
            .collect();
        Segment::merge(&inputs)
    }

    /// The merged segment's live bitmap: the documents of `start` that
    /// are still live in `now`. Deletes that landed during the merge
    /// killed them in the old parts' bitmaps; they must stay dead.
    pub(crate) fn still_live(
        start: &View,
        now: &View,
        renumbered: &[Vec<Option<u32>>],
        docs: usize,
    ) -> Vec<bool> {
        let mut live = vec![true; docs];
        for (part, new) in start.parts.iter().zip(renumbered) {
            let current = now
                .parts
                .iter()
                .find(|p| p.id == part.id)
                .expect("only a merge removes parts, and merges take turns");
            for (ord, to) in new.iter().enumerate() {
                if let Some(to) = to
                    && !current.live[ord]
                {
                    live[*to as usize] = false;
                }
            }
        }
        live
    }

    /// Points the writer at the moved documents' new places. A document
    /// replaced during the merge is located elsewhere already and stays so.
    pub(crate) fn relocate(
        writer: &mut Writer,
        start: &View,
        merged_id: u64,
        renumbered: &[Vec<Option<u32>>],
    ) {
        for (part, new) in start.parts.iter().zip(renumbered) {
            for (ord, to) in new.iter().enumerate() {
                let Some(to) = to else { continue };
                let id = part.segment.id(ord as u32);
                if writer.located.get(&id) == Some(&(part.id, ord as u32)) {
                    writer.located.insert(id, (merged_id, *to));
                }
            }
        }
    }

    /// `now` with the parts of `start` replaced by `merged`: parts that a
    /// refresh published during the merge are kept, after it.
    pub(crate) fn with_merged(start: &View, now: &View, merged: Part) -> View {
        let mut parts = Vec::with_capacity(now.parts.len());
        if merged.segment.docs() > 0 {
            parts.push(merged);
        }
        parts.extend(
            now.parts
                .iter()
                .filter(|part| !start.parts.iter().any(|p| p.id == part.id))
                .cloned(),
        );
        View {
            seq: now.seq,
            parts,
            docs: now.docs,
            tokens: now.tokens,
        }
    }
    // ANCHOR_END: merge
}

impl SearchIndex for SegmentIndex {
    type Reader<'a> = SegmentReader;

    fn new(tokenizer: Arc<dyn Tokenize>) -> Self {
        Self {
            tokenizer,
            view: Snapshot::new(View::default()),
            writer: Mutex::new(Writer::default()),
            merging: Mutex::new(()),
            visible: Visible::default(),
        }
    }

    fn tokenizer(&self) -> &dyn Tokenize {
        &*self.tokenizer
    }

    fn add(&self, id: DocId, text: &str) -> Seq {
        let tokens = self.tokenizer.tokens(text);
        self.change(Change::Add { id, tokens })
    }

    fn delete(&self, id: DocId) -> Seq {
        self.change(Change::Delete(id))
    }

    fn refresh(&self) -> Seq {
        self.refresh_then(|index, _, next| index.publish(next))
    }

    // ANCHOR: merge_steps
    fn merge(&self) {
        self.merge_then(|merge| {
            let live = Self::still_live(
                merge.start,
                merge.now,
                &merge.renumbered,
                merge.segment.docs(),
            );
            Self::relocate(merge.writer, merge.start, merge.id, &merge.renumbered);
            let merged = Part::new(merge.id, merge.segment, live);
            Self::with_merged(merge.start, merge.now, merged)
        });
    }
    // ANCHOR_END: merge_steps

    fn reader(&self) -> SegmentReader {
        SegmentReader(self.view.load())
    }

    fn segments(&self) -> Option<usize> {
        Some(self.view.load().parts.len())
    }

    fn wait_for(&self, seq: Seq, timeout: Duration) -> Result<Seq, TimedOut> {
        self.visible.wait_for(seq, timeout)
    }
}

// ANCHOR: reader
/// One view, loaded once: statistics and postings from the same point.
#[derive(Debug)]
pub struct SegmentReader(pub(crate) kit::sync::Arc<View>);

impl Reader for SegmentReader {
    fn seq(&self) -> Seq {
        self.0.seq
    }

    fn stats(&self, terms: &[String]) -> Stats {
        Stats {
            docs: self.0.docs,
            tokens: self.0.tokens,
            containing: terms
                .iter()
                .map(|term| self.0.parts.iter().map(|part| part.doc_freq(term)).sum())
                .collect(),
        }
    }

    /// BM25 as `bm25::rank` computes it (each document's terms summed in
    /// the query's order), with the scores of a segment's documents in an
    /// array by ordinal instead of a hash table by id: a query of common
    /// words touches most of a segment, and the table was most of its
    /// time.
    fn top_k(&self, terms: &[String], stats: &Stats, k: usize) -> Vec<Hit> {
        if stats.docs == 0 || k == 0 {
            return Vec::new();
        }
        let avgdl = stats.avgdl();
        let idf: Vec<f64> = (0..terms.len()).map(|i| stats.idf(i)).collect();
        let mut best = bm25::TopK::new(k);
        // Taken, not borrowed: a panic mid-search drops it, and the next
        // search starts from a clean one.
        let mut scratch = SCRATCH.take();
        for part in &self.0.parts {
            let segment = &part.segment;
            scratch.grow(segment.docs());
            for (i, term) in terms.iter().enumerate() {
                for (ord, tf) in segment.postings(term) {
                    if part.whole || part.live[ord as usize] {
                        let score = bm25::term_score(idf[i], tf, segment.len_of(ord), avgdl);
                        scratch.add(ord, score);
                    }
                }
            }
            for (ord, score) in scratch.drain() {
                best.offer(Hit {
                    doc: segment.id(ord),
                    score,
                });
            }
        }
        SCRATCH.set(scratch);
        best.into_sorted()
    }
}
// ANCHOR_END: reader

thread_local! {
    /// Each thread's score array, kept between its searches: a fresh one
    /// for every query would cost more than the scoring.
    static SCRATCH: std::cell::Cell<Scratch> = const { std::cell::Cell::new(Scratch::new()) };
}

/// Scores by ordinal, and which ordinals have one; all clear between
/// segments.
#[derive(Debug, Default)]
struct Scratch {
    scores: Vec<f64>,
    matched: Vec<bool>,
    touched: Vec<u32>,
}

impl Scratch {
    const fn new() -> Scratch {
        Scratch {
            scores: Vec::new(),
            matched: Vec::new(),
            touched: Vec::new(),
        }
    }

    fn grow(&mut self, docs: usize) {
        if self.scores.len() < docs {
            self.scores.resize(docs, 0.0);
            self.matched.resize(docs, false);
        }
    }

    fn add(&mut self, ord: u32, score: f64) {
        let at = ord as usize;
        if !self.matched[at] {
            self.matched[at] = true;
            self.touched.push(ord);
        }
        self.scores[at] += score;
    }

    /// Each scored ordinal and its score, leaving the arrays clear.
    fn drain(&mut self) -> impl Iterator<Item = (u32, f64)> + '_ {
        let (scores, matched) = (&mut self.scores, &mut self.matched);
        self.touched.drain(..).map(move |ord| {
            matched[ord as usize] = false;
            (ord, std::mem::take(&mut scores[ord as usize]))
        })
    }
}
