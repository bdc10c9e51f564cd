//! One thread, line after line: the reference every strategy must match.

use std::time::Instant;

use crate::{Cut, Segmented, Strategy, Timings, cut_lines};

/// Segments on the calling thread; `workers` is ignored.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sequential;

impl Strategy for Sequential {
    fn segment<'a, C: Cut>(&self, text: &'a str, cut: &C, _workers: usize) -> Segmented<'a> {
        let started = Instant::now();
        let lines = cut_lines(text, cut);
        Segmented {
            lines,
            timings: Timings {
                segmenting: started.elapsed(),
                ..Timings::default()
            },
        }
    }
}
