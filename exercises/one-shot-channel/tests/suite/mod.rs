//! The conformance suite, shared by `conformance.rs` (every channel must
//! pass) and `bugs.rs` (every bug-zoo channel must fail).
//!
//! Each check tests promises of the contracts in `src/lib.rs` under a
//! schedule chosen to expose one kind of mistake, and returns `Err` with a
//! message that names the bug class it found (`kit::bugs`). Every thread a
//! check starts is joined with a deadline: a receiver that never wakes
//! fails the check with a name, never hangs the test.

#![allow(dead_code)] // each test binary uses a different part of the suite

use std::sync::Arc;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use kit::bugs;
use kit::call::{Call, call};
use kit::workload::Rng;
use one_shot_channel::{ReceiveHalf, SendHalf, SharedOneShot};

/// What the checks send: a value on the heap, moved whole.
pub type Msg = String;

/// Steps 1 and 2 seen as two halves: both ends hold the same object.
#[derive(Debug)]
pub struct Shared<C>(Arc<C>);

impl<C: SharedOneShot<Msg>> SendHalf<Msg> for Shared<C> {
    fn send(self, value: Msg) {
        self.0.send(value);
    }
}

impl<C: SharedOneShot<Msg>> ReceiveHalf<Msg> for Shared<C> {
    fn receive(self) -> Option<Msg> {
        Some(self.0.receive())
    }
}

/// A step-1 or step-2 channel, as two halves.
pub fn shared<C: SharedOneShot<Msg>>() -> (Shared<C>, Shared<C>) {
    let channel = Arc::new(C::new());
    (Shared(Arc::clone(&channel)), Shared(channel))
}

/// How long a receiver may take to return once the sender is done: far
/// more than a correct one needs on a loaded machine.
const DEADLINE: Duration = Duration::from_secs(5);

/// How long a check watches a receiver that must still be waiting.
const STILL_WAITING: Duration = Duration::from_millis(100);

const NEVER_WOKEN: &str = "the value had been sent, and the receiver never woke to take it: a \
     wake-up sent before the receiver was ready for it is lost unless the receiver checks the \
     state (is the value in?) before it sleeps, and registers to be woken before it checks";

/// Starts a receive on a thread of its own.
fn receive_on_a_thread<R: ReceiveHalf<Msg> + 'static>(receiver: R) -> Call<Option<Msg>> {
    call("the receiver", Duration::ZERO, move || receiver.receive())
}

/// What a receive that should have had `sent` got, judged.
fn judge(got: Option<Msg>, sent: &str, schedule: &str) -> Result<(), String> {
    match got {
        Some(value) if value == sent => Ok(()),
        Some(value) => Err(bugs::WRONG_ANSWER.says(format!(
            "the receiver got {value:?}, but {sent:?} was sent ({schedule})"
        ))),
        None => Err(bugs::TORN_UPDATE.says(format!(
            "the receiver returned nothing, though {sent:?} was sent ({schedule}): it saw the \
             sender done before the value was in (raise the flag after the value is in, never \
             before), or it went on from a wake-up without checking"
        ))),
    }
}

/// A value sent before anyone receives is kept: on one thread, send then
/// receive; then a sender that has finished on one thread, and a receiver
/// that starts after it on another.
pub fn a_value_sent_first_is_kept<S, R>(make: fn() -> (S, R)) -> Result<(), String>
where
    S: SendHalf<Msg> + 'static,
    R: ReceiveHalf<Msg> + 'static,
{
    let one_thread = call(
        "send, then receive, on one thread",
        Duration::ZERO,
        move || {
            let (sender, receiver) = make();
            sender.send(Msg::from("kept"));
            receiver.receive()
        },
    );
    let got = one_thread.join(DEADLINE, bugs::LOST_WAKEUP, NEVER_WOKEN)?;
    judge(got, "kept", "sent, then received, on one thread")?;

    let (sender, receiver) = make();
    call("the sender", Duration::ZERO, move || {
        sender.send(Msg::from("kept too"))
    })
    .join(DEADLINE, bugs::DEADLOCK, "a send must not wait")?;
    let got = receive_on_a_thread(receiver).join(DEADLINE, bugs::LOST_WAKEUP, NEVER_WOKEN)?;
    judge(
        got,
        "kept too",
        "the send had returned before the receive began",
    )
}

/// The receiver comes first and waits; the value comes 100 ms later, from
/// another thread.
pub fn a_waiting_receiver_gets_the_value<S, R>(make: fn() -> (S, R)) -> Result<(), String>
where
    S: SendHalf<Msg> + 'static,
    R: ReceiveHalf<Msg> + 'static,
{
    for round in 0..5 {
        let (sender, receiver) = make();
        let mut receiving = receive_on_a_thread(receiver);
        if receiving.returned_within(STILL_WAITING) {
            let got = receiving.join(DEADLINE, bugs::DEADLOCK, "")?;
            return Err(bugs::ORDER_VIOLATED.says(format!(
                "receive returned {got:?} before anything was sent (round {round}): it must \
                 wait until the sender is done"
            )));
        }
        call("the sender", Duration::ZERO, move || {
            sender.send(format!("round {round}"))
        })
        .join(DEADLINE, bugs::DEADLOCK, "a send must not wait")?;
        let got = receiving.join(DEADLINE, bugs::LOST_WAKEUP, NEVER_WOKEN)?;
        judge(
            got,
            &format!("round {round}"),
            "the receiver was waiting when the value was sent",
        )?;
    }
    Ok(())
}

