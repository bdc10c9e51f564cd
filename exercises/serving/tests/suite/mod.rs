//! The conformance suite: the checks every server and every single flight
//! must pass, each a function generic over the implementation, returning a
//! message that names the bug class it found.
//!
//! Most checks run on tokio's paused clock: a 10 ms batch costs no real
//! time, and each scenario runs the same way every time, so a check can
//! say exactly how late a request was. One check of each kind runs on a
//! multi-threaded runtime with the real clock, for races.

#![allow(dead_code)]

pub mod generation;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use kit::bugs;
use serving::{
    Class, Options, Refused, Reply, Request, Server, Simulated, SingleFlight, output_of,
};
use tokio::task::JoinHandle;
use tokio::time::{Duration, Instant, sleep, sleep_until, timeout};

/// The suite's accelerator: 10 ms a batch and 1 ms a prompt, 8 at most.
pub const FIXED: Duration = Duration::from_millis(10);
pub const PER_ITEM: Duration = Duration::from_millis(1);
pub const MAX_BATCH: usize = 8;
pub const MAX_WAIT: Duration = Duration::from_millis(2);
/// tokio's timers fire on whole milliseconds, rounded up.
const TICK: Duration = Duration::from_millis(1);
/// Longer than any scenario's work: a request not answered by then never
/// will be.
const NEVER: Duration = Duration::from_secs(30);

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

/// Runs `check` on two worker threads with the real clock.
pub fn threaded<F: Future<Output = Result<(), String>>>(check: F) -> Result<(), String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("a tokio runtime")
        .block_on(check)
}

fn accelerator() -> Arc<Simulated> {
    Arc::new(Simulated::new(FIXED, PER_ITEM, MAX_BATCH))
}

fn options() -> Options {
    Options {
        queue: Some(64),
        max_batch: MAX_BATCH,
        max_wait: MAX_WAIT,
        drop_expired: true,
        aging: Duration::from_millis(50),
    }
}

/// What became of one request.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    request: Request,
    sent: Instant,
    /// `None`: no answer within [`NEVER`].
    answer: Option<(Instant, Result<Reply, Refused>)>,
}

impl Outcome {
    fn waited(&self) -> Option<Duration> {
        self.answer.map(|(at, _)| at - self.sent)
    }

    fn ok(&self) -> bool {
        matches!(self.answer, Some((_, Ok(_))))
    }
}

/// Sends `request` now, on a task of its own.
fn send<S: Server<Simulated>>(server: &Arc<S>, request: Request) -> JoinHandle<Outcome> {
    let server = Arc::clone(server);
    tokio::spawn(async move {
        let sent = Instant::now();
        let answer = timeout(NEVER, server.infer(request))
            .await
            .ok()
            .map(|result| (Instant::now(), result));
        Outcome {
            request,
            sent,
            answer,
        }
    })
}

fn request(prompt: u64, class: Class, within: Duration) -> Request {
    Request {
        prompt,
        class,
        deadline: Instant::now() + within,
    }
}

async fn outcomes(sent: Vec<JoinHandle<Outcome>>) -> Vec<Outcome> {
    let mut outcomes = Vec::with_capacity(sent.len());
    for task in sent {
        outcomes.push(task.await.expect("a request's task panicked"));
    }
    outcomes
}

/// When the batch that ran `prompt` started, after `since`.
fn started(accelerator: &Simulated, prompt: u64) -> Option<Instant> {
    accelerator
        .batches()
        .into_iter()
        .find(|batch| batch.prompts.contains(&prompt))
        .map(|batch| batch.started)
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1e3)
}

/// What the accelerator saw that no server may do: two batches at once, a
/// batch too big or empty, a prompt run twice.
fn accelerator_misuse(accelerator: &Simulated, max_batch: usize) -> Result<(), String> {
    if accelerator.overlaps() > 0 {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "the accelerator ran {} batches while another was running; it runs one at a time \
             (one loop owns it)",
            accelerator.overlaps()
        )));
    }
    let batches = accelerator.batches();
    if let Some(big) = batches.iter().find(|b| b.prompts.len() > max_batch) {
        return Err(bugs::BOUND_EXCEEDED.says(format!(
            "a batch of {} prompts ran, over max_batch = {max_batch}",
            big.prompts.len()
        )));
    }
    if accelerator.empty() > 0 {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "the accelerator ran {} empty batches: a batch needs a prompt",
            accelerator.empty()
        )));
    }
    let mut runs: HashMap<u64, usize> = HashMap::new();
    for prompt in batches.iter().flat_map(|b| &b.prompts) {
        *runs.entry(*prompt).or_default() += 1;
    }
    if let Some((prompt, n)) = runs.iter().find(|(_, n)| **n > 1) {
        return Err(
            bugs::APPLIED_TWICE.says(format!("prompt {prompt} was sent once and ran {n} times"))
        );
    }
    Ok(())
}

/// Every answered request got its own prompt's output.
fn own_outputs(outcomes: &[Outcome]) -> Result<(), String> {
    for outcome in outcomes {
        if let Some((_, Ok(reply))) = outcome.answer
            && reply.output != output_of(outcome.request.prompt)
        {
            let whose = outcomes
                .iter()
                .find(|o| output_of(o.request.prompt) == reply.output)
                .map_or("no request's".to_string(), |o| {
                    format!("prompt {}'s", o.request.prompt)
                });
            return Err(bugs::WRONG_ANSWER.says(format!(
                "prompt {} got {whose} output: each reply must hold the output for its own \
                 prompt (outputs come back in the order of the prompts)",
                outcome.request.prompt
            )));
        }
    }
    Ok(())
}

