//! Generation mode: a request asks for a number of tokens, and one step of
//! the decoder makes one token for every sequence it holds.
//!
//! A language model answers a token at a time, and each decoding step
//! reads every weight once for all the sequences in the batch: so a step
//! of 8 sequences costs little more than a step of 1, as a batch does in
//! the one-shot mode. What changes is that sequences are of different
//! lengths. Static batching runs a batch until its longest sequence ends,
//! and a request that arrives meanwhile waits for all of it; continuous
//! batching (Orca's iteration-level scheduling) admits waiting requests
//! into free slots at every step and retires finished ones.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::{Instant, Refused, output_of};

/// One request in generation mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generate {
    pub prompt: u64,
    /// How many tokens it wants: the decode steps it needs.
    pub tokens: u32,
    /// Kept for the HTTP front end and the measurements; the exercise's
    /// promises are about slots and steps.
    pub deadline: Instant,
}

/// The token the simulated model makes at `position` of `prompt`'s answer.
pub fn token_of(prompt: u64, position: u32) -> u64 {
    output_of(prompt.rotate_left(17) ^ u64::from(position))
}

/// How a generator is set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenOptions {
    /// Most requests that may wait for a slot; more are refused at once.
    pub queue: usize,
}

/// A decoder: holds up to `slots` sequences (its KV-cache memory), and
/// makes one token for each of them per step.
pub trait Decoder: Send + Sync + 'static {
    /// Most sequences in one step.
    fn slots(&self) -> usize;

    /// One step over `active`, a (prompt, position) per sequence: one
    /// token each, in the same order.
    fn step(&self, active: Vec<(u64, u32)>) -> impl Future<Output = Vec<u64>> + Send;
}

/// A generation server: the candidate's exercise, after [`crate::Server`].
///
/// The promises, each a check of the suite:
///
/// 1. **Every token, in order.** A request's receiver gets exactly
///    `tokens` tokens, `token_of(prompt, 0)` first, and then closes.
/// 2. **One step at a time, never over the slots.** The decoder runs one
///    step at a time, of at most `slots` sequences, never an empty one.
/// 3. **Join at the next step.** A request that finds a free slot gets
///    its first token from the next step that starts: it does not wait
///    for the sequences already running to finish.
/// 4. **Cancellation.** Dropping the receiver frees the sequence's slot
///    at the next step boundary (or its place in the queue), and no step
///    after that one holds it.
/// 5. **Backpressure.** At most `queue` requests wait for a slot; a
///    request that finds the queue full is refused at once.
pub trait Generator<D: Decoder>: Send + Sync + Sized + 'static {
    fn new(decoder: Arc<D>, options: GenOptions) -> Self;

    /// Queues `request`; its tokens arrive on the receiver as they are made.
    fn generate(&self, request: Generate) -> Result<mpsc::UnboundedReceiver<u64>, Refused>;
}
