//! The exercises: one table, from which every list of them derives: `concur
//! list`, `check`, `hint`, `solution`, `reset` and `watch`, clap's value
//! lists, `concur bench all`, the criterion benches' sweeps, and the Python
//! comparison's `--workload all`.
//!
//! Adding an exercise is one entry here and its crate under
//! `exercises/<name>/`, plus two lines of Cargo configuration that `cargo`
//! needs (the workspace dependency and the `<name>-starter` feature);
//! `tests/registry.rs` fails, saying what is missing, until all of them
//! agree.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::sweep::{self, Sweep};

/// What kind of work an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole interview question, with a contention sweep.
    Exercise,
    /// One of LeetCode's concurrency problems, by its number.
    Drill { leetcode: u16 },
    /// A primitive the drills rest on (a lock, a channel, a pool).
    Primitive,
}

impl Kind {
    /// The heading `concur list` shows it under.
    pub fn heading(&self) -> &'static str {
        match self {
            Kind::Exercise => "exercise",
            Kind::Drill { .. } => "drill",
            Kind::Primitive => "primitive",
        }
    }
}

/// One exercise or drill.
#[derive(Debug, Clone, Copy)]
pub struct Exercise {
    /// Its name, which is also its crate's name and folder
    /// (`exercises/<name>`) and its starter feature (`<name>-starter`).
    pub name: &'static str,
    /// The interview question, in one line.
    pub question: &'static str,
    /// The book chapter that explains it, under `book/src/`.
    pub chapter: &'static str,
    /// The reference files the starter corresponds to, under the crate:
    /// what `concur solution` sets beside the candidate's file.
    pub solution: &'static [&'static str],
    /// Its contention sweep, for `concur bench` and `cargo bench`.
    pub sweep: Option<&'static Sweep>,
    /// Its workload in the Python comparison (`python-compare/python/<name>.py`).
    pub python: Option<&'static str>,
    pub kind: Kind,
}