/// Promise 8 in full: requests run in order of turn, where a batch
/// request's turn is its arrival plus `aging`. Whenever a batch started
/// while another request waited (it had arrived, and ran later), every
/// request in the batch had a turn no later than the waiting one's.
fn in_turn(outcomes: &[Outcome], accelerator: &Simulated, aging: Duration) -> Result<(), String> {
    let batches = accelerator.batches();
    let mut ran: HashMap<u64, usize> = HashMap::new();
    for (i, batch) in batches.iter().enumerate() {
        for prompt in &batch.prompts {
            ran.insert(*prompt, i);
        }
    }
    let turn = |o: &Outcome| match o.request.class {
        Class::Interactive => o.sent,
        Class::Batch => o.sent + aging,
    };
    let ran_in: Vec<(&Outcome, usize)> = outcomes
        .iter()
        .filter_map(|o| ran.get(&o.request.prompt).map(|&i| (o, i)))
        .collect();
    for &(early, i) in &ran_in {
        let started = batches[i].started;
        for &(waiting, j) in &ran_in {
            if j <= i || waiting.sent >= started || turn(early) <= turn(waiting) {
                continue;
            }
            let (e, w) = (early.request, waiting.request);
            let why = format!(
                "a {:?} request (prompt {}, its turn at {}) ran at {} while a {:?} request \
                 (prompt {}, its turn at {}) waited, and ran later; requests run in order of \
                 turn: arrival, plus aging = {} for batch requests",
                e.class,
                e.prompt,
                ms(turn(early) - outcomes[0].sent),
                ms(started - outcomes[0].sent),
                w.class,
                w.prompt,
                ms(turn(waiting) - outcomes[0].sent),
                ms(aging)
            );
            return Err(match (e.class, w.class) {
                (Class::Batch, Class::Interactive) => bugs::HEAD_OF_LINE.says(why),
                (Class::Interactive, Class::Batch) => bugs::STARVATION.says(why),
                _ => bugs::ORDER_VIOLATED.says(why),
            });
        }
    }
    Ok(())
}

/// A seeded xorshift: the same scenario on every run.
pub struct Seeded(pub u64);

