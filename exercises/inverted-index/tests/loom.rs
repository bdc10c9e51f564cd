//! Loom models of the publishing protocol of `SegmentIndex`: every
//! interleaving of a refresh, a merge, a delete and a waiter, within
//! loom's bounds. Run with
//! `RUSTFLAGS="--cfg loom" cargo test --release --test loom -p inverted-index`.

#![cfg(loom)]

use std::time::Duration;

use inverted_index::{BufferedIndex, SearchIndex, SegmentIndex, Words};
use loom::sync::Arc;
use loom::thread;

fn index<I: SearchIndex>() -> I {
    I::new(std::sync::Arc::new(Words))
}

#[test]
fn a_waiter_finds_the_change_it_waited_for() {
    waiter_finds_its_change::<SegmentIndex>();
}

#[test]
fn a_delete_during_a_merge_stays_deleted() {
    delete_during_merge_stays_deleted::<SegmentIndex>();
}

#[test]
fn buffered_a_waiter_finds_the_change_it_waited_for() {
    waiter_finds_its_change::<BufferedIndex>();
}

#[test]
fn buffered_a_delete_during_a_merge_stays_deleted() {
    delete_during_merge_stays_deleted::<BufferedIndex>();
}

#[test]
fn buffered_a_refresh_holds_exactly_the_changes_numbered_before_it() {
    refresh_holds_what_was_numbered::<BufferedIndex>();
}

#[test]
fn a_refresh_holds_exactly_the_changes_numbered_before_it() {
    refresh_holds_what_was_numbered::<SegmentIndex>();
}

#[cfg(feature = "starter")]
#[test]
fn starter_a_refresh_holds_exactly_the_changes_numbered_before_it() {
    refresh_holds_what_was_numbered::<inverted_index::starter::StarterIndex>();
}

#[cfg(feature = "starter")]
#[test]
fn starter_a_waiter_finds_the_change_it_waited_for() {
    waiter_finds_its_change::<inverted_index::starter::StarterIndex>();
}

#[cfg(feature = "starter")]
#[test]
fn starter_a_delete_during_a_merge_stays_deleted() {
    delete_during_merge_stays_deleted::<inverted_index::starter::StarterIndex>();
}

/// A waiter woken for its change finds it: the view is published before
/// the waiters are told.
fn waiter_finds_its_change<I: SearchIndex + 'static>() {
    loom::model(|| {
        let index = Arc::new(index::<I>());
        let seq = index.add(1, "fresh");
        let waiter = {
            let index = Arc::clone(&index);
            thread::spawn(move || {
                index.wait_for(seq, Duration::from_secs(60)).unwrap();
                let answer = index.search("fresh", 1);
                assert!(
                    answer.seq >= seq && answer.hits.len() == 1,
                    "stale read: woken for change {seq}, the search saw {answer:?}"
                );
            })
        };
        index.refresh();
        waiter.join().unwrap();
    });
}

/// A delete refreshed while a merge runs stays deleted, and a search at
/// any moment sees either the document or not, never a broken view.
fn delete_during_merge_stays_deleted<I: SearchIndex + 'static>() {
    loom::model(|| {
        let index = Arc::new(index::<I>());
        index.add(1, "a b");
        index.refresh();
        index.add(2, "a");
        index.refresh();
        let merger = {
            let index = Arc::clone(&index);
            thread::spawn(move || index.merge())
        };
        let searcher = {
            let index = Arc::clone(&index);
            thread::spawn(move || {
                let answer = index.search("a", 10);
                let want = if answer.seq >= 3 { 1 } else { 2 };
                assert_eq!(
                    answer.hits.len(),
                    want,
                    "torn update: as of change {}, got {answer:?}",
                    answer.seq
                );
            })
        };
        index.delete(1);
        index.refresh();
        merger.join().unwrap();
        searcher.join().unwrap();
        let after = index.search("a", 10);
        assert!(
            after.hits.iter().all(|hit| hit.doc != 1),
            "lost update: document 1 was deleted during a merge and is back: {after:?}"
        );
    });
}

/// Two writers replace one document while a refresh runs: the view it
/// publishes holds exactly the changes numbered up to its own number,
/// applied in number order, and the next refresh holds both.
fn refresh_holds_what_was_numbered<I: SearchIndex + 'static>() {
    loom::model(|| {
        let index = Arc::new(index::<I>());
        let writers: Vec<_> = ["apple", "pear"]
            .into_iter()
            .map(|text| {
                let index = Arc::clone(&index);
                thread::spawn(move || (index.add(1, text), text))
            })
            .collect();
        let seq = index.refresh();
        let seen = index.search("apple pear", 5);
        let mut changes: Vec<_> = writers.into_iter().map(|w| w.join().unwrap()).collect();
        changes.sort();
        // Document 1 as the changes numbered up to `upto` left it.
        let want = |upto| {
            let text = changes
                .iter()
                .rev()
                .find(|(s, _)| *s <= upto)
                .map(|(_, t)| *t);
            text.map_or(0, |_| 1)
        };
        let check = |answer: &inverted_index::Answer| {
            assert_eq!(
                answer.hits.len(),
                want(answer.seq),
                "torn update: as of change {} the changes {changes:?} leave {} document(s), \
                 the search found {answer:?}",
                answer.seq,
                want(answer.seq)
            );
            let text = changes
                .iter()
                .rev()
                .find(|(s, _)| *s <= answer.seq)
                .map(|(_, t)| *t);
            if let Some(text) = text {
                let found = index.search(text, 5);
                assert!(
                    found.seq != answer.seq || found.hits.len() == 1,
                    "lost update: as of change {}, document 1 should read {text:?}: {found:?}",
                    answer.seq
                );
            }
        };
        assert!(
            seen.seq >= seq,
            "stale read: refresh returned {seq}, then saw {seen:?}"
        );
        check(&seen);
        index.refresh();
        let last = index.search("apple pear", 5);
        assert_eq!(last.seq, 2, "two changes, both refreshed: {last:?}");
        check(&last);
    });
}
