//! The conformance suite: the checks every coordinator must pass, each a
//! function generic over the coordinator, returning a message that names
//! the bug class it found.
//!
//! Most checks run on tokio's paused clock: a replica that is 100 ms slow
//! costs no real time, and each scenario runs the same way every time, so
//! a check can say exactly how late an answer was. One check runs on a
//! multi-threaded runtime with the real clock, for races.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;

use kit::bugs;
use search_cluster::fake::{self, FakeCluster, Fault};
use search_cluster::{Answer, Coordinator, DocId, Hit, Options, Query, ShardId, Stats, shard_of};
use tokio::time::{Duration, Instant, sleep, timeout_at};

pub const SHARDS: usize = 3;
/// The slowest a healthy fake call is: 1 ms and up to 1 ms of jitter.
const SLOWEST_CALL: Duration = Duration::from_millis(2);
/// A healthy query: two rounds, each as slow as its slowest call, and a
/// tick to spare.
const ONE_QUERY: Duration = Duration::from_millis(5);
pub const REPLICAS: usize = 2;

/// The suite's corpus: words of a small vocabulary, a term that only one
/// shard's documents hold (so one shard's own IDF differs from the
/// collection's), and identical documents on different shards (so scores
/// tie across shards).
pub fn corpus() -> Vec<String> {
    const WORDS: [&str; 12] = [
        "apple", "river", "stone", "light", "cloud", "ember", "frost", "grain", "honey", "iron",
        "jade", "kelp",
    ];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    (0..60u32)
        .map(|id| {
            if (40..46).contains(&id) {
                return "twin twin star".to_string();
            }
            let len = 2 + next(10);
            let mut words: Vec<&str> = (0..len).map(|_| WORDS[next(12) as usize]).collect();
            if id % 3 == 0 {
                words.push("north");
            }
            words.join(" ")
        })
        .collect()
}

/// Queries, with what each is for.
pub const QUERIES: &[&str] = &[
    "apple",
    "north",
    "north apple",
    "apple north river",
    "twin",
    "twin star",
    "star apple",
    "river river stone",
    "Honey, IRON!",
    "nothing here matches",
    "",
];

pub const KS: &[usize] = &[1, 3, 10, 100];

fn docs_of(corpus: &[String]) -> Vec<&str> {
    corpus.iter().map(String::as_str).collect()
}

/// Runs `check` on a current-thread runtime whose clock is paused: time
/// moves only when every task waits for a timer, straight to the next.
pub fn paused<F: Future<Output = Result<(), String>>>(check: F) -> Result<(), String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a tokio runtime")
        .block_on(check)
}

fn cluster(corpus: &[String]) -> Arc<FakeCluster> {
    Arc::new(FakeCluster::new(&docs_of(corpus), SHARDS, REPLICAS))
}

fn query(text: &str, k: usize, within: Duration) -> Query {
    Query::new(text, k, Instant::now() + within)
}

/// The hits as a failure message shows them: `[12: 1.234, 3: 0.5]`.
pub fn shown(hits: &[Hit]) -> String {
    let shown: Vec<String> = hits
        .iter()
        .map(|h| format!("{}: {:.6}", h.doc, h.score))
        .collect();
    format!("[{}]", shown.join(", "))
}

/// The same documents in the same order, scores equal to 1e-9 relative.
fn same_hits(got: &[Hit], want: &[Hit]) -> bool {
    got.len() == want.len()
        && got.iter().zip(want).all(|(g, w)| {
            g.doc == w.doc && (g.score - w.score).abs() <= 1e-9 * w.score.abs().max(1e-300)
        })
}

/// What every shard but `missing` answers, scored with the statistics of
/// every shard but `unseen`: the right partial answer when `missing` left
/// the query at the search phase and `unseen` at the statistics phase.
pub fn expected(
    corpus: &[String],
    text: &str,
    k: usize,
    missing: &[ShardId],
    unseen: &[ShardId],
) -> Vec<Hit> {
    let terms = fake::query_terms(text);
    let docs: Vec<(DocId, Vec<String>)> = (corpus.iter().enumerate())
        .map(|(id, d)| (id as DocId, fake::tokens(d)))
        .collect();
    let on = |id: DocId, out: &[ShardId]| !out.contains(&shard_of(id, SHARDS));
    let mut stats = Stats::default();
    for (_, words) in docs.iter().filter(|(id, _)| on(*id, unseen)) {
        stats.add(&Stats {
            docs: 1,
            tokens: words.len() as u64,
            containing: terms.iter().map(|t| u64::from(words.contains(t))).collect(),
        });
    }
    stats.containing.resize(terms.len(), 0);
    let scored = docs
        .iter()
        .filter(|(id, _)| on(*id, missing))
        .map(|(id, d)| (*id, d.as_slice()));
    fake::top_k(scored, &terms, &stats, k)
}