impl Seeded {
    pub fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Promises 1 and 2: 300 requests of both classes at random times, about
/// the server's capacity, with room and time for all. Every one must get
/// its own output, the accelerator one batch at a time.
pub fn answers_each_request_with_its_own_output<S: Server<Simulated>>() -> Result<(), String> {
    paused(async {
        let accelerator = accelerator();
        let server = Arc::new(S::new(Arc::clone(&accelerator), options()));
        let mut seeded = Seeded(0x2545_f491_4f6c_dd1d);
        let mut sent = Vec::new();
        for i in 0..300u64 {
            let class = if i % 3 == 0 {
                Class::Batch
            } else {
                Class::Interactive
            };
            let prompt = seeded.next(1 << 40) * 300 + i;
            sent.push(send(&server, request(prompt, class, NEVER)));
            // 0 to 4 ms apart: about 400 a second against a capacity of
            // 444 in full batches.
            sleep(Duration::from_micros(seeded.next(5_000))).await;
        }
        let outcomes = outcomes(sent).await;
        if let Some(hung) = outcomes.iter().find(|o| o.answer.is_none()) {
            return Err(bugs::LOST_WAKEUP.says(format!(
                "prompt {} was never answered: the loop slept while it waited",
                hung.request.prompt
            )));
        }
        if let Some(refused) = outcomes.iter().find(|o| !o.ok()) {
            return Err(bugs::WRONG_ANSWER.says(format!(
                "prompt {} was refused ({:?}) with room in the queue and its deadline far off",
                refused.request.prompt,
                refused.answer.map(|(_, r)| r)
            )));
        }
        own_outputs(&outcomes)?;
        accelerator_misuse(&accelerator, MAX_BATCH)?;
        in_turn(&outcomes, &accelerator, options().aging)
    })
}

/// Promise 3 at low load: requests 100 ms apart, each alone. Each must
/// start within `max_wait` of its arrival.
pub fn a_lone_request_runs_within_max_wait<S: Server<Simulated>>() -> Result<(), String> {
    paused(async {
        let accelerator = accelerator();
        let server = Arc::new(S::new(Arc::clone(&accelerator), options()));
        for prompt in 0..5u64 {
            let outcome = send(&server, request(prompt, Class::Interactive, NEVER))
                .await
                .expect("a request's task panicked");
            let Some(start) = started(&accelerator, prompt) else {
                return Err(bugs::MISSED_TIMER.says(format!(
                    "a lone request (prompt {prompt}) never ran: a batch must start when its \
                     oldest request has waited max_wait ({}), full or not",
                    ms(MAX_WAIT)
                )));
            };
            let waited = start - outcome.sent;
            if waited > MAX_WAIT + TICK {
                return Err(bugs::MISSED_TIMER.says(format!(
                    "a lone request (prompt {prompt}) waited {} for its batch to start, with \
                     max_wait = {}",
                    ms(waited),
                    ms(MAX_WAIT)
                )));
            }
            sleep(Duration::from_millis(100)).await;
        }
        accelerator_misuse(&accelerator, MAX_BATCH)
    })
}

/// Promise 3 under load: 64 requests at once must run in full batches.
pub fn batches_fill_under_load<S: Server<Simulated>>() -> Result<(), String> {
    paused(async {
        let accelerator = accelerator();
        let server = Arc::new(S::new(Arc::clone(&accelerator), options()));
        let sent = (0..64)
            .map(|prompt| send(&server, request(prompt, Class::Interactive, NEVER)))
            .collect();
        let outcomes = outcomes(sent).await;
        own_outputs(&outcomes)?;
        accelerator_misuse(&accelerator, MAX_BATCH)?;
        let batches = accelerator.batches();
        let largest = batches.iter().map(|b| b.prompts.len()).max().unwrap_or(0);
        if batches.len() > 64 / MAX_BATCH {
            return Err(bugs::NO_BATCHING.says(format!(
                "64 requests arrived at once and ran in {} batches (the largest of {largest}); \
                 {} batches of {MAX_BATCH} would do, each costing {} against {} for a batch of 1",
                batches.len(),
                64 / MAX_BATCH,
                ms(FIXED + PER_ITEM * MAX_BATCH as u32),
                ms(FIXED + PER_ITEM)
            )));
        }
        Ok(())
    })
}

/// Promise 4: requests that arrive while a batch runs, and then nothing
/// more. They must run after it: the loop must not sleep through them.
pub fn requests_during_a_batch_run_after_it<S: Server<Simulated>>() -> Result<(), String> {
    paused(async {
        let accelerator = accelerator();
        let server = Arc::new(S::new(Arc::clone(&accelerator), options()));
        let mut sent = vec![send(&server, request(0, Class::Interactive, NEVER))];
        // The first batch runs from 2 ms to 13 ms.
        sleep(Duration::from_millis(5)).await;
        sent.push(send(&server, request(1, Class::Interactive, NEVER)));
        sleep(Duration::from_millis(100)).await;
        // And then more than a batch's worth, while one runs.
        sent.push(send(&server, request(2, Class::Interactive, NEVER)));
        sleep(Duration::from_millis(5)).await;
        sent.extend(
            (3..15).map(|prompt| send(&server, request(prompt, Class::Interactive, NEVER))),
        );
        let outcomes = outcomes(sent).await;
        // The batch running when it came, max_wait, two full batches.
        let bound = MAX_WAIT + (FIXED + PER_ITEM * MAX_BATCH as u32) * 3 + TICK;
        for outcome in &outcomes {
            if outcome.waited().is_none_or(|waited| waited > bound) {
                return Err(bugs::LOST_WAKEUP.says(format!(
                    "prompt {} arrived while a batch ran and waited {} (at most {} is \
                     enough), though the accelerator was free: the loop went to sleep \
                     without looking at the queue (a wake-up that keeps no permit, like \
                     Notify::notify_waiters, is lost if nobody waits yet)",
                    outcome.request.prompt,
                    outcome.waited().map_or("for ever".to_string(), ms),
                    ms(bound)
                )));
            }
        }
        own_outputs(&outcomes)?;
        accelerator_misuse(&accelerator, MAX_BATCH)
    })
}

/// Promise 5: 40 requests of each class at once, at a queue of 16 per
/// class. 16 of each are admitted; the rest are refused at once.
pub fn refuses_at_once_when_full<S: Server<Simulated>>() -> Result<(), String> {
    const QUEUE: usize = 16;
    paused(async {
        let accelerator = accelerator();
        let options = Options {
            queue: Some(QUEUE),
            ..options()
        };
        let server = Arc::new(S::new(Arc::clone(&accelerator), options));
        let start = Instant::now();
        // All of one class first: a bound shared by the classes fills
        // with the first.
        let sent = (0..80u64)
            .map(|prompt| {
                let class = if prompt < 40 {
                    Class::Interactive
                } else {
                    Class::Batch
                };
                send(&server, request(prompt, class, NEVER))
            })
            .collect();
        let outcomes = outcomes(sent).await;
        own_outputs(&outcomes)?;
        for class in [Class::Interactive, Class::Batch] {
            let mine: Vec<&Outcome> = outcomes
                .iter()
                .filter(|o| o.request.class == class)
                .collect();
            let admitted = mine.iter().filter(|o| o.ok()).count();
            if admitted > QUEUE {
                return Err(bugs::BOUND_EXCEEDED.says(format!(
                    "40 {class:?} requests arrived at once at a queue of {QUEUE} per class, and \
                     {admitted} were served: a full queue must refuse at once (try_send, not a \
                     wait for room)"
                )));
            }
            if admitted < QUEUE {
                return Err(bugs::WRONG_ANSWER.says(format!(
                    "40 {class:?} requests arrived at once at an empty queue of {QUEUE} per \
                     class, and only {admitted} were served"
                )));
            }
            for outcome in &mine {
                match outcome.answer {
                    Some((at, Err(Refused::Busy { retry_after }))) => {
                        if at > start {
                            return Err(bugs::MISSED_DEADLINE.says(format!(
                                "a refusal came {} after the request: refuse at once",
                                ms(at - start)
                            )));
                        }
                        if retry_after.is_zero() {
                            return Err(bugs::WRONG_ANSWER.says(
                                "a refusal said to retry after 0 s: the client would come back \
                                 at once, to a queue still full",
                            ));
                        }
                    }
                    Some((_, Ok(_))) => {}
                    other => {
                        return Err(bugs::WRONG_ANSWER
                            .says(format!("a request at a full queue got {other:?}, not Busy")));
                    }
                }
            }
        }
        accelerator_misuse(&accelerator, MAX_BATCH)?;
        small_queue_refusals::<S>().await
    })
}

/// A queue of 2, smaller than a batch: a batch runs, two wait, the next is
/// refused, and must still be told to come back later, not at once.
async fn small_queue_refusals<S: Server<Simulated>>() -> Result<(), String> {
    let accelerator = accelerator();
    let options = Options {
        queue: Some(2),
        ..options()
    };
    let server = Arc::new(S::new(Arc::clone(&accelerator), options));
    let mut sent: Vec<_> = (100..102)
        .map(|prompt| send(&server, request(prompt, Class::Interactive, NEVER)))
        .collect();
    sleep(MAX_WAIT + TICK).await;
    sent.extend((102..105).map(|prompt| send(&server, request(prompt, Class::Interactive, NEVER))));
    let outcomes = outcomes(sent).await;
    own_outputs(&outcomes)?;
    let refusals: Vec<Duration> = outcomes
        .iter()
        .filter_map(|o| match o.answer {
            Some((_, Err(Refused::Busy { retry_after }))) => Some(retry_after),
            _ => None,
        })
        .collect();
    if refusals.len() != 1 {
        return Err(bugs::BOUND_EXCEEDED.says(format!(
            "with a queue of 2 and a batch running, 3 more requests came and {} were refused, \
             not 1",
            refusals.len()
        )));
    }
    if refusals[0].is_zero() {
        return Err(bugs::WRONG_ANSWER.says(
            "with a queue of 2 (smaller than a batch) full, a refusal said to retry after 0 s: \
             the client would come back at once, to a queue still full",
        ));
    }
    Ok(())
}

/// Promise 6: 32 requests at once with 30 ms to live, where a batch of 8
/// takes 18 ms. Only the first batch can finish in time; the rest must be
/// answered `Expired` by their deadline, and never run.
pub fn drops_expired_requests_unrun<S: Server<Simulated>>() -> Result<(), String> {
    paused(async {
        let accelerator = accelerator();
        let server = Arc::new(S::new(Arc::clone(&accelerator), options()));
        let sent = (0..32)
            .map(|prompt| {
                send(
                    &server,
                    request(prompt, Class::Interactive, Duration::from_millis(30)),
                )
            })
            .collect();
        let outcomes = outcomes(sent).await;
        own_outputs(&outcomes)?;
        accelerator_misuse(&accelerator, MAX_BATCH)?;
        for outcome in &outcomes {
            let prompt = outcome.request.prompt;
            if let Some(start) = started(&accelerator, prompt)
                && start >= outcome.request.deadline
            {
                return Err(bugs::WASTED_WORK.says(format!(
                    "prompt {prompt} ran {} after its deadline: its client had given up, and \
                     the accelerator's time went to nobody",
                    ms(start - outcome.request.deadline)
                )));
            }
        }
        // A batch as long as the one before it would end too late.
        let batches = accelerator.batches();
        for pair in batches.windows(2) {
            let last = accelerator.cost(pair[0].prompts.len());
            let ends = pair[1].started + last;
            if let Some(late) = outcomes
                .iter()
                .find(|o| pair[1].prompts.contains(&o.request.prompt) && o.request.deadline < ends)
            {
                return Err(bugs::WASTED_WORK.says(format!(
                    "prompt {} started {} before its deadline in a batch that, as long as the \
                     last one ({}), would end {} after it: a request that cannot finish in time \
                     is dead already; answer it Expired and run one that can",
                    late.request.prompt,
                    ms(late.request.deadline - pair[1].started),
                    ms(last),
                    ms(ends - late.request.deadline)
                )));
            }
        }
        for outcome in &outcomes {
            match outcome.answer {
                None => {
                    return Err(bugs::MISSED_DEADLINE.says(format!(
                        "prompt {} was never answered, though its deadline was 30 ms away",
                        outcome.request.prompt
                    )));
                }
                Some((at, answer)) if at > outcome.request.deadline + TICK => {
                    return Err(bugs::MISSED_DEADLINE.says(format!(
                        "prompt {} was answered {answer:?} {} after its deadline: answer \
                         Expired at the deadline",
                        outcome.request.prompt,
                        ms(at - outcome.request.deadline)
                    )));
                }
                _ => {}
            }
        }
        let expired = outcomes
            .iter()
            .filter(|o| matches!(o.answer, Some((_, Err(Refused::Expired)))))
            .count();
        if expired == 0 {
            return Err(bugs::WRONG_ANSWER.says(
                "no request was answered Expired, though 32 requests in batches of 8 at 18 ms each \
                 cannot all finish within 30 ms",
            ));
        }
        Ok(())
    })
}

/// Promise 7: with a queue of 4 full while a batch runs, one waiting
/// request leaves: its caller gives up, or its deadline passes. Its place
/// must be free for the next request, and its prompt must never run. For
/// each class, since each has its own queue.
pub fn a_cancelled_request_frees_its_place<S: Server<Simulated>>() -> Result<(), String> {
    paused(async {
        for class in [Class::Interactive, Class::Batch] {
            one_leaves::<S>(class, false).await?;
        }
        one_leaves::<S>(Class::Interactive, true).await
    })
}

async fn one_leaves<S: Server<Simulated>>(class: Class, by_deadline: bool) -> Result<(), String> {
    let accelerator = accelerator();
    let options = Options {
        queue: Some(4),
        ..options()
    };
    let server = Arc::new(S::new(Arc::clone(&accelerator), options));
    // A batch of 4 runs from 2 ms (max_wait) to 16 ms.
    let mut sent: Vec<_> = (0..4)
        .map(|prompt| send(&server, request(prompt, class, NEVER)))
        .collect();
    sleep(MAX_WAIT + TICK).await;
    sent.extend((10..13).map(|prompt| send(&server, request(prompt, class, NEVER))));
    let life = if by_deadline { 2 * TICK } else { NEVER };
    let leaver = send(&server, request(99, class, life));
    sleep(TICK).await;
    let how = if by_deadline {
        "whose deadline passed while it waited"
    } else {
        leaver.abort();
        "whose caller gave up"
    };
    sleep(2 * TICK).await;
    let late = send(&server, request(20, class, NEVER))
        .await
        .expect("a request's task panicked");
    let outcomes = outcomes(sent).await;
    own_outputs(&outcomes)?;
    if !late.ok() {
        return Err(bugs::UNCANCELLED.says(format!(
            "a {class:?} request {how} left a full queue of 4, and the next request got \
             {:?}: the request that left kept its place (leave the queue when the future is \
             dropped)",
            late.answer.map(|(_, a)| a)
        )));
    }
    if started(&accelerator, 99).is_some() {
        return Err(bugs::UNCANCELLED.says(format!("a {class:?} request {how} was run anyway")));
    }
    accelerator_misuse(&accelerator, MAX_BATCH)
}

/// Promise 8, the first half: 64 batch requests queue (eight batches of
/// work), then one interactive request arrives. It must run in the next
/// batch that starts.
pub fn interactive_is_not_stuck_behind_batch<S: Server<Simulated>>() -> Result<(), String> {
    paused(async {
        let accelerator = accelerator();
        let server = Arc::new(S::new(Arc::clone(&accelerator), options()));
        let mut sent: Vec<_> = (0..64)
            .map(|prompt| send(&server, request(prompt, Class::Batch, NEVER)))
            .collect();
        sleep(Duration::from_millis(5)).await;
        let arrived = Instant::now();
        sent.push(send(&server, request(1000, Class::Interactive, NEVER)));
        let outcomes = outcomes(sent).await;
        own_outputs(&outcomes)?;
        accelerator_misuse(&accelerator, MAX_BATCH)?;
        in_turn(&outcomes, &accelerator, options().aging)?;
        let batches = accelerator.batches();
        let next = batches.iter().find(|b| b.started >= arrived);
        let Some(next) = next else {
            return Err(bugs::WRONG_ANSWER.says("no batch ran after the interactive request came"));
        };
        if !next.prompts.contains(&1000) {
            let ahead = batches
                .iter()
                .take_while(|b| !b.prompts.contains(&1000))
                .filter(|b| b.started >= arrived)
                .map(|b| b.prompts.len())
                .sum::<usize>();
            return Err(bugs::HEAD_OF_LINE.says(format!(
                "an interactive request waited behind {ahead} batch requests that were queued \
                 before it; it must go in the next batch (batch requests count as arriving \
                 aging = 50 ms later)"
            )));
        }
        Ok(())
    })
}

/// Promise 8, the second half: interactive load past capacity for a
/// second, and one batch request. It must run within its 50 ms of aging
/// plus the interactive queue ahead of it (64, eight batches).
pub fn batch_work_is_not_starved<S: Server<Simulated>>() -> Result<(), String> {
    paused(async {
        let accelerator = accelerator();
        let server = Arc::new(S::new(Arc::clone(&accelerator), options()));
        let start = Instant::now();
        let mut sent = Vec::new();
        let mut prompt = 0;
        let mut batch = None;
        // 8 every 9 ms: twice what the accelerator serves.
        while start.elapsed() < Duration::from_secs(1) {
            for _ in 0..8 {
                sent.push(send(&server, request(prompt, Class::Interactive, NEVER)));
                prompt += 1;
            }
            if batch.is_none() {
                sleep(TICK).await;
                batch = Some(send(&server, request(1 << 40, Class::Batch, NEVER)));
            }
            sleep(Duration::from_millis(9)).await;
        }
        let batch = batch
            .expect("sent")
            .await
            .expect("a request's task panicked");
        let bound = Duration::from_millis(50) + (FIXED + PER_ITEM * 8) * 10;
        match batch.waited() {
            Some(waited) if waited <= bound && batch.ok() => {}
            waited => {
                // The rest may still be queued: drop the server's callers.
                drop(sent);
                return Err(bugs::STARVATION.says(format!(
                    "a batch request waited {} under interactive load (answer: {:?}); with \
                     aging = 50 ms it should run within {}",
                    waited.map_or("for ever".to_string(), ms),
                    batch.answer.map(|(_, a)| a),
                    ms(bound)
                )));
            }
        }
        let mut outcomes = outcomes(sent).await;
        outcomes.push(batch);
        own_outputs(&outcomes)?;
        accelerator_misuse(&accelerator, MAX_BATCH)?;
        in_turn(&outcomes, &accelerator, options().aging)
    })
}

/// Every promise at once, on two threads and the real clock: eight callers
/// each send 40 requests of both classes with random gaps. Every one must
/// be answered with its own output.
pub fn serves_many_callers_on_many_threads<S: Server<Simulated>>() -> Result<(), String> {
    threaded(async {
        let accelerator = Arc::new(Simulated::new(
            Duration::from_micros(500),
            Duration::from_micros(50),
            MAX_BATCH,
        ));
        let options = Options {
            queue: None,
            max_wait: Duration::from_micros(200),
            aging: Duration::from_millis(2),
            ..options()
        };
        let server = Arc::new(S::new(Arc::clone(&accelerator), options));
        let callers: Vec<_> = (0..8u64)
            .map(|caller| {
                let server = Arc::clone(&server);
                tokio::spawn(async move {
                    let mut seeded = Seeded(0x9e37_79b9 + caller);
                    let mut sent = Vec::new();
                    for i in 0..40u64 {
                        let class = if i % 2 == 0 {
                            Class::Interactive
                        } else {
                            Class::Batch
                        };
                        sent.push(send(&server, request(caller * 1000 + i, class, NEVER)));
                        sleep(Duration::from_micros(seeded.next(400))).await;
                    }
                    outcomes(sent).await
                })
            })
            .collect();
        let mut all = Vec::new();
        for caller in callers {
            all.extend(caller.await.expect("a caller panicked"));
        }
        if let Some(hung) = all.iter().find(|o| o.answer.is_none()) {
            return Err(bugs::LOST_WAKEUP.says(format!(
                "on two threads, prompt {} was never answered",
                hung.request.prompt
            )));
        }
        if let Some(refused) = all.iter().find(|o| !o.ok()) {
            return Err(bugs::WRONG_ANSWER.says(format!(
                "on two threads, prompt {} was refused ({:?}) with no bound and no deadline",
                refused.request.prompt,
                refused.answer.map(|(_, a)| a)
            )));
        }
        own_outputs(&all)?;
        accelerator_misuse(&accelerator, MAX_BATCH)
    })
}

// The single flight.

/// A computation the checks can watch: it counts its starts, sleeps
/// `takes`, and then answers `Ok(value)` or `Err`; a guard inside notes
/// whether it was dropped before it finished.
#[derive(Debug, Default)]
struct Watched {
    started: AtomicUsize,
    finished: AtomicUsize,
    dropped_early: AtomicBool,
}

struct DropNote(Arc<Watched>, bool);

impl Drop for DropNote {
    fn drop(&mut self) {
        if !self.1 {
            self.0.dropped_early.store(true, Ordering::SeqCst);
        }
    }
}

fn computation(
    watched: &Arc<Watched>,
    takes: Duration,
    result: Result<u64, String>,
) -> impl Future<Output = Result<u64, String>> + Send + 'static {
    let watched = Arc::clone(watched);
    async move {
        watched.started.fetch_add(1, Ordering::SeqCst);
        let mut note = DropNote(Arc::clone(&watched), false);
        sleep(takes).await;
        note.1 = true;
        watched.finished.fetch_add(1, Ordering::SeqCst);
        result
    }
}

