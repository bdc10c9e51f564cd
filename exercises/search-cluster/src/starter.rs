//! Your coordinator. Make `cargo test -p search-cluster --features starter`
//! pass.
//!
//! Given, and not the exercise: the [`Cluster`] you call (the suite's fake
//! shards, or shard processes over HTTP), [`Stats::add`] to sum shards'
//! statistics, [`Latencies`] (recent answer times and the hedge delay),
//! and [`shard_of`]. Yours: the fan-out, the deadline, the merge, retries,
//! replica choice and hedging. Read the promises on [`Coordinator`] in
//! `lib.rs` first. Stuck? The README has hints.
//!
//! Use `tokio::time` for every clock and sleep: the suite runs on tokio's
//! paused clock, where `std::time::Instant` stands still.

#![allow(unused_imports)]

use std::sync::Arc;

use tokio::time::{Duration, Instant};

use crate::{
    AddFailed, Added, Answer, Cluster, Coordinator, DocId, Hit, Latencies, Options, Query, Seq,
    ShardId, Stats, shard_of,
};

/// Your coordinator.
#[derive(Debug)]
pub struct StarterCoordinator<C> {
    cluster: Arc<C>,
    options: Options,
    // TODO: what you keep per shard and per replica: requests outstanding,
    // recent latencies.
}

impl<C: Cluster> Coordinator<C> for StarterCoordinator<C> {
    fn new(cluster: Arc<C>, options: Options) -> Self {
        Self { cluster, options }
    }

    async fn search(&self, query: Query) -> Answer {
        // TODO: ask every shard for its statistics and sum them; then ask
        // every shard that answered for its top k scored with the sum, and
        // merge the lists. All by `query.deadline`: a shard with no answer
        // by then is missing. Retry a failed replica on another; with
        // hedging, ask a second replica when the first is slower than the
        // shard's recent p95.
        todo!(
            "search {:?} over {} shards (hedging: {})",
            query.text,
            self.cluster.shards(),
            self.options.hedging
        )
    }

    async fn add(&self, id: DocId, text: String, deadline: Instant) -> Result<Added, AddFailed> {
        // TODO: send the add to every replica of its shard, retrying each
        // until it confirms or the deadline passes, so that no replica
        // applies it twice.
        todo!("add document {id} ({} bytes) by {deadline:?}", text.len())
    }
}
