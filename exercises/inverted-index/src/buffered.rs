//! Per-thread indexing buffers, as Lucene's `DocumentsWriterPerThread`:
//! each writer thread inverts its documents into a segment of its own as
//! it adds them, so several writers index in parallel, and a refresh only
//! collects the buffers. Searches and merges are `SegmentIndex`'s.
//!
//! - **Add** tokenizes with no lock, then inverts under its buffer's lock
//!   and takes the change's number there, from one counter. It holds the
//!   read side of a gate meanwhile: many adds pass at once.
//! - **Refresh** closes the gate (its write side) and takes every buffer.
//!   No add then holds a number it has not recorded, so the counter names
//!   exactly the changes in the buffers: they become the next view, one new
//!   segment per buffer, applied in number order (an add in one buffer may
//!   replace a document in another).
//!
//! Against `SegmentIndex`, whose refresh inverts every buffered document
//! under the writer's lock while adds wait: the inverting moves to the
//! writers, and a refresh makes one segment per busy buffer, for merges
//! to fold.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use kit::sync::{AtomicU64, Mutex, Ordering, RwLock};

use crate::segment::Building;
use crate::segments::{SegmentIndex, SegmentReader, Step};
use crate::{DocId, SearchIndex, Seq, TimedOut, Tokenize};

/// Segments and snapshots as `SegmentIndex`, with a buffer per writer.
#[derive(Debug)]
pub struct BufferedIndex {
    /// The views, the writer's map of documents, merges and waiters.
    core: SegmentIndex,
    buffers: Vec<Mutex<Buffer>>,
    /// The last change numbered.
    numbered: AtomicU64,
    /// Adds hold it shared while they number and record a change; a
    /// refresh holds it alone while it takes the buffers.
    gate: RwLock<()>,
}

/// One writer's documents since the last refresh, already inverted, and
/// its changes with their numbers.
#[derive(Debug, Default)]
struct Buffer {
    segment: Building,
    changes: Vec<(Seq, Buffered)>,
}

#[derive(Debug, Clone, Copy)]
enum Buffered {
    /// At this ordinal of the buffer's segment.
    Add {
        id: DocId,
        ord: u32,
    },
    Delete(DocId),
}

impl BufferedIndex {
    /// The calling thread's buffer. Threads are spread by their id: two may
    /// share one, which is still correct (they take turns at its lock).
    fn buffer(&self) -> &Mutex<Buffer> {
        // kit's thread: under loom, its threads have ids of their own.
        let mut hasher = DefaultHasher::new();
        kit::sync::thread::current().id().hash(&mut hasher);
        &self.buffers[hasher.finish() as usize % self.buffers.len()]
    }

    /// Records a change in this thread's buffer; its number.
    fn change(&self, record: impl FnOnce(&mut Building) -> Buffered) -> Seq {
        // Numbered and recorded behind the gate: a refresh, holding it
        // alone, never sees a number whose change is not yet recorded.
        let _open = self.gate.read();
        let mut buffer = self.buffer().lock();
        let change = record(&mut buffer.segment);
        let seq = self.numbered.fetch_add(1, Ordering::SeqCst) + 1;
        buffer.changes.push((seq, change));
        seq
    }

    // ANCHOR: refresh
    /// A refresh that puts the changes taken from the buffers in the order
    /// `order` gives them (their numbers', for the reference), then applies
    /// them.
    pub(crate) fn refresh_in(&self, order: fn(&mut [(Seq, Step)])) -> Seq {
        let mut writer = self.core.writer.lock();
        let current = self.core.view.load();
        let (seq, taken) = {
            let _closed = self.gate.write();
            let seq = self.numbered.load(Ordering::SeqCst);
            let taken: Vec<Buffer> = self
                .buffers
                .iter()
                .map(|buffer| std::mem::take(&mut *buffer.lock()))
                .collect();
            (seq, taken)
        };
        if seq == current.seq {
            return seq;
        }
        let mut new = Vec::new();
        let mut steps: Vec<(Seq, Step)> = Vec::new();
        for buffer in taken.into_iter().filter(|b| !b.changes.is_empty()) {
            let part = writer.next_part;
            writer.next_part += 1;
            steps.extend(buffer.changes.into_iter().map(|(seq, change)| {
                let step = match change {
                    Buffered::Add { id, ord } => Step::Add { id, part, ord },
                    Buffered::Delete(id) => Step::Delete(id),
                };
                (seq, step)
            }));
            if buffer.segment.docs() > 0 {
                new.push((part, buffer.segment.finish()));
            }
        }
        order(&mut steps);
        let next = SegmentIndex::applied(
            &mut writer,
            &current,
            seq,
            new,
            steps.into_iter().map(|(_, step)| step),
        );
        self.core.publish(next);
        seq
    }
    // ANCHOR_END: refresh
}

impl SearchIndex for BufferedIndex {
    type Reader<'a> = SegmentReader;

    fn new(tokenizer: Arc<dyn Tokenize>) -> Self {
        // Two per core: a writer seldom shares its buffer. Under loom, one:
        // with two, loom 0.7.3 stops a model with "expected to be able to
        // acquire lock" on a buffer no thread holds by our reckoning, and we
        // have not found why. Buffers applied in number order are checked
        // by the suite instead, with real threads (and a zoo entry).
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            core: SegmentIndex::new(tokenizer),
            buffers: (0..if cfg!(loom) { 1 } else { 2 * cores })
                .map(|_| Mutex::new(Buffer::default()))
                .collect(),
            numbered: AtomicU64::new(0),
            gate: RwLock::new(()),
        }
    }

    fn tokenizer(&self) -> &dyn Tokenize {
        self.core.tokenizer()
    }

    fn add(&self, id: DocId, text: &str) -> Seq {
        let tokens = self.tokenizer().tokens(text);
        self.change(|segment| Buffered::Add {
            id,
            ord: segment.push(id, &tokens),
        })
    }

    fn delete(&self, id: DocId) -> Seq {
        self.change(|_| Buffered::Delete(id))
    }

    fn refresh(&self) -> Seq {
        self.refresh_in(|steps| steps.sort_unstable_by_key(|&(seq, _)| seq))
    }

    fn merge(&self) {
        self.core.merge();
    }

    fn reader(&self) -> SegmentReader {
        self.core.reader()
    }

    fn segments(&self) -> Option<usize> {
        self.core.segments()
    }

    fn wait_for(&self, seq: Seq, timeout: Duration) -> Result<Seq, TimedOut> {
        self.core.wait_for(seq, timeout)
    }
}