/// Checks one answer: in time, truthful about what is missing, and equal
/// to `want`.
async fn answered<T: Coordinator<FakeCluster>>(
    coordinator: &T,
    query: Query,
    missing: &[ShardId],
    want: &[Hit],
    why: &str,
) -> Result<Answer, String> {
    let (text, k, deadline) = (query.text.clone(), query.k, query.deadline);
    let asked = Instant::now();
    let Ok(answer) = timeout_at(
        deadline + Duration::from_millis(1),
        coordinator.search(query),
    )
    .await
    else {
        return Err(bugs::MISSED_DEADLINE.says(format!(
            "query {text:?} ({why}) had a deadline {} ms away and no answer came by then: every wait \
             on a shard needs the deadline (tokio::time::timeout_at), and a shard that misses it is \
             left out",
            (deadline - asked).as_millis()
        )));
    };
    if answer.partial == answer.missing.is_empty() {
        return Err(bugs::PARTIAL_AS_WHOLE.says(format!(
            "query {text:?} ({why}): partial is {} but missing is {:?}; partial means shards are missing",
            answer.partial, answer.missing
        )));
    }
    let got_missing: BTreeSet<ShardId> = answer.missing.iter().copied().collect();
    for &shard in missing {
        if !got_missing.contains(&shard) {
            return Err(bugs::PARTIAL_AS_WHOLE.says(format!(
                "query {text:?} ({why}): shard {shard} did not answer, and the answer says missing \
                 {:?}, partial {}: an answer without a shard must name it",
                answer.missing, answer.partial
            )));
        }
    }
    if let Some(extra) = got_missing.iter().find(|s| !missing.contains(s)) {
        return Err(bugs::NEEDLESS_PARTIAL.says(format!(
            "query {text:?} ({why}): shard {extra} was left out, though a replica of it could answer \
             in time: a failed or slow call should be tried on another replica (searching is \
             idempotent)"
        )));
    }
    if answer.missing.windows(2).any(|w| w[0] >= w[1]) {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "query {text:?} ({why}): missing {:?} is not ascending without repeats",
            answer.missing
        )));
    }
    if !same_hits(&answer.hits, want) {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "query {text:?}, k = {k} ({why}): the answer is {}, and it should be {}{}",
            shown(&answer.hits),
            shown(want),
            hint(&answer.hits, want)
        )));
    }
    Ok(answer)
}

/// What a wrong list most likely means.
fn hint(got: &[Hit], want: &[Hit]) -> &'static str {
    let docs = |hits: &[Hit]| hits.iter().map(|h| h.doc).collect::<Vec<_>>();
    if docs(got) == docs(want) {
        " (the right documents with other scores: does every shard score with the whole \
         collection's statistics, summed over the shards?)"
    } else if got.len() < want.len() && got.iter().all(|g| want.iter().any(|w| w.doc == g.doc)) {
        " (hits are missing: does the merge keep hits with equal scores, and take k in all?)"
    } else {
        ""
    }
}

/// Waits 1 ms, then counts the calls still in flight: after an answer
/// there must be none.
async fn nothing_left_running(cluster: &FakeCluster, after: &str) -> Result<(), String> {
    sleep(Duration::from_millis(1)).await;
    match cluster.in_flight() {
        0 => Ok(()),
        n => Err(bugs::UNCANCELLED.says(format!(
            "{n} call(s) to replicas still in flight 1 ms after {after}: a request whose answer is \
             no longer wanted (the hedge that lost, a call to a dead replica) must be cancelled, by \
             dropping its future; a spawned task runs on when its JoinHandle is dropped"
        ))),
    }
}