/// `get` on a task of its own: (when it answered, what).
fn ask<F: SingleFlight<u64, u64, String>>(
    flights: &Arc<F>,
    key: u64,
    compute: impl Future<Output = Result<u64, String>> + Send + 'static,
) -> JoinHandle<Option<(Instant, Result<u64, String>)>> {
    let flights = Arc::clone(flights);
    tokio::spawn(async move {
        timeout(NEVER, flights.get(key, compute))
            .await
            .ok()
            .map(|result| (Instant::now(), result))
    })
}

fn hung(who: &str) -> String {
    bugs::HUNG_WAITER.says(format!(
        "{who} was never answered: every waiter must hear the outcome, whoever started the \
         computation and however it ended"
    ))
}

/// Promise 1 and 2: ten callers of one key and three of another at once.
/// Two computations, and everyone gets their key's value.
pub fn computes_once_for_identical_requests<F: SingleFlight<u64, u64, String>>()
-> Result<(), String> {
    paused(async {
        let flights = Arc::new(F::new());
        let watched = Arc::new(Watched::default());
        let ten = Duration::from_millis(10);
        let asks: Vec<_> = (0..13u64)
            .map(|i| {
                let key = if i < 10 { 1 } else { 2 };
                ask(&flights, key, computation(&watched, ten, Ok(key * 100)))
            })
            .collect();
        for (i, asked) in asks.into_iter().enumerate() {
            let key = if i < 10 { 1 } else { 2 };
            match asked.await.expect("a caller panicked") {
                None => return Err(hung(&format!("caller {i} of key {key}"))),
                Some((_, Ok(value))) if value == key * 100 => {}
                Some((_, other)) => {
                    return Err(bugs::WRONG_ANSWER.says(format!(
                        "a caller of key {key} got {other:?}, not Ok({})",
                        key * 100
                    )));
                }
            }
        }
        let started = watched.started.load(Ordering::SeqCst);
        if started != 2 {
            return Err(bugs::COMPUTED_TWICE.says(format!(
                "13 callers asked for 2 keys at once, and {started} computations started: \
                 one per key in flight"
            )));
        }
        if flights.in_flight() != 0 {
            return Err(bugs::LEAKED_FLIGHT.says(format!(
                "every computation finished, and in_flight() is {}",
                flights.in_flight()
            )));
        }
        Ok(())
    })
}

