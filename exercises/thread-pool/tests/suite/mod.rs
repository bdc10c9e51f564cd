//! The conformance suite, shared by `conformance.rs` (every pool must
//! pass) and `bugs.rs` (every bug-zoo pool must fail).
//!
//! Each check tests promises of the contracts in `src/lib.rs` under a
//! schedule chosen to expose one kind of mistake, and returns `Err` with a
//! message that names the bug class it found (`kit::bugs`). Submitters and
//! shutdowns run as `kit::call` calls, joined with a deadline, and jobs
//! wait for each other only with deadlines: a pool that hangs fails the
//! check with a name, never hangs the test. A pool a check is done with is
//! dropped on a thread of its own (`abandon`), so that a drop that hangs
//! cannot hold up the verdict.

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::collections::HashMap;
use std::collections::HashSet;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use kit::bugs;
use kit::call::{Call, call};
use kit::stress::{Stress, thread_cpu_time};
use kit::workload::Rng;
use thread_pool::{Execute, ThreadPool};

/// How long a pool may take to do what it can do now (run a queued job on
/// an idle worker, let a submitter in once there is room, shut down): far
/// more than a correct pool needs on a loaded machine.
const DEADLINE: Duration = Duration::from_secs(5);

/// How long a check watches a submitter that must still be waiting.
const STILL_WAITING: Duration = Duration::from_millis(100);

/// How long jobs that must run side by side wait for each other.
const MEETING: Duration = Duration::from_secs(2);

/// What a failed lock would leave: the suite's own locks are never held
/// across a panic, so a poisoned one is used as it is.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Drops `pool` on a thread of its own: a pool whose drop hangs (the bug a
/// check may just have found) must not hold up the check's verdict.
fn abandon<P: Send + 'static>(pool: P) {
    thread::spawn(move || drop(pool));
}

/// A count of jobs done, that a check can wait on.
#[derive(Debug, Default)]
struct Tally {
    count: Mutex<usize>,
    changed: Condvar,
}

impl Tally {
    fn add(&self) {
        *lock(&self.count) += 1;
        self.changed.notify_all();
    }

    fn count(&self) -> usize {
        *lock(&self.count)
    }

    /// Waits until the count reaches `target`, at most `within`; returns
    /// the count then.
    fn wait_for(&self, target: usize, within: Duration) -> usize {
        let deadline = Instant::now() + within;
        let mut count = lock(&self.count);
        while *count < target {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            count = self
                .changed
                .wait_timeout(count, left)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
        *count
    }
}

/// A barrier with a deadline: jobs that must run side by side meet here.
/// A meeting that is not complete within its deadline breaks, and every
/// later arrival goes straight on, so a pool that runs one job at a time
/// loses one deadline, not one per job. It remembers how many were ever
/// inside at once.
#[derive(Debug)]
struct Meeting {
    parties: usize,
    state: Mutex<MeetingState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct MeetingState {
    inside: usize,
    arrived: usize,
    most: usize,
    broken: bool,
}

impl Meeting {
    fn new(parties: usize) -> Self {
        Meeting {
            parties,
            state: Mutex::new(MeetingState::default()),
            changed: Condvar::new(),
        }
    }

    /// Waits, at most `MEETING`, until all the parties are here; `true`
    /// if they all were.
    fn meet(&self) -> bool {
        let deadline = Instant::now() + MEETING;
        let mut state = lock(&self.state);
        state.inside += 1;
        state.arrived += 1;
        state.most = state.most.max(state.inside);
        self.changed.notify_all();
        while state.arrived < self.parties && !state.broken {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                state.broken = true;
                self.changed.notify_all();
                break;
            }
            state = self
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
        state.inside -= 1;
        state.arrived >= self.parties
    }

    /// The most parties that were ever inside at once.
    fn most(&self) -> usize {
        lock(&self.state).most
    }
}

/// How a check ends a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Join,
    Drop,
}

impl fmt::Display for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ending::Join => "`join`",
            Ending::Drop => "drop",
        })
    }
}