/// Every query at every k, on healthy replicas: the single-node answer.
pub fn answers_as_one_index<T: Coordinator<FakeCluster>>() -> Result<(), String> {
    paused(async {
        let corpus = corpus();
        for hedging in [false, true] {
            let cluster = cluster(&corpus);
            let coordinator = T::new(Arc::clone(&cluster), Options { hedging });
            for &k in KS {
                for text in QUERIES {
                    let want = expected(&corpus, text, k, &[], &[]);
                    let why = if hedging {
                        "hedging, all replicas healthy"
                    } else {
                        "all replicas healthy"
                    };
                    let started = Instant::now();
                    answered(
                        &coordinator,
                        query(text, k, Duration::from_secs(1)),
                        &[],
                        &want,
                        why,
                    )
                    .await?;
                    let took = started.elapsed();
                    if took > ONE_QUERY {
                        return Err(bugs::NO_PARALLELISM.says(format!(
                            "query {text:?} ({why}) took {} ms, and every call answers within {} ms: \
                             two rounds of calls to all shards at once take at most {} ms; were the \
                             shards asked one after another? Ask them all at once (join_all)",
                            took.as_millis(),
                            SLOWEST_CALL.as_millis(),
                            ONE_QUERY.as_millis()
                        )));
                    }
                }
            }
            nothing_left_running(&cluster, "the last answer").await?;
        }
        Ok(())
    })
}

/// Many queries at once on a multi-threaded runtime, real clock: each gets
/// the single-node answer.
pub fn answers_many_queries_at_once<T: Coordinator<FakeCluster>>() -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let corpus = Arc::new(corpus());
        let cluster = Arc::new(FakeCluster::with_latency(
            &docs_of(&corpus),
            SHARDS,
            REPLICAS,
            Duration::from_micros(100),
            Duration::from_micros(400),
        ));
        let coordinator = Arc::new(T::new(Arc::clone(&cluster), Options { hedging: true }));
        let mut tasks = tokio::task::JoinSet::new();
        for round in 0..8 {
            for (i, text) in QUERIES.iter().enumerate() {
                let (coordinator, corpus) = (Arc::clone(&coordinator), Arc::clone(&corpus));
                let k = KS[(i + round) % KS.len()];
                tasks.spawn(async move {
                    let want = expected(&corpus, text, k, &[], &[]);
                    let query = query(text, k, Duration::from_secs(30));
                    answered(
                        &*coordinator,
                        query,
                        &[],
                        &want,
                        "88 queries at once, on 2 threads",
                    )
                    .await
                    .map(drop)
                });
            }
        }
        while let Some(outcome) = tasks.join_next().await {
            outcome.map_err(|e| bugs::named(&e.to_string()))??;
        }
        Ok(())
    })
}

/// A shard all of whose replicas are dead: the answer comes by the
/// deadline, names the shard, and holds the others' best documents.
pub fn leaves_a_dead_shard_out_in_time<T: Coordinator<FakeCluster>>() -> Result<(), String> {
    paused(async {
        let corpus = corpus();
        for hedging in [false, true] {
            let cluster = cluster(&corpus);
            for r in 0..REPLICAS {
                cluster.replica(1, r).set(Fault::Dead);
            }
            let coordinator = T::new(Arc::clone(&cluster), Options { hedging });
            for text in ["apple", "north apple", "twin"] {
                let want = expected(&corpus, text, 10, &[1], &[1]);
                let why = "every replica of shard 1 dead from the start";
                answered(
                    &coordinator,
                    query(text, 10, Duration::from_millis(50)),
                    &[1],
                    &want,
                    why,
                )
                .await?;
                nothing_left_running(&cluster, "an answer without the dead shard").await?;
            }
        }
        Ok(())
    })
}

