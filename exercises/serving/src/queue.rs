//! The admission queue: who waits, in which order, and when a batch is due.
//!
//! Plain data, no locks and no clocks of its own: the server keeps it
//! behind one lock and passes `now` in, so the loom model can drive the
//! very code the server runs, and the suite's paused clock decides time.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::{Class, Instant, Request};

/// A request's place in the queue: its turn, then a number that breaks
/// ties between requests of the same instant in arrival order.
type Place = (Instant, u64);

/// Who is waiting, each with what the server needs to answer it (`T`: the
/// sending half of a reply channel, in the server).
#[derive(Debug)]
pub struct Waiting<T> {
    bound: Option<usize>,
    aging: Duration,
    /// In the order they run: by turn, where a batch request's turn is
    /// `aging` after its arrival.
    by_turn: BTreeMap<Place, Entry<T>>,
    /// By arrival: the oldest decides when a batch stops waiting to fill.
    by_arrival: BTreeSet<(Instant, u64)>,
    count: [usize; 2],
    admitted: u64,
}

#[derive(Debug)]
struct Entry<T> {
    prompt: u64,
    class: Class,
    arrived: Instant,
    deadline: Instant,
    item: T,
}

/// A request's claim on its place; [`Waiting::leave`] gives it up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    place: Place,
}

/// The class's queue was full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

/// What the batcher should do next.
#[derive(Debug)]
pub enum Next<T> {
    /// Run these prompts as one batch, and answer each item.
    Run(Vec<(u64, T)>),
    /// Nothing is due yet: wait for a new request, or until then.
    WaitUntil(Instant),
    /// Nobody waits: wait for a new request.
    Empty,
}

fn slot(class: Class) -> usize {
    match class {
        Class::Interactive => 0,
        Class::Batch => 1,
    }
}

impl<T> Waiting<T> {
    /// A queue of at most `bound` waiting requests per class (`None`: no
    /// bound), where batch requests queue `aging` behind their arrival.
    pub fn new(bound: Option<usize>, aging: Duration) -> Self {
        Self {
            bound,
            // A year is for ever here, and a longer one could overflow an
            // `Instant`.
            aging: aging.min(Duration::from_secs(365 * 86_400)),
            by_turn: BTreeMap::new(),
            by_arrival: BTreeSet::new(),
            count: [0, 0],
            admitted: 0,
        }
    }

    /// Takes `request` in at `now`, or refuses it if its class's queue is
    /// full.
    pub fn admit(&mut self, request: &Request, now: Instant, item: T) -> Result<Ticket, Full> {
        let class = slot(request.class);
        if self.bound.is_some_and(|bound| self.count[class] >= bound) {
            return Err(Full);
        }
        // ANCHOR: turn
        let turn = match request.class {
            Class::Interactive => now,
            Class::Batch => now + self.aging,
        };
        // ANCHOR_END: turn
        self.admitted += 1;
        let place = (turn, self.admitted);
        self.by_turn.insert(
            place,
            Entry {
                prompt: request.prompt,
                class: request.class,
                arrived: now,
                deadline: request.deadline,
                item,
            },
        );
        self.by_arrival.insert((now, self.admitted));
        self.count[class] += 1;
        Ok(Ticket { place })
    }

    /// Gives up the place of `ticket`, if it still waits: its item comes
    /// back. `None` once it was taken into a batch.
    pub fn leave(&mut self, ticket: Ticket) -> Option<T> {
        self.remove(ticket.place)
    }

    fn remove(&mut self, place: Place) -> Option<T> {
        let entry = self.by_turn.remove(&place)?;
        self.by_arrival.remove(&(entry.arrived, place.1));
        self.count[slot(entry.class)] -= 1;
        Some(entry.item)
    }

    /// Takes out every request whose deadline is `now` or past: their
    /// items come back, to be answered `Expired`.
    pub fn expire(&mut self, now: Instant) -> Vec<T> {
        let expired: Vec<Place> = self
            .by_turn
            .iter()
            .filter(|(_, entry)| entry.deadline <= now)
            .map(|(place, _)| *place)
            .collect();
        expired
            .into_iter()
            .filter_map(|place| self.remove(place))
            .collect()
    }

    // ANCHOR: next
    /// The batch due at `now`: the first `max_batch` by turn, if that many
    /// wait or the oldest has waited `max_wait`.
    pub fn next(&mut self, now: Instant, max_batch: usize, max_wait: Duration) -> Next<T> {
        let Some(&(oldest, _)) = self.by_arrival.first() else {
            return Next::Empty;
        };
        let due = oldest + max_wait;
        if self.by_turn.len() < max_batch && now < due {
            return Next::WaitUntil(due);
        }
        let places: Vec<Place> = self.by_turn.keys().take(max_batch).copied().collect();
        let batch = places
            .into_iter()
            .map(|place| {
                let prompt = self.by_turn[&place].prompt;
                let item = self.remove(place).expect("a place just read");
                (prompt, item)
            })
            .collect();
        Next::Run(batch)
    }
    // ANCHOR_END: next

    /// How many requests of `class` wait.
    pub fn len(&self, class: Class) -> usize {
        self.count[slot(class)]
    }

    /// Whether nobody waits.
    pub fn is_empty(&self) -> bool {
        self.by_turn.is_empty()
    }
}
