//! The bug zoo: servers and single flights that look right and are not.
//! Each is the reference with one mistake a candidate makes, named after
//! it; the suite must catch every one (`tests/bugs.rs`).
//!
//! The servers share one body, [`Flawed`], the reference's logic with a
//! switch at each place a mistake goes; the single flights share
//! [`FlawedFlights`] the same way.

use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;
use std::time::Duration;

use kit::sync::Ordering;
use tokio::sync::{mpsc, oneshot};
use tokio::task::AbortHandle;
use tokio::time::{Instant, sleep, timeout_at};

use crate::batcher::{Leave, Shared, next_batch, run_batch};
use crate::continuous::{Queue, Sequence, Served, step};
use crate::{
    Accelerator, Class, Decoder, Flight, Flights, GenOptions, Generate, Generator, Joined, Next,
    Options, Refused, Reply, Request, Server, SingleFlight,
};

/// The mistake a [`Flawed`] server makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flaw {
    /// Admits every request: no bound, so under overload the queue and
    /// every wait grow without end.
    UnboundedQueue,
    /// Runs a batch only when it is full: at low load, a lone request
    /// waits for company that never comes.
    WaitsForFullBatch,
    /// One queue in arrival order: an interactive request waits behind
    /// every batch request that came first.
    FifoOnly,
    /// Interactive always first, batch never ages: under interactive load
    /// batch work never runs.
    StrictPriority,
    /// The loop waits for the bell after every batch, and the bell is
    /// `notify_waiters`, which keeps no permit: a request that arrives
    /// while a batch runs rings for nobody.
    LostWakeup,
    /// Ignores deadlines: an expired request still waits, and is run.
    RunsExpired,
    /// Gives up on its deadline, or when the caller leaves, but leaves
    /// its place in the queue taken.
    KeepsCancelled,
    /// Runs every request alone.
    OneAtATime,
    /// Expires a request only once its deadline has passed: one that
    /// cannot finish in time is still started, and its answer comes too
    /// late to count.
    StartsDoomedWork,
    /// Sorts a batch's prompts for the accelerator, and hands the outputs
    /// back in the unsorted order.
    MixedReplies,
    /// One bound for both classes: twice `queue` in all, so one class can
    /// take both shares.
    SharedBound,
    /// Computes `retry_after` as whole batches of waiting requests: zero
    /// when fewer than a batch wait.
    RetryAfterTruncated,
    /// Answers `Expired` at the deadline and keeps the place: an expired
    /// request goes on counting against the bound.
    ExpiredKeepsPlace,
}

const FLAWS: [Flaw; 13] = [
    Flaw::UnboundedQueue,
    Flaw::WaitsForFullBatch,
    Flaw::FifoOnly,
    Flaw::StrictPriority,
    Flaw::LostWakeup,
    Flaw::RunsExpired,
    Flaw::KeepsCancelled,
    Flaw::OneAtATime,
    Flaw::MixedReplies,
    Flaw::StartsDoomedWork,
    Flaw::SharedBound,
    Flaw::RetryAfterTruncated,
    Flaw::ExpiredKeepsPlace,
];

/// As good as never: the longest a flawed server waits for a full batch,
/// or how far a batch request ages.
const NEVER: Duration = Duration::from_secs(3600);

pub type UnboundedQueue<A> = Flawed<A, 0>;
pub type WaitsForFullBatch<A> = Flawed<A, 1>;
pub type FifoOnly<A> = Flawed<A, 2>;
pub type StrictPriority<A> = Flawed<A, 3>;
pub type LostWakeup<A> = Flawed<A, 4>;
pub type RunsExpired<A> = Flawed<A, 5>;
pub type KeepsCancelled<A> = Flawed<A, 6>;
pub type OneAtATime<A> = Flawed<A, 7>;
pub type MixedReplies<A> = Flawed<A, 8>;
pub type StartsDoomedWork<A> = Flawed<A, 9>;
pub type SharedBound<A> = Flawed<A, 10>;
pub type RetryAfterTruncated<A> = Flawed<A, 11>;
pub type ExpiredKeepsPlace<A> = Flawed<A, 12>;

