//! Loom models of the two pieces of shared state: the admission queue that
//! callers and the batcher's loop share, and the single flight's map.
//! Every interleaving of the threads below is tried.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p serving --test loom --release`
#![cfg(loom)]

use std::time::Duration;

use kit::sync::{Arc, Mutex, thread};
use serving::{Class, Flights, Instant, Joined, Next, Request, Waiting};

fn request(prompt: u64, now: Instant) -> Request {
    Request {
        prompt,
        class: Class::Interactive,
        deadline: now + Duration::from_secs(60),
    }
}

/// Two callers each try two requests at a queue of 2, while the loop takes
/// a batch and one caller gives its second request up. Nothing is taken
/// twice, nothing admitted is lost, and the bound holds whatever the order.
#[test]
fn the_queue_keeps_its_bound_and_loses_nothing() {
    loom::model(|| {
        let now = Instant::now();
        let waiting = Arc::new(Mutex::new(Waiting::new(Some(2), Duration::ZERO)));
        let callers: Vec<_> = (0..2u64)
            .map(|caller| {
                let waiting = Arc::clone(&waiting);
                thread::spawn(move || {
                    let mut admitted = Vec::new();
                    let mut tickets = Vec::new();
                    for i in 0..2 {
                        let prompt = caller * 10 + i;
                        let ticket = waiting.lock().admit(&request(prompt, now), now, prompt);
                        if let Ok(ticket) = ticket {
                            admitted.push(prompt);
                            tickets.push(ticket);
                        }
                    }
                    // Caller 1 gives its last admitted request up.
                    let mut left = None;
                    if caller == 1
                        && let Some(ticket) = tickets.pop()
                    {
                        left = waiting.lock().leave(ticket);
                    }
                    (admitted, left)
                })
            })
            .collect();
        let taken = {
            let waiting = Arc::clone(&waiting);
            thread::spawn(move || match waiting.lock().next(now, 8, Duration::ZERO) {
                Next::Run(batch) => batch.into_iter().map(|(prompt, _)| prompt).collect(),
                _ => Vec::new(),
            })
        };
        let mut admitted = Vec::new();
        let mut left = Vec::new();
        for caller in callers {
            let (mine, gone) = caller.join().unwrap();
            admitted.extend(mine);
            left.extend(gone);
        }
        let mut taken: Vec<u64> = taken.join().unwrap();
        assert!(admitted.len() <= 4);
        let mut waiting = waiting.lock();
        assert!(
            waiting.len(Class::Interactive) <= 2,
            "the bound of 2 was exceeded"
        );
        if let Next::Run(rest) = waiting.next(now, 8, Duration::ZERO) {
            taken.extend(rest.into_iter().map(|(prompt, _)| prompt));
        }
        for prompt in &left {
            assert!(
                !taken.contains(prompt),
                "prompt {prompt} left and was run too"
            );
        }
        taken.extend(left);
        taken.sort_unstable();
        admitted.sort_unstable();
        assert_eq!(
            taken, admitted,
            "every admitted request is taken or left, once"
        );
    });
}

/// The last waiter of a flight leaves while a new caller joins. The new
/// caller either joins before (and the flight is not cancelled) or after
/// (and starts a flight of its own): never a cancelled one.
#[test]
fn a_caller_never_joins_a_cancelled_flight() {
    loom::model(|| {
        let flights: Flights<u64, u64, ()> = Flights::default();
        let cancelled = Arc::new(Mutex::new(Vec::new()));
        let leaver = {
            let (flights, cancelled) = (flights.clone(), Arc::clone(&cancelled));
            thread::spawn(move || {
                let (Joined::Lead(flight) | Joined::Follow(flight)) = flights.join(1);
                if flights.leave(&1, &flight) {
                    cancelled.lock().push(flight);
                }
            })
        };
        let joiner = {
            let flights = flights.clone();
            thread::spawn(move || flights.join(1))
        };
        leaver.join().unwrap();
        let joined = joiner.join().unwrap();
        let (Joined::Lead(flight) | Joined::Follow(flight)) = &joined;
        assert!(
            !cancelled.lock().iter().any(|c| Arc::ptr_eq(c, flight)),
            "a caller waits on a flight whose computation was cancelled"
        );
        assert_eq!(flights.len(), 1, "the joiner's flight is in the map");
    });
}

/// A flight finishes while a new caller joins: the caller either follows
/// it and finds the result, or starts a flight of its own.
#[test]
fn a_caller_that_joins_as_a_flight_ends_gets_an_answer() {
    loom::model(|| {
        let flights: Flights<u64, u64, ()> = Flights::default();
        let Joined::Lead(first) = flights.join(1) else {
            panic!("the first caller leads");
        };
        let finisher = {
            let (flights, first) = (flights.clone(), Arc::clone(&first));
            thread::spawn(move || flights.finish(&1, &first, Ok(10)))
        };
        let joiner = {
            let flights = flights.clone();
            thread::spawn(move || flights.join(1))
        };
        finisher.join().unwrap();
        match joiner.join().unwrap() {
            Joined::Follow(flight) => {
                assert!(Arc::ptr_eq(&flight, &first));
                assert_eq!(
                    flight.result(),
                    Some(Ok(10)),
                    "a follower waits for nothing"
                );
                assert!(flights.is_empty());
            }
            Joined::Lead(flight) => {
                assert!(!Arc::ptr_eq(&flight, &first));
                assert_eq!(flights.len(), 1);
            }
        }
    });
}
