//! The search cluster outside the exercise: shard processes that serve the
//! inverted index over HTTP (`shard.rs`, `wire.rs`), the coordinator's HTTP
//! client for them (`http.rs`), the coordinator's `/metrics` page
//! (`metrics.rs`), and starting and stopping them as child
//! processes (`processes.rs`), and a proxy that breaks connections on purpose
//! (`proxy.rs`). `corpus.rs` reads a corpus and picks its
//! tokenizer, for the in-process index and every shard alike.

pub mod corpus;
pub mod http;
pub mod metrics;
pub mod processes;
pub mod proxy;
pub mod shard;
pub mod wire;
