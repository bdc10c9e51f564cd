//! The reference coordinator against real shard processes, with a fault
//! proxy in front of every replica: each fault the issue names, run many
//! times, and never a hang (every query has a deadline and a watchdog
//! above it). Correctness only: how fast hedging makes the tail is the
//! bench's business, not a test's.

use std::sync::Arc;
use std::time::Duration;

use concur::cluster::corpus;
use concur::cluster::http::HttpCluster;
use concur::cluster::metrics;
use concur::cluster::processes::{Processes, Spawn};
use concur::cluster::proxy::{Proxy, ProxyFault};
use inverted_index::{SegmentIndex, Sharded};
use search_cluster::{Answer, Coordinator, Hit, Options, Query, ScatterGather};
use tokio::time::Instant;

const SHARDS: usize = 2;
const REPLICAS: usize = 2;
/// Each query's deadline; the watchdog above it allows this much more.
const DEADLINE: Duration = Duration::from_millis(1500);
const WATCHDOG_SLACK: Duration = Duration::from_secs(10);

/// A small corpus, shard processes, a proxy before each, and a coordinator
/// that talks to the proxies.
struct Rig {
    processes: Processes,
    proxies: Vec<Vec<Proxy>>,
    coordinator: ScatterGather<HttpCluster>,
    expected: Sharded<SegmentIndex>,
    /// The shard processes without the proxies, for their freshness.
    direct: HttpCluster,
    runtime: tokio::runtime::Runtime,
    _dir: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const QUERIES: &[&str] = &[
    "light",
    "the lord",
    "waters of the deep",
    "abraham isaac",
    "and",
];

impl Rig {
    fn start(name: &str, hedging: bool) -> Self {
        let dir = std::env::temp_dir().join(format!("concur-faults-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("corpus.txt");
        let verses: Vec<&str> = include_str!("../data/kjv.txt").lines().take(2000).collect();
        let text = verses.join("\n");
        std::fs::write(&path, &text).unwrap();
        let processes = Processes::start(&Spawn {
            program: env!("CARGO_BIN_EXE_concur").as_ref(),
            corpus: &path,
            shards: SHARDS,
            replicas: REPLICAS,
            lossy: false,
            refresh: Duration::from_millis(10),
        })
        .expect("the shard processes start");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (proxies, addresses) = runtime
            .block_on(Proxy::in_front_of(&processes.addresses))
            .expect("a proxy before every replica");
        let coordinator =
            ScatterGather::new(Arc::new(HttpCluster::new(addresses)), Options { hedging });
        let expected = Sharded::<SegmentIndex>::new(1, corpus::tokenizer(&text));
        for (id, verse) in verses.iter().enumerate() {
            expected.add(id as u32, verse);
        }
        expected.refresh();
        Self {
            direct: HttpCluster::new(processes.addresses.clone()),
            processes,
            proxies,
            coordinator,
            expected,
            runtime,
            _dir: TempDir(dir),
        }
    }

    fn set(&self, shard: usize, replica: usize, fault: ProxyFault) {
        self.proxies[shard][replica].set(fault);
    }

    /// One query under the watchdog: a hang fails the test, never stalls it.
    fn ask(&self, text: &str) -> (Answer, Duration) {
        self.runtime.block_on(async {
            let started = Instant::now();
            let query = Query::new(text, 10, started + DEADLINE);
            let answer =
                tokio::time::timeout(DEADLINE + WATCHDOG_SLACK, self.coordinator.search(query))
                    .await
                    .unwrap_or_else(|_| {
                        panic!("missed deadline: {text:?} had {DEADLINE:?} and got no answer")
                    });
            (answer, started.elapsed())
        })
    }

    /// Every query, `rounds` times: whole, and the single-node answer.
    fn all_whole(&self, rounds: usize, why: &str) {
        for round in 0..rounds {
            for text in QUERIES {
                let (answer, _) = self.ask(text);
                assert!(
                    !answer.partial,
                    "{why}, round {round}: {text:?} missed shards {:?}",
                    answer.missing
                );
                let want: Vec<Hit> = (self.expected.search(text, 10).iter())
                    .map(|h| Hit {
                        doc: h.doc,
                        score: h.score,
                    })
                    .collect();
                assert_eq!(answer.hits, want, "{why}, round {round}: {text:?}");
            }
        }
    }
}

/// One replica of every shard breaks the connection in each way; the other
/// answers, so every answer is whole and right.
#[test]
fn one_broken_replica_per_shard_costs_nothing() {
    let rig = Rig::start("one-broken", true);
    rig.all_whole(2, "healthy");
    for fault in [
        ProxyFault::Reset,
        ProxyFault::Garbage,
        ProxyFault::Hang,
        ProxyFault::Delay {
            delay: Duration::from_millis(300),
            one_in: 3,
        },
    ] {
        for shard in 0..SHARDS {
            rig.set(shard, shard % REPLICAS, fault);
        }
        let before = rig.coordinator.counters().now();
        rig.all_whole(10, &format!("one replica of each shard {fault:?}"));
        let after = rig.coordinator.counters().now();
        // What the coordinator's /metrics page would show of it.
        match fault {
            ProxyFault::Reset | ProxyFault::Garbage => assert!(
                after.failed_calls > before.failed_calls,
                "{fault:?}: no failed call counted"
            ),
            ProxyFault::Hang => assert!(
                after.hedges_won > before.hedges_won,
                "{fault:?}: answers came, and no hedge was counted as won"
            ),
            _ => {}
        }
        assert_eq!(
            after.partial, before.partial,
            "{fault:?}: partial answers counted"
        );
        for shard in 0..SHARDS {
            rig.set(shard, shard % REPLICAS, ProxyFault::Pass);
        }
    }
}

/// A shard whose every replica hangs is left out by the deadline and
/// named; when it comes back, answers are whole again.
#[test]
fn a_hung_shard_is_left_out_in_time_and_asked_again_when_back() {
    let rig = Rig::start("hung", true);
    for replica in 0..REPLICAS {
        rig.set(1, replica, ProxyFault::Hang);
    }
    for round in 0..2 {
        for text in QUERIES {
            let (answer, took) = rig.ask(text);
            assert_eq!(answer.missing, vec![1], "round {round}: {text:?}");
            assert!(answer.partial);
            assert!(
                took < DEADLINE + Duration::from_secs(1),
                "missed deadline: {text:?} took {took:?} with a deadline of {DEADLINE:?}"
            );
        }
    }
    assert_eq!(
        rig.coordinator.counters().now().partial,
        2 * QUERIES.len() as u64,
        "every answer without shard 1 is counted partial"
    );
    for replica in 0..REPLICAS {
        rig.set(1, replica, ProxyFault::Pass);
    }
    rig.all_whole(3, "shard 1 back");
}

/// Shard processes killed mid-stream: first one replica (the other takes
/// over), then the last (the shard is missing, and the answers say so).
#[test]
fn killed_shard_processes_are_left_out_truthfully() {
    let mut rig = Rig::start("killed", true);
    rig.all_whole(2, "healthy");
    rig.processes.kill(0, 0).unwrap();
    rig.all_whole(10, "replica 0 of shard 0 killed");
    rig.processes.kill(0, 1).unwrap();
    for round in 0..2 {
        for text in QUERIES {
            let (answer, _) = rig.ask(text);
            assert_eq!(answer.missing, vec![0], "round {round}: {text:?}");
            assert!(answer.partial);
        }
    }
}

/// Adds through proxies that lose every other answer after the work is
/// done: the coordinator retries under one key, and each replica applies
/// each add once (its own /metrics count it).
#[test]
fn an_add_whose_answer_is_lost_is_applied_once() {
    let rig = Rig::start("adds", true);
    for shard in 0..SHARDS {
        for replica in 0..REPLICAS {
            rig.set(shard, replica, ProxyFault::LoseAnswer { one_in: 2 });
        }
    }
    let adds = 20u32;
    rig.runtime.block_on(async {
        for i in 0..adds {
            let id = 5000 + i;
            let deadline = Instant::now() + Duration::from_secs(5);
            let added = rig
                .coordinator
                .add(id, format!("zebulun added {i}"), deadline)
                .await
                .unwrap_or_else(|e| panic!("add {id}: {e}"));
            assert_eq!(added.seqs.len(), REPLICAS);
        }
    });
    for shard in 0..SHARDS {
        for replica in 0..REPLICAS {
            let metrics = rig.runtime.block_on(async {
                let url = format!("{}/metrics", rig.processes.addresses[shard][replica]);
                reqwest::get(&url).await.unwrap().text().await.unwrap()
            });
            let applied = counter(&metrics, "shard_adds_applied_total");
            let repeated = counter(&metrics, "shard_adds_repeated_total");
            assert_eq!(
                applied,
                u64::from(adds) / SHARDS as u64,
                "applied twice? replica {replica} of shard {shard} applied {applied} adds \
                 (and answered {repeated} repeats)"
            );
            assert!(
                repeated > 0,
                "no answer was lost on replica {replica} of shard {shard}: the proxy did nothing"
            );
        }
    }
}

/// A counter's value in the Prometheus text format.
fn counter(metrics: &str, name: &str) -> u64 {
    let line = (metrics.lines())
        .find(|line| line.starts_with(name))
        .unwrap_or_else(|| panic!("no {name} in:\n{metrics}"));
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

/// Read your writes through shard processes that refresh every 10 ms: each
/// add, then at once a query that asks to see every add so far, and its
/// answer shows them all.
#[test]
fn a_query_sees_the_adds_it_asks_for() {
    let rig = Rig::start("read-your-writes", true);
    let mut written = Vec::new();
    rig.runtime.block_on(async {
        for i in 0..10u32 {
            let id = 7000 + i;
            let text = format!("zebulun fresh {i}");
            let deadline = Instant::now() + Duration::from_secs(5);
            let added = (rig.coordinator.add(id, text.clone(), deadline).await)
                .unwrap_or_else(|e| panic!("add {id}: {e}"));
            rig.expected.add(id, &text);
            written.push(added);
            let mut query = Query::new("zebulun fresh", 50, Instant::now() + DEADLINE);
            query.after = written.clone();
            let answer = rig.coordinator.search(query).await;
            assert!(!answer.partial, "shards {:?} missing", answer.missing);
            rig.expected.refresh();
            let want: Vec<Hit> = (rig.expected.search("zebulun fresh", 50).iter())
                .map(|h| Hit {
                    doc: h.doc,
                    score: h.score,
                })
                .collect();
            assert_eq!(answer.hits, want, "after {} adds", i + 1);
        }
    });
    // The coordinator's /metrics page asks every replica how far behind
    // its adds it is: each answers, and shows the adds it was asked about.
    let freshness = rig.runtime.block_on(metrics::freshness(&rig.direct));
    assert_eq!(freshness.len(), SHARDS * REPLICAS);
    for (shard, replica, answer) in &freshness {
        let answer =
            answer.unwrap_or_else(|| panic!("replica {replica} of shard {shard} did not answer"));
        assert!(
            answer.visible > 0,
            "replica {replica} of shard {shard}: {answer:?}"
        );
    }
    let page = metrics::render(
        rig.coordinator.counters().now(),
        &metrics::QueryLatency::default(),
        &freshness,
    );
    assert!(
        page.contains("coordinator_replica_up{shard=\"1\",replica=\"1\"} 1"),
        "{page}"
    );
    assert!(page.contains("coordinator_adds_total 10"), "{page}");
}