/// Ends `pool` the way `ending` says; `join`'s count of panicked jobs,
/// or `None` for a drop.
fn end<P: ThreadPool>(pool: P, ending: Ending) -> Option<usize> {
    match ending {
        Ending::Join => Some(pool.join()),
        Ending::Drop => {
            drop(pool);
            None
        }
    }
}

const NEVER_RAN: &str = "jobs stayed queued while workers slept: queueing a job must wake a \
     worker (change the queue under its lock, then notify the condition variable the workers \
     wait on), and a worker must look at the queue again each time it wakes";

/// Jobs in `every_job_runs`.
const JOBS: usize = 200;

/// One thread submits 200 jobs to a pool of two workers and a queue of
/// two: every one runs. The submitter waits for room most of the time, so
/// workers and submitter wake each other hundreds of times.
pub fn every_job_runs<P: Execute + 'static>(make: fn(usize, usize) -> P) -> Result<(), String> {
    let tally = Arc::new(Tally::default());
    let submitter = {
        let tally = Arc::clone(&tally);
        call("the submitter", Duration::ZERO, move || {
            let pool = make(2, 2);
            for _ in 0..JOBS {
                let tally = Arc::clone(&tally);
                pool.execute(move || tally.add());
            }
            pool
        })
    };
    let pool = submitter.join(
        DEADLINE,
        bugs::LOST_WAKEUP,
        "`execute` waited for room, and the workers never made it, or never woke it: a worker \
         that takes a job off the queue must wake a submitter waiting for room",
    )?;
    let ran = tally.wait_for(JOBS, DEADLINE);
    abandon(pool);
    if ran < JOBS {
        return Err(bugs::LOST_WAKEUP.says(format!(
            "{ran} of {JOBS} jobs ran within {} s of the last `execute`: {NEVER_RAN}",
            DEADLINE.as_secs()
        )));
    }
    Ok(())
}

/// Workers in `jobs_run_side_by_side`.
const SIDE_BY_SIDE: usize = 3;

/// Three workers, three jobs that can only finish together (each waits
/// for the others): they must all run at once.
pub fn jobs_run_side_by_side<P: Execute + 'static>(
    make: fn(usize, usize) -> P,
) -> Result<(), String> {
    let meeting = Arc::new(Meeting::new(SIDE_BY_SIDE));
    let tally = Arc::new(Tally::default());
    let submitter = {
        let (meeting, tally) = (Arc::clone(&meeting), Arc::clone(&tally));
        call("the submitter", Duration::ZERO, move || {
            let pool = make(SIDE_BY_SIDE, SIDE_BY_SIDE);
            for _ in 0..SIDE_BY_SIDE {
                let (meeting, tally) = (Arc::clone(&meeting), Arc::clone(&tally));
                pool.execute(move || {
                    meeting.meet();
                    tally.add();
                });
            }
            pool
        })
    };
    // A serialised pool's `execute` can wait for a running job: one
    // meeting's deadline, at most.
    let pool = submitter.join(
        DEADLINE + MEETING,
        bugs::DEADLOCK,
        "`execute` waited, though the queue had room for every job",
    )?;
    let ran = tally.wait_for(SIDE_BY_SIDE, DEADLINE + MEETING);
    abandon(pool);
    if ran < SIDE_BY_SIDE {
        return Err(
            bugs::LOST_WAKEUP.says(format!("{ran} of {SIDE_BY_SIDE} jobs ran: {NEVER_RAN}"))
        );
    }
    let most = meeting.most();
    if most < SIDE_BY_SIDE {
        return Err(bugs::NO_PARALLELISM.says(format!(
            "a pool of {SIDE_BY_SIDE} workers had {SIDE_BY_SIDE} jobs to run, each waiting for \
             the others, and at most {most} ran at once: the jobs waited for each other, not for \
             a worker. Does a worker hold the queue's lock while its job runs (the guard kept \
             alive past the pop: Rust's `while let Ok(job) = rx.lock().unwrap().recv()` keeps \
             it for the whole loop body), or does `execute` run the job itself?"
        )));
    }
    Ok(())
}

