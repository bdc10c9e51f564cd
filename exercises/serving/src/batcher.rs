//! The reference server: a bounded queue per class in front of one loop
//! that runs dynamic batches.
//!
//! `infer` admits a request into [`Waiting`] (or refuses it at once), rings
//! the loop's bell, and waits for its reply until its deadline. One loop
//! task owns the accelerator: it takes the batch that is due, runs it, and
//! sends each reply down its request's channel. The queue and the bell are
//! the only things the two sides share.

use std::sync::Arc;
use std::time::Duration;

use kit::sync::{AtomicU64, Mutex, Ordering};
use tokio::sync::{Notify, oneshot};
use tokio::task::AbortHandle;
use tokio::time::{Instant, sleep_until, timeout_at};

use crate::queue::Ticket;
use crate::{Accelerator, Next, Options, Refused, Reply, Request, Server, Waiting};

/// A waiting request's way back: the loop sends its reply here.
pub(crate) type Answer = oneshot::Sender<Reply>;

/// The reference server.
#[derive(Debug)]
pub struct DynamicBatcher<A> {
    shared: Arc<Shared>,
    options: Options,
    max_batch: usize,
    /// The loop ends with the server: it holds the accelerator, and a
    /// loop left running would keep it for ever.
    worker: AbortHandle,
    accelerator: std::marker::PhantomData<A>,
}

#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) waiting: Mutex<Waiting<Answer>>,
    /// Rung on every admission. The loop looks at the queue before each
    /// wait, so a request admitted during a batch is found; tokio's
    /// `notify_one` keeps a permit when nothing waits, so one admitted
    /// after the loop looked but before it waits still wakes it.
    pub(crate) bell: Notify,
    /// How long the last batch took, in µs: the basis of `Retry-After`.
    pub(crate) last_batch_us: AtomicU64,
}

impl Shared {
    pub(crate) fn new(options: &Options) -> Self {
        Self {
            waiting: Mutex::new(Waiting::new(options.queue, options.aging)),
            bell: Notify::new(),
            last_batch_us: AtomicU64::new(0),
        }
    }
}

impl<A> Drop for DynamicBatcher<A> {
    fn drop(&mut self) {
        self.worker.abort();
    }
}

/// Gives up a request's place when its `infer` ends, by an answer, a
/// deadline or a caller that stopped waiting (dropped the future).
pub(crate) struct Leave<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) ticket: Ticket,
}

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        self.shared.waiting.lock().leave(self.ticket);
    }
}

impl<A: Accelerator> Server<A> for DynamicBatcher<A> {
    fn new(accelerator: Arc<A>, options: Options) -> Self {
        let max_batch = options.max_batch.min(accelerator.max_batch()).max(1);
        let shared = Arc::new(Shared::new(&options));
        let worker =
            tokio::spawn(run(Arc::clone(&shared), accelerator, max_batch, options)).abort_handle();
        Self {
            shared,
            options,
            max_batch,
            worker,
            accelerator: std::marker::PhantomData,
        }
    }

    // ANCHOR: infer
    async fn infer(&self, request: Request) -> Result<Reply, Refused> {
        let now = Instant::now();
        if self.options.drop_expired && request.deadline <= now {
            return Err(Refused::Expired);
        }
        let (answer, reply) = oneshot::channel();
        let admitted = self.shared.waiting.lock().admit(&request, now, answer);
        let Ok(ticket) = admitted else {
            return Err(Refused::Busy {
                retry_after: self.retry_after(request),
            });
        };
        self.shared.bell.notify_one();
        let _leave = Leave {
            shared: &self.shared,
            ticket,
        };
        if self.options.drop_expired {
            match timeout_at(request.deadline, reply).await {
                Ok(Ok(reply)) => Ok(reply),
                // The loop dropped the sender: it found the request expired.
                Ok(Err(_)) | Err(_) => Err(Refused::Expired),
            }
        } else {
            reply.await.map_err(|_| Refused::Expired)
        }
    }
    // ANCHOR_END: infer
}

impl<A> DynamicBatcher<A> {
    /// When a refused request might find room: the batches it takes to
    /// drain its class's queue, at the last batch's time; 1 ms at least.
    fn retry_after(&self, request: Request) -> Duration {
        let waiting = self.shared.waiting.lock().len(request.class);
        let batches = waiting.div_ceil(self.max_batch).max(1) as u64;
        let last = self.shared.last_batch_us.load(Ordering::Relaxed);
        Duration::from_micros(batches * last).max(Duration::from_millis(1))
    }
}

// ANCHOR: loop
/// The loop that owns the accelerator: one batch at a time, for ever.
async fn run<A: Accelerator>(
    shared: Arc<Shared>,
    accelerator: Arc<A>,
    max_batch: usize,
    options: Options,
) {
    loop {
        let batch = next_batch(&shared, max_batch, &options).await;
        run_batch(&shared, &*accelerator, batch).await;
    }
}

/// Runs `batch` and sends each request its reply.
pub(crate) async fn run_batch<A: Accelerator>(
    shared: &Shared,
    accelerator: &A,
    batch: Vec<(u64, Answer)>,
) {
    let started = Instant::now();
    let prompts: Vec<u64> = batch.iter().map(|(prompt, _)| *prompt).collect();
    let size = prompts.len();
    let outputs = accelerator.run(prompts).await;
    let took = started.elapsed().as_micros() as u64;
    shared.last_batch_us.store(took, Ordering::Relaxed);
    for ((_, answer), output) in batch.into_iter().zip(outputs) {
        // A caller that stopped waiting dropped its receiver: no one to
        // tell.
        let _ = answer.send(Reply {
            output,
            batch: size,
        });
    }
}

/// Waits until a batch is due, and takes it: full, or its oldest request
/// has waited `max_wait`.
pub(crate) async fn next_batch(
    shared: &Shared,
    max_batch: usize,
    options: &Options,
) -> Vec<(u64, Answer)> {
    loop {
        let now = Instant::now();
        let next = {
            let mut waiting = shared.waiting.lock();
            if options.drop_expired {
                // A batch takes about as long as the last one: a request
                // whose deadline comes sooner cannot be answered in time.
                // Dropping its sender answers it `Expired`.
                let last = Duration::from_micros(shared.last_batch_us.load(Ordering::Relaxed));
                drop(waiting.expire(now + last));
            }
            waiting.next(now, max_batch, options.max_wait)
        };
        match next {
            Next::Run(batch) => return batch,
            Next::WaitUntil(due) => {
                tokio::select! {
                    () = shared.bell.notified() => {}
                    () = sleep_until(due) => {}
                }
            }
            Next::Empty => shared.bell.notified().await,
        }
    }
}
// ANCHOR_END: loop