/// Promise 2: a computation fails; five waiters must all get the error.
/// A failure is not remembered: the next caller computes anew.
pub fn a_failure_reaches_every_waiter<F: SingleFlight<u64, u64, String>>() -> Result<(), String> {
    paused(async {
        let flights = Arc::new(F::new());
        let watched = Arc::new(Watched::default());
        let failing = || computation(&watched, Duration::from_millis(10), Err("boom".to_string()));
        let asks: Vec<_> = (0..5).map(|_| ask(&flights, 7, failing())).collect();
        for (i, asked) in asks.into_iter().enumerate() {
            match asked.await.expect("a caller panicked") {
                None => return Err(hung(&format!("waiter {i} of a computation that failed"))),
                Some((_, Err(e))) if e == "boom" => {}
                Some((_, other)) => {
                    return Err(bugs::WRONG_ANSWER.says(format!(
                        "a waiter of a computation that failed with \"boom\" got {other:?}"
                    )));
                }
            }
        }
        if flights.in_flight() != 0 {
            return Err(bugs::LEAKED_FLIGHT.says(format!(
                "a computation failed, every waiter heard, and in_flight() is {}",
                flights.in_flight()
            )));
        }
        let again = ask(
            &flights,
            7,
            computation(&watched, Duration::from_millis(10), Ok(8)),
        );
        match again.await.expect("a caller panicked") {
            Some((_, Ok(8))) => Ok(()),
            None => Err(hung("a caller after a failure")),
            Some((_, other)) => Err(bugs::WRONG_ANSWER.says(format!(
                "after a failure, a new caller whose computation succeeds got {other:?}: a \
                 failure must not be kept"
            ))),
        }
    })
}