/// The reference server with `FLAW`.
#[derive(Debug)]
pub struct Flawed<A, const FLAW: u8> {
    shared: Arc<Shared>,
    options: Options,
    worker: AbortHandle,
    accelerator: std::marker::PhantomData<A>,
}

impl<A, const FLAW: u8> Drop for Flawed<A, FLAW> {
    fn drop(&mut self) {
        self.worker.abort();
    }
}

fn flaw(index: u8) -> Flaw {
    FLAWS[index as usize]
}

impl<A: Accelerator, const FLAW: u8> Server<A> for Flawed<A, FLAW> {
    fn new(accelerator: Arc<A>, mut options: Options) -> Self {
        match flaw(FLAW) {
            Flaw::UnboundedQueue => options.queue = None,
            Flaw::WaitsForFullBatch => options.max_wait = NEVER,
            Flaw::FifoOnly => options.aging = Duration::ZERO,
            Flaw::StrictPriority => options.aging = NEVER,
            Flaw::RunsExpired => options.drop_expired = false,
            Flaw::OneAtATime => options.max_batch = 1,
            Flaw::SharedBound => options.queue = options.queue.map(|q| 2 * q),
            _ => {}
        }
        let max_batch = options.max_batch.min(accelerator.max_batch()).max(1);
        let shared = Arc::new(Shared::new(&options));
        let body = Arc::clone(&shared);
        let worker = if flaw(FLAW) == Flaw::LostWakeup {
            tokio::spawn(run_after_bell(body, accelerator, max_batch, options))
        } else {
            tokio::spawn(run::<A, FLAW>(body, accelerator, max_batch, options))
        };
        Self {
            shared,
            options,
            worker: worker.abort_handle(),
            accelerator: std::marker::PhantomData,
        }
    }

    async fn infer(&self, request: Request) -> Result<Reply, Refused> {
        let now = Instant::now();
        if self.options.drop_expired && request.deadline <= now {
            return Err(Refused::Expired);
        }
        let (answer, reply) = oneshot::channel();
        let admitted = {
            let mut waiting = self.shared.waiting.lock();
            let all = waiting.len(Class::Interactive) + waiting.len(Class::Batch);
            let pool_full = self.options.queue.is_some_and(|q| all >= q);
            if flaw(FLAW) == Flaw::SharedBound && pool_full {
                None
            } else {
                waiting.admit(&request, now, answer).ok()
            }
        };
        let Some(ticket) = admitted else {
            let retry_after = if flaw(FLAW) == Flaw::RetryAfterTruncated {
                let waiting = self.shared.waiting.lock().len(request.class) as u64;
                let last = self.shared.last_batch_us.load(Ordering::Relaxed);
                Duration::from_micros(waiting / self.options.max_batch as u64 * last)
            } else {
                Duration::from_millis(10)
            };
            return Err(Refused::Busy { retry_after });
        };
        if flaw(FLAW) == Flaw::LostWakeup {
            self.shared.bell.notify_waiters();
        } else {
            self.shared.bell.notify_one();
        }
        let leave = Leave {
            shared: &self.shared,
            ticket,
        };
        let leave = if flaw(FLAW) == Flaw::KeepsCancelled {
            std::mem::forget(leave);
            None
        } else {
            Some(leave)
        };
        if self.options.drop_expired {
            match timeout_at(request.deadline, reply).await {
                Ok(Ok(reply)) => Ok(reply),
                Ok(Err(_)) => Err(Refused::Expired),
                Err(_) => {
                    if flaw(FLAW) == Flaw::ExpiredKeepsPlace {
                        std::mem::forget(leave);
                    }
                    Err(Refused::Expired)
                }
            }
        } else {
            reply.await.map_err(|_| Refused::Expired)
        }
    }
}

