//! Counting a stream of lines with one reader and N workers.
//!
//! The reader owns the input and cuts it into batches of whole lines; the
//! workers take batches from a bounded channel and record every line. The
//! channel's bound is the back-pressure: when the workers fall behind, the
//! reader blocks instead of reading the whole file into memory, so a file
//! larger than memory streams through in a few megabytes.

use std::fmt;
use std::io::{self, BufRead};

use crate::TopK;

/// Lines per batch: large enough that channel traffic is noise, small
/// enough that every worker gets work on a short input.
const BATCH_LINES: usize = 1024;

/// Batches in flight per worker before the reader waits.
const BATCHES_PER_WORKER: usize = 4;

/// A batch of lines stored end to end in one string: one allocation per
/// batch instead of one per line.
#[derive(Debug, Default)]
struct Batch {
    text: String,
    ends: Vec<usize>,
}

impl Batch {
    fn lines(&self) -> impl Iterator<Item = &str> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let line = &self.text[start..end];
            start = end;
            line
        })
    }
}

/// What a counting run saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Lines recorded (empty lines are not).
    pub recorded: u64,
    /// Empty lines skipped.
    pub empty: u64,
    /// Lines recorded by each worker: more than one non-zero entry means the
    /// work really was shared.
    pub per_worker: Vec<u64>,
}

/// Why a counting run stopped.
#[derive(Debug)]
pub enum StreamError {
    /// Line `line` (1-based) is not UTF-8; its first bad byte is at
    /// `byte` (0-based) within the line.
    NotUtf8 {
        line: u64,
        byte: usize,
    },
    Io(io::Error),
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::NotUtf8 { line, byte } => write!(
                f,
                "line {line} is not valid UTF-8 (first bad byte at offset {byte} in the line)"
            ),
            StreamError::Io(e) => write!(f, "reading the input: {e}"),
        }
    }
}

impl std::error::Error for StreamError {}

// ANCHOR: count_lines
/// Records every non-empty line of `input` (terminator stripped: `\n` or
/// `\r\n`) into `counter`, using `workers` worker threads.
pub fn count_lines<R: BufRead, T: TopK>(
    mut input: R,
    counter: &T,
    workers: usize,
) -> Result<Stats, StreamError> {
    let workers = workers.max(1);
    let (batches, inbox) = crossbeam_channel::bounded::<Batch>(workers * BATCHES_PER_WORKER);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let inbox = inbox.clone();
                scope.spawn(move || {
                    let mut recorded = 0;
                    for batch in inbox {
                        for line in batch.lines() {
                            counter.record(line);
                            recorded += 1;
                        }
                    }
                    recorded
                })
            })
            .collect();
        drop(inbox);

        // The reader: this thread. Dropping `batches` at the end (or on an
        // error) closes the channel, and the workers finish what is queued.
        let read = read_batches(&mut input, |batch| {
            // Fails only if every worker is gone, which happens only if one
            // panicked; the join below reports that.
            let _ = batches.send(batch);
        });
        drop(batches);
        let per_worker: Vec<u64> = handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect();
        let empty = read?;
        Ok(Stats {
            recorded: per_worker.iter().sum(),
            empty,
            per_worker,
        })
    })
}
// ANCHOR_END: count_lines

/// Reads `input` into batches of whole lines and hands each to `send`.
/// Returns the number of empty lines skipped.
fn read_batches<R: BufRead>(
    input: &mut R,
    mut send: impl FnMut(Batch),
) -> Result<u64, StreamError> {
    let mut raw = Vec::new();
    let mut batch = Batch::default();
    let (mut number, mut empty) = (0u64, 0u64);
    loop {
        raw.clear();
        if input.read_until(b'\n', &mut raw).map_err(StreamError::Io)? == 0 {
            break;
        }
        number += 1;
        let mut line = raw.as_slice();
        line = line.strip_suffix(b"\n").unwrap_or(line);
        line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            empty += 1;
            continue;
        }
        let text = std::str::from_utf8(line).map_err(|e| StreamError::NotUtf8 {
            line: number,
            byte: e.valid_up_to(),
        })?;
        batch.text.push_str(text);
        batch.ends.push(batch.text.len());
        if batch.ends.len() == BATCH_LINES {
            send(std::mem::take(&mut batch));
        }
    }
    if !batch.ends.is_empty() {
        send(batch);
    }
    Ok(empty)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ExactGlobal;

    #[test]
    fn strips_terminators_and_skips_empty_lines() {
        let counter = ExactGlobal::new();
        let input = "a\r\nb\n\n\r\na\nlast without newline";
        let stats = count_lines(input.as_bytes(), &counter, 2).unwrap();
        assert_eq!(stats.recorded, 4);
        assert_eq!(stats.empty, 2);
        assert_eq!(
            counter.top(3),
            vec![
                ("a".to_string(), 2),
                ("b".to_string(), 1),
                ("last without newline".to_string(), 1)
            ]
        );
    }

    #[test]
    fn names_the_line_that_is_not_utf8() {
        let counter = ExactGlobal::new();
        let input: &[u8] = b"fine\nalso fine\nbad \xff here\nnever read\n";
        let err = count_lines(input, &counter, 2).unwrap_err();
        assert!(
            matches!(err, StreamError::NotUtf8 { line: 3, byte: 4 }),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "line 3 is not valid UTF-8 (first bad byte at offset 4 in the line)"
        );
    }

    #[test]
    fn every_worker_gets_work_on_a_long_input() {
        let counter = ExactGlobal::new();
        let input: String = (0..200_000).map(|i| format!("q{}\n", i % 97)).collect();
        let stats = count_lines(input.as_bytes(), &counter, 4).unwrap();
        assert_eq!(stats.recorded, 200_000);
        assert_eq!(stats.per_worker.len(), 4);
        assert!(
            stats.per_worker.iter().filter(|&&n| n > 0).count() > 1,
            "only one worker did work: {:?}",
            stats.per_worker
        );
    }
}