/// Promise 3: the caller that started the computation gives up; the one
/// still waiting must get the answer, from the same computation.
pub fn the_first_caller_leaving_cancels_nothing<F: SingleFlight<u64, u64, String>>()
-> Result<(), String> {
    paused(async {
        let flights = Arc::new(F::new());
        let watched = Arc::new(Watched::default());
        let ten = Duration::from_millis(10);
        let first = ask(&flights, 3, computation(&watched, ten, Ok(30)));
        sleep(TICK).await;
        let second = ask(&flights, 3, computation(&watched, ten, Ok(30)));
        sleep(TICK).await;
        first.abort();
        match second.await.expect("a caller panicked") {
            None => {
                return Err(hung(
                    "a caller whose computation was started by a caller who then gave up",
                ));
            }
            Some((_, Ok(30))) => {}
            Some((_, other)) => {
                return Err(bugs::WRONG_ANSWER.says(format!(
                    "the first caller gave up, and the second got {other:?}, not Ok(30)"
                )));
            }
        }
        let started = watched.started.load(Ordering::SeqCst);
        if started != 1 {
            return Err(bugs::COMPUTED_TWICE.says(format!(
                "{started} computations started for two callers of one key"
            )));
        }
        Ok(())
    })
}

/// Promise 4: three waiters give up before the computation ends. It must
/// be cancelled, the key forgotten, and a new caller answered afresh.
pub fn forgets_a_flight_when_every_waiter_leaves<F: SingleFlight<u64, u64, String>>()
-> Result<(), String> {
    paused(async {
        let flights = Arc::new(F::new());
        let watched = Arc::new(Watched::default());
        let long = Duration::from_millis(100);
        let asks: Vec<_> = (0..3)
            .map(|_| ask(&flights, 5, computation(&watched, long, Ok(50))))
            .collect();
        sleep(Duration::from_millis(5)).await;
        for asked in &asks {
            asked.abort();
        }
        sleep(TICK).await;
        if flights.in_flight() != 0 {
            return Err(bugs::LEAKED_FLIGHT.says(format!(
                "every waiter of a computation gave up, and in_flight() is {}: the key stays \
                 taken by work nobody waits for",
                flights.in_flight()
            )));
        }
        sleep(Duration::from_millis(200)).await;
        if watched.finished.load(Ordering::SeqCst) > 0
            || !watched.dropped_early.load(Ordering::SeqCst)
        {
            return Err(bugs::UNCANCELLED.says(
                "every waiter of a computation gave up, and the computation ran on to the end: \
                 the last waiter to leave must cancel it (abort the task)",
            ));
        }
        let fresh = Arc::new(Watched::default());
        let again = ask(
            &flights,
            5,
            computation(&fresh, Duration::from_millis(10), Ok(51)),
        );
        match again.await.expect("a caller panicked") {
            Some((_, Ok(51))) => Ok(()),
            None => Err(hung("a caller of a key whose waiters had all left")),
            Some((_, other)) => Err(bugs::WRONG_ANSWER.says(format!(
                "a new caller of a key whose waiters had all left got {other:?}, not its own \
                 computation's Ok(51)"
            ))),
        }
    })
}