/// A job of `a_full_queue_holds_submitters_back`: it says when it starts,
/// then waits until the check lets it go.
fn gated_job(
    name: &'static str,
    started: &Sender<&'static str>,
    finished: &Arc<Tally>,
) -> (impl FnOnce() + Send + 'static, Sender<()>) {
    let (let_go, gate) = mpsc::channel::<()>();
    let (started, finished) = (started.clone(), Arc::clone(finished));
    let job = move || {
        let _ = started.send(name);
        let _ = gate.recv_timeout(DEADLINE * 4);
        finished.add();
    };
    (job, let_go)
}

/// Submits a job on a thread of its own, which says on `calling` when it
/// is about to call `execute`.
fn submit<P: Execute + 'static>(
    pool: &Arc<P>,
    name: &'static str,
    job: impl FnOnce() + Send + 'static,
    calling: &Sender<&'static str>,
) -> Call<()> {
    let (pool, calling) = (Arc::clone(pool), calling.clone());
    call(format!("execute({name})"), Duration::ZERO, move || {
        let _ = calling.send(name);
        pool.execute(job)
    })
}

/// Whether the submitter `call` has returned within `within`, its job
/// queued; a panic in its `execute` is the check's failure. A call that
/// has returned is taken: `None` from then on.
fn got_in(call: &mut Option<Call<()>>, within: Duration) -> Result<bool, String> {
    let returned = call
        .as_mut()
        .is_some_and(|call| call.returned_within(within));
    if let Some(call) = call.take_if(|_| returned) {
        call.join(Duration::ZERO, bugs::DEADLOCK, "")?;
    }
    Ok(returned)
}

/// The next job that starts, if one starts within `within`.
fn next_start(started: &Receiver<&'static str>, within: Duration) -> Option<&'static str> {
    started.recv_timeout(within).ok()
}

/// One worker and room for one job. Job A runs, B waits in the queue, and
/// two more submitters, C and D, must wait for room. When A ends and the
/// worker takes B, one slot comes free: exactly one of C and D gets in.
pub fn a_full_queue_holds_submitters_back<P: Execute + 'static>(
    make: fn(usize, usize) -> P,
) -> Result<(), String> {
    let pool = Arc::new(make(1, 1));
    let result = hold_submitters_back(&pool);
    abandon(pool);
    result
}

