//! The reference single flight: one map from key to the computation in
//! flight, and a count of who waits for each.
//!
//! The count lives in the map, under the map's lock, on purpose. Say the
//! count lived in the flight, under a lock of its own: the last waiter
//! drops it to zero, and before that waiter takes the map's lock to remove
//! the key, a new caller finds the key in the map and joins. The last
//! waiter then removes the flight and cancels it with a caller still
//! waiting, who waits for ever. Under one lock, joining and leaving are
//! each one step, and one of them comes first (`tests/loom.rs` tries
//! every order).

use std::collections::HashMap;
use std::hash::Hash;

use kit::sync::{Arc, Mutex};

/// One computation in flight: where its result lands, and who to wake.
#[derive(Debug)]
pub struct Flight<V, E> {
    result: Mutex<Option<Result<V, E>>>,
    #[cfg(not(loom))]
    done: tokio::sync::Notify,
    #[cfg(not(loom))]
    task: Mutex<Option<tokio::task::AbortHandle>>,
}

impl<V: Clone, E: Clone> Flight<V, E> {
    fn new() -> Self {
        Self {
            result: Mutex::new(None),
            #[cfg(not(loom))]
            done: tokio::sync::Notify::new(),
            #[cfg(not(loom))]
            task: Mutex::new(None),
        }
    }

    /// Stores the result and wakes every waiter.
    pub(crate) fn set(&self, result: Result<V, E>) {
        *self.result.lock() = Some(result);
        #[cfg(not(loom))]
        self.done.notify_waiters();
    }

    /// The result, once the computation has finished.
    pub fn result(&self) -> Option<Result<V, E>> {
        self.result.lock().clone()
    }
}

/// What [`Flights::join`] made of a caller.
#[derive(Debug)]
pub enum Joined<V, E> {
    /// Nothing was in flight: the caller starts the computation.
    Lead(Arc<Flight<V, E>>),
    /// A computation was in flight: the caller waits for it.
    Follow(Arc<Flight<V, E>>),
}

#[derive(Debug)]
struct Entry<V, E> {
    flight: Arc<Flight<V, E>>,
    waiters: usize,
}

/// The reference single flight.
#[derive(Debug)]
pub struct Flights<K, V, E> {
    map: Arc<Mutex<HashMap<K, Entry<V, E>>>>,
}

impl<K, V, E> Clone for Flights<K, V, E> {
    fn clone(&self) -> Self {
        Self {
            map: Arc::clone(&self.map),
        }
    }
}

impl<K, V, E> Default for Flights<K, V, E> {
    fn default() -> Self {
        Self {
            map: Arc::new(Mutex::new(HashMap::new())),
        }
    }
}

impl<K: Hash + Eq, V: Clone, E: Clone> Flights<K, V, E> {
    // ANCHOR: core
    /// Joins the flight of `key`, or starts one: one step under the lock.
    pub fn join(&self, key: K) -> Joined<V, E> {
        let mut map = self.map.lock();
        if let Some(entry) = map.get_mut(&key) {
            entry.waiters += 1;
            return Joined::Follow(Arc::clone(&entry.flight));
        }
        let flight = Arc::new(Flight::new());
        map.insert(
            key,
            Entry {
                flight: Arc::clone(&flight),
                waiters: 1,
            },
        );
        Joined::Lead(flight)
    }

    /// The computation of `flight` ended with `result`: forget the key
    /// (a caller from now on starts afresh), then tell every waiter.
    pub fn finish(&self, key: &K, flight: &Arc<Flight<V, E>>, result: Result<V, E>) {
        self.forget(key, flight);
        flight.set(result);
    }