/// Promise 4: after a computation ends, the key is forgotten, and the
/// next caller computes anew (a single flight, not a memo).
pub fn forgets_a_finished_flight<F: SingleFlight<u64, u64, String>>() -> Result<(), String> {
    paused(async {
        let flights = Arc::new(F::new());
        let watched = Arc::new(Watched::default());
        let first = ask(
            &flights,
            9,
            computation(&watched, Duration::from_millis(10), Ok(90)),
        );
        match first.await.expect("a caller panicked") {
            Some((_, Ok(90))) => {}
            None => return Err(hung("a lone caller")),
            Some((_, other)) => {
                return Err(bugs::WRONG_ANSWER.says(format!("a lone caller got {other:?}")));
            }
        }
        if flights.in_flight() != 0 {
            return Err(bugs::LEAKED_FLIGHT.says(format!(
                "a computation finished and its only caller has its answer, and in_flight() is \
                 {}: the map keeps what is no longer in flight",
                flights.in_flight()
            )));
        }
        let second = ask(
            &flights,
            9,
            computation(&watched, Duration::from_millis(10), Ok(91)),
        );
        match second.await.expect("a caller panicked") {
            Some((_, Ok(91))) => Ok(()),
            None => Err(hung("a caller after the key's flight had finished")),
            Some((_, other)) => Err(bugs::LEAKED_FLIGHT.says(format!(
                "a caller after the key's flight had finished got {other:?}, the old result, \
                 not its own computation's Ok(91): a finished flight was kept"
            ))),
        }
    })
}

