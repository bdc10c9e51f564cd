//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name. (`ReadyBeforeValue` is the loom model's: see
//! `tests/loom.rs`.)

mod suite;

use kit::bugs;
use kit::stress::assert_caught;
use one_shot_channel::buggy::{NoWakeOnDrop, ParkOnce, RelaxedReady, SpinReceive, UnparkOnly};
use suite::Msg;

#[test]
fn a_wake_up_before_the_receiver_registers_is_caught() {
    assert_caught(bugs::LOST_WAKEUP, || {
        suite::a_value_sent_first_is_kept(UnparkOnly::channel::<Msg>)
    });
}

#[test]
fn park_once_is_caught() {
    assert_caught(bugs::UNCHECKED_WAKEUP, || {
        suite::a_stray_unpark_is_not_a_value(ParkOnce::channel::<Msg>)
    });
}

#[test]
fn a_sender_dropped_in_silence_is_caught() {
    assert_caught(bugs::MISSED_TERMINATION, || {
        suite::a_dropped_sender_ends_the_wait(NoWakeOnDrop::channel::<Msg>)
    });
}

#[test]
fn spinning_is_caught() {
    // Where the system does not count a thread's CPU time, the check has
    // nothing to judge by.
    if kit::stress::thread_cpu_time().is_none() {
        return;
    }
    assert_caught(bugs::BUSY_WAIT, || {
        suite::waiting_does_not_burn_a_core(SpinReceive::channel::<Msg>)
    });
}

/// Each bug is in one place only: what it does not touch still passes.
#[test]
fn each_bug_breaks_only_its_own_part() {
    // A receiver that comes first is woken: registering late is harmless.
    assert_eq!(
        suite::a_waiting_receiver_gets_the_value(UnparkOnly::channel::<Msg>),
        Ok(())
    );
    // Without a stray unpark, one park is enough.
    assert_eq!(
        suite::a_waiting_receiver_gets_the_value(ParkOnce::channel::<Msg>),
        Ok(())
    );
    // A sender that sends raises the flag.
    assert_eq!(suite::many_rounds(NoWakeOnDrop::channel::<Msg>), Ok(()));
    // The spinner's answers are right.
    assert_eq!(suite::many_rounds(SpinReceive::channel::<Msg>), Ok(()));
}

/// `Relaxed` on the flag is not a bug in this safe design: the value and
/// the receiver's handle pass through mutexes, which order them. It passes
/// every check (and the loom model).
#[test]
fn relaxed_ready_is_not_a_bug_here() {
    let channel = RelaxedReady::channel::<Msg>;
    assert_eq!(suite::a_value_sent_first_is_kept(channel), Ok(()));
    assert_eq!(suite::a_waiting_receiver_gets_the_value(channel), Ok(()));
    assert_eq!(suite::a_stray_unpark_is_not_a_value(channel), Ok(()));
    assert_eq!(suite::a_dropped_sender_ends_the_wait(channel), Ok(()));
    assert_eq!(suite::many_rounds(channel), Ok(()));
}