fn hold_submitters_back<P: Execute + 'static>(pool: &Arc<P>) -> Result<(), String> {
    let (started_tx, started) = mpsc::channel();
    let finished = Arc::new(Tally::default());
    let mut gates = HashMap::new();
    let mut jobs = HashMap::new();
    for name in ["A", "B", "C", "D"] {
        let (job, let_go) = gated_job(name, &started_tx, &finished);
        gates.insert(name, let_go);
        jobs.insert(name, job);
    }
    let mut take = |name| jobs.remove(name).expect("each job is submitted once");
    let (calling_tx, calling) = mpsc::channel();

    submit(pool, "A", take("A"), &calling_tx).join(
        DEADLINE,
        bugs::DEADLOCK,
        "`execute` waited, though the pool was new and its queue empty",
    )?;
    if next_start(&started, DEADLINE) != Some("A") {
        return Err(bugs::LOST_WAKEUP.says(format!(
            "job A was queued on an idle pool and did not start within {} s: {NEVER_RAN}",
            DEADLINE.as_secs()
        )));
    }
    submit(pool, "B", take("B"), &calling_tx).join(
        DEADLINE,
        bugs::DEADLOCK,
        "`execute` waited while job A ran, though the queue had room for B: does the worker \
         hold the queue's lock while its job runs?",
    )?;
    if let Some(other) = next_start(&started, STILL_WAITING) {
        return Err(bugs::BOUND_EXCEEDED.says(format!(
            "job {other} started while job A ran, on a pool of one worker: a pool runs every \
             job on its own workers, one job per worker at a time"
        )));
    }
    let mut c = Some(submit(pool, "C", take("C"), &calling_tx));
    let mut d = Some(submit(pool, "D", take("D"), &calling_tx));
    // Both are calling `execute` (A and B said so already); give them the
    // time to get to the wait, even on a busy machine.
    let mut calling_now = 0;
    while calling_now < 2 {
        match calling.recv_timeout(DEADLINE) {
            Ok("C" | "D") => calling_now += 1,
            Ok(_) => {}
            Err(_) => {
                return Err(bugs::WRONG_ANSWER.says("the threads submitting C and D did not start"));
            }
        }
    }
    thread::sleep(STILL_WAITING);
    let mut early = Vec::new();
    for (name, call) in [("C", &mut c), ("D", &mut d)] {
        if got_in(call, Duration::ZERO)? {
            early.push(name);
        }
    }
    if !early.is_empty() {
        return Err(bugs::BOUND_EXCEEDED.says(format!(
            "`execute` of {} returned while the queue held B, its capacity of one job, and the \
             only worker ran A: `execute` must wait while the queue is full, or the queue grows \
             without bound and the submitter never slows down",
            early.join(" and ")
        )));
    }

    // A ends; the worker takes B; one slot comes free.
    let _ = gates["A"].send(());
    if next_start(&started, DEADLINE) != Some("B") {
        return Err(bugs::LOST_WAKEUP.says(format!(
            "job A ended and the worker did not take B within {} s: {NEVER_RAN}",
            DEADLINE.as_secs()
        )));
    }
    let deadline = Instant::now() + DEADLINE;
    let first = loop {
        if got_in(&mut c, Duration::from_millis(5))? {
            break "C";
        }
        if got_in(&mut d, Duration::from_millis(5))? {
            break "D";
        }
        if Instant::now() > deadline {
            return Err(bugs::LOST_WAKEUP.says(format!(
                "the worker took B off the full queue, making room, and neither C nor D, both \
                 waiting for room, got in within {} s: taking a job off the queue must wake a \
                 submitter waiting for room",
                DEADLINE.as_secs()
            )));
        }
    };
    let (other_name, other) = if first == "C" {
        ("D", &mut d)
    } else {
        ("C", &mut c)
    };
    if got_in(other, STILL_WAITING)? {
        return Err(bugs::UNCHECKED_WAKEUP.says(format!(
            "one job left the full queue, and both {first} and {other_name}, waiting for room, \
             got in: the queue now holds two jobs, and its capacity is one. A submitter that \
             wakes must check for room again, in a loop: `while`, not `if`"
        )));
    }

    // B ends; the worker takes the first one's job; the other gets in.
    let _ = gates["B"].send(());
    if !got_in(other, DEADLINE)? {
        return Err(bugs::LOST_WAKEUP.says(format!(
            "job B ended, the worker took the next job, and {other_name}, waiting for room, did \
             not get in within {} s: taking a job off the queue must wake a submitter waiting \
             for room",
            DEADLINE.as_secs()
        )));
    }
    let _ = gates["C"].send(());
    let _ = gates["D"].send(());
    let ran = finished.wait_for(4, DEADLINE);
    if ran < 4 {
        return Err(bugs::LOST_WAKEUP.says(format!("{ran} of 4 jobs ran: {NEVER_RAN}")));
    }
    Ok(())
}

/// Submitters, jobs each, workers and capacity in
/// `never_more_jobs_at_once_than_workers`.
const SUBMITTERS: usize = 4;
const JOBS_EACH: usize = 500;
const WORKERS: usize = 3;
const CAPACITY: usize = 4;

/// What the jobs of `never_more_jobs_at_once_than_workers` record.
#[derive(Debug, Default)]
struct Census {
    inside: AtomicUsize,
    most: AtomicUsize,
    threads: Mutex<HashSet<ThreadId>>,
    done: Tally,
}

impl Census {
    fn job(&self, work: u64) {
        let now = self.inside.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        lock(&self.threads).insert(thread::current().id());
        // Work of some length, so that an overlap shows.
        for _ in 0..work {
            std::hint::spin_loop();
        }
        self.inside.fetch_sub(1, Ordering::SeqCst);
        self.done.add();
    }
}

