//! # The Dining Philosophers (LeetCode 1226)
//!
//! Five philosophers sit at a round table, numbered 0 to 4, with one fork
//! between each two neighbours: five forks in all. Fork `p` lies to the left
//! of philosopher `p`, and fork `(p + 1) % 5` to its right, where it is also
//! the left fork of the next philosopher. A philosopher who wants to eat
//! must pick up both of its forks, eat, and put both down; a fork is held by
//! one philosopher at a time, so two neighbours never eat at once.
//!
//! Each meal is one call of `wants_to_eat`, handed five callbacks that say
//! what the philosopher does: pick up its left fork, pick up its right, eat,
//! put down its left, put down its right. The calls come from several
//! threads, many times each, in an order nobody controls.
//!
//! The lesson is a cycle of waits, and three ways to break it, each in its
//! own file:
//!
//! - [`OrderedForks`] (`ordered.rs`): one lock per fork, taken in one global
//!   order, lowest-numbered first. The last philosopher reaches right
//!   first, and the cycle cannot close.
//! - [`Waiter`] (`waiter.rs`): the same locks taken left first, but a waiter
//!   seats at most four at a time: with an empty chair, the cycle cannot
//!   close either.
//! - [`FairStates`] (`states.rs`): no fork locks at all. One lock over every
//!   philosopher's state (thinking, hungry, eating); a hungry philosopher
//!   eats when neither neighbour eats, and, so that nobody starves, when
//!   neither neighbour has been hungry longer.
//!
//! `buggy.rs` holds the bug zoo (everyone takes the left fork first, a check
//! of the forks apart from taking them, one lock for the whole table, a spin
//! on the forks, states with no order among the hungry), and `starter.rs` is
//! the candidate's file.

// ANCHOR: contract
/// A table at which philosophers eat without deadlock, without starving
/// anyone, and never next to a neighbour who eats.
///
/// Philosopher `p`'s left fork is fork `p`, its right fork is fork
/// `(p + 1) % n`, and its neighbours are `p - 1` and `p + 1`, counted round
/// the table of `n`.
///
/// The promises:
/// - each call runs each of its five callbacks exactly once, on the calling
///   thread, before it returns: both picks (in either order), then `eat`,
///   then, once `eat` has returned, both puts (in either order);
/// - a fork is held from the start of its pick until its put returns, and
///   by one philosopher at a time: a pick of a fork begins only after the
///   last holder's put of it has returned. So two neighbours never eat at
///   once;
/// - nothing deadlocks: every call returns, whoever calls at once, even
///   when all five reach for their first fork at the same moment;
/// - nobody starves: a philosopher whose two neighbours keep eating in
///   turns, one of them eating at every moment and each pausing for a
///   moment between meals, still gets to eat;
/// - two philosophers who are not neighbours can eat at the same time: when
///   they are the only two at the table, each may wait, inside its `eat`,
///   for the other's `eat` to begin;
/// - a philosopher that waits blocks: it does not spin on a core while its
///   neighbour eats.
///
/// One object serves one dinner of `n` philosophers (five in the suite):
/// any number of calls, each philosopher calling from one thread at a time.
pub trait DiningPhilosophers: Send + Sync {
    /// A table of `philosophers` seats and as many forks; at least 2.
    fn new(philosophers: usize) -> Self
    where
        Self: Sized;

    /// One meal of `philosopher`: pick up both forks, eat, put both down.
    fn wants_to_eat(
        &self,
        philosopher: usize,
        pick_left: impl FnOnce(),
        pick_right: impl FnOnce(),
        eat: impl FnOnce(),
        put_left: impl FnOnce(),
        put_right: impl FnOnce(),
    );
}
// ANCHOR_END: contract

mod ordered;
mod states;
mod waiter;

pub mod buggy;
#[cfg(feature = "starter")]
pub mod starter;

pub use ordered::OrderedForks;
pub use states::FairStates;
pub use waiter::Waiter;
