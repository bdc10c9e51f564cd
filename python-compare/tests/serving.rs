//! The serving peer: `python/serving.py` keeps the Rust server's protocol
//! and policy (the same requests get the same status codes and outputs
//! from both), a client that hangs up leaves the Python queue too, and the
//! experiment writes its rows. Timings are the bench's business.

use std::sync::Mutex;
use std::time::Duration;

use python_compare::serving::{MODELS, Model, PeerRow, PythonServer, SERVERS, serve};
use serde_json::json;

/// One test at a time: the experiment loads both cores, and every Python
/// server shares one GIL, while the other tests count on 10 ms windows.
static ALONE: Mutex<()> = Mutex::new(());

/// One prompt at a time, 50 ms each, one place in the queue.
const SLOW: Model = Model {
    key: "slow",
    name: "slow",
    fixed: Duration::from_millis(50),
    per_item: Duration::ZERO,
    max_batch: 1,
    queue: 1,
    loads: [1.0, 2.0, 3.0],
};

async fn post(url: &str, body: serde_json::Value) -> reqwest::Response {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("the server answers")
}

fn ask(prompt: u64, deadline_ms: u64) -> serde_json::Value {
    json!({"prompt": prompt, "class": "interactive", "deadline_ms": deadline_ms})
}

/// What each server answered, in the same words for both.
async fn exchange(url: String) -> Vec<String> {
    let mut seen = Vec::new();
    let (a, b) = (url.clone(), url.clone());
    let running = tokio::spawn(async move { post(&a, ask(1, 5_000)).await });
    tokio::time::sleep(Duration::from_millis(10)).await;
    let waiting = tokio::spawn(async move { post(&b, ask(2, 5_000)).await });
    tokio::time::sleep(Duration::from_millis(10)).await;
    let refused = post(&url, ask(3, 5_000)).await;
    let retry = refused
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    seen.push(format!("{} retry-after {retry:?}", refused.status()));
    for (prompt, response) in [(1, running.await.unwrap()), (2, waiting.await.unwrap())] {
        let status = response.status();
        let body: serde_json::Value =
            serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        assert_eq!(body["output"], serving::output_of(prompt), "{body}");
        seen.push(format!("{status} batch {}", body["batch"]));
    }
    let c = url.clone();
    let blocker = tokio::spawn(async move { post(&c, ask(4, 5_000)).await.status() });
    tokio::time::sleep(Duration::from_millis(10)).await;
    seen.push(format!("{}", post(&url, ask(5, 10)).await.status()));
    seen.push(format!("{}", blocker.await.unwrap()));
    for bad in [
        json!({"prompt": "seven"}),
        json!([1, 2]),
        json!({"prompt": 1, "class": "x", "deadline_ms": 1}),
    ] {
        let status = post(&url, bad).await.status();
        seen.push(format!("client error {}", status.is_client_error()));
    }
    seen
}

#[test]
fn python_answers_as_the_rust_server_does() {
    let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
    let answers: Vec<Vec<String>> = SERVERS
        .iter()
        .map(|server| serve(server, SLOW, exchange).expect("a server"))
        .collect();
    assert_eq!(
        answers[0],
        [
            "503 Service Unavailable retry-after Some(\"1\")",
            "200 OK batch 1",
            "200 OK batch 1",
            "504 Gateway Timeout",
            "200 OK",
            "client error true",
            "client error true",
            "client error true",
        ]
    );
    assert_eq!(answers[1], answers[0], "Python answers otherwise than Rust");
}

#[test]
fn a_client_that_hangs_up_leaves_the_python_queue() {
    let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
    let python = PythonServer::start(SLOW).expect("a server");
    let url = python.url();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let a = url.clone();
        let running = tokio::spawn(async move { post(&a, ask(1, 5_000)).await.status() });
        tokio::time::sleep(Duration::from_millis(10)).await;
        // Takes the only place, then hangs up.
        let b = url.clone();
        let leaver = tokio::spawn(async move { post(&b, ask(2, 5_000)).await });
        tokio::time::sleep(Duration::from_millis(10)).await;
        // The leaver holds the only place: a probe is refused.
        assert_eq!(post(&url, ask(9, 5_000)).await.status(), 503);
        leaver.abort();
        let _ = leaver.await;
        tokio::time::sleep(Duration::from_millis(10)).await;
        let next = post(&url, ask(3, 5_000)).await.status();
        assert_eq!(next, 200, "the place was still taken");
        assert_eq!(running.await.unwrap(), 200);
    });
    assert_eq!(
        python.ran().unwrap(),
        vec![1, 3],
        "the abandoned prompt must not run"
    );
}

#[test]
fn the_experiment_writes_every_point_of_both_servers() {
    let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
    let dir = std::env::temp_dir().join(format!("python-serving-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (md, csv) = (dir.join("serving.md"), dir.join("serving.csv"));
    python_compare::serving::run(0.1, &md, &csv, &mut |_| {}).unwrap();
    let md = std::fs::read_to_string(md).unwrap();
    let csv = std::fs::read_to_string(csv).unwrap();
    assert!(md.contains("Machine: cores: "), "{md}");
    assert!(csv.starts_with("# cores: "), "{csv}");
    let rows: Vec<&str> = csv.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(rows[0].starts_with("server,accelerator,offered_per_sec,goodput_per_sec"));
    assert_eq!(rows.len() - 1, MODELS.len() * SERVERS.len() * 4, "{csv}");
    let (rows, _): (Vec<PeerRow>, _) = kit::report::read_rows(&dir.join("serving.csv")).unwrap();
    for row in rows.iter().filter(|r| r.offered_per_sec.is_none()) {
        assert!(row.goodput_per_sec > 0.0, "{} answered nothing", row.server);
    }
    assert!(
        python_compare::serving::run(-1.0, &dir.join("a"), &dir.join("b"), &mut |_| {}).is_err()
    );
    std::fs::remove_dir_all(dir).unwrap();
}
