//! One call on a thread of its own, joined with a deadline.
//!
//! A drill's suite plays each participant this way: `first` on one thread,
//! `second` on another, a producer here, a consumer there, each started
//! when the schedule says. Joining with a deadline turns a participant that
//! never returns (a lost wake-up, a deadlock) into a failed check that
//! names the likely bug, never a hung test; the stuck thread is left
//! behind, as `stress` leaves its own.
//!
//! A call also reports the CPU time its thread used, so that a check can
//! tell a participant that slept while it waited from one that spun.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::bugs::{self, BugClass};
use crate::stress::{panic_message, thread_cpu_time};

/// A call running on its own thread.
#[derive(Debug)]
pub struct Call<R> {
    name: String,
    done: mpsc::Receiver<Result<Ran<R>, String>>,
    /// What the call returned, once `returned_within` has seen it.
    seen: Option<Result<Ran<R>, String>>,
}

/// What a call returned, and what it cost its thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ran<R> {
    pub value: R,
    /// Wall-clock time from the call's start to its return.
    pub wall: Duration,
    /// CPU time its thread used meanwhile; `None` where the system does not
    /// say (in steps of 10 ms on Linux).
    pub cpu: Option<Duration>,
}

/// Starts `f` on a new thread after `delay`. `name` is how failures call it
/// ("second", "producer 1").
pub fn call<R, F>(name: impl Into<String>, delay: Duration, f: F) -> Call<R>
where
    R: Send + 'static,
    F: FnOnce() -> R + Send + 'static,
{
    let name = name.into();
    let (tx, done) = mpsc::channel();
    let thread_name = format!("{} ({name})", thread::current().name().unwrap_or("check"));
    thread::Builder::new()
        .name(thread_name)
        .spawn(move || {
            if !delay.is_zero() {
                thread::sleep(delay);
            }
            let cpu_before = thread_cpu_time();
            let started = Instant::now();
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let wall = started.elapsed();
            let cpu = cpu_before
                .zip(thread_cpu_time())
                .map(|(before, after)| after.saturating_sub(before));
            // The receiver is gone only if the check already failed.
            let _ = tx.send(
                outcome
                    .map(|value| Ran { value, wall, cpu })
                    .map_err(|panic| bugs::named(&panic_message(panic))),
            );
        })
        .expect("failed to start a thread");
    Call {
        name,
        done,
        seen: None,
    }
}

impl<R> Call<R> {
    /// The call's value, once it returns. A panic comes back as its message
    /// (named, so a `todo!()` reads "not implemented yet"); a call still
    /// running at `deadline` is left behind and reported as `class`, with
    /// `why`.
    pub fn join(self, deadline: Duration, class: BugClass, why: &str) -> Result<R, String> {
        self.join_ran(deadline, class, why).map(|ran| ran.value)
    }

    /// The same, with the call's wall-clock and CPU time.
    pub fn join_ran(
        mut self,
        deadline: Duration,
        class: BugClass,
        why: &str,
    ) -> Result<Ran<R>, String> {
        if let Some(seen) = self.seen.take() {
            return seen;
        }
        match self.done.recv_timeout(deadline) {
            Ok(outcome) => outcome,
            Err(_) => Err(class.says(format!(
                "{} did not return within {} s; {why}",
                self.name,
                deadline.as_secs_f64()
            ))),
        }
    }
}

impl<R> Ran<R> {
    /// `Err` naming busy-waiting if the call kept its core busy while it
    /// waited: `who` waited for `what`. A thread that sleeps while it waits
    /// uses a clock tick of CPU at most; a spinning one uses most of the
    /// wait, and still a good share of it on a machine busy with other
    /// work (tests running beside it), so a tenth is the line. `Ok` where
    /// the system does not count a thread's CPU time: nothing to judge.
    pub fn slept(&self, who: &str, what: &str) -> Result<(), String> {
        match self.cpu {
            Some(cpu) if cpu * 10 > self.wall => Err(bugs::BUSY_WAIT.says(format!(
                "{who} used {} ms of CPU while it waited {} ms for {what}: a waiting thread \
                 should sleep (a condition variable, a channel, park) and leave the core to \
                 the threads with work",
                cpu.as_millis(),
                self.wall.as_millis()
            ))),
            _ => Ok(()),
        }
    }
}

impl<R> Call<R> {
    /// Whether the call returns (or panics) within `within`, without giving
    /// up on it: a check asks "is this producer still waiting?" and joins
    /// it later.
    pub fn returned_within(&mut self, within: Duration) -> bool {
        if self.seen.is_none()
            && let Ok(outcome) = self.done.recv_timeout(within)
        {
            self.seen = Some(outcome);
        }
        self.seen.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_returns_its_value() {
        let c = call("adder", Duration::ZERO, || 2 + 2);
        assert_eq!(c.join(Duration::from_secs(5), bugs::DEADLOCK, "x"), Ok(4));
    }

    #[test]
    fn a_stuck_call_is_named() {
        let c = call("sleeper", Duration::ZERO, || {
            thread::sleep(Duration::from_secs(3))
        });
        let err = c
            .join(
                Duration::from_millis(50),
                bugs::LOST_WAKEUP,
                "nobody woke it",
            )
            .unwrap_err();
        assert_eq!(bugs::classify(&err), Some(bugs::LOST_WAKEUP), "{err}");
        assert!(err.contains("sleeper did not return"), "{err}");
    }

    #[test]
    fn a_call_can_be_asked_whether_it_returned_then_joined() {
        let mut c = call("sleeper", Duration::ZERO, || {
            thread::sleep(Duration::from_millis(200));
            7
        });
        assert!(!c.returned_within(Duration::from_millis(10)));
        assert!(c.returned_within(Duration::from_secs(5)));
        assert_eq!(c.join(Duration::ZERO, bugs::DEADLOCK, "x"), Ok(7));
    }

    #[test]
    fn a_panic_is_named() {
        let c = call("todo", Duration::ZERO, || -> u8 { todo!("Starter::first") });
        let err = c
            .join(Duration::from_secs(5), bugs::DEADLOCK, "x")
            .unwrap_err();
        assert_eq!(bugs::classify(&err), Some(bugs::NOT_IMPLEMENTED), "{err}");
    }

    #[test]
    fn a_spinning_call_uses_cpu_and_a_sleeping_one_does_not() {
        if thread_cpu_time().is_none() {
            return;
        }
        let spin = call("spinner", Duration::ZERO, || {
            let end = Instant::now() + Duration::from_millis(300);
            while Instant::now() < end {
                std::hint::spin_loop();
            }
        });
        let sleep = call("sleeper", Duration::ZERO, || {
            thread::sleep(Duration::from_millis(300))
        });
        let spun = spin
            .join_ran(Duration::from_secs(5), bugs::DEADLOCK, "x")
            .unwrap();
        let slept = sleep
            .join_ran(Duration::from_secs(5), bugs::DEADLOCK, "x")
            .unwrap();
        assert!(spun.cpu.unwrap() >= Duration::from_millis(100), "{spun:?}");
        assert!(slept.cpu.unwrap() <= Duration::from_millis(30), "{slept:?}");
        let err = spun.slept("spinner", "nothing").unwrap_err();
        assert_eq!(bugs::classify(&err), Some(bugs::BUSY_WAIT), "{err}");
        assert_eq!(slept.slept("sleeper", "nothing"), Ok(()));
    }
}
