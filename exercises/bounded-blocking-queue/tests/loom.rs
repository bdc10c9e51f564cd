//! Loom models: every interleaving of producers and consumers, up to the
//! preemption bound, for the condition-variable reference; and the zoo's
//! one condition variable for two conditions, found as a deadlock.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p bounded-blocking-queue --test loom --release`
//! and your queue with `concur check bounded-blocking-queue --loom`.
//!
//! `ChannelQueue` is std's `sync_channel`, which loom does not model; the
//! stress suite covers it, and std's own tests cover the channel.
#![cfg(loom)]

use bounded_blocking_queue::buggy::OneCondvar;
use bounded_blocking_queue::{BlockingQueue, CondvarQueue};
use kit::sync::{Arc, thread};

/// The models' assertions, each in its bug class's words, as
/// `concur check bounded-blocking-queue --loom` shows them.
const NOT_FIFO: &str = "wrong answer: the items did not come out in the order they went in, \
     in an interleaving loom found: first in, first out";
const NOT_EMPTY: &str = "wrong answer: size() was not 0 once every item had come out";
const ITEMS: &str = "wrong answer: the two consumers did not get the two items, each once, in \
     an interleaving loom found";

/// One producer of two items, one consumer, capacity 1: the producer must
/// wait for the consumer, and the items come out in order.
fn producer_waits_for_consumer<Q: BlockingQueue<u32> + 'static>(make: fn(usize) -> Q) {
    loom::model(move || {
        let queue = Arc::new(make(1));
        let producer = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || {
                queue.enqueue(1);
                queue.enqueue(2);
            })
        };
        assert_eq!(queue.dequeue(), 1, "{NOT_FIFO}");
        assert_eq!(queue.dequeue(), 2, "{NOT_FIFO}");
        producer.join().unwrap();
        assert_eq!(queue.size(), 0, "{NOT_EMPTY}");
    });
}

/// Two producers and two consumers of one item each, capacity 1: producers
/// and consumers wait at the same time, for different conditions.
fn two_and_two<Q: BlockingQueue<u32> + 'static>(make: fn(usize) -> Q) {
    loom::model(move || {
        let queue = Arc::new(make(1));
        let mut threads: Vec<_> = [1, 2]
            .into_iter()
            .map(|item| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || {
                    queue.enqueue(item);
                    0
                })
            })
            .collect();
        threads.push({
            let queue = Arc::clone(&queue);
            thread::spawn(move || queue.dequeue())
        });
        let mut got = vec![queue.dequeue()];
        for t in threads {
            got.push(t.join().unwrap());
        }
        got.sort_unstable();
        assert_eq!(got, [0, 0, 1, 2], "{ITEMS}");
    });
}

#[test]
fn condvar_queue_producer_waits_for_consumer() {
    producer_waits_for_consumer(CondvarQueue::with_capacity);
}

#[test]
fn condvar_queue_two_producers_two_consumers() {
    two_and_two(CondvarQueue::with_capacity);
}

/// Loom finds `OneCondvar`'s lost wake-up as a deadlock: a consumer's
/// notify wakes the other consumer, and a producer sleeps on. Loom reports
/// a deadlock by panicking while its threads unwind, which aborts the
/// process, so the model runs in a child process of this test binary.
#[test]
fn loom_finds_one_condvar_for_two_conditions() {
    if let Err(said) = kit::child::expect_deadlock("zoo_model_in_a_child", "OneCondvar") {
        panic!("loom should find OneCondvar's lost wake-up as a deadlock; the child said:\n{said}");
    }
}

/// The child's side of `loom_finds_one_condvar_for_two_conditions`; run
/// directly, with no model named, it does nothing.
#[test]
fn zoo_model_in_a_child() {
    if kit::child::requested().as_deref() == Some("OneCondvar") {
        two_and_two(OneCondvar::with_capacity);
    }
}

/// Your queue in the same models: `concur check bounded-blocking-queue
/// --loom`. Each runs in a child process, because a producer or consumer
/// nobody wakes is a deadlock, which loom reports by aborting.
#[cfg(feature = "starter")]
#[test]
fn starter_producer_waits_for_consumer() {
    kit::child::assert_passes("a_named_model_in_a_child", "producer waits for consumer");
}

#[cfg(feature = "starter")]
#[test]
fn starter_two_producers_two_consumers() {
    kit::child::assert_passes("a_named_model_in_a_child", "two and two");
}

/// The child's side of the starter's models (its name does not say
/// "starter", so that `concur check` does not run it as a check of its
/// own); run directly, with no model named, it does nothing.
#[cfg(feature = "starter")]
#[test]
fn a_named_model_in_a_child() {
    use bounded_blocking_queue::starter::StarterQueue;
    match kit::child::requested().as_deref() {
        Some("producer waits for consumer") => {
            producer_waits_for_consumer(StarterQueue::with_capacity)
        }
        Some("two and two") => two_and_two(StarterQueue::with_capacity),
        _ => {}
    }
}