/// Promise 1 and 4 across two flights of one key. A waiter of the first
/// flight is slow to wake: its task is busy until 12 ms. The flight ends
/// at 10 ms, and at 11 ms a new caller starts a second flight. When the
/// slow waiter leaves, it must leave the second flight alone, and a
/// caller at 13 ms must share the second.
pub fn a_new_flight_outlives_the_last_ones_waiters<F: SingleFlight<u64, u64, String>>()
-> Result<(), String> {
    paused(async {
        let start = Instant::now();
        let flights = Arc::new(F::new());
        let watched = Arc::new(Watched::default());
        let ten = Duration::from_millis(10);
        let quick = ask(&flights, 4, computation(&watched, ten, Ok(1)));
        let slow = {
            let (flights, watched) = (Arc::clone(&flights), Arc::clone(&watched));
            tokio::spawn(async move {
                let mut asked = Box::pin(flights.get(4, computation(&watched, ten, Ok(1))));
                // One poll: it joins the flight, then its task is busy.
                std::future::poll_fn(|cx| {
                    let _ = asked.as_mut().poll(cx);
                    std::task::Poll::Ready(())
                })
                .await;
                sleep_until(start + Duration::from_millis(12)).await;
                timeout(NEVER, asked).await.ok()
            })
        };
        sleep_until(start + Duration::from_millis(11)).await;
        let second = ask(&flights, 4, computation(&watched, 2 * ten, Ok(2)));
        sleep_until(start + Duration::from_millis(13)).await;
        let third = ask(&flights, 4, computation(&watched, 2 * ten, Ok(3)));
        if quick.await.expect("a caller panicked").is_none()
            || slow.await.expect("a caller panicked").is_none()
        {
            return Err(hung("a waiter of the first flight"));
        }
        let second = second.await.expect("a caller panicked").map(|(_, r)| r);
        let third = third.await.expect("a caller panicked").map(|(_, r)| r);
        match (second, third) {
            (Some(Ok(2)), Some(Ok(2))) => Ok(()),
            (None, _) | (_, None) => Err(hung("a caller of the second flight")),
            (Some(Ok(2)), Some(Ok(3))) => Err(bugs::COMPUTED_TWICE.says(
                "a late waiter of a key's finished flight left, a caller then started a third \
                 flight while the second ran: the waiter removed the second flight's entry \
                 (remove a key only if it still holds your own flight)",
            )),
            (second, third) => Err(bugs::WRONG_ANSWER.says(format!(
                "the second flight of a key, started after the first ended, answered its \
                 callers {second:?} and {third:?}, not Ok(2) both"
            ))),
        }
    })
}

/// Every promise at once, on two threads and the real clock: 200 callers
/// over 4 keys, some giving up early. Every one that waits gets its key's
/// value, and at the end nothing is in flight.
pub fn many_callers_on_many_threads<F: SingleFlight<u64, u64, String>>() -> Result<(), String> {
    threaded(async {
        let flights = Arc::new(F::new());
        let watched = Arc::new(Watched::default());
        let mut seeded = Seeded(0x1234_5678_9abc);
        let mut asks = Vec::new();
        for i in 0..200u64 {
            let key = seeded.next(4);
            let takes = Duration::from_micros(200 + seeded.next(800));
            let asked = ask(&flights, key, computation(&watched, takes, Ok(key * 10)));
            if i % 7 == 0 {
                asked.abort();
            } else {
                asks.push((key, asked));
            }
            sleep(Duration::from_micros(seeded.next(100))).await;
        }
        for (key, asked) in asks {
            match asked.await.expect("a caller panicked") {
                Some((_, Ok(value))) if value == key * 10 => {}
                None => return Err(hung(&format!("on two threads, a caller of key {key}"))),
                Some((_, other)) => {
                    return Err(bugs::WRONG_ANSWER.says(format!(
                        "on two threads, a caller of key {key} got {other:?}"
                    )));
                }
            }
        }
        sleep(Duration::from_millis(5)).await;
        if flights.in_flight() != 0 {
            return Err(bugs::LEAKED_FLIGHT.says(format!(
                "on two threads, after every caller had its answer or gave up, in_flight() is {}",
                flights.in_flight()
            )));
        }
        Ok(())
    })
}