/// Four threads submit 500 jobs each, with random gaps, to a pool of three
/// workers and a queue of four; each job does random work. Every job runs,
/// never more than three at once, and all on the pool's three threads.
pub fn never_more_jobs_at_once_than_workers<P: Execute + 'static>(
    make: fn(usize, usize) -> P,
) -> Result<(), String> {
    struct Shared<P> {
        pool: P,
        census: Arc<Census>,
    }
    let census = Arc::new(Census::default());
    let shared = Arc::new(Shared {
        pool: make(WORKERS, CAPACITY),
        census: Arc::clone(&census),
    });
    let run = Stress::new(
        SUBMITTERS,
        bugs::LOST_WAKEUP,
        "submitters wait for room that never comes: a worker that takes a job off the queue \
         must wake a submitter, and a job queued must wake a worker",
    )
    .run(Arc::clone(&shared), |shared, index| {
        let mut rng = Rng::for_thread(11, index);
        for _ in 0..JOBS_EACH {
            let census = Arc::clone(&shared.census);
            let work = rng.below(200);
            shared.pool.execute(move || census.job(work));
            for _ in 0..rng.below(50) {
                std::hint::spin_loop();
            }
        }
    });
    if let Err(stuck) = run {
        abandon(shared);
        return Err(stuck.to_string());
    }
    let total = SUBMITTERS * JOBS_EACH;
    let ran = census.done.wait_for(total, DEADLINE);
    abandon(shared);
    if ran < total {
        return Err(bugs::LOST_WAKEUP.says(format!(
            "{ran} of {total} jobs ran within {} s of the last `execute`: {NEVER_RAN}",
            DEADLINE.as_secs()
        )));
    }
    let most = census.most.load(Ordering::SeqCst);
    if most > WORKERS {
        return Err(bugs::BOUND_EXCEEDED.says(format!(
            "{most} jobs ran at once on a pool of {WORKERS} workers: a pool runs its jobs on its \
             own workers, one at a time each, and that is the bound its caller sized things for"
        )));
    }
    let threads = lock(&census.threads).len();
    if threads > WORKERS {
        return Err(bugs::BOUND_EXCEEDED.says(format!(
            "{total} jobs ran on {threads} different threads, on a pool of {WORKERS} workers: \
             start the workers once, in `new`, and run every job on one of them (a thread per \
             job is no pool, and nothing bounds it)"
        )));
    }
    Ok(())
}

/// How long the pool idles in `idle_workers_sleep`.
const IDLE: Duration = Duration::from_millis(500);

/// Each worker's CPU time so far, read by a job on it: `workers` jobs that
/// meet, so that each runs on a worker of its own.
fn cpu_of_workers<P: Execute>(
    pool: &P,
    workers: usize,
) -> Result<HashMap<ThreadId, (Duration, Instant)>, String> {
    let meeting = Arc::new(Meeting::new(workers));
    let (read_tx, read) = mpsc::channel();
    for _ in 0..workers {
        let (meeting, read_tx) = (Arc::clone(&meeting), read_tx.clone());
        pool.execute(move || {
            meeting.meet();
            let _ = read_tx.send((thread::current().id(), thread_cpu_time(), Instant::now()));
        });
    }
    let mut cpu = HashMap::new();
    for _ in 0..workers {
        let Ok((id, time, when)) = read.recv_timeout(DEADLINE + MEETING) else {
            return Err(bugs::LOST_WAKEUP.says(format!(
                "jobs queued on an idle pool did not run within {} s: {NEVER_RAN}",
                DEADLINE.as_secs()
            )));
        };
        if let Some(time) = time {
            cpu.insert(id, (time, when));
        }
    }
    if meeting.most() < workers {
        return Err(bugs::NO_PARALLELISM.says(format!(
            "{workers} jobs on a pool of {workers} workers, each waiting for the others, and at \
             most {} ran at once",
            meeting.most()
        )));
    }
    Ok(cpu)
}