/// The reference loop, with the options the flaw set; no expiry at all for
/// [`Flaw::KeepsCancelled`]; with [`Flaw::MixedReplies`], a batch's
/// prompts sorted and the outputs handed back unsorted.
async fn run<A: Accelerator, const FLAW: u8>(
    shared: Arc<Shared>,
    accelerator: Arc<A>,
    max_batch: usize,
    mut options: Options,
) {
    if flaw(FLAW) == Flaw::KeepsCancelled {
        options.drop_expired = false;
    }
    loop {
        if flaw(FLAW) == Flaw::StartsDoomedWork {
            // As if no batch took any time.
            shared.last_batch_us.store(0, Ordering::Relaxed);
        }
        let mut batch = next_batch(&shared, max_batch, &options).await;
        if flaw(FLAW) == Flaw::MixedReplies {
            let mut prompts: Vec<u64> = batch.iter().map(|(prompt, _)| *prompt).collect();
            prompts.sort_unstable();
            for ((prompt, _), sorted) in batch.iter_mut().zip(prompts) {
                *prompt = sorted;
            }
        }
        run_batch(&shared, &*accelerator, batch).await;
    }
}

/// [`Flaw::LostWakeup`]'s loop: wait for the bell, let the batch fill for
/// `max_wait`, run what is there, and wait for the bell again.
async fn run_after_bell<A: Accelerator>(
    shared: Arc<Shared>,
    accelerator: Arc<A>,
    max_batch: usize,
    options: Options,
) {
    loop {
        shared.bell.notified().await;
        sleep(options.max_wait).await;
        let next = shared
            .waiting
            .lock()
            .next(Instant::now(), max_batch, Duration::ZERO);
        if let Next::Run(batch) = next {
            run_batch(&shared, &*accelerator, batch).await;
        }
    }
}

/// The mistake a [`FlawedFlights`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlightFlaw {
    /// No sharing: every caller computes for itself.
    NoSharing,
    /// On a failure, forgets the key and tells nobody: the waiters wait
    /// for ever.
    SilentOnError,
    /// Computes inside the first caller's future: when that caller gives
    /// up, the computation is dropped, and the others wait for ever.
    LeaderRuns,
    /// Never forgets a flight whose waiters all left: the key stays taken
    /// by a computation nobody waits for.
    NeverForgets,
    /// Keeps every result under its key: a memo, not a single flight, and
    /// a map that only grows.
    KeepsResults,
    /// Forgets a flight whose waiters all left, but lets its computation
    /// run on.
    DetachesAbandoned,
    /// A waiter of a finished flight, leaving, removes whatever flight the
    /// key holds: a newer one, started meanwhile, is forgotten while it
    /// runs, and the next caller starts a third.
    StaleKeyRemoval,
}

const FLIGHT_FLAWS: [FlightFlaw; 7] = [
    FlightFlaw::NoSharing,
    FlightFlaw::SilentOnError,
    FlightFlaw::LeaderRuns,
    FlightFlaw::NeverForgets,
    FlightFlaw::KeepsResults,
    FlightFlaw::DetachesAbandoned,
    FlightFlaw::StaleKeyRemoval,
];

pub type NoSharing<K, V, E> = FlawedFlights<K, V, E, 0>;
pub type SilentOnError<K, V, E> = FlawedFlights<K, V, E, 1>;
pub type LeaderRuns<K, V, E> = FlawedFlights<K, V, E, 2>;
pub type NeverForgets<K, V, E> = FlawedFlights<K, V, E, 3>;
pub type KeepsResults<K, V, E> = FlawedFlights<K, V, E, 4>;
pub type DetachesAbandoned<K, V, E> = FlawedFlights<K, V, E, 5>;
pub type StaleKeyRemoval<K, V, E> = FlawedFlights<K, V, E, 6>;

/// The reference single flight with `FLAW`.
#[derive(Debug)]
pub struct FlawedFlights<K, V, E, const FLAW: u8> {
    flights: Flights<K, V, E>,
}

struct LeaveFlight<'a, K: Hash + Eq, V: Clone, E: Clone, const FLAW: u8> {
    flights: &'a Flights<K, V, E>,
    key: &'a K,
    flight: &'a Arc<Flight<V, E>>,
}

