//! # Design Bounded Blocking Queue (LeetCode 1188)
//!
//! A queue of at most `capacity` items, shared by producer threads and
//! consumer threads. A producer that finds it full waits for room; a
//! consumer that finds it empty waits for an item. This is the queue behind
//! every thread pool, every pipeline stage and every crawler frontier: the
//! bound is the backpressure that keeps a fast producer from filling memory.
//!
//! Two references, each in its own file:
//!
//! - [`CondvarQueue`] (`condvar.rs`): a `VecDeque` under a mutex, and two
//!   condition variables, one for "not full" and one for "not empty".
//! - [`ChannelQueue`] (`channel.rs`): std's `sync_channel`, which is this
//!   queue already.
//!
//! `buggy.rs` holds the bug zoo (one condition variable for two
//! conditions, `if` instead of `while`, no bound, a lock held while
//! waiting, a spin), and `starter.rs` is the candidate's file.

// ANCHOR: contract
/// A first-in, first-out queue of at most `capacity` items, for many
/// producers and many consumers at once.
///
/// The promises:
/// - items come out in the order they went in; no item is lost or comes
///   out twice;
/// - `enqueue` returns only once its item is in the queue, and waits while
///   the queue holds `capacity` items: the queue never holds more;
/// - `dequeue` waits while the queue is empty, and returns the front item;
/// - a waiting producer or consumer wakes once it can go on: nothing hangs
///   while there is room for the one or an item for the other;
/// - a thread that waits blocks: it does not spin on a core;
/// - `size` is the number of items in the queue, exact when no call is in
///   flight (a moment's estimate otherwise).
pub trait BlockingQueue<T: Send>: Send + Sync {
    /// An empty queue for at most `capacity` items (at least 1).
    fn with_capacity(capacity: usize) -> Self
    where
        Self: Sized;

    fn enqueue(&self, item: T);

    fn dequeue(&self) -> T;

    fn size(&self) -> usize;
}
// ANCHOR_END: contract

mod channel;
mod condvar;

pub mod buggy;
#[cfg(feature = "starter")]
pub mod starter;

pub use channel::ChannelQueue;
pub use condvar::CondvarQueue;
