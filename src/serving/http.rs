//! The serving exercise's servers over HTTP: `POST /infer` in front of a
//! [`Server`], with identical prompts in flight computed once, and
//! `POST /generate` in front of a [`Generator`], streaming its tokens.
//!
//! A request is `{"prompt": 7, "class": "interactive", "deadline_ms": 100}`
//! (the deadline counted from its arrival). The answers:
//! - 200 `{"output": ..., "batch": 8}`;
//! - 503 with `Retry-After` (whole seconds, as HTTP has it) and
//!   `{"retry_after_ms": 12}`: the class's queue is full;
//! - 504 `{"expired": true}`: the deadline came first.
//!
//! A client that disconnects drops its handler's future, and with it the
//! request's place in the queue (the exercise's cancellation promise).
//!
//! `POST /generate` takes `{"prompt": 7, "tokens": 40}` and answers 200
//! with a chunked body of one token a line, each sent as the decoder
//! makes it, or 503 with `Retry-After` when the queue is full. A client
//! that disconnects mid-stream makes the next write fail; hyper then
//! drops the body, and with it the token receiver, which frees the
//! sequence's slot at the next step boundary.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::{Deserialize, Serialize};
use serving::{
    Accelerator, Class, Decoder, Flights, Generate, Generator, Refused, Reply, Request, Server,
    SingleFlight,
};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// The body of `POST /infer`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct InferRequest {
    pub prompt: u64,
    pub class: WireClass,
    /// Milliseconds from the request's arrival.
    pub deadline_ms: u64,
}

/// A class as it travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WireClass {
    Interactive,
    Batch,
}

impl From<WireClass> for Class {
    fn from(class: WireClass) -> Class {
        match class {
            WireClass::Interactive => Class::Interactive,
            WireClass::Batch => Class::Batch,
        }
    }
}

/// The body of a 200.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct InferReply {
    pub output: u64,
    pub batch: usize,
}

struct App<S> {
    server: Arc<S>,
    /// Keyed by prompt: the first caller's class and deadline hold for
    /// everyone who asks the same while it is in flight.
    flights: Flights<u64, Reply, Refused>,
}

async fn infer<A: Accelerator, S: Server<A>>(
    State(app): State<Arc<App<S>>>,
    Json(body): Json<InferRequest>,
) -> Response {
    let request = Request {
        prompt: body.prompt,
        class: body.class.into(),
        deadline: Instant::now() + Duration::from_millis(body.deadline_ms),
    };
    let server = Arc::clone(&app.server);
    let answer = app
        .flights
        .get(body.prompt, async move { server.infer(request).await })
        .await;
    match answer {
        Ok(reply) => Json(InferReply {
            output: reply.output,
            batch: reply.batch,
        })
        .into_response(),
        Err(refused) => refusal(refused),
    }
}

/// A 503 with `Retry-After` (whole seconds, as HTTP has it, and the
/// milliseconds in the body), or a 504.
fn refusal(refused: Refused) -> Response {
    match refused {
        Refused::Busy { retry_after } => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(
                header::RETRY_AFTER,
                retry_after.as_secs_f64().ceil().max(1.0).to_string(),
            )],
            Json(serde_json::json!({ "retry_after_ms": retry_after.as_millis() as u64 })),
        )
            .into_response(),
        Refused::Expired => (
            StatusCode::GATEWAY_TIMEOUT,
            Json(serde_json::json!({ "expired": true })),
        )
            .into_response(),
    }
}

/// The HTTP API of `server`.
pub fn router<A: Accelerator, S: Server<A>>(server: Arc<S>) -> axum::Router {
    let app = Arc::new(App {
        server,
        flights: Flights::new(),
    });
    axum::Router::new()
        .route("/infer", post(infer::<A, S>))
        .with_state(app)
}

/// The body of `POST /generate`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct GenerateRequest {
    pub prompt: u64,
    pub tokens: u32,
}

/// The generator makes no promise about deadlines (its client hangs up
/// instead), so the request's deadline is only far away.
const NO_DEADLINE: Duration = Duration::from_secs(24 * 3600);

async fn generate<D: Decoder, G: Generator<D>>(
    State(generator): State<Arc<G>>,
    Json(body): Json<GenerateRequest>,
) -> Response {
    let request = Generate {
        prompt: body.prompt,
        tokens: body.tokens,
        deadline: Instant::now() + NO_DEADLINE,
    };
    match generator.generate(request) {
        Ok(tokens) => {
            let lines = futures_util::stream::unfold(tokens, |mut tokens| async move {
                let token = tokens.recv().await?;
                Some((Ok::<_, Infallible>(format!("{token}\n")), tokens))
            });
            (
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                Body::from_stream(lines),
            )
                .into_response()
        }
        Err(refused) => refusal(refused),
    }
}

/// The HTTP API of `generator`.
pub fn generation_router<D: Decoder, G: Generator<D>>(generator: Arc<G>) -> axum::Router {
    axum::Router::new()
        .route("/generate", post(generate::<D, G>))
        .with_state(generator)
}

/// A server listening on 127.0.0.1; stops when dropped.
#[derive(Debug)]
pub struct Listening {
    pub address: SocketAddr,
    path: &'static str,
    task: JoinHandle<()>,
}

impl Listening {
    /// Serves `server` (`POST /infer`) on a free port of 127.0.0.1, on the
    /// current runtime.
    pub async fn start<A: Accelerator, S: Server<A>>(server: Arc<S>) -> Result<Listening> {
        Listening::serve(router::<A, S>(server), "/infer").await
    }

    /// Serves `generator` (`POST /generate`) the same way.
    pub async fn start_generation<D: Decoder, G: Generator<D>>(
        generator: Arc<G>,
    ) -> Result<Listening> {
        Listening::serve(generation_router::<D, G>(generator), "/generate").await
    }

    async fn serve(app: axum::Router, path: &'static str) -> Result<Listening> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding a port on 127.0.0.1")?;
        let address = listener.local_addr().context("the server's address")?;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Listening {
            address,
            path,
            task,
        })
    }

    /// Where to post.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.address, self.path)
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        // Connections are tasks of their own: they end with the runtime,
        // which every caller of `start` owns and drops.
        self.task.abort();
    }
}
