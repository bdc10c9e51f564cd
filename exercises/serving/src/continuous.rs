//! The reference generator: continuous batching. One loop owns the
//! decoder; at every step boundary it retires finished and cancelled
//! sequences, admits waiting requests into the free slots, and runs one
//! step over everything it holds.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use kit::sync::Mutex;
use tokio::sync::{Notify, mpsc};
use tokio::task::AbortHandle;

use crate::{Decoder, GenOptions, Generate, Generator, Refused};

/// A request waiting for a slot, or a sequence holding one.
#[derive(Debug)]
pub(crate) struct Sequence {
    pub(crate) prompt: u64,
    pub(crate) tokens: u32,
    /// The position of the next token.
    pub(crate) next: u32,
    pub(crate) out: mpsc::UnboundedSender<u64>,
}

impl Sequence {
    /// Its caller dropped the receiver: nobody wants the rest.
    pub(crate) fn cancelled(&self) -> bool {
        self.out.is_closed()
    }
}

#[derive(Debug)]
pub(crate) struct Queue {
    pub(crate) waiting: Mutex<VecDeque<Sequence>>,
    pub(crate) bell: Notify,
    pub(crate) bound: usize,
}

impl Queue {
    pub(crate) fn new(options: GenOptions) -> Queue {
        Queue {
            waiting: Mutex::new(VecDeque::new()),
            bell: Notify::new(),
            bound: options.queue,
        }
    }

    /// Queues `request`, or refuses it if the queue is full. A request
    /// whose caller dropped its receiver while it waited gives up its
    /// place here, at the next arrival, or at the next step boundary.
    pub(crate) fn push(&self, request: Generate) -> Result<mpsc::UnboundedReceiver<u64>, Refused> {
        let (out, tokens) = mpsc::unbounded_channel();
        if request.tokens == 0 {
            // Nothing to make: the stream ends at once.
            return Ok(tokens);
        }
        let mut waiting = self.waiting.lock();
        waiting.retain(|s| !s.cancelled());
        if waiting.len() >= self.bound {
            return Err(Refused::Busy {
                retry_after: Duration::from_millis(1),
            });
        }
        waiting.push_back(Sequence {
            prompt: request.prompt,
            tokens: request.tokens,
            next: 0,
            out,
        });
        drop(waiting);
        self.bell.notify_one();
        Ok(tokens)
    }

    /// Fills `active` up to `slots` from the queue, oldest first.
    pub(crate) fn admit(&self, active: &mut Vec<Sequence>, slots: usize) {
        let mut waiting = self.waiting.lock();
        while active.len() < slots {
            match waiting.pop_front() {
                Some(s) if s.cancelled() => {}
                Some(s) => active.push(s),
                None => break,
            }
        }
    }
}

/// Runs one step over `active` and sends each its token; retires the
/// finished ones (dropping the sender ends their stream).
pub(crate) async fn step<D: Decoder>(decoder: &D, active: &mut Vec<Sequence>) {
    let at: Vec<(u64, u32)> = active.iter().map(|s| (s.prompt, s.next)).collect();
    let tokens = decoder.step(at).await;
    for (sequence, token) in active.iter_mut().zip(tokens) {
        let _ = sequence.out.send(token);
        sequence.next += 1;
    }
    active.retain(|s| s.next < s.tokens);
}

/// A queue and the loop that serves it; the loop ends when this is
/// dropped (it holds the decoder, and a loop left running would keep it
/// for ever).
#[derive(Debug)]
pub(crate) struct Served {
    pub(crate) queue: Arc<Queue>,
    worker: AbortHandle,
}

impl Served {
    /// A queue of `options`, and `run(queue)` spawned as its loop.
    pub(crate) fn start<F>(options: GenOptions, run: impl FnOnce(Arc<Queue>) -> F) -> Served
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let queue = Arc::new(Queue::new(options));
        let worker = tokio::spawn(run(Arc::clone(&queue))).abort_handle();
        Served { queue, worker }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.worker.abort();
    }
}

/// The reference generator.
#[derive(Debug)]
pub struct ContinuousBatches<D> {
    served: Served,
    decoder: std::marker::PhantomData<D>,
}

impl<D: Decoder> Generator<D> for ContinuousBatches<D> {
    fn new(decoder: Arc<D>, options: GenOptions) -> Self {
        Self {
            served: Served::start(options, |queue| run(queue, decoder)),
            decoder: std::marker::PhantomData,
        }
    }

    fn generate(&self, request: Generate) -> Result<mpsc::UnboundedReceiver<u64>, Refused> {
        self.served.queue.push(request)
    }
}

// ANCHOR: continuous
/// At every step boundary: retire the cancelled, admit into free slots,
/// step. With nothing to do, wait for the bell (after looking: the
/// permit covers an arrival between the look and the wait).
async fn run<D: Decoder>(queue: Arc<Queue>, decoder: Arc<D>) {
    let slots = decoder.slots().max(1);
    let mut active: Vec<Sequence> = Vec::with_capacity(slots);
    loop {
        active.retain(|s| !s.cancelled());
        queue.admit(&mut active, slots);
        if active.is_empty() {
            queue.bell.notified().await;
            continue;
        }
        step(&*decoder, &mut active).await;
    }
}
// ANCHOR_END: continuous
