//! What shard processes and the coordinator say to each other over HTTP:
//! JSON bodies, one type per request and answer. A shard answers a body it
//! cannot read with 400 and the reason.

use search_cluster::{AddKey, DocId, Seq, Stats};

/// `POST /stats`: BM25's statistics of the shard for the query's terms.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct StatsRequest {
    pub query: String,
    /// Read your writes: answer once this replica shows its change
    /// `after` (0, or absent: at once).
    #[serde(default)]
    pub after: Seq,
}

/// `POST /search`: the shard's top `k`, scored with the collection's
/// `stats`. Answers a list of `{"doc", "score"}`, ranked.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct SearchRequest {
    pub query: String,
    pub stats: Stats,
    pub k: usize,
    /// As in [`StatsRequest`].
    #[serde(default)]
    pub after: Seq,
}

/// `POST /add`: document `id` (replacing any with that id), once per key.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct AddRequest {
    pub key: AddKey,
    pub id: DocId,
    pub text: String,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct AddAnswer {
    /// The change's number on this replica; a repeated key answers the
    /// first time's.
    pub seq: Seq,
}

/// `GET /freshness`: how far behind its own adds a replica's searches are.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Freshness {
    /// The last change searches see.
    pub visible: Seq,
    /// Adds applied and not yet visible.
    pub unseen: u64,
    /// How long the oldest of those has waited, in seconds (0: none).
    pub oldest_unseen_seconds: f64,
}
