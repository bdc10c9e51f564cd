//! The k-way merge: every shard sends its own top k, ranked; the global
//! top k is among them, and a heap of each list's best unread hit finds it
//! in k steps, without sorting everything that came back.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::Hit;

/// Rank order: higher score first, then lower id. A total order (f64's
/// `total_cmp`), so equal scores are kept and ordered, never dropped.
pub fn rank(a: &Hit, b: &Hit) -> Ordering {
    b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc))
}

/// The head of one shard's list, ordered so that the max-heap's top is the
/// best hit.
struct Head<'a> {
    hit: Hit,
    rest: std::slice::Iter<'a, Hit>,
}

impl PartialEq for Head<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Head<'_> {}

impl PartialOrd for Head<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Head<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        rank(&other.hit, &self.hit)
    }
}

// ANCHOR: merge
/// The `k` best hits of `lists`, each already ranked (as shards send them).
/// Shards hold disjoint documents, so no document comes twice.
pub fn merge_top_k(lists: &[Vec<Hit>], k: usize) -> Vec<Hit> {
    let mut heads: BinaryHeap<Head> = lists
        .iter()
        .filter_map(|list| {
            let mut rest = list.iter();
            rest.next().map(|&hit| Head { hit, rest })
        })
        .collect();
    let mut merged = Vec::with_capacity(k.min(lists.iter().map(Vec::len).sum()));
    while merged.len() < k {
        let Some(mut best) = heads.pop() else { break };
        merged.push(best.hit);
        if let Some(&next) = best.rest.next() {
            best.hit = next;
            heads.push(best);
        }
    }
    merged
}
// ANCHOR_END: merge

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(pairs: &[(u32, f64)]) -> Vec<Hit> {
        pairs
            .iter()
            .map(|&(doc, score)| Hit { doc, score })
            .collect()
    }

    #[test]
    fn keeps_ties_and_orders_them_by_id() {
        let lists = [
            hits(&[(3, 2.0), (9, 1.0)]),
            hits(&[(4, 2.0), (1, 1.0)]),
            hits(&[]),
        ];
        assert_eq!(
            merge_top_k(&lists, 10),
            hits(&[(3, 2.0), (4, 2.0), (1, 1.0), (9, 1.0)])
        );
        assert_eq!(
            merge_top_k(&lists, 3),
            hits(&[(3, 2.0), (4, 2.0), (1, 1.0)])
        );
        assert_eq!(merge_top_k(&[], 3), hits(&[]));
    }
}
