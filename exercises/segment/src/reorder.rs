//! Putting results back in input order.
//!
//! Workers finish chunks in whatever order the scheduler likes. Each chunk
//! carries its sequence number; results that arrive early wait here until
//! every chunk before them is out. This is the one place where "parallel"
//! becomes "in order" again, and the classic bug is to skip it.

use std::collections::BTreeMap;

// ANCHOR: reorder
/// Accepts results tagged `0, 1, 2, ...` in any order and releases them in
/// order.
#[derive(Debug)]
pub struct Reorder<T> {
    next: u64,
    waiting: BTreeMap<u64, T>,
}

impl<T> Default for Reorder<T> {
    fn default() -> Self {
        Self {
            next: 0,
            waiting: BTreeMap::new(),
        }
    }
}

impl<T> Reorder<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the result of chunk `seq`; returns every result that is now
    /// next in line, in order (possibly none, possibly several).
    pub fn push(&mut self, seq: u64, result: T) -> Vec<T> {
        assert!(
            seq >= self.next && !self.waiting.contains_key(&seq),
            "chunk {seq} delivered twice"
        );
        self.waiting.insert(seq, result);
        let mut ready = Vec::new();
        while let Some(result) = self.waiting.remove(&self.next) {
            ready.push(result);
            self.next += 1;
        }
        ready
    }

    /// Results waiting for an earlier chunk.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }
}
// ANCHOR_END: reorder

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_in_order() {
        let mut r = Reorder::new();
        assert_eq!(r.push(2, 'c'), vec![]);
        assert_eq!(r.push(0, 'a'), vec!['a']);
        assert_eq!(r.waiting(), 1);
        assert_eq!(r.push(1, 'b'), vec!['b', 'c']);
        assert_eq!(r.waiting(), 0);
    }
}
