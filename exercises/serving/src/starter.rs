//! Your server and your single flight. Make
//! `cargo test -p serving --features starter` pass.
//!
//! Given, and not the exercise: the [`Accelerator`] you run batches on
//! (the suite's [`crate::Simulated`]), and the types of `lib.rs`. Yours:
//! the admission policy, the batcher's loop, and the single flight. Read
//! the promises on [`Server`] and [`SingleFlight`] in `lib.rs` first.
//! Stuck? The README has hints.
//!
//! Use `tokio::time` for every clock and sleep: the suite runs on tokio's
//! paused clock, where `std::time::Instant` stands still.

#![allow(unused_imports)]

use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use tokio::sync::{Notify, mpsc, oneshot};
use tokio::time::{Duration, Instant};

use crate::{
    Accelerator, Class, Decoder, GenOptions, Generate, Generator, Options, Refused, Reply, Request,
    Server, SingleFlight,
};

/// Your server.
#[derive(Debug)]
pub struct StarterServer<A> {
    accelerator: Arc<A>,
    options: Options,
    // TODO: the queue the callers and the loop share, and how the loop is
    // told a request arrived.
}

impl<A: Accelerator> Server<A> for StarterServer<A> {
    fn new(accelerator: Arc<A>, options: Options) -> Self {
        // TODO: start the loop that owns the accelerator (and stop it when
        // the server is dropped).
        Self {
            accelerator,
            options,
        }
    }

    async fn infer(&self, request: Request) -> Result<Reply, Refused> {
        // TODO: refuse at once if the request's class has `options.queue`
        // waiting; otherwise queue it, wake the loop, and wait for the
        // reply until the deadline. Leave the queue when this future is
        // dropped. The loop runs a batch when `max_batch` wait or the
        // oldest has waited `max_wait`, interactive before batch, with a
        // batch request queued as if it came `aging` later.
        todo!(
            "serve prompt {} ({:?}) in batches of up to {}",
            request.prompt,
            request.class,
            self.options.max_batch.min(self.accelerator.max_batch())
        )
    }
}

/// Your single flight.
#[derive(Debug)]
pub struct StarterFlights<K, V, E> {
    // TODO: what is in flight, and who waits for it.
    types: PhantomData<fn(K) -> Result<V, E>>,
}

impl<K, V, E> SingleFlight<K, V, E> for StarterFlights<K, V, E>
where
    K: std::hash::Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
    E: Clone + Send + Sync + 'static,
{
    fn new() -> Self {
        Self { types: PhantomData }
    }

    async fn get<F>(&self, key: K, compute: F) -> Result<V, E>
    where
        F: Future<Output = Result<V, E>> + Send + 'static,
    {
        // TODO: join the computation of `key` in flight, or start one that
        // survives its first caller; tell every waiter the result, and
        // cancel it when the last waiter leaves.
        drop((key, compute));
        todo!("a single flight")
    }

    fn in_flight(&self) -> usize {
        todo!("how many keys are in flight")
    }
}

/// Your generator: continuous batching.
#[derive(Debug)]
pub struct StarterGenerator<D> {
    decoder: Arc<D>,
    options: GenOptions,
    // TODO: the queue of requests waiting for a slot, and the loop that
    // owns the decoder.
}

impl<D: Decoder> Generator<D> for StarterGenerator<D> {
    fn new(decoder: Arc<D>, options: GenOptions) -> Self {
        // TODO: start the loop: at every step boundary, retire finished
        // and cancelled sequences (`UnboundedSender::is_closed`), admit
        // waiting requests into free slots, and run one step.
        Self { decoder, options }
    }

    fn generate(&self, request: Generate) -> Result<mpsc::UnboundedReceiver<u64>, Refused> {
        // TODO: refuse at once if `options.queue` requests wait; otherwise
        // queue the request, wake the loop, and return the receiving half
        // of its token stream.
        todo!(
            "generate {} tokens for prompt {} on {} slots (queue {})",
            request.tokens,
            request.prompt,
            self.decoder.slots(),
            self.options.queue
        )
    }
}
