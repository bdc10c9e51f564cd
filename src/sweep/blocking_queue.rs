//! The bounded blocking queue's sweep: items through the queue per second
//! against producer-consumer pairs, for our condition-variable queue, std's
//! `sync_channel`, crossbeam's bounded channel and crossbeam's lock-free
//! `ArrayQueue` (which spins while it must wait), beside one thread moving
//! the same items through a `VecDeque` with no synchronisation at all.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use bounded_blocking_queue::{BlockingQueue, ChannelQueue, CondvarQueue};
use crossbeam_queue::ArrayQueue;
use crossbeam_utils::Backoff;

use super::{Contender, Point, Starter, Sweep};

/// The sweep: two capacities, every queue.
pub const SWEEP: Sweep = Sweep {
    exercise: "bounded-blocking-queue",
    title: "bounded blocking queue: items through the queue per second",
    unit: "million items/s",
    x_label: "producer-consumer pairs",
    log_y: true,
    // A queue's work is hand-offs between threads, not independent work:
    // the ceiling of independent work on two cores says nothing about it.
    cpu_bound: false,
    bench_threads: &[1, 2, 4],
    baseline: "CondvarQueue",
    versus: Some(("CondvarQueue", "crossbeam-channel")),
    single: Some(SINGLE),
    points,
    extras: &[],
    starter: Starter {
        name: "StarterQueue",
        reference: "CondvarQueue",
        built: cfg!(feature = "bounded-blocking-queue-starter"),
        settings: None,
        gap: "notify_all where notify_one is enough (every waiter wakes, and all but one sleep again), or one condition variable for both conditions",
    },
};

/// The baseline's name: the same items through a `VecDeque` on one
/// thread, with no synchronisation.
pub const SINGLE: &str = "VecDeque, one thread";

/// A workload: the queue's capacity, and the items one run moves through
/// it (split evenly between the producers).
#[derive(Debug, Clone, Copy)]
struct Workload {
    name: &'static str,
    capacity: usize,
    items: usize,
}

/// Capacity 1: every item is a hand-off, and nearly every call waits.
/// Capacity 1024: the queue absorbs bursts, and waits are rare.
const WORKLOADS: [Workload; 2] = [
    Workload {
        name: "capacity-1",
        capacity: 1,
        items: if cfg!(debug_assertions) {
            1 << 10
        } else {
            1 << 13
        },
    },
    Workload {
        name: "capacity-1024",
        capacity: 1024,
        items: if cfg!(debug_assertions) {
            1 << 12
        } else {
            1 << 19
        },
    },
];

/// What one thread of a run does next.
#[derive(Debug, Clone, Copy)]
enum Step {
    Put(u64),
    Take,
}

fn points(pairs: &[usize]) -> Box<dyn Iterator<Item = Point>> {
    let pairs = pairs.to_vec();
    Box::new(
        WORKLOADS
            .into_iter()
            .flat_map(move |w| pairs.clone().into_iter().map(move |p| point(w, p))),
    )
}

fn point(workload: Workload, pairs: usize) -> Point {
    let per_thread = workload.items / pairs;
    // Producers first, then consumers: each producer puts its share, each
    // consumer takes as many.
    let steps: Arc<Vec<Vec<Step>>> = Arc::new(
        (0..pairs)
            .map(|p| {
                (0..per_thread)
                    .map(|i| Step::Put((p * per_thread + i) as u64))
                    .collect()
            })
            .chain((0..pairs).map(|_| vec![Step::Take; per_thread]))
            .collect(),
    );
    let mut contenders = vec![
        contender::<CondvarQueue<u64>>("CondvarQueue", workload, &steps),
        contender::<ChannelQueue<u64>>("sync_channel", workload, &steps),
        contender::<Crossbeam>("crossbeam-channel", workload, &steps),
        contender::<Spinning>("ArrayQueue (spins)", workload, &steps),
        #[cfg(feature = "bounded-blocking-queue-starter")]
        contender::<bounded_blocking_queue::starter::StarterQueue<u64>>(
            "StarterQueue",
            workload,
            &steps,
        ),
    ];
    if pairs == 1 {
        contenders.push(Contender::new(SINGLE, move || alone(workload, per_thread)));
    }
    Point {
        exercise: "bounded-blocking-queue",
        workload: workload.name,
        threads: pairs,
        ops: (per_thread * pairs) as u64,
        contenders,
    }
}

/// One queue in the sweep: each run makes a fresh one and moves the
/// point's items through it.
fn contender<Q: BlockingQueue<u64> + 'static>(
    name: &'static str,
    workload: Workload,
    steps: &Arc<Vec<Vec<Step>>>,
) -> Contender {
    let steps = Arc::clone(steps);
    Contender::new(name, move || {
        let queue = Q::with_capacity(workload.capacity);
        kit::contention::run_once(&queue, &steps, |queue, step| match *step {
            Step::Put(item) => queue.enqueue(item),
            Step::Take => {
                std::hint::black_box(queue.dequeue());
            }
        })
    })
}

/// The baseline: one thread fills the queue to its capacity and empties
/// it, again and again, with no synchronisation: the work of moving the
/// items, and nothing else.
fn alone(workload: Workload, items: usize) -> Duration {
    let queue: VecDeque<u64> = VecDeque::with_capacity(workload.capacity);
    let batches: Vec<usize> = (0..items.div_ceil(workload.capacity))
        .map(|b| workload.capacity.min(items - b * workload.capacity))
        .collect();
    kit::contention::run_alone(queue, &batches, |queue, &batch| {
        for item in 0..batch {
            queue.push_back(item as u64);
        }
        while let Some(item) = queue.pop_front() {
            std::hint::black_box(item);
        }
    })
    .0
}

/// crossbeam's bounded channel, whose ends are both `Sync`: the peer.
struct Crossbeam {
    sender: crossbeam_channel::Sender<u64>,
    receiver: crossbeam_channel::Receiver<u64>,
}

impl BlockingQueue<u64> for Crossbeam {
    fn with_capacity(capacity: usize) -> Self {
        let (sender, receiver) = crossbeam_channel::bounded(capacity.max(1));
        Crossbeam { sender, receiver }
    }

    fn enqueue(&self, item: u64) {
        self.sender
            .send(item)
            .expect("the receiver lives as long as the queue");
    }

    fn dequeue(&self) -> u64 {
        self.receiver
            .recv()
            .expect("the sender lives as long as the queue")
    }

    fn size(&self) -> usize {
        self.receiver.len()
    }
}

/// crossbeam's lock-free `ArrayQueue`, made blocking the only way it can
/// be: retry with `Backoff`, which spins, then yields. It never sleeps, so
/// a waiting thread keeps its core: the zoo's `SpinQueue`, done as well as
/// it can be, measured.
struct Spinning(ArrayQueue<u64>);

impl BlockingQueue<u64> for Spinning {
    fn with_capacity(capacity: usize) -> Self {
        Spinning(ArrayQueue::new(capacity.max(1)))
    }

    fn enqueue(&self, item: u64) {
        let backoff = Backoff::new();
        let mut item = item;
        while let Err(back) = self.0.push(item) {
            item = back;
            backoff.snooze();
        }
    }

    fn dequeue(&self) -> u64 {
        let backoff = Backoff::new();
        loop {
            if let Some(item) = self.0.pop() {
                return item;
            }
            backoff.snooze();
        }
    }

    fn size(&self) -> usize {
        self.0.len()
    }
}
