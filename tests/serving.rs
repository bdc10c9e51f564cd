//! The serving lab over real HTTP on 127.0.0.1: the status codes, a
//! client that hangs up giving its place back, identical prompts computed
//! once, the open-loop generator's counts, and generation mode's stream
//! (a client that hangs up mid-answer frees its slot). Each test owns its runtime,
//! so every server task and connection ends with the test.

use std::sync::Arc;
use std::time::Duration;

use concur::serving::http::{GenerateRequest, InferRequest, Listening, WireClass};
use concur::serving::load::{self, Load};
use concur::serving::streams::{self, GenLoad};
use serving::{
    ContinuousBatches, DynamicBatcher, GenOptions, Generator, Options, Server, Simulated,
    SimulatedDecoder, token_of,
};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a client")
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    prompt: u64,
    deadline_ms: u64,
) -> reqwest::Response {
    let body = InferRequest {
        prompt,
        class: WireClass::Interactive,
        deadline_ms,
    };
    client
        .post(url)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&body).expect("a request serialises"))
        .send()
        .await
        .expect("the server answers")
}

/// A server whose batches take `batch_ms`, one prompt at a time, with a
/// queue of `queue`.
async fn start(batch_ms: u64, queue: usize) -> (Arc<Simulated>, Listening) {
    let accelerator = Arc::new(Simulated::new(
        Duration::from_millis(batch_ms),
        Duration::ZERO,
        1,
    ));
    let options = Options {
        queue: Some(queue),
        max_batch: 1,
        max_wait: Duration::ZERO,
        ..Options::default()
    };
    let server = Arc::new(DynamicBatcher::new(Arc::clone(&accelerator), options));
    let listening = Listening::start::<Simulated, _>(server)
        .await
        .expect("a server on 127.0.0.1");
    (accelerator, listening)
}

