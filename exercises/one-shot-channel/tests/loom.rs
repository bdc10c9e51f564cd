//! Loom models: every interleaving of a sender and a receiver, up to the
//! preemption bound, under the C++ memory model, for each step; and the
//! zoo's hand-off mistakes, which loom finds where a stress test may not.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p one-shot-channel --test loom --release`
//! and your channel with `concur check one-shot-channel --loom`.
#![cfg(loom)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use kit::sync::{Arc, AtomicUsize, Ordering, thread};
use one_shot_channel::buggy::{NoWakeOnDrop, ReadyBeforeValue, RelaxedReady, UnparkOnly};
use one_shot_channel::{ReceiveHalf, SendHalf, SharedOneShot, step1_condvar, step2_park};

/// The model's assertions, each in its bug class's words, as
/// `concur check one-shot-channel --loom` shows them.
const NO_VALUE: &str = "torn update: the receiver got nothing though a value was sent, in an \
     interleaving loom found: the flag said ready before the value was in";
const UNSEEN: &str = "stale read: the receiver did not see what the sender wrote before \
     sending, in an interleaving loom found: an Acquire or a Release is missing";
const LEFT: &str = "wrong answer: the sender was dropped without sending, and the receiver \
     did not get None";

/// Steps 1 and 2 seen as two halves.
struct Shared<C>(Arc<C>);

impl<C: SharedOneShot<u32>> SendHalf<u32> for Shared<C> {
    fn send(self, value: u32) {
        self.0.send(value);
    }
}

impl<C: SharedOneShot<u32>> ReceiveHalf<u32> for Shared<C> {
    fn receive(self) -> Option<u32> {
        Some(self.0.receive())
    }
}

fn shared<C: SharedOneShot<u32>>() -> (Shared<C>, Shared<C>) {
    let channel = Arc::new(C::new());
    (Shared(Arc::clone(&channel)), Shared(channel))
}

/// The receiver on a thread of its own; the model's main thread writes a
/// note (`Relaxed`) and sends. In every interleaving the value arrives,
/// the receiver sees the note, and nothing deadlocks.
///
/// The receiver, not the main thread, is the one that parks: loom 0.7
/// lets an `unpark` wake a thread blocked in `join` (std keeps it as a
/// token for the next `park`), which trips an assertion inside loom. A
/// receiver that only ever parks, and ends after `receive`, avoids that.
fn hands_over<S, R>(make: fn() -> (S, R))
where
    S: SendHalf<u32> + 'static,
    R: ReceiveHalf<u32> + 'static,
{
    loom::model(move || {
        let (sender, receiver) = make();
        let note = Arc::new(AtomicUsize::new(0));
        let receiving = {
            let note = Arc::clone(&note);
            thread::spawn(move || {
                let got = receiver.receive();
                // Only the channel orders this load after the store below.
                (got, note.load(Ordering::Relaxed))
            })
        };
        note.store(1, Ordering::Relaxed);
        sender.send(7);
        let (got, note_seen) = receiving.join().unwrap();
        assert_eq!(got, Some(7), "{NO_VALUE}");
        assert_eq!(note_seen, 1, "{UNSEEN}");
    });
}

/// A sender dropped without sending: the receiver gets `None`, in every
/// interleaving, and nothing deadlocks.
fn hears_the_sender_leave<S, R>(make: fn() -> (S, R))
where
    S: SendHalf<u32> + 'static,
    R: ReceiveHalf<u32> + 'static,
{
    loom::model(move || {
        let (sender, receiver) = make();
        let receiving = thread::spawn(move || receiver.receive());
        drop(sender);
        assert_eq!(receiving.join().unwrap(), None, "{LEFT}");
    });
}

#[test]
fn step1_condvar_hands_over() {
    hands_over(shared::<step1_condvar::OneShot<u32>>);
}

#[test]
fn step2_park_hands_over() {
    hands_over(shared::<step2_park::OneShot<u32>>);
}

#[test]
fn step3_typed_hands_over() {
    hands_over(one_shot_channel::channel::<u32>);
}

#[test]
fn step3_typed_hears_the_sender_leave() {
    hears_the_sender_leave(one_shot_channel::channel::<u32>);
}

/// Not a bug here: `Relaxed` on the flag. The value and the receiver's
/// handle pass through mutexes, whose unlock and lock order them, and the
/// note with them.
#[test]
fn relaxed_ready_is_not_a_bug_here() {
    hands_over(RelaxedReady::channel::<u32>);
    hears_the_sender_leave(RelaxedReady::channel::<u32>);
}

/// Loom finds the flag raised before the value is in: the receiver sees
/// the flag, looks, and finds the slot empty.
#[test]
fn loom_finds_the_flag_before_the_value() {
    let found = catch_unwind(AssertUnwindSafe(|| {
        hands_over(ReadyBeforeValue::channel::<u32>)
    }))
    .expect_err("loom should find ReadyBeforeValue's empty slot");
    let said = found.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        said.contains(NO_VALUE),
        "loom failed it for another reason: {said}"
    );
}

/// Loom finds the lost wake-up and the missed end as deadlocks: an
/// interleaving in which the receiver parks and nobody will unpark it. It
/// reports a deadlock by panicking while its threads unwind, which aborts
/// the process, so each model runs in a child process of this test binary,
/// and the test reads loom's verdict from the child's output.
#[test]
fn loom_finds_the_receivers_nobody_wakes() {
    for zoo in ["UnparkOnly", "NoWakeOnDrop"] {
        if let Err(said) = kit::child::expect_deadlock("zoo_model_in_a_child", zoo) {
            panic!(
                "loom should find {zoo}'s sleeping receiver as a deadlock; the child said:\n{said}"
            );
        }
    }
}

/// The child's side of `loom_finds_the_receivers_nobody_wakes`; run
/// directly, with no model named, it does nothing.
#[test]
fn zoo_model_in_a_child() {
    match kit::child::requested().as_deref() {
        Some("UnparkOnly") => hands_over(UnparkOnly::channel::<u32>),
        Some("NoWakeOnDrop") => hears_the_sender_leave(NoWakeOnDrop::channel::<u32>),
        _ => {}
    }
}

/// Your channel in the same two models: `concur check one-shot-channel
/// --loom`. Each runs in a child process, because a receiver nobody wakes
/// is a deadlock, which loom reports by aborting.
#[cfg(feature = "starter")]
#[test]
fn starter_hands_over() {
    kit::child::assert_passes("a_named_model_in_a_child", "starter hands over");
}

#[cfg(feature = "starter")]
#[test]
fn starter_hears_the_sender_leave() {
    kit::child::assert_passes("a_named_model_in_a_child", "starter hears");
}

/// The child's side of the starter's models (its name does not say
/// "starter", so that `concur check` does not run it as a check of its
/// own); run directly, with no model named, it does nothing.
#[cfg(feature = "starter")]
#[test]
fn a_named_model_in_a_child() {
    use one_shot_channel::starter;
    match kit::child::requested().as_deref() {
        Some("starter hands over") => hands_over(starter::channel::<u32>),
        Some("starter hears") => hears_the_sender_leave(starter::channel::<u32>),
        _ => {}
    }
}