/// Shards that miss one round of a query: one that dies between the two
/// rounds (it gave its statistics and never answers the search), and one
/// whose statistics come too late while it would answer the search. Each
/// is left out, and the answer says so; the first is the first shard, so
/// that asking shards one after another leaves the others no time.
pub fn leaves_out_a_shard_that_misses_a_round<T: Coordinator<FakeCluster>>() -> Result<(), String> {
    paused(async {
        let corpus = corpus();
        let cluster = cluster(&corpus);
        let coordinator = T::new(Arc::clone(&cluster), Options { hedging: true });
        for text in ["apple", "north apple", "twin star"] {
            for r in 0..REPLICAS {
                cluster.replica(0, r).set(Fault::DiesOnSearch);
            }
            let want = expected(&corpus, text, 10, &[0], &[]);
            let why = "shard 0 killed after it gave its statistics";
            let query = query(text, 10, Duration::from_millis(50));
            answered(&coordinator, query, &[0], &want, why).await?;
            nothing_left_running(&cluster, "an answer without the killed shard").await?;
        }
        let cluster = self::cluster(&corpus);
        let coordinator = T::new(Arc::clone(&cluster), Options { hedging: true });
        for r in 0..REPLICAS {
            cluster.replica(1, r).set(Fault::SlowStats {
                delay: Duration::from_millis(200),
            });
        }
        for text in ["apple", "north apple", "twin star"] {
            let want = expected(&corpus, text, 10, &[1], &[1]);
            let why = "shard 1's statistics 200 ms late, its searches on time";
            let query = query(text, 10, Duration::from_millis(50));
            answered(&coordinator, query, &[1], &want, why).await?;
            nothing_left_running(&cluster, "an answer without the late shard").await?;
        }
        Ok(())
    })
}

/// One replica of every shard fails every call, in each way a network
/// fails: the other answers, so nothing may be missing.
pub fn one_bad_replica_costs_nothing<T: Coordinator<FakeCluster>>() -> Result<(), String> {
    paused(async {
        let corpus = corpus();
        let faults = [
            (Fault::Refuses, false),
            (Fault::Resets, false),
            (Fault::Garbage, false),
            (Fault::LosesAnswers { one_in: 1 }, false),
            // A replica that never answers is only found out by a hedge.
            (Fault::Dead, true),
        ];
        for (fault, hedging) in faults {
            let cluster = cluster(&corpus);
            for shard in 0..SHARDS {
                cluster.replica(shard, shard % REPLICAS).set(fault);
            }
            let coordinator = T::new(Arc::clone(&cluster), Options { hedging });
            let why = format!("one replica of each shard {fault:?}, hedging {hedging}");
            for text in QUERIES.iter().cycle().take(30) {
                let want = expected(&corpus, text, 10, &[], &[]);
                answered(
                    &coordinator,
                    query(text, 10, Duration::from_millis(200)),
                    &[],
                    &want,
                    &why,
                )
                .await?;
            }
            nothing_left_running(&cluster, "the last answer").await?;
        }
        Ok(())
    })
}

/// A shard that was down and came back is asked again: one second after it
/// is back, answers are whole.
pub fn asks_a_shard_again_when_it_comes_back<T: Coordinator<FakeCluster>>() -> Result<(), String> {
    paused(async {
        let corpus = corpus();
        for fault in [Fault::Dead, Fault::Refuses] {
            let cluster = cluster(&corpus);
            let coordinator = T::new(Arc::clone(&cluster), Options { hedging: true });
            for r in 0..REPLICAS {
                cluster.replica(1, r).set(fault);
            }
            let why = format!("every replica of shard 1 {fault:?}");
            for text in ["apple", "river"] {
                let want = expected(&corpus, text, 10, &[1], &[1]);
                answered(
                    &coordinator,
                    query(text, 10, Duration::from_millis(50)),
                    &[1],
                    &want,
                    &why,
                )
                .await?;
            }
            for r in 0..REPLICAS {
                cluster.replica(1, r).set(Fault::Healthy);
            }
            sleep(Duration::from_secs(1)).await;
            let why = format!("shard 1 back for 1 s after it was {fault:?}");
            for text in ["apple", "river", "north"] {
                let want = expected(&corpus, text, 10, &[], &[]);
                answered(
                    &coordinator,
                    query(text, 10, Duration::from_millis(50)),
                    &[],
                    &want,
                    &why,
                )
                .await?;
            }
        }
        Ok(())
    })
}

