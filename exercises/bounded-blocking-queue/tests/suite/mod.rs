//! The conformance suite, shared by `conformance.rs` (every implementation
//! must pass) and `bugs.rs` (every bug-zoo variant must fail).
//!
//! Each check tests promises of the `BlockingQueue` contract in
//! `src/lib.rs` under a schedule chosen to expose one kind of mistake, and
//! returns `Err` with a message that names the bug class it found
//! (`kit::bugs`). Producers and consumers run as `kit::call` calls, joined
//! with a deadline: one that never returns fails the check with a name.

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::collections::HashSet;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use bounded_blocking_queue::BlockingQueue;
use kit::bugs;
use kit::call::{Call, call};

/// How long a producer or consumer may take once it can go on: far more
/// than a correct one needs on a loaded machine.
const DEADLINE: Duration = Duration::from_secs(5);

/// How long a check waits before it decides that a call is blocked.
const SETTLE: Duration = Duration::from_millis(150);

fn enqueue<Q: BlockingQueue<u64> + 'static>(queue: &Arc<Q>, item: u64) -> Call<()> {
    let queue = Arc::clone(queue);
    call(format!("enqueue({item})"), Duration::ZERO, move || {
        queue.enqueue(item)
    })
}

fn dequeue<Q: BlockingQueue<u64> + 'static>(queue: &Arc<Q>) -> Call<u64> {
    let queue = Arc::clone(queue);
    call("dequeue()", Duration::ZERO, move || queue.dequeue())
}

const NEVER_WOKEN: &str = "it could go on (there was room, or an item), and nobody woke it: \
     a notify that went to the wrong kind of waiter (one condition variable for \"not full\" \
     and \"not empty\", with notify_one), or a change that notified nobody";

/// The contract on one thread: first in, first out, through several
/// capacities, wrapping round many times; `size` counts.
pub fn one_thread_fifo<Q: BlockingQueue<u64> + 'static>(
    make: fn(usize) -> Q,
) -> Result<(), String> {
    call(
        "one thread",
        Duration::ZERO,
        move || -> Result<(), String> {
            for capacity in [1, 3, 4] {
                let queue = make(capacity);
                let mut next_in = 0;
                let mut next_out = 0;
                // Fill, drain half, fill again: the front moves round.
                for round in 0..50 {
                    while next_in - next_out < capacity as u64 {
                        queue.enqueue(next_in);
                        next_in += 1;
                    }
                    let held = queue.size();
                    if held != capacity {
                        return Err(bugs::WRONG_ANSWER.says(format!(
                            "size() is {held} after {capacity} enqueues into a queue of capacity \
                         {capacity} (round {round})"
                        )));
                    }
                    let take = if round % 2 == 0 {
                        capacity
                    } else {
                        capacity.div_ceil(2)
                    };
                    for _ in 0..take {
                        let got = queue.dequeue();
                        if got != next_out {
                            return Err(bugs::WRONG_ANSWER.says(format!(
                                "dequeue returned {got}, but {next_out} went in first (capacity \
                             {capacity}, round {round}): first in, first out"
                            )));
                        }
                        next_out += 1;
                    }
                }
            }
            Ok(())
        },
    )
    .join(
        DEADLINE,
        bugs::DEADLOCK,
        "on one thread, with room for every enqueue and an item for every dequeue, a call \
         waited for ever: does a call wait when it need not, or take a lock it already holds?",
    )?
}