    /// A waiter of `flight` stops waiting. True if it was the last one of
    /// a flight still running: the flight is forgotten, and the caller
    /// must cancel its computation.
    pub fn leave(&self, key: &K, flight: &Arc<Flight<V, E>>) -> bool {
        let mut map = self.map.lock();
        let Some(entry) = map.get_mut(key) else {
            return false;
        };
        if !Arc::ptr_eq(&entry.flight, flight) {
            // Finished, and the key since taken by a new flight.
            return false;
        }
        entry.waiters -= 1;
        if entry.waiters > 0 {
            return false;
        }
        map.remove(key);
        true
    }
    // ANCHOR_END: core

    /// Removes `key`, whatever flight it holds: the zoo's
    /// `StaleKeyRemoval`, never the reference.
    pub(crate) fn forget_whatever(&self, key: &K) {
        self.map.lock().remove(key);
    }

    /// Removes `key` if `flight` is still its flight.
    pub(crate) fn forget(&self, key: &K, flight: &Arc<Flight<V, E>>) {
        let mut map = self.map.lock();
        if map.get(key).is_some_and(|e| Arc::ptr_eq(&e.flight, flight)) {
            map.remove(key);
        }
    }

    /// How many keys have a computation in flight.
    pub fn len(&self) -> usize {
        self.map.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(not(loom))]
impl<V: Clone, E: Clone> Flight<V, E> {
    /// Waits for the result.
    pub(crate) async fn outcome(&self) -> Result<V, E> {
        loop {
            // Listening before looking: a result set after the look wakes
            // this listener (`notify_waiters` keeps no permit).
            let mut done = std::pin::pin!(self.done.notified());
            done.as_mut().enable();
            if let Some(result) = self.result() {
                return result;
            }
            done.await;
        }
    }

    /// Remembers the task that computes it, to cancel.
    pub(crate) fn computed_by(&self, task: tokio::task::AbortHandle) {
        *self.task.lock() = Some(task);
    }

    /// Cancels its computation.
    pub(crate) fn cancel(&self) {
        if let Some(task) = self.task.lock().take() {
            task.abort();
        }
    }
}

#[cfg(not(loom))]
mod waiting {
    use std::future::Future;
    use std::hash::Hash;

    use kit::sync::Arc;

    use super::{Flight, Flights, Joined};
    use crate::SingleFlight;

    /// Stops waiting when dropped: by an answer, or by a caller that gave
    /// up. The last to leave a running flight cancels it.
    struct Leave<'a, K: Hash + Eq, V: Clone, E: Clone> {
        flights: &'a Flights<K, V, E>,
        key: &'a K,
        flight: &'a Arc<Flight<V, E>>,
    }

    impl<K: Hash + Eq, V: Clone, E: Clone> Drop for Leave<'_, K, V, E> {
        fn drop(&mut self) {
            if self.flights.leave(self.key, self.flight) {
                self.flight.cancel();
            }
        }
    }

    impl<K, V, E> SingleFlight<K, V, E> for Flights<K, V, E>
    where
        K: Hash + Eq + Clone + Send + Sync + 'static,
        V: Clone + Send + Sync + 'static,
        E: Clone + Send + Sync + 'static,
    {
        fn new() -> Self {
            Self::default()
        }

        // ANCHOR: get
        async fn get<F>(&self, key: K, compute: F) -> Result<V, E>
        where
            F: Future<Output = Result<V, E>> + Send + 'static,
        {
            let flight = match self.join(key.clone()) {
                Joined::Follow(flight) => flight,
                Joined::Lead(flight) => {
                    // A task of its own, not this caller's future: if this
                    // caller gives up, the others still get their answer.
                    let (flights, key, mine) = (self.clone(), key.clone(), Arc::clone(&flight));
                    let task = tokio::spawn(async move {
                        let result = compute.await;
                        flights.finish(&key, &mine, result);
                    });
                    flight.computed_by(task.abort_handle());
                    flight
                }
            };
            let _leave = Leave {
                flights: self,
                key: &key,
                flight: &flight,
            };
            flight.outcome().await
        }
        // ANCHOR_END: get

        fn in_flight(&self) -> usize {
            self.len()
        }
    }
}