/// A pool of two idles for half a second between two rounds of jobs; each
/// worker's CPU time, read by a job on it in each round, must not grow by
/// more than a tenth of that.
pub fn idle_workers_sleep<P: Execute + 'static>(make: fn(usize, usize) -> P) -> Result<(), String> {
    // Where the system does not count a thread's CPU time, there is
    // nothing to judge by.
    if thread_cpu_time().is_none() {
        return Ok(());
    }
    let run = call(
        "two rounds of jobs, half a second apart",
        Duration::ZERO,
        move || {
            let pool = make(2, 2);
            let rounds = cpu_of_workers(&pool, 2).and_then(|before| {
                thread::sleep(IDLE);
                cpu_of_workers(&pool, 2).map(|after| (before, after))
            });
            abandon(pool);
            rounds
        },
    );
    let (before, after) = run.join(
        DEADLINE * 3,
        bugs::DEADLOCK,
        "`execute` waited, though the queue had room",
    )??;
    for (id, (cpu_then, then)) in &before {
        let Some((cpu_now, now)) = after.get(id) else {
            continue;
        };
        let (cpu, wall) = (cpu_now.saturating_sub(*cpu_then), *now - *then);
        if cpu * 10 > wall {
            return Err(bugs::BUSY_WAIT.says(format!(
                "an idle worker used {} ms of CPU in {} ms with nothing to do: a worker with an \
                 empty queue should sleep on a condition variable, and be woken when a job is \
                 queued, not poll the queue in a loop",
                cpu.as_millis(),
                wall.as_millis()
            )));
        }
    }
    Ok(())
}

/// Jobs in `shutdown_waits_for_every_job`.
const SHUTDOWN_JOBS: usize = 12;

/// Twelve jobs of a few milliseconds each, on two workers and a queue of
/// four, then `join`, or a drop, at once: every job has run when it
/// returns, and `join` counts no panic.
pub fn shutdown_waits_for_every_job<P: ThreadPool + 'static>(
    make: fn(usize, usize) -> P,
) -> Result<(), String> {
    for ending in [Ending::Join, Ending::Drop] {
        let tally = Arc::new(Tally::default());
        let (submitted_tx, submitted) = mpsc::channel();
        let mut run = {
            let tally = Arc::clone(&tally);
            call(
                format!("{SHUTDOWN_JOBS} jobs, then {ending}"),
                Duration::ZERO,
                move || {
                    let pool = make(2, 4);
                    let mut rng = Rng::new(7);
                    for _ in 0..SHUTDOWN_JOBS {
                        let tally = Arc::clone(&tally);
                        let nap = Duration::from_millis(2 + rng.below(8));
                        pool.execute(move || {
                            thread::sleep(nap);
                            tally.add();
                        });
                    }
                    let _ = submitted_tx.send(());
                    let panicked = end(pool, ending);
                    (panicked, tally.count())
                },
            )
        };
        if submitted.recv_timeout(DEADLINE).is_err() {
            if run.returned_within(Duration::ZERO) {
                // It panicked: that is the failure.
                run.join(Duration::ZERO, bugs::DEADLOCK, "")?;
            }
            return Err(bugs::LOST_WAKEUP.says(format!(
                "the submitter of {SHUTDOWN_JOBS} jobs to two workers and a queue of four \
                 waited in `execute` for {} s, and no room came: a worker that takes a job off \
                 the queue must wake a submitter waiting for room",
                DEADLINE.as_secs()
            )));
        }
        let (panicked, when_it_returned) = run.join(
            DEADLINE,
            bugs::MISSED_TERMINATION,
            "the shutdown never returned: its workers still wait for jobs. Raise the flag and \
             wake every worker before you join them",
        )?;
        if when_it_returned < SHUTDOWN_JOBS {
            let ever = tally.wait_for(SHUTDOWN_JOBS, Duration::from_secs(1));
            return Err(if ever == SHUTDOWN_JOBS {
                bugs::ORDER_VIOLATED.says(format!(
                    "{ending} returned when {when_it_returned} of {SHUTDOWN_JOBS} jobs had run; \
                     the others ran after it. It must wait for every job submitted before it \
                     (the workers run what is queued, then leave, and it joins them); in a \
                     program whose `main` returns after the drop, those jobs would never run"
                ))
            } else {
                bugs::PREMATURE_TERMINATION.says(format!(
                    "only {ever} of {SHUTDOWN_JOBS} jobs ever ran, after {ending}: the workers \
                     left with jobs still queued. A worker must take what is queued first, and \
                     leave only when the queue is empty and the pool is shutting down"
                ))
            });
        }
        if let Some(count) = panicked
            && count != 0
        {
            return Err(
                bugs::WRONG_ANSWER.says(format!("`join` said {count} jobs panicked; none did"))
            );
        }
    }
    Ok(())
}

