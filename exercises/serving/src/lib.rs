//! # An inference server under load: batching, backpressure, priorities
//!
//! The interview question: *design a high-concurrency inference API. How
//! do you use the accelerator well, absorb a surge, keep urgent requests
//! fast while bulk work runs, and avoid computing the same thing twice?*
//!
//! An accelerator runs a *batch* of prompts at a time, and a batch of 8
//! costs little more than a batch of 1 ([`Simulated`]: `fixed + n ·
//! per_item`). The candidate writes the [`Server`] in front of it: the
//! admission policy (a bounded queue per class that refuses at once when
//! full, deadlines, cancellation) and the batcher (the loop that takes
//! batches from the queue and runs them, one at a time). Beside it, a
//! [`SingleFlight`]: identical requests in flight computed once.
//!
//! - [`DynamicBatcher`] (`batcher.rs`) is the reference server, and
//!   [`Waiting`] (`queue.rs`) its queue: who waits, in which order, and
//!   when a batch is due.
//! - [`Flights`] (`flight.rs`) is the reference single flight.
//! - [`Simulated`] (`accelerator.rs`) is the accelerator: sleeps of the
//!   cost a batch would take, and a log the suite reads.
//! - Generation mode (`generation.rs`): a request asks for tokens, and a
//!   [`Decoder`] step makes one for every sequence it holds.
//!   [`ContinuousBatches`] (`continuous.rs`) is the reference generator:
//!   requests join and leave at every step.
//! - `buggy.rs` holds the bug zoo and `starter.rs` the candidate's file.
//!
//! Time: every clock and sleep here is `tokio::time`'s. The suite runs on
//! tokio's paused clock, so a 10 ms batch costs no real time and every
//! schedule is the same on every run; a server that reads
//! `std::time::Instant` would see no time pass at all.

use std::future::Future;
use std::time::Duration;

// Loom models only the queue and the flights' map; tokio under `--cfg
// loom` is tokio's own model, without timers, so what needs tokio stays
// out of loom builds.
#[cfg(loom)]
pub use std::time::Instant;
#[cfg(not(loom))]
pub use tokio::time::Instant;

#[cfg(not(loom))]
mod accelerator;
#[cfg(not(loom))]
mod batcher;
#[cfg(not(loom))]
pub mod buggy;
#[cfg(not(loom))]
mod continuous;
#[cfg(not(loom))]
mod decoder;
mod flight;
#[cfg(not(loom))]
mod generation;
mod queue;
#[cfg(all(feature = "starter", not(loom)))]
pub mod starter;

#[cfg(not(loom))]
pub use accelerator::{Batch, Simulated, output_of};
#[cfg(not(loom))]
pub use batcher::DynamicBatcher;
#[cfg(not(loom))]
pub use continuous::ContinuousBatches;
#[cfg(not(loom))]
pub use decoder::{SimulatedDecoder, Step};
pub use flight::{Flight, Flights, Joined};
#[cfg(not(loom))]
pub use generation::{Decoder, GenOptions, Generate, Generator, token_of};
pub use queue::{Next, Waiting};

/// Which queue a request waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// A person is waiting: chat, autocomplete.
    Interactive,
    /// Nobody is waiting at a screen: embeddings of a corpus, evaluations.
    Batch,
}

/// One inference request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    /// The input. The simulated model's answer is [`output_of`] it.
    pub prompt: u64,
    pub class: Class,
    /// After this, the client has given up: an answer is worth nothing.
    pub deadline: Instant,
}

/// The answer to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reply {
    /// What the accelerator returned for this request's prompt.
    pub output: u64,
    /// How many prompts ran in its batch.
    pub batch: usize,
}

/// Why a request got no answer. A server answers with one of these at
/// once, not after a wait: the client can retry elsewhere or give up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The queue for its class was full (HTTP 503 with `Retry-After`).
    Busy { retry_after: Duration },
    /// Its deadline passed before it ran (HTTP 504).
    Expired,
}