impl<K: Hash + Eq, V: Clone, E: Clone, const FLAW: u8> Drop for LeaveFlight<'_, K, V, E, FLAW> {
    fn drop(&mut self) {
        let flaw = FLIGHT_FLAWS[FLAW as usize];
        if flaw == FlightFlaw::StaleKeyRemoval && self.flight.result().is_some() {
            self.flights.forget_whatever(self.key);
            return;
        }
        let kept = flaw == FlightFlaw::KeepsResults && self.flight.result().is_some();
        if flaw == FlightFlaw::NeverForgets || kept {
            return;
        }
        if self.flights.leave(self.key, self.flight) && flaw != FlightFlaw::DetachesAbandoned {
            self.flight.cancel();
        }
    }
}

impl<K, V, E, const FLAW: u8> SingleFlight<K, V, E> for FlawedFlights<K, V, E, FLAW>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
    E: Clone + Send + Sync + 'static,
{
    fn new() -> Self {
        Self {
            flights: Flights::default(),
        }
    }

    async fn get<F>(&self, key: K, compute: F) -> Result<V, E>
    where
        F: Future<Output = Result<V, E>> + Send + 'static,
    {
        let flaw = FLIGHT_FLAWS[FLAW as usize];
        if flaw == FlightFlaw::NoSharing {
            return compute.await;
        }
        let (flight, lead) = match self.flights.join(key.clone()) {
            Joined::Follow(flight) => (flight, false),
            Joined::Lead(flight) => (flight, true),
        };
        let _leave = LeaveFlight::<K, V, E, FLAW> {
            flights: &self.flights,
            key: &key,
            flight: &flight,
        };
        if lead && flaw == FlightFlaw::LeaderRuns {
            let result = compute.await;
            self.flights.finish(&key, &flight, result.clone());
            return result;
        }
        if lead {
            let (flights, key, mine) = (self.flights.clone(), key.clone(), Arc::clone(&flight));
            let task = tokio::spawn(async move {
                let result = compute.await;
                match flaw {
                    FlightFlaw::SilentOnError if result.is_err() => flights.forget(&key, &mine),
                    FlightFlaw::KeepsResults => mine.set(result),
                    _ => flights.finish(&key, &mine, result),
                }
            });
            flight.computed_by(task.abort_handle());
        }
        flight.outcome().await
    }

    fn in_flight(&self) -> usize {
        self.flights.len()
    }
}

/// The mistake a [`FlawedGenerator`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenFlaw {
    /// Static batching: admits new requests only when every sequence of
    /// the batch has finished, so a short request waits for the longest.
    StaticBatching,
    /// Retires a sequence only when it is finished: one whose caller
    /// dropped the receiver keeps its slot to the end.
    KeepsCancelledSlot,
}

const GEN_FLAWS: [GenFlaw; 2] = [GenFlaw::StaticBatching, GenFlaw::KeepsCancelledSlot];

pub type StaticBatching<D> = FlawedGenerator<D, 0>;
pub type KeepsCancelledSlot<D> = FlawedGenerator<D, 1>;

/// The reference generator with `FLAW`.
#[derive(Debug)]
pub struct FlawedGenerator<D, const FLAW: u8> {
    served: Served,
    decoder: std::marker::PhantomData<D>,
}

impl<D: Decoder, const FLAW: u8> Generator<D> for FlawedGenerator<D, FLAW> {
    fn new(decoder: Arc<D>, options: GenOptions) -> Self {
        Self {
            served: Served::start(options, |queue| run_flawed::<D, FLAW>(queue, decoder)),
            decoder: std::marker::PhantomData,
        }
    }

    fn generate(&self, request: Generate) -> Result<mpsc::UnboundedReceiver<u64>, Refused> {
        self.served.queue.push(request)
    }
}

async fn run_flawed<D: Decoder, const FLAW: u8>(queue: Arc<Queue>, decoder: Arc<D>) {
    let flaw = GEN_FLAWS[FLAW as usize];
    let slots = decoder.slots().max(1);
    let mut active: Vec<Sequence> = Vec::with_capacity(slots);
    loop {
        if flaw != GenFlaw::KeepsCancelledSlot {
            active.retain(|s| !s.cancelled());
        }
        if flaw != GenFlaw::StaticBatching || active.is_empty() {
            queue.admit(&mut active, slots);
        }
        if active.is_empty() {
            queue.bell.notified().await;
            continue;
        }
        step(&*decoder, &mut active).await;
    }
}