/// How long the workers of `an_idle_pool_shuts_down` idle before the
/// shutdown: long enough for each to be asleep, waiting for a job.
const SETTLE: Duration = Duration::from_millis(200);

/// An idle pool, its workers asleep, is shut down (`join`, then a drop):
/// with one worker, then with four. It must return.
pub fn an_idle_pool_shuts_down<P: ThreadPool + 'static>(
    make: fn(usize, usize) -> P,
) -> Result<(), String> {
    for workers in [1, 4] {
        for ending in [Ending::Join, Ending::Drop] {
            let run = call(
                format!("{ending} of an idle pool of {workers}"),
                Duration::ZERO,
                move || {
                    let pool = make(workers, 2);
                    thread::sleep(SETTLE);
                    end(pool, ending)
                },
            );
            let panicked = if workers == 1 {
                run.join(
                    DEADLINE,
                    bugs::MISSED_TERMINATION,
                    "its one worker still waits for a job, and will for ever: nobody told it the \
                     pool is shutting down. Raise the flag (under the queue's lock) and notify \
                     before you join: joining first waits for a worker that nobody told to stop",
                )?
            } else {
                run.join(
                    DEADLINE,
                    bugs::LOST_WAKEUP,
                    "a pool of one worker shut down, and of four does not: the shutdown woke one \
                     worker and left the others asleep. Every idle worker waits for this news, \
                     so wake them all: `notify_all`",
                )?
            };
            if let Some(count) = panicked
                && count != 0
            {
                return Err(bugs::WRONG_ANSWER.says(format!(
                    "`join` of an idle pool said {count} jobs panicked; it ran none"
                )));
            }
        }
    }
    Ok(())
}

/// A job holds the last `Arc` of its pool and drops it (the crawler's
/// case: a job that submits more jobs holds the pool, and the last one to
/// finish lets go of it last). The drop runs on a worker, and must return;
/// the jobs queued before it still run.
pub fn a_job_may_drop_the_last_handle<P: ThreadPool + 'static>(
    make: fn(usize, usize) -> P,
) -> Result<(), String> {
    let pool = Arc::new(make(2, 4));
    let tally = Arc::new(Tally::default());
    let (started_tx, started) = mpsc::channel();
    let (let_go, gate) = mpsc::channel::<()>();
    let (dropped_tx, dropped) = mpsc::channel();
    let handle = Arc::clone(&pool);
    let submitter = call("the submitter", Duration::ZERO, move || {
        let last = Arc::clone(&pool);
        pool.execute(move || {
            let _ = started_tx.send(());
            let _ = gate.recv_timeout(DEADLINE);
            drop(last);
            let _ = dropped_tx.send(());
        });
        for _ in 0..3 {
            let tally = Arc::clone(&tally);
            pool.execute(move || tally.add());
        }
        tally
    });
    let tally = submitter.join(
        DEADLINE,
        bugs::DEADLOCK,
        "`execute` waited, though the queue had room",
    )?;
    if started.recv_timeout(DEADLINE).is_err() {
        abandon(handle);
        return Err(bugs::LOST_WAKEUP.says(format!(
            "a job queued on an idle pool did not start within {} s: {NEVER_RAN}",
            DEADLINE.as_secs()
        )));
    }
    // Now the job's `Arc` is the last one.
    drop(handle);
    let _ = let_go.send(());
    if dropped.recv_timeout(DEADLINE).is_err() {
        return Err(bugs::SELF_DEADLOCK.says(format!(
            "a job dropped the last handle of its own pool, and the drop did not return within \
             {} s (or panicked): the shutdown joined the worker it was running on, which waits \
             for itself (std's `JoinHandle::join` may panic or deadlock when a thread joins \
             itself). Skip the worker whose thread is `thread::current()`; it leaves on its own \
             once its job returns",
            DEADLINE.as_secs()
        )));
    }
    let ran = tally.wait_for(3, DEADLINE);
    if ran < 3 {
        return Err(bugs::PREMATURE_TERMINATION.says(format!(
            "a job dropped the last handle of its pool, and {ran} of the 3 jobs queued before \
             the drop ever ran: the workers must run what is queued before they leave"
        )));
    }
    Ok(())
}