/// Runs `queries` sequentially and returns the slowest answer's time and
/// the calls they made.
async fn run_queries<T: Coordinator<FakeCluster>>(
    coordinator: &T,
    cluster: &FakeCluster,
    corpus: &[String],
    queries: usize,
    why: &str,
) -> Result<(Duration, u64), String> {
    let calls = cluster.calls();
    let mut slowest = Duration::ZERO;
    for text in QUERIES
        .iter()
        .filter(|q| !q.is_empty())
        .cycle()
        .take(queries)
    {
        let want = expected(corpus, text, 10, &[], &[]);
        let started = Instant::now();
        answered(
            coordinator,
            query(text, 10, Duration::from_secs(1)),
            &[],
            &want,
            why,
        )
        .await?;
        slowest = slowest.max(started.elapsed());
        nothing_left_running(cluster, why).await?;
    }
    Ok((slowest, cluster.calls() - calls))
}

/// The extra requests hedging may send: a tenth of what the queries need.
pub const HEDGE_BUDGET: f64 = 0.10;

fn within_budget(calls: u64, queries: usize, why: &str) -> Result<(), String> {
    // Two phases, one call per shard in each.
    let needed = (queries * SHARDS * 2) as f64;
    let extra = calls as f64 / needed - 1.0;
    if extra > HEDGE_BUDGET {
        return Err(bugs::BOUND_EXCEEDED.says(format!(
            "{queries} queries ({why}) needed {needed} calls and made {calls}: {:.0}% more, and \
             hedging may add at most {:.0}%: hedge only a request slower than the shard's recent \
             p95 (Latencies::hedge_after), once",
            extra * 100.0,
            HEDGE_BUDGET * 100.0
        )));
    }
    Ok(())
}

/// One replica of each shard delays one call in 20 by 100 ms; with
/// hedging, no query waits for it, and hedges stay within their budget.
pub fn hedges_cut_the_slow_tail<T: Coordinator<FakeCluster>>() -> Result<(), String> {
    paused(async {
        let corpus = corpus();
        let cluster = cluster(&corpus);
        let slow = Fault::Slow {
            delay: Duration::from_millis(100),
            one_in: 20,
        };
        for shard in 0..SHARDS {
            cluster.replica(shard, 0).set(slow);
        }
        let coordinator = T::new(Arc::clone(&cluster), Options { hedging: true });
        let why = "replica 0 of each shard 100 ms late on one call in 20, hedging";
        run_queries(&coordinator, &cluster, &corpus, 50, why).await?;
        let (slowest, calls) = run_queries(&coordinator, &cluster, &corpus, 300, why).await?;
        if cluster.repeats() > 0 {
            return Err(bugs::SLOW_TAIL.says(format!(
                "{} request(s) came to a replica that was still working on the same request ({why}): \
                 a hedge goes to another replica, not back to the slow one",
                cluster.repeats()
            )));
        }
        if slowest > Duration::from_millis(30) {
            return Err(bugs::SLOW_TAIL.says(format!(
                "with hedging, a query took {} ms ({why}), while the other replica answers in 2: a \
                 request that has not answered by the shard's recent p95 should be sent to another \
                 replica too, and the first answer taken",
                slowest.as_millis()
            )));
        }
        within_budget(calls, 300, why)
    })
}

/// On healthy replicas, hedging adds at most a tenth to the requests.
pub fn hedges_stay_within_budget<T: Coordinator<FakeCluster>>() -> Result<(), String> {
    paused(async {
        let corpus = corpus();
        let cluster = cluster(&corpus);
        let coordinator = T::new(Arc::clone(&cluster), Options { hedging: true });
        let why = "healthy replicas answering in 1 to 2 ms, hedging";
        run_queries(&coordinator, &cluster, &corpus, 50, why).await?;
        let (_, calls) = run_queries(&coordinator, &cluster, &corpus, 300, why).await?;
        within_budget(calls, 300, why)
    })
}

/// Share of each shard's calls that went to each replica since `before`.
fn spread(cluster: &FakeCluster, before: &[u64], why: &str) -> Result<(), String> {
    for shard in 0..SHARDS {
        let calls: Vec<u64> = (0..REPLICAS)
            .map(|r| cluster.replica(shard, r).calls() - before[shard * REPLICAS + r])
            .collect();
        let total: u64 = calls.iter().sum();
        for (replica, &n) in calls.iter().enumerate() {
            let share = n as f64 / total as f64;
            if !(0.25..=0.75).contains(&share) {
                return Err(bugs::HOT_REPLICA.says(format!(
                    "{why}: shard {shard}'s replicas got {calls:?} calls; replica {replica} got {:.0}% \
                     of them: send each request to the replica with the fewest outstanding, and \
                     break ties so that no replica always comes first",
                    share * 100.0
                )));
            }
        }
    }
    Ok(())
}

