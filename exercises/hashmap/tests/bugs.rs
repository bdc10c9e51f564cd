//! The suite must catch every bug in the zoo, each by the check meant for it
//! and under the right name. A suite that passes a broken map is broken too.

mod suite;

use hashmap::buggy::{
    CheckThenActMap, KeyOrderDeadlockMap, LockOrderDeadlockMap, LostUpdateMap,
    SameShardSelfDeadlockMap, StaleOldValueMap, TornTransferMap, UnguardedCopyMap,
    UnsequencedTransferMap,
};
use hashmap::{ConcurrentMap, Counter, GlobalLockMap, Striped, TransferError};
use kit::bugs;
use kit::stress::assert_caught;

#[test]
fn lost_update_is_caught() {
    assert_caught(bugs::LOST_UPDATE, suite::update_is_atomic::<LostUpdateMap>);
}

#[test]
fn check_then_act_is_caught() {
    assert_caught(
        bugs::CHECK_THEN_ACT,
        suite::get_or_insert_with_runs_f_once::<CheckThenActMap>,
    );
}

/// Two inserts into one key hand back the same old value.
#[test]
fn a_stale_old_value_is_caught() {
    assert_caught(
        bugs::CHECK_THEN_ACT,
        suite::every_value_comes_back_once::<StaleOldValueMap>,
    );
}

/// Caught by the watchdog: the test fails within its deadline, it does not
/// hang.
#[test]
fn lock_order_deadlock_is_caught() {
    assert_caught(
        bugs::LOCK_ORDER_DEADLOCK,
        suite::transfers_conserve_and_never_deadlock::<LockOrderDeadlockMap>,
    );
}

#[test]
fn a_torn_transfer_is_caught() {
    assert_caught(
        bugs::TORN_UPDATE,
        suite::transfers_are_never_seen_half_done::<TornTransferMap>,
    );
}

/// Copy-on-write without the writer lock: writers erase each other's copies.
#[test]
fn copies_that_race_are_caught() {
    assert_caught(
        bugs::LOST_UPDATE,
        suite::update_is_atomic::<UnguardedCopyMap>,
    );
}

/// Two tables published one after the other, with nothing to tell readers.
#[test]
fn an_unsequenced_transfer_is_caught() {
    assert_caught(
        bugs::TORN_UPDATE,
        suite::transfers_are_never_seen_half_done::<UnsequencedTransferMap>,
    );
}

/// Pairs of keys each locked in one order, and still a cycle of shards.
#[test]
fn a_lock_order_by_key_is_caught() {
    assert_caught(
        bugs::LOCK_ORDER_DEADLOCK,
        suite::transfers_across_two_stripes_never_deadlock::<KeyOrderDeadlockMap>,
    );
}

/// A one-thread check, a hang: the watchdog names it in seconds, by the
/// stuck thread being blocked rather than running.
#[test]
fn same_shard_self_deadlock_is_caught() {
    let started = std::time::Instant::now();
    // Both checks wait out their deadlines: side by side, not one after
    // the other.
    std::thread::scope(|scope| {
        scope.spawn(|| {
            assert_caught(
                bugs::SELF_DEADLOCK,
                suite::transfer_within_one_stripe::<SameShardSelfDeadlockMap>,
            )
        });
        assert_caught(
            bugs::SELF_DEADLOCK,
            suite::sequential_on_one_stripe::<SameShardSelfDeadlockMap>,
        );
    });
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

/// Each bug is in one method only: the other checks pass, so a failure points
/// at the right place.
#[test]
fn each_bug_breaks_only_its_own_method() {
    assert_eq!(suite::update_is_atomic::<CheckThenActMap>(), Ok(()));
    assert_eq!(suite::update_is_atomic::<LockOrderDeadlockMap>(), Ok(()));
    assert_eq!(
        suite::update_is_atomic::<SameShardSelfDeadlockMap>(),
        Ok(())
    );
    assert_eq!(
        suite::get_or_insert_with_runs_f_once::<LostUpdateMap>(),
        Ok(())
    );
    assert_eq!(
        suite::transfers_conserve_and_never_deadlock::<LostUpdateMap>(),
        Ok(())
    );
    assert_eq!(suite::update_is_atomic::<UnsequencedTransferMap>(), Ok(()));
    assert_eq!(
        suite::transfers_are_never_seen_half_done::<UnguardedCopyMap>(),
        Ok(())
    );
    // On one thread, none of them is wrong: that is what makes them bugs
    // worth a zoo.
    assert_eq!(suite::sequential_matches_model::<LostUpdateMap>(), Ok(()));
    assert_eq!(suite::sequential_matches_model::<CheckThenActMap>(), Ok(()));
    assert_eq!(
        suite::sequential_matches_model::<LockOrderDeadlockMap>(),
        Ok(())
    );
}

/// A global lock that claims to be striped: the striping check must see
/// through it.
#[derive(Debug)]
struct FakeStripes(GlobalLockMap<u64, u64>);

impl Striped<u64> for FakeStripes {
    fn stripes(&self) -> usize {
        16
    }
    fn stripe_of(&self, key: &u64) -> usize {
        (*key % 16) as usize
    }
}

impl ConcurrentMap<u64, u64> for FakeStripes {
    fn with_capacity(capacity: usize) -> Self {
        Self(GlobalLockMap::with_capacity(capacity))
    }
    fn insert(&self, key: u64, value: u64) -> Option<u64> {
        self.0.insert(key, value)
    }
    fn get(&self, key: &u64) -> Option<u64> {
        self.0.get(key)
    }
    fn remove(&self, key: &u64) -> Option<u64> {
        self.0.remove(key)
    }
    fn update<F: FnOnce(&mut u64)>(&self, key: &u64, f: F) -> bool {
        self.0.update(key, f)
    }
    fn get_or_insert_with<F: FnOnce() -> u64>(&self, key: u64, f: F) -> u64 {
        self.0.get_or_insert_with(key, f)
    }
    fn transfer(&self, from: &u64, to: &u64, amount: u64) -> Result<(), TransferError>
    where
        u64: Counter,
    {
        self.0.transfer(from, to, amount)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

#[test]
fn a_global_lock_posing_as_stripes_is_caught() {
    assert_caught(
        bugs::NO_STRIPING,
        suite::stripes_lock_independently::<FakeStripes>,
    );
}