/// Capacity 2: two enqueues return, the third waits until a dequeue makes
/// room, and then returns.
pub fn enqueue_waits_while_full<Q: BlockingQueue<u64> + 'static>(
    make: fn(usize) -> Q,
) -> Result<(), String> {
    let queue = Arc::new(make(2));
    for item in [1, 2] {
        enqueue(&queue, item).join(
            DEADLINE,
            bugs::DEADLOCK,
            "the queue had room for it: an enqueue must not wait then",
        )?;
    }
    let mut third = enqueue(&queue, 3);
    if third.returned_within(SETTLE) {
        return Err(bugs::BOUND_EXCEEDED.says(format!(
            "enqueue(3) returned on a full queue of capacity 2 (size() says {}): an enqueue \
             must wait while the queue is full, or the bound holds back nothing",
            queue.size()
        )));
    }
    let first = dequeue(&queue).join(DEADLINE, bugs::DEADLOCK, "the queue held two items")?;
    if first != 1 {
        return Err(
            bugs::WRONG_ANSWER.says(format!("dequeue returned {first}, but 1 went in first"))
        );
    }
    third.join(
        DEADLINE,
        bugs::LOST_WAKEUP,
        &format!("a dequeue made room for it; {NEVER_WOKEN}"),
    )?;
    let rest = [dequeue(&queue), dequeue(&queue)];
    let mut got = Vec::new();
    for consumer in rest {
        got.push(consumer.join(DEADLINE, bugs::LOST_WAKEUP, NEVER_WOKEN)?);
    }
    got.sort_unstable();
    if got != [2, 3] {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "after 1 came out, the queue gave {got:?}, not 2 and 3"
        )));
    }
    Ok(())
}

/// A dequeue on an empty queue waits, and returns the item an enqueue
/// brings. The enqueue must not wait: the queue has room.
pub fn dequeue_waits_while_empty<Q: BlockingQueue<u64> + 'static>(
    make: fn(usize) -> Q,
) -> Result<(), String> {
    let queue = Arc::new(make(4));
    let mut consumer = dequeue(&queue);
    if consumer.returned_within(SETTLE) {
        let said = consumer
            .join(Duration::ZERO, bugs::DEADLOCK, "")
            .map_or_else(|e| e, |item| format!("returned {item}"));
        return Err(
            bugs::WRONG_ANSWER.says(format!("dequeue on an empty queue did not wait: {said}"))
        );
    }
    enqueue(&queue, 7).join(
        DEADLINE,
        bugs::DEADLOCK,
        "the queue was empty, so there was room; the enqueue waits for something the waiting \
         consumer holds: a lock held while waiting (a consumer asleep with a lock every \
         producer must take first)",
    )?;
    let got = consumer.join(
        DEADLINE,
        bugs::LOST_WAKEUP,
        &format!("an item arrived for it; {NEVER_WOKEN}"),
    )?;
    if got != 7 {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "the waiting dequeue returned {got}; 7 was the only item"
        )));
    }
    Ok(())
}

/// Capacity 1, full, two producers waiting; one dequeue frees one slot.
/// One producer may go on; the other must find the queue full again and
/// keep waiting.
pub fn woken_producers_check_for_room<Q: BlockingQueue<u64> + 'static>(
    make: fn(usize) -> Q,
) -> Result<(), String> {
    for round in 0..5 {
        let queue = Arc::new(make(1));
        enqueue(&queue, 0).join(DEADLINE, bugs::DEADLOCK, "the queue was empty")?;
        let mut producers = [enqueue(&queue, 1), enqueue(&queue, 2)];
        for producer in &mut producers {
            if producer.returned_within(SETTLE) {
                return Err(bugs::BOUND_EXCEEDED.says(format!(
                    "an enqueue returned on a full queue of capacity 1 (size() says {})",
                    queue.size()
                )));
            }
        }
        let first = dequeue(&queue).join(DEADLINE, bugs::DEADLOCK, "the queue held an item")?;
        if first != 0 {
            return Err(
                bugs::WRONG_ANSWER.says(format!("dequeue returned {first}, but 0 went in first"))
            );
        }
        thread::sleep(SETTLE);
        let mut gone_on = 0;
        for producer in &mut producers {
            if producer.returned_within(Duration::ZERO) {
                gone_on += 1;
            }
        }
        if gone_on == 2 {
            return Err(bugs::UNCHECKED_WAKEUP.says(format!(
                "round {round}: one dequeue freed the one slot of a queue of capacity 1, and \
                 both waiting enqueues returned (size() says {}): a producer that wakes must \
                 check for room again, in a loop (while, not if), because another producer \
                 may have taken it",
                queue.size()
            )));
        }
        let mut got = HashSet::new();
        for _ in 0..2 {
            got.insert(dequeue(&queue).join(
                DEADLINE,
                bugs::LOST_WAKEUP,
                &format!("a producer was waiting to bring it; {NEVER_WOKEN}"),
            )?);
        }
        for producer in producers {
            producer.join(
                DEADLINE,
                bugs::LOST_WAKEUP,
                &format!("dequeues made room for it; {NEVER_WOKEN}"),
            )?;
        }
        if got != HashSet::from([1, 2]) {
            return Err(bugs::WRONG_ANSWER.says(format!(
                "the two waiting producers brought 1 and 2, the queue gave {got:?}"
            )));
        }
    }
    Ok(())
}

