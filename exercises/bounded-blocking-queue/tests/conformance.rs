//! One suite, run over every implementation (and over the starter with
//! `--features starter`). The checks live in `suite/mod.rs`; each runs
//! under a watchdog (`kit::stress`), so a hang fails with a name.

mod suite;

use bounded_blocking_queue::{BlockingQueue, ChannelQueue, CondvarQueue};
use kit::stress::assert_passes as pass;

/// A module of tests per implementation, so a failure names both:
/// `starter::enqueue_waits_while_full`.
macro_rules! conformance {
    ($($module:ident: $type:ty),* $(,)?) => {$(
        mod $module {
            use super::*;

            fn make(capacity: usize) -> $type {
                <$type>::with_capacity(capacity)
            }

            #[test]
            fn one_thread_fifo() {
                pass(|| suite::one_thread_fifo(make));
            }

            #[test]
            fn enqueue_waits_while_full() {
                pass(|| suite::enqueue_waits_while_full(make));
            }

            #[test]
            fn dequeue_waits_while_empty() {
                pass(|| suite::dequeue_waits_while_empty(make));
            }

            #[test]
            fn woken_producers_check_for_room() {
                pass(|| suite::woken_producers_check_for_room(make));
            }

            #[test]
            fn many_producers_and_consumers() {
                pass(|| suite::many_producers_and_consumers(make));
            }

            #[test]
            fn waiting_does_not_burn_a_core() {
                pass(|| suite::waiting_does_not_burn_a_core(make));
            }
        }
    )*};
}

conformance! {
    condvar: CondvarQueue<u64>,
    channel: ChannelQueue<u64>,
}

#[cfg(feature = "starter")]
conformance! {
    starter: bounded_blocking_queue::starter::StarterQueue<u64>,
}