fn calls_by_replica(cluster: &FakeCluster) -> Vec<u64> {
    (0..SHARDS)
        .flat_map(|s| (0..REPLICAS).map(move |r| (s, r)))
        .map(|(s, r)| cluster.replica(s, r).calls())
        .collect()
}

/// Requests spread over replicas, one query at a time, many at once, and
/// after hedges were cancelled.
pub fn spreads_load_over_replicas<T: Coordinator<FakeCluster>>() -> Result<(), String> {
    paused(async {
        let corpus = corpus();
        let cluster = cluster(&corpus);
        let coordinator = T::new(Arc::clone(&cluster), Options { hedging: false });
        let before = calls_by_replica(&cluster);
        run_queries(&coordinator, &cluster, &corpus, 40, "one query at a time").await?;
        spread(&cluster, &before, "40 queries one at a time")?;

        let before = calls_by_replica(&cluster);
        let many = (0..40).map(|i| {
            let text = QUERIES[i % (QUERIES.len() - 1)];
            let want = expected(&corpus, text, 10, &[], &[]);
            let coordinator = &coordinator;
            async move {
                let query = query(text, 10, Duration::from_secs(1));
                answered(coordinator, query, &[], &want, "40 queries at once")
                    .await
                    .map(drop)
            }
        });
        for outcome in futures_join_all(many).await {
            outcome?;
        }
        spread(&cluster, &before, "40 queries at once")?;

        // Hedges that lose are cancelled; what counted them must let go.
        let cluster = self::cluster(&corpus);
        let coordinator = T::new(Arc::clone(&cluster), Options { hedging: true });
        for shard in 0..SHARDS {
            cluster.replica(shard, 0).set(Fault::Slow {
                delay: Duration::from_millis(100),
                one_in: 3,
            });
        }
        let why = "replica 0 of each shard slow on one call in 3, hedging";
        run_queries(&coordinator, &cluster, &corpus, 60, why).await?;
        for shard in 0..SHARDS {
            cluster.replica(shard, 0).set(Fault::Healthy);
        }
        let before = calls_by_replica(&cluster);
        let why = "40 queries after replica 0 was slow and got well, hedging";
        run_queries(&coordinator, &cluster, &corpus, 40, why).await?;
        spread(&cluster, &before, why)?;

        // A replica that is slow for good: its requests pile up, and least
        // outstanding sends it fewer new ones. Turn by turn would send it
        // half.
        let cluster = self::cluster(&corpus);
        let coordinator = T::new(Arc::clone(&cluster), Options { hedging: false });
        for shard in 0..SHARDS {
            cluster.replica(shard, 0).set(Fault::Slow {
                delay: Duration::from_millis(20),
                one_in: 1,
            });
        }
        let clients = (0..8).map(|client| {
            let (coordinator, corpus) = (&coordinator, &corpus);
            async move {
                for i in 0..10 {
                    let text = QUERIES[(client + i) % (QUERIES.len() - 1)];
                    let want = expected(corpus, text, 10, &[], &[]);
                    let query = query(text, 10, Duration::from_secs(1));
                    let why = "8 clients, replica 0 of each shard 20 ms slow";
                    answered(coordinator, query, &[], &want, why).await?;
                }
                Ok::<(), String>(())
            }
        });
        for outcome in futures_join_all(clients).await {
            outcome?;
        }
        for shard in 0..SHARDS {
            let calls: Vec<u64> = (0..REPLICAS)
                .map(|r| cluster.replica(shard, r).calls())
                .collect();
            let share = calls[0] as f64 / calls.iter().sum::<u64>() as f64;
            if share > 0.35 {
                return Err(bugs::HOT_REPLICA.says(format!(
                    "8 clients at once, replica 0 of shard {shard} 20 ms slower than replica 1: the \
                     replicas got {calls:?} calls, {:.0}% to the slow one. Its requests pile up; \
                     sending each to the replica with the fewest outstanding sends it fewer, where \
                     taking turns sends it half",
                    share * 100.0
                )));
            }
        }
        Ok(())
    })
}