/// Items each producer makes in `many_producers_and_consumers`.
const PER_PRODUCER: u64 = 3000;

/// Three producers and three consumers through a queue of capacity 1, then
/// 3: every item comes out once, each producer's items in the order it
/// made them, and nobody is left asleep.
pub fn many_producers_and_consumers<Q: BlockingQueue<u64> + 'static>(
    make: fn(usize) -> Q,
) -> Result<(), String> {
    const PRODUCERS: u64 = 3;
    for capacity in [1, 3] {
        let queue = Arc::new(make(capacity));
        let producers: Vec<Call<()>> = (0..PRODUCERS)
            .map(|p| {
                let queue = Arc::clone(&queue);
                call(format!("producer {p}"), Duration::ZERO, move || {
                    for i in 0..PER_PRODUCER {
                        queue.enqueue(p * PER_PRODUCER + i);
                    }
                })
            })
            .collect();
        let consumers: Vec<Call<Vec<u64>>> = (0..PRODUCERS)
            .map(|c| {
                let queue = Arc::clone(&queue);
                call(format!("consumer {c}"), Duration::ZERO, move || {
                    (0..PER_PRODUCER).map(|_| queue.dequeue()).collect()
                })
            })
            .collect();
        let asleep = format!(
            "{PRODUCERS} producers and {PRODUCERS} consumers, capacity {capacity}: {NEVER_WOKEN}"
        );
        for producer in producers {
            producer.join(DEADLINE, bugs::LOST_WAKEUP, &asleep)?;
        }
        let mut seen = HashSet::new();
        for consumer in consumers {
            let got = consumer.join(DEADLINE, bugs::LOST_WAKEUP, &asleep)?;
            // One consumer sees each producer's items in the order made.
            let mut last = vec![None; PRODUCERS as usize];
            for &item in &got {
                let p = (item / PER_PRODUCER) as usize;
                if p >= last.len() {
                    return Err(bugs::WRONG_ANSWER.says(format!(
                        "dequeue returned {item}, which no producer enqueued"
                    )));
                }
                if last[p].is_some_and(|prev| prev > item) {
                    return Err(bugs::ORDER_VIOLATED.says(format!(
                        "a consumer got producer {p}'s item {item} after its item {}: the \
                         queue must give each producer's items in the order they went in",
                        last[p].unwrap_or(0)
                    )));
                }
                last[p] = Some(item);
                if !seen.insert(item) {
                    return Err(bugs::WRONG_ANSWER
                        .says(format!("item {item} came out twice (capacity {capacity})")));
                }
            }
        }
        let expected = (PRODUCERS * PER_PRODUCER) as usize;
        if seen.len() != expected {
            return Err(bugs::WRONG_ANSWER.says(format!(
                "{} distinct items came out of {expected} (capacity {capacity})",
                seen.len()
            )));
        }
    }
    Ok(())
}

/// How long the consumer waits in `waiting_does_not_burn_a_core`.
const WAIT: Duration = Duration::from_millis(500);

/// A consumer waits half a second on an empty queue: it should sleep, not
/// spin.
pub fn waiting_does_not_burn_a_core<Q: BlockingQueue<u64> + 'static>(
    make: fn(usize) -> Q,
) -> Result<(), String> {
    let queue = Arc::new(make(2));
    let consumer = dequeue(&queue);
    thread::sleep(WAIT);
    enqueue(&queue, 5).join(DEADLINE, bugs::DEADLOCK, "the queue had room")?;
    let ran = consumer.join_ran(
        DEADLINE,
        bugs::LOST_WAKEUP,
        &format!("an item arrived for it; {NEVER_WOKEN}"),
    )?;
    ran.slept("a dequeue", "an item")
}