/// Every exercise, in the order a candidate meets them.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        name: "hashmap",
        question: "ConcurrentHashMap vs Hashtable: a striped-lock map that beats one global lock",
        chapter: "hashmap.md",
        solution: &["src/striped.rs"],
        sweep: Some(&sweep::hashmap::SWEEP),
        python: Some("hashmap"),
        kind: Kind::Exercise,
    },
    Exercise {
        name: "topk",
        question: "Top-K frequent queries from a concurrent stream, counted exactly",
        chapter: "topk.md",
        solution: &["src/exact_sharded.rs"],
        sweep: Some(&sweep::topk::SWEEP),
        python: Some("topk"),
        kind: Kind::Exercise,
    },
    Exercise {
        name: "trie",
        question: "Autocomplete: a trie with cached top-k under concurrent reads and updates",
        chapter: "trie.md",
        solution: &["src/trie.rs", "src/rwlock.rs"],
        sweep: Some(&sweep::trie::SWEEP),
        python: Some("trie"),
        kind: Kind::Exercise,
    },
    Exercise {
        name: "segment",
        question: "Parallel word segmentation: one thread's output, in order, on every core",
        chapter: "segment.md",
        solution: &["src/scoped.rs", "src/chunk.rs"],
        sweep: Some(&sweep::segment::SWEEP),
        python: Some("segment"),
        kind: Kind::Exercise,
    },
    Exercise {
        name: "crawler",
        question: "A multithreaded web crawler (LeetCode 1242): every URL once, then stop",
        chapter: "crawler.md",
        solution: &["src/leetcode.rs", "src/frontier.rs"],
        sweep: Some(&sweep::crawler::SWEEP),
        python: Some("crawler"),
        kind: Kind::Exercise,
    },
    Exercise {
        name: "inverted-index",
        question: "A near-real-time inverted index: BM25 answers while documents keep arriving",
        chapter: "inverted-index.md",
        solution: &["src/segments.rs"],
        sweep: Some(&sweep::inverted_index::SWEEP),
        python: None,
        kind: Kind::Exercise,
    },
    Exercise {
        name: "search-cluster",
        question: "A search cluster: scatter-gather with deadlines, retries and hedging while shards fail",
        chapter: "search-cluster.md",
        solution: &["src/scatter.rs"],
        sweep: Some(&sweep::search_cluster::SWEEP),
        python: None,
        kind: Kind::Exercise,
    },
    Exercise {
        name: "serving",
        question: "An inference API under load: dynamic batching, a bounded queue with deadlines, priorities, single flight",
        chapter: "inference-api.md",
        solution: &["src/batcher.rs", "src/flight.rs"],
        sweep: None,
        python: None,
        kind: Kind::Exercise,
    },
    Exercise {
        name: "print-in-order",
        question: "Print in Order: three threads, one order, and a waiter that sleeps",
        chapter: "print-in-order.md",
        solution: &["src/condvar.rs"],
        sweep: None,
        python: None,
        kind: Kind::Drill { leetcode: 1114 },
    },
    Exercise {
        name: "foobar-alternately",
        question: "Print FooBar Alternately: two threads take turns, n times each, and sleep while they wait",
        chapter: "foobar-alternately.md",
        solution: &["src/condvar.rs"],
        sweep: None,
        python: None,
        kind: Kind::Drill { leetcode: 1115 },
    },
    Exercise {
        name: "zero-even-odd",
        question: "Print Zero Even Odd: three threads, one sequence, and the right thread wakes",
        chapter: "zero-even-odd.md",
        solution: &["src/condvar.rs"],
        sweep: None,
        python: None,
        kind: Kind::Drill { leetcode: 1116 },
    },
    Exercise {
        name: "building-h2o",
        question: "Building H2O: atoms let through in molecules, two hydrogens and an oxygen at a time",
        chapter: "building-h2o.md",
        solution: &["src/condvar.rs"],
        sweep: None,
        python: None,
        kind: Kind::Drill { leetcode: 1117 },
    },
    Exercise {
        name: "bounded-blocking-queue",
        question: "Design Bounded Blocking Queue: producers wait while full, consumers while empty",
        chapter: "bounded-blocking-queue.md",
        solution: &["src/condvar.rs"],
        sweep: Some(&sweep::blocking_queue::SWEEP),
        python: None,
        kind: Kind::Drill { leetcode: 1188 },
    },
    Exercise {
        name: "fizz-buzz-multithreaded",
        question: "Fizz Buzz Multithreaded: four threads, one sequence, and an end every thread hears of",
        chapter: "fizz-buzz-multithreaded.md",
        solution: &["src/condvar.rs"],
        sweep: None,
        python: None,
        kind: Kind::Drill { leetcode: 1195 },
    },
    Exercise {
        name: "dining-philosophers",
        question: "The Dining Philosophers: five forks, no deadlock, nobody starves, and neighbours never eat at once",
        chapter: "dining-philosophers.md",
        solution: &["src/ordered.rs"],
        sweep: None,
        python: None,
        kind: Kind::Drill { leetcode: 1226 },
    },
    Exercise {
        name: "traffic-light",
        question: "Traffic Light Controlled Intersection: one light, two roads, and never cars of both in the intersection",
        chapter: "traffic-light.md",
        solution: &["src/mutex.rs"],
        sweep: None,
        python: None,
        kind: Kind::Drill { leetcode: 1279 },
    },
    Exercise {
        name: "spin-lock",
        question: "A spin lock: one AtomicBool, Acquire to take, Release to let go, and a guard that cannot forget",
        chapter: "spin-lock.md",
        solution: &["src/step3_guard.rs"],
        sweep: Some(&sweep::spin_lock::SWEEP),
        python: None,
        kind: Kind::Primitive,
    },
    Exercise {
        name: "one-shot-channel",
        question: "A one-shot channel: one value handed over, the receiver parked until it is there or the sender is gone",
        chapter: "one-shot-channel.md",
        solution: &["src/step3_typed.rs"],
        sweep: None,
        python: None,
        kind: Kind::Primitive,
    },
    Exercise {
        name: "semaphore",
        question: "A counting semaphore: at most N holders, waiters asleep, and a permit that gives itself back",
        chapter: "semaphore.md",
        solution: &["src/step2_permit.rs"],
        sweep: None,
        python: None,
        kind: Kind::Primitive,
    },
    Exercise {
        name: "thread-pool",
        question: "A thread pool: N workers on a bounded queue that pushes back, a shutdown that loses no job, and workers that outlive a panicking job",
        chapter: "thread-pool.md",
        solution: &["src/step3_panic.rs"],
        sweep: Some(&sweep::thread_pool::SWEEP),
        python: None,
        kind: Kind::Primitive,
    },
];

/// The exercise called `name` (a drill also answers to its LeetCode
/// number), or an error that lists the names.
pub fn exercise(name: &str) -> Result<&'static Exercise> {
    match EXERCISES
        .iter()
        .find(|e| e.name == name || e.leetcode().is_some_and(|n| n.to_string() == name))
    {
        Some(exercise) => Ok(exercise),
        None => bail!(
            "no exercise called {name:?}; the exercises are {}",
            names().join(", ")
        ),
    }
}

/// Every exercise's name, in order.
pub fn names() -> Vec<&'static str> {
    EXERCISES.iter().map(|e| e.name).collect()
}

/// Every sweep, in the exercises' order.
pub fn sweeps() -> Vec<Sweep> {
    EXERCISES.iter().filter_map(|e| e.sweep).copied().collect()
}

/// Every Python comparison workload, in the exercises' order.
pub fn python_workloads() -> Vec<&'static str> {
    EXERCISES.iter().filter_map(|e| e.python).collect()
}

impl Exercise {
    /// A drill's LeetCode number.
    pub fn leetcode(&self) -> Option<u16> {
        match self.kind {
            Kind::Drill { leetcode } => Some(leetcode),
            _ => None,
        }
    }

    pub fn dir(&self, root: &Path) -> PathBuf {
        root.join("exercises").join(self.name)
    }

    /// The candidate's file.
    pub fn starter(&self, root: &Path) -> PathBuf {
        self.dir(root).join("src/starter.rs")
    }

    /// The starter's path from the root, with `/`, as git names it.
    pub fn starter_in_git(&self) -> String {
        format!("exercises/{}/src/starter.rs", self.name)
    }

    /// The root package's feature that adds this exercise's starter to
    /// `concur bench` and the benches.
    pub fn starter_feature(&self) -> String {
        format!("{}-starter", self.name)
    }
}