async fn futures_join_all<F: Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    futures_util::future::join_all(futures).await
}

/// Adds through replicas that lose every other answer: each add is applied
/// once per replica, and searches find it.
pub fn adds_apply_once<T: Coordinator<FakeCluster>>() -> Result<(), String> {
    paused(async {
        let mut corpus = corpus();
        let cluster = cluster(&corpus);
        for replica in cluster.all() {
            replica.set(Fault::LosesAnswers { one_in: 2 });
        }
        let coordinator = T::new(Arc::clone(&cluster), Options { hedging: true });
        let mut adds = [0u64; SHARDS];
        for i in 0..33u32 {
            // Updates of existing documents and new ones; the last three
            // put document 5 back to what it was in between: a repeat of
            // the same text is a new add, not a retry.
            let (id, text) = match i {
                30 | 32 => (5, "twin apple, first text".to_string()),
                31 => (5, "twin apple, second text".to_string()),
                i if i % 3 == 0 => (i, format!("added {i} twin apple")),
                i => (corpus.len() as DocId, format!("added {i} twin apple")),
            };
            let deadline = Instant::now() + Duration::from_millis(200);
            let added = match timeout_at(
                deadline + Duration::from_millis(1),
                coordinator.add(id, text.clone(), deadline),
            )
            .await
            {
                Err(_) => {
                    return Err(bugs::MISSED_DEADLINE.says(format!(
                        "add of document {id} had a deadline 200 ms away and did not return by then"
                    )));
                }
                Ok(Err(failed)) => {
                    return Err(bugs::WRONG_ANSWER.says(format!(
                        "add of document {id} failed ({failed}), though every replica answers every \
                         other call: retry a replica until it confirms or the deadline passes"
                    )));
                }
                Ok(Ok(added)) => added,
            };
            let shard = shard_of(id, SHARDS);
            if added.shard != shard || added.seqs.len() != REPLICAS {
                return Err(bugs::WRONG_ANSWER.says(format!(
                    "add of document {id} answered {added:?}: it lives on shard {shard}, and each of \
                     its {REPLICAS} replicas gives a number"
                )));
            }
            adds[shard] += 1;
            if id as usize == corpus.len() {
                corpus.push(text);
            } else {
                corpus[id as usize] = text;
            }
        }
        for (shard, &n) in adds.iter().enumerate() {
            for r in 0..REPLICAS {
                let changes = cluster.replica(shard, r).changes();
                if changes < n {
                    return Err(bugs::LOST_UPDATE.says(format!(
                        "replica {r} of shard {shard} applied {changes} changes for {n} adds that \
                         returned Ok: an add was taken for a retry of another (are keys made from \
                         the document? Putting a document back to an earlier text is a new add) \
                         and never applied"
                    )));
                }
                if changes != n {
                    return Err(bugs::APPLIED_TWICE.says(format!(
                        "replica {r} of shard {shard} applied {changes} changes for {n} adds, through \
                         replicas that lose every other answer: a retry must carry the first \
                         attempt's AddKey, or a replica that applied the add and lost its answer \
                         applies it again"
                    )));
                }
            }
        }
        for replica in cluster.all() {
            replica.set(Fault::Healthy);
        }
        for text in ["twin apple", "added", "north"] {
            let want = expected(&corpus, text, 10, &[], &[]);
            answered(
                &coordinator,
                query(text, 10, Duration::from_secs(1)),
                &[],
                &want,
                "after the adds",
            )
            .await?;
        }
        Ok(())
    })
}

