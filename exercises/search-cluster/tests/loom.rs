//! Loom model of the replica counts: requests picked and dropped on two
//! threads at once, in every interleaving. Each count must come back to
//! zero, and never wrap below it: a count that leaks makes a replica look
//! busy for ever, and least-outstanding choice sends it nothing again.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p search-cluster --test loom --release`
#![cfg(loom)]

use kit::sync::{Arc, thread};
use search_cluster::Replicas;

#[test]
fn counts_come_back_to_zero_whatever_the_order() {
    loom::model(|| {
        let replicas = Arc::new(Replicas::new(2));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let replicas = Arc::clone(&replicas);
                thread::spawn(move || {
                    let first = replicas.pick(0).expect("a replica");
                    // A hedge: the other replica, beside the first.
                    let hedge = replicas.pick(1 << first.replica).expect("another replica");
                    assert_ne!(first.replica, hedge.replica);
                    // The first answers; the hedge is cancelled (dropped).
                    drop(hedge);
                    drop(first);
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        for replica in 0..2 {
            assert_eq!(
                replicas.outstanding(replica),
                0,
                "replica {replica}'s count leaked"
            );
        }
    });
}

#[test]
fn every_replica_skipped_means_none() {
    loom::model(|| {
        let replicas = Replicas::new(2);
        assert!(replicas.pick(0b11).is_none());
        let one = replicas.pick(0b01).expect("replica 1 is not skipped");
        assert_eq!(one.replica, 1);
    });
}
