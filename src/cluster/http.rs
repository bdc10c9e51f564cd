//! The coordinator's side of the wire: a [`Cluster`] whose replicas are
//! shard processes at HTTP addresses. Dropping a call's future drops its
//! connection, which is how a hedge that lost is cancelled.

use search_cluster::{AddKey, CallError, Cluster, DocId, Hit, Seq, ShardId, Stats};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::wire::{AddAnswer, AddRequest, Freshness, SearchRequest, StatsRequest};

/// Shards of replicas, each a base address such as `http://127.0.0.1:4100`.
#[derive(Debug, Clone)]
pub struct HttpCluster {
    client: reqwest::Client,
    /// `addresses[shard][replica]`.
    addresses: Vec<Vec<String>>,
}

impl HttpCluster {
    /// Every shard needs the same number of replicas, at least one.
    pub fn new(addresses: Vec<Vec<String>>) -> Self {
        assert!(
            !addresses.is_empty()
                && addresses
                    .iter()
                    .all(|r| r.len() == addresses[0].len() && !r.is_empty())
        );
        Self {
            // Nothing but loopback: no proxy from the environment.
            client: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("an HTTP client"),
            addresses,
        }
    }

    /// How far behind its adds a replica's searches are.
    pub async fn freshness(&self, shard: ShardId, replica: usize) -> Result<Freshness, CallError> {
        let url = format!("{}/freshness", self.addresses[shard][replica]);
        let response = (self.client.get(&url).send().await)
            .map_err(|e| CallError::Unreachable(format!("{url}: {e}")))?;
        let bytes =
            (response.bytes().await).map_err(|e| CallError::Broken(format!("{url}: {e}")))?;
        serde_json::from_slice(&bytes).map_err(|e| CallError::Garbage(format!("{url}: {e}")))
    }

    async fn post<T: DeserializeOwned>(
        &self,
        shard: ShardId,
        replica: usize,
        route: &str,
        body: &impl Serialize,
    ) -> Result<T, CallError> {
        let url = format!("{}/{route}", self.addresses[shard][replica]);
        let body = serde_json::to_vec(body).map_err(|e| CallError::Garbage(e.to_string()))?;
        let response = (self.client.post(&url))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| {
                if e.is_connect() {
                    CallError::Unreachable(format!("{url}: {e}"))
                } else {
                    CallError::Broken(format!("{url}: {e}"))
                }
            })?;
        let status = response.status();
        let bytes =
            (response.bytes().await).map_err(|e| CallError::Broken(format!("{url}: {e}")))?;
        if !status.is_success() {
            return Err(CallError::Garbage(format!(
                "{url} answered {status}: {}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
            )));
        }
        serde_json::from_slice(&bytes).map_err(|e| CallError::Garbage(format!("{url}: {e}")))
    }
}

impl Cluster for HttpCluster {
    fn shards(&self) -> usize {
        self.addresses.len()
    }

    fn replicas(&self) -> usize {
        self.addresses[0].len()
    }

    async fn stats(
        &self,
        shard: ShardId,
        replica: usize,
        query: &str,
        after: Seq,
    ) -> Result<Stats, CallError> {
        let request = StatsRequest {
            query: query.to_string(),
            after,
        };
        self.post(shard, replica, "stats", &request).await
    }

    async fn search(
        &self,
        shard: ShardId,
        replica: usize,
        query: &str,
        stats: &Stats,
        k: usize,
        after: Seq,
    ) -> Result<Vec<Hit>, CallError> {
        let request = SearchRequest {
            query: query.to_string(),
            stats: stats.clone(),
            k,
            after,
        };
        self.post(shard, replica, "search", &request).await
    }

    async fn add(
        &self,
        shard: ShardId,
        replica: usize,
        key: AddKey,
        id: DocId,
        text: &str,
    ) -> Result<Seq, CallError> {
        let request = AddRequest {
            key,
            id,
            text: text.to_string(),
        };
        let answer: AddAnswer = self.post(shard, replica, "add", &request).await?;
        Ok(answer.seq)
    }
}