/// An add to a shard with a dead replica returns by its deadline and says
/// which replicas confirmed.
pub fn an_add_to_a_dead_replica_fails_in_time<T: Coordinator<FakeCluster>>() -> Result<(), String> {
    paused(async {
        let corpus = corpus();
        let cluster = cluster(&corpus);
        cluster.replica(0, 1).set(Fault::Dead);
        let coordinator = T::new(Arc::clone(&cluster), Options { hedging: true });
        let deadline = Instant::now() + Duration::from_millis(50);
        match timeout_at(
            deadline + Duration::from_millis(1),
            coordinator.add(3, "new text".into(), deadline),
        )
        .await
        {
            Err(_) => Err(bugs::MISSED_DEADLINE.says(
                "an add to shard 0, whose replica 1 is dead, had a deadline 50 ms away and did not \
                 return by then",
            )),
            Ok(Ok(added)) => Err(bugs::WRONG_ANSWER.says(format!(
                "an add to shard 0, whose replica 1 is dead, answered {added:?}: replica 1 never \
                 confirmed it"
            ))),
            Ok(Err(failed))
                if failed.shard != 0
                    || failed.seqs.len() != REPLICAS
                    || failed.seqs[0].is_none()
                    || failed.seqs[1].is_some() =>
            {
                Err(bugs::WRONG_ANSWER.says(format!(
                    "an add to shard 0, whose replica 1 is dead and replica 0 healthy, failed with \
                     {failed:?}: it should name shard 0, replica 0's number, and None for replica 1"
                )))
            }
            Ok(Err(_)) => nothing_left_running(&cluster, "the add failed").await,
        }
    })
}

/// Adds, each followed at once by a query that asks to see every add so
/// far, through replicas that make an add visible only 30 ms after they
/// apply it (a refresh interval) and number changes each their own way:
/// every answer shows them all.
pub fn reads_its_own_writes<T: Coordinator<FakeCluster>>() -> Result<(), String> {
    paused(async {
        let mut corpus = corpus();
        let cluster = cluster(&corpus);
        for replica in cluster.all() {
            replica.refresh_after(Duration::from_millis(30));
        }
        let coordinator = T::new(Arc::clone(&cluster), Options { hedging: true });
        let (mut written, mut ids) = (Vec::new(), Vec::new());
        for i in 0..9u32 {
            let id = corpus.len() as DocId;
            let text = format!("zebra {i} crossing");
            let deadline = Instant::now() + Duration::from_millis(100);
            let added = match timeout_at(
                deadline + Duration::from_millis(1),
                coordinator.add(id, text.clone(), deadline),
            )
            .await
            {
                Ok(Ok(added)) => added,
                Ok(Err(failed)) => {
                    return Err(bugs::WRONG_ANSWER.says(format!(
                        "add of document {id} failed ({failed}) with every replica healthy"
                    )));
                }
                Err(_) => {
                    return Err(bugs::MISSED_DEADLINE.says(format!(
                        "add of document {id} had a deadline 100 ms away and did not return by then"
                    )));
                }
            };
            corpus.push(text);
            written.push(added);
            ids.push(id);
            let mut asked = query("zebra crossing", 20, Duration::from_millis(200));
            asked.after = written.clone();
            let want = expected(&corpus, "zebra crossing", 20, &[], &[]);
            let text = asked.text.clone();
            let Ok(answer) = timeout_at(
                asked.deadline + Duration::from_millis(1),
                coordinator.search(asked),
            )
            .await
            else {
                return Err(bugs::MISSED_DEADLINE.says(format!(
                    "query {text:?} asked to see {} adds, replicas show an add 30 ms after it, and \
                     no answer came within the query's 200 ms",
                    written.len()
                )));
            };
            if !same_hits(&answer.hits, &want) {
                return Err(bugs::STALE_READ.says(format!(
                    "query {text:?} asked to see the adds of documents {:?}, and its answer is {}, \
                     not {}: send each replica the number it gave the add (Query::after_seq), and \
                     let it answer once it shows that change; replicas number changes each their \
                     own way",
                    ids,
                    shown(&answer.hits),
                    shown(&want)
                )));
            }
        }
        nothing_left_running(&cluster, "the last answer").await
    })
}

/// The reference with hedging switched off whatever it is asked: what the
/// slow-tail check exists to tell apart.
#[derive(Debug)]
pub struct NeverHedges(search_cluster::ScatterGather<FakeCluster>);

impl Coordinator<FakeCluster> for NeverHedges {
    fn new(cluster: Arc<FakeCluster>, _: Options) -> Self {
        Self(Coordinator::new(cluster, Options { hedging: false }))
    }

    fn search(&self, query: Query) -> impl Future<Output = Answer> + Send {
        self.0.search(query)
    }

    fn add(
        &self,
        id: DocId,
        text: String,
        deadline: Instant,
    ) -> impl Future<Output = Result<search_cluster::Added, search_cluster::AddFailed>> + Send {
        self.0.add(id, text, deadline)
    }
}