#[test]
fn answers_200_503_with_retry_after_and_504() {
    runtime().block_on(async {
        let (_, listening) = start(50, 1).await;
        let (client, url) = (client(), listening.url());
        // One runs (50 ms), one waits, the third finds the queue full.
        let running = tokio::spawn({
            let (client, url) = (client.clone(), url.clone());
            async move { post(&client, &url, 1, 5_000).await.status() }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        let waiting = tokio::spawn({
            let (client, url) = (client.clone(), url.clone());
            async move { post(&client, &url, 2, 5_000).await.status() }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        let refused = post(&client, &url, 3, 5_000).await;
        assert_eq!(refused.status(), 503);
        let retry: u64 = refused.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .expect("Retry-After in seconds");
        assert!(retry >= 1);
        assert_eq!(running.await.unwrap(), 200);
        assert_eq!(waiting.await.unwrap(), 200);
        // 10 ms to live behind a 50 ms batch: expired.
        let blocker = tokio::spawn({
            let (client, url) = (client.clone(), url.clone());
            async move { post(&client, &url, 4, 5_000).await.status() }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        let late = post(&client, &url, 5, 10).await;
        assert_eq!(late.status(), 504);
        assert_eq!(blocker.await.unwrap(), 200);
        let bad = client
            .post(&url)
            .header("content-type", "application/json")
            .body("{\"prompt\": \"seven\"}")
            .send()
            .await
            .unwrap();
        assert!(bad.status().is_client_error(), "{}", bad.status());
    });
}

#[test]
fn a_client_that_hangs_up_gives_its_place_back() {
    runtime().block_on(async {
        let (accelerator, listening) = start(100, 1).await;
        let url = listening.url();
        let running = tokio::spawn({
            let (client, url) = (client(), url.clone());
            async move { post(&client, &url, 1, 5_000).await.status() }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        // Takes the only place, then hangs up: its own client, dropped.
        let leaver = tokio::spawn({
            let url = url.clone();
            async move { post(&client(), &url, 2, 5_000).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        leaver.abort();
        let _ = leaver.await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        let next = post(&client(), &url, 3, 5_000).await;
        assert_eq!(next.status(), 200, "the place was still taken");
        assert_eq!(running.await.unwrap(), 200);
        let ran: Vec<u64> = accelerator
            .batches()
            .iter()
            .flat_map(|b| b.prompts.clone())
            .collect();
        assert_eq!(ran, vec![1, 3], "the abandoned prompt must not run");
    });
}

#[test]
fn identical_prompts_in_flight_run_once() {
    runtime().block_on(async {
        let (accelerator, listening) = start(50, 16).await;
        let url = listening.url();
        let asks: Vec<_> = (0..6)
            .map(|_| {
                let (client, url) = (client(), url.clone());
                tokio::spawn(async move { post(&client, &url, 42, 5_000).await.status() })
            })
            .collect();
        for ask in asks {
            assert_eq!(ask.await.unwrap(), 200);
        }
        assert_eq!(accelerator.batches().len(), 1, "six askers, one run");
    });
}

#[test]
fn the_open_loop_generator_counts_every_request_once() {
    runtime().block_on(async {
        let (_, listening) = start(5, 4).await;
        let load = Load {
            // Twice what a 5 ms accelerator serves: some are shed.
            rates: (300.0, 100.0),
            duration: Duration::from_millis(500),
            warmup: Duration::from_millis(100),
            interactive_deadline: Duration::from_millis(50),
            batch_deadline: Duration::from_millis(200),
            give_up: Duration::from_secs(2),
            seed: 7,
        };
        let outcome = load::run(&listening.url(), &load).await;
        for tally in [&outcome.interactive, &outcome.batch] {
            assert!(tally.offered > 0);
            assert_eq!(
                tally.served + tally.shed + tally.failed,
                tally.offered,
                "every request is served, shed or failed, once"
            );
            assert!(tally.good <= tally.served);
            assert_eq!(tally.failed, 0, "nothing fails on loopback");
        }
        assert!(outcome.all().shed > 0, "at twice capacity, some are shed");
        assert_eq!(outcome.window, Duration::from_millis(400));
    });
}

/// A generation server of one slot, steps of `step_ms`, and a queue of
/// `queue`.
async fn start_generation(step_ms: u64, queue: usize) -> (Arc<SimulatedDecoder>, Listening) {
    let decoder = Arc::new(SimulatedDecoder::new(
        Duration::from_millis(step_ms),
        Duration::ZERO,
        1,
    ));
    let generator = Arc::new(ContinuousBatches::new(
        Arc::clone(&decoder),
        GenOptions { queue },
    ));
    let listening = Listening::start_generation::<SimulatedDecoder, _>(generator)
        .await
        .expect("a server on 127.0.0.1");
    (decoder, listening)
}

async fn post_generate(
    client: &reqwest::Client,
    url: &str,
    prompt: u64,
    tokens: u32,
) -> reqwest::Response {
    client
        .post(url)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&GenerateRequest { prompt, tokens }).unwrap())
        .send()
        .await
        .expect("the server answers")
}

#[test]
fn generate_streams_every_token_in_order_and_refuses_when_full() {
    runtime().block_on(async {
        let (_, listening) = start_generation(5, 1).await;
        let (client, url) = (client(), listening.url());
        // One holds the slot (its first token proves it), one waits, the
        // third finds the queue full.
        let mut holder = post_generate(&client, &url, 1, 20).await;
        assert_eq!(holder.status(), 200);
        let first = holder.chunk().await.unwrap().expect("a first token");
        let waiter = post_generate(&client, &url, 2, 3).await;
        assert_eq!(waiter.status(), 200);
        let refused = post_generate(&client, &url, 3, 3).await;
        assert_eq!(refused.status(), 503);
        assert!(refused.headers().contains_key("retry-after"));
        for (response, prompt, tokens, read) in
            [(holder, 1, 20, first.to_vec()), (waiter, 2, 3, Vec::new())]
        {
            let rest = tokio::time::timeout(Duration::from_secs(5), response.text())
                .await
                .expect("the stream ends")
                .unwrap();
            let text = String::from_utf8_lossy(&read).into_owned() + &rest;
            let got: Vec<u64> = text.lines().map(|l| l.parse().unwrap()).collect();
            let want: Vec<u64> = (0..tokens).map(|i| token_of(prompt, i)).collect();
            assert_eq!(
                got, want,
                "prompt {prompt}: every token, in order, one a line"
            );
        }
        let bad = client
            .post(&url)
            .header("content-type", "application/json")
            .body("{\"prompt\": 1}")
            .send()
            .await
            .unwrap();
        assert!(bad.status().is_client_error(), "{}", bad.status());
    });
}

#[test]
fn a_client_that_hangs_up_mid_answer_frees_its_slot() {
    runtime().block_on(async {
        let (decoder, listening) = start_generation(5, 4).await;
        let url = listening.url();
        // An answer of a million tokens (an hour and a half), read until
        // its first token, then the client hangs up.
        let leaver = client();
        let mut endless = post_generate(&leaver, &url, 1, 1_000_000).await;
        let first = endless.chunk().await.unwrap().expect("a first token");
        assert!(!first.is_empty());
        drop(endless);
        drop(leaver);
        // The only slot is free again: a short answer comes whole.
        let next = post_generate(&client(), &url, 2, 3).await;
        let text = tokio::time::timeout(Duration::from_secs(5), next.text())
            .await
            .expect("the slot was freed: the short answer came")
            .unwrap();
        assert_eq!(text.lines().count(), 3);
        let steps = decoder.steps();
        let joined = steps
            .iter()
            .position(|s| s.active.iter().any(|&(p, _)| p == 2))
            .expect("the short answer ran");
        assert!(
            steps[joined..]
                .iter()
                .all(|s| s.active.iter().all(|&(p, _)| p != 1)),
            "the abandoned sequence kept running beside the next one"
        );
        let abandoned = steps[..joined].len();
        assert!(
            abandoned < 200,
            "the abandoned sequence ran {abandoned} steps (1 s) before its slot was freed"
        );
    });
}

#[test]
fn the_generation_load_times_every_stream() {
    runtime().block_on(async {
        let (_, listening) = start_generation(2, 64).await;
        let load = GenLoad {
            rate: 50.0,
            duration: Duration::from_millis(500),
            warmup: Duration::from_millis(100),
            short: (2, 4),
            long: (8, 16),
            long_fraction: 0.25,
            give_up: Duration::from_secs(5),
            seed: 3,
        };
        let tally = streams::run(&listening.url(), &load).await;
        assert!(tally.offered > 0);
        assert_eq!(tally.completed + tally.shed + tally.failed, tally.offered);
        assert_eq!(tally.failed, 0, "nothing fails on loopback");
        assert_eq!(
            tally.shed, 0,
            "at half of capacity, the queue of 64 never fills"
        );
        // A first token takes one step of 2 ms at least.
        assert!(
            tally.first_token.min() >= 2_000,
            "{} µs",
            tally.first_token.min()
        );
        assert_eq!(tally.first_token.len(), tally.completed);
        // Every answer has two tokens or more: each completed stream has
        // a time per token. (Its value is the bench's business: a busy
        // client reads two buffered tokens microseconds apart.)
        assert_eq!(tally.per_token.len(), tally.completed);
    });
}

#[test]
fn concur_bench_serving_writes_the_rows_and_the_capacity() {
    let dir = std::env::temp_dir().join(format!("concur-serving-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("serving.csv");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_concur"))
        .args(["bench", "serving", "--seconds", "0.1", "--quiet", "--csv"])
        .arg(&csv)
        .output()
        .expect("concur runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("At 200/s"), "{stdout}");
    let text = std::fs::read_to_string(&csv).unwrap();
    let comments: Vec<&str> = text.lines().filter(|l| l.starts_with('#')).collect();
    for key in ["# cores:", "# commit:", "# capacity: "] {
        assert!(
            comments.iter().any(|l| l.starts_with(key)),
            "{key} in {text}"
        );
    }
    let capacity: f64 = comments
        .iter()
        .find_map(|l| l.strip_prefix("# capacity: "))
        .and_then(|v| v.strip_suffix("/s"))
        .and_then(|v| v.parse().ok())
        .expect("# capacity: N/s");
    assert!(capacity > 0.0);
    let rows: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        rows[0],
        "offered_per_sec,implementation,goodput_per_sec,shed_fraction,p50_ms,p99_ms"
    );
    // Five loads of six servers, two classes of two priority setups, and
    // three loads of two generators, two rows each.
    assert_eq!(rows.len() - 1, 5 * 6 + 4 + 3 * 2 * 2, "{text}");
    for strategy in [
        "unbounded queue",
        "bounded queue + deadlines + batching",
        "continuous batching: first token",
        "static batching: per token",
    ] {
        assert!(
            rows.iter().any(|r| r.contains(&format!(",{strategy},"))),
            "{text}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn concur_bench_serving_refuses_bad_seconds() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_concur"))
        .args(["bench", "serving", "--seconds", "-1"])
        .output()
        .expect("concur runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--seconds"));
}