/// The receiver waits; the check unparks its thread three times, as any
/// code may (and as a spurious wake-up would). Only the send may end the
/// wait.
pub fn a_stray_unpark_is_not_a_value<S, R>(make: fn() -> (S, R)) -> Result<(), String>
where
    S: SendHalf<Msg> + 'static,
    R: ReceiveHalf<Msg> + 'static,
{
    let (sender, receiver) = make();
    let (handle, its_thread) = mpsc::channel();
    let mut receiving = call("the receiver", Duration::ZERO, move || {
        let _ = handle.send(thread::current());
        receiver.receive()
    });
    let Ok(receiving_thread) = its_thread.recv_timeout(DEADLINE) else {
        return Err(bugs::WRONG_ANSWER.says("the receiving thread did not start"));
    };
    for _ in 0..3 {
        thread::sleep(Duration::from_millis(20));
        receiving_thread.unpark();
    }
    if receiving.returned_within(STILL_WAITING) {
        let got = receiving.join(DEADLINE, bugs::DEADLOCK, "")?;
        return Err(bugs::UNCHECKED_WAKEUP.says(format!(
            "receive returned {got:?} before anything was sent, after its thread was unparked \
             by someone other than the sender: `park` may return spuriously (std's docs), and \
             any code may unpark any thread, so park in a loop that checks the flag again"
        )));
    }
    call("the sender", Duration::ZERO, move || {
        sender.send(Msg::from("after the stray unparks"))
    })
    .join(DEADLINE, bugs::DEADLOCK, "a send must not wait")?;
    let got = receiving.join(DEADLINE, bugs::LOST_WAKEUP, NEVER_WOKEN)?;
    judge(
        got,
        "after the stray unparks",
        "the receiver's thread had been unparked three times before the send",
    )
}

const NOBODY_SAID: &str = "the sender was dropped without sending, and the receiver still \
     waits: the end of the sender must wake it too. Raise the flag (\"the sender is done\") and \
     wake the receiver in the sender's `Drop`, so that it runs whether or not the sender sent";

/// Step 3's promise: a sender dropped without sending ends the wait with
/// `None`, whether it is dropped before `receive` starts or while it
/// waits.
pub fn a_dropped_sender_ends_the_wait<S, R>(make: fn() -> (S, R)) -> Result<(), String>
where
    S: SendHalf<Msg> + 'static,
    R: ReceiveHalf<Msg> + 'static,
{
    let (sender, receiver) = make();
    drop(sender);
    let got =
        receive_on_a_thread(receiver).join(DEADLINE, bugs::MISSED_TERMINATION, NOBODY_SAID)?;
    if got.is_some() {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "the sender was dropped without sending, and receive returned {got:?}"
        )));
    }

    let (sender, receiver) = make();
    let mut receiving = receive_on_a_thread(receiver);
    if receiving.returned_within(STILL_WAITING) {
        let got = receiving.join(DEADLINE, bugs::DEADLOCK, "")?;
        return Err(bugs::ORDER_VIOLATED.says(format!(
            "receive returned {got:?} while the sender was alive and had not sent: it must wait \
             until the sender is done"
        )));
    }
    call("the sender's owner", Duration::ZERO, move || drop(sender)).join(
        DEADLINE,
        bugs::DEADLOCK,
        "dropping a sender must not wait",
    )?;
    let got = receiving.join(DEADLINE, bugs::MISSED_TERMINATION, NOBODY_SAID)?;
    if got.is_some() {
        return Err(bugs::WRONG_ANSWER.says(format!(
            "the sender was dropped without sending while the receiver waited, and receive \
             returned {got:?}"
        )));
    }
    Ok(())
}

/// Channels in `many_rounds`.
const ROUNDS: usize = 2_000;

/// Many channels, one after another, between two threads: the sender
/// sometimes sends before the receiver starts, sometimes after, sometimes
/// at the same moment.
pub fn many_rounds<S, R>(make: fn() -> (S, R)) -> Result<(), String>
where
    S: SendHalf<Msg> + Send + 'static,
    R: ReceiveHalf<Msg> + Send + 'static,
{
    let (hand_over, handed) = mpsc::channel::<(usize, R)>();
    let sending = call("the sender", Duration::ZERO, move || {
        let mut rng = Rng::new(5);
        for round in 0..ROUNDS {
            let (sender, receiver) = make();
            if hand_over.send((round, receiver)).is_err() {
                return;
            }
            for _ in 0..rng.below(200) {
                std::hint::spin_loop();
            }
            sender.send(round.to_string());
        }
    });
    let receiving = call(
        "the receiver",
        Duration::ZERO,
        move || -> Result<(), String> {
            for (round, receiver) in handed {
                judge(
                    receiver.receive(),
                    &round.to_string(),
                    &format!("round {round} of {ROUNDS}"),
                )?;
            }
            Ok(())
        },
    );
    receiving.join(DEADLINE, bugs::LOST_WAKEUP, NEVER_WOKEN)??;
    sending.join(DEADLINE, bugs::DEADLOCK, "a send must not wait")
}

/// How long the receiver waits in `waiting_does_not_burn_a_core`.
const WAIT: Duration = Duration::from_millis(500);

/// The receiver waits half a second for the value: it should sleep, not
/// spin.
pub fn waiting_does_not_burn_a_core<S, R>(make: fn() -> (S, R)) -> Result<(), String>
where
    S: SendHalf<Msg> + 'static,
    R: ReceiveHalf<Msg> + 'static,
{
    let (sender, receiver) = make();
    let receiving = receive_on_a_thread(receiver);
    thread::sleep(WAIT);
    sender.send(Msg::from("at last"));
    let ran = receiving.join_ran(DEADLINE, bugs::LOST_WAKEUP, NEVER_WOKEN)?;
    let slept = ran.slept("the receiver", "the value");
    judge(ran.value, "at last", "the receiver waited half a second")?;
    slept
}