/// How a server is set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Most requests of one class that may wait to be run (those running
    /// do not count). `None`: no bound, as a measured mistake.
    pub queue: Option<usize>,
    /// Most prompts in one batch; at most the accelerator's own limit.
    pub max_batch: usize,
    /// The longest the oldest waiting request waits for a batch to fill.
    pub max_wait: Duration,
    /// Whether a request that can no longer finish by its deadline is
    /// answered `Expired` and never run. `false` only to measure what it
    /// saves.
    pub drop_expired: bool,
    /// A batch request queues as if it had arrived this much later than
    /// it did: interactive requests overtake it, but not for ever.
    pub aging: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            queue: Some(64),
            max_batch: 8,
            max_wait: Duration::from_millis(2),
            drop_expired: true,
            aging: Duration::from_millis(50),
        }
    }
}

/// An accelerator: runs a batch of prompts and returns one output per
/// prompt, in the same order. It runs one batch at a time; a second
/// batch while one runs is a bug of the server's.
pub trait Accelerator: Send + Sync + 'static {
    /// Most prompts it takes in one batch.
    fn max_batch(&self) -> usize;

    /// Runs `prompts` as one batch: one output per prompt, in order.
    fn run(&self, prompts: Vec<u64>) -> impl Future<Output = Vec<u64>> + Send;
}

/// An inference server: the candidate's exercise.
///
/// The promises, each a check of the suite:
///
/// 1. **Its own answer.** A reply holds the accelerator's output for the
///    request's own prompt.
/// 2. **One batch at a time, never too big.** The accelerator runs one
///    batch at a time, of at most `max_batch` prompts.
/// 3. **Dynamic batching.** A batch starts, as soon as the accelerator is
///    free, when `max_batch` requests wait or when the oldest has waited
///    `max_wait`; a lone request at low load never waits for company
///    longer than that.
/// 4. **No lost wake-up.** A request that arrives while a batch runs is
///    run after it, even if nothing else ever arrives.
/// 5. **Backpressure.** At most `queue` requests of a class wait; a
///    request that finds its class's queue full is refused at once with
///    [`Refused::Busy`] and a `retry_after` above zero.
/// 6. **Deadlines.** With `drop_expired`, a request whose deadline passes
///    while it waits is answered [`Refused::Expired`] by its deadline, and
///    never run: running it would be wasted work. Nor is a request started
///    that cannot finish in time: one whose batch, as long as the last
///    batch took, would end after its deadline.
/// 7. **Cancellation.** Dropping the future `infer` returned gives up its
///    place in the queue at once: another request can take it, and the
///    prompt is never run.
/// 8. **Priorities.** Requests run in the order they arrived, except that
///    a batch request counts as arriving `aging` later: an interactive
///    request is never stuck behind a backlog of batch work, and batch
///    work still runs while interactive load saturates the server.
///
/// The server is made inside a tokio runtime, and may spawn its loop
/// there; dropping the server stops the loop.
pub trait Server<A: Accelerator>: Send + Sync + Sized + 'static {
    fn new(accelerator: std::sync::Arc<A>, options: Options) -> Self;

    /// Queues `request`, and answers when its batch has run, or refuses.
    fn infer(&self, request: Request) -> impl Future<Output = Result<Reply, Refused>> + Send;
}

/// A single flight: identical requests in flight computed once.
///
/// The promises, each a check of the suite:
///
/// 1. **Once.** While a computation for `key` runs, every other `get` of
///    `key` waits for it and starts none of its own.
/// 2. **Everyone hears.** Every waiter gets the value, or the error: a
///    failure reaches every waiter, none is left waiting.
/// 3. **The first caller is nobody special.** A waiter that gives up
///    (drops its future) leaves the rest waiting for the same answer,
///    whoever started the computation.
/// 4. **Nothing leaks.** When the last waiter gives up, the computation
///    is cancelled (its future dropped) and the key forgotten; when it
///    finishes, the key is forgotten too (this is not a memo): either
///    way `in_flight` falls, and the next `get` computes anew.
///
/// `get` is called inside a tokio runtime, and may spawn there.
pub trait SingleFlight<K, V, E>: Send + Sync + Sized + 'static {
    fn new() -> Self;

    /// The result of `compute`, or of the computation of `key` already in
    /// flight (then `compute` is dropped unrun).
    fn get<F>(&self, key: K, compute: F) -> impl Future<Output = Result<V, E>> + Send
    where
        F: Future<Output = Result<V, E>> + Send + 'static;

    /// How many keys have a computation in flight.
    fn in_flight(&self) -> usize;
}