/// Workers, jobs that panic, and the capacity in
/// `a_panicking_job_keeps_its_worker`.
const PANIC_WORKERS: usize = 2;
const PANICS: usize = 4;

/// Four jobs that panic, on a pool of two workers and a queue of four:
/// all four must start (a worker that met one is still there for the
/// next). Then two jobs that can only finish together: both workers must
/// still be there to run them. And `join` must count four panics.
pub fn a_panicking_job_keeps_its_worker<P: ThreadPool + 'static>(
    make: fn(usize, usize) -> P,
) -> Result<(), String> {
    const DIED: &str = "a panicking job took its worker with it, and the pool shrank: run each \
         job inside `std::panic::catch_unwind` (with `AssertUnwindSafe`), count the panic, and \
         let the worker go on to the next job";
    let (started_tx, started) = mpsc::channel();
    let submitter = call(
        "the submitter of the panicking jobs",
        Duration::ZERO,
        move || {
            let pool = make(PANIC_WORKERS, PANICS);
            for _ in 0..PANICS {
                let started = started_tx.clone();
                pool.execute(move || {
                    let _ = started.send(());
                    panic!("a job panics on purpose");
                });
            }
            pool
        },
    );
    // The queue has room for all four: nothing waits.
    let pool = submitter.join(
        DEADLINE,
        bugs::DEADLOCK,
        "`execute` waited, though the queue had room",
    )?;
    let mut ran = 0;
    while ran < PANICS && started.recv_timeout(DEADLINE).is_ok() {
        ran += 1;
    }
    if ran < PANICS {
        abandon(pool);
        return Err(bugs::PREMATURE_TERMINATION.says(format!(
            "{PANICS} jobs that panic were queued on a pool of {PANIC_WORKERS} workers, and only \
             {ran} of them ever started: {DIED}"
        )));
    }
    let meeting = Arc::new(Meeting::new(PANIC_WORKERS));
    let tally = Arc::new(Tally::default());
    let pool = {
        let (meeting, tally) = (Arc::clone(&meeting), Arc::clone(&tally));
        call(
            "the submitter of the jobs after",
            Duration::ZERO,
            move || {
                for _ in 0..PANIC_WORKERS {
                    let (meeting, tally) = (Arc::clone(&meeting), Arc::clone(&tally));
                    pool.execute(move || {
                        meeting.meet();
                        tally.add();
                    });
                }
                pool
            },
        )
    }
    .join(
        DEADLINE,
        bugs::PREMATURE_TERMINATION,
        &format!("`execute` waited for room after {PANICS} jobs panicked, and none came: {DIED}"),
    )?;
    let ran = tally.wait_for(PANIC_WORKERS, DEADLINE + MEETING);
    if ran < PANIC_WORKERS {
        abandon(pool);
        return Err(bugs::PREMATURE_TERMINATION.says(format!(
            "after {PANICS} jobs panicked on a pool of {PANIC_WORKERS} workers, {ran} of the \
             {PANIC_WORKERS} jobs queued after them ran: {DIED}"
        )));
    }
    let most = meeting.most();
    if most < PANIC_WORKERS {
        abandon(pool);
        return Err(bugs::PREMATURE_TERMINATION.says(format!(
            "after {PANICS} jobs panicked on a pool of {PANIC_WORKERS} workers, at most {most} \
             jobs could run at once: {DIED}"
        )));
    }
    let panicked = call("`join`", Duration::ZERO, move || pool.join()).join(
        DEADLINE,
        bugs::MISSED_TERMINATION,
        "`join` did not return",
    )?;
    if panicked != PANICS {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "{PANICS} jobs panicked, and `join` said {panicked}: count each caught panic, and \
             let `join` add up the counts"
        )));
    }
    Ok(())
}
