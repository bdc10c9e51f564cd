//! `concur segment`: the pipeline over a stream, for files larger than
//! memory.
//!
//! A reader thread cuts the input into batches of whole lines; workers
//! segment and format a batch each; this thread writes the results in input
//! order. Memory stays bounded twice over: the channel to the workers holds
//! a few batches, and a fixed number of *credits* caps how many batches may
//! be out at once, so a slow batch cannot make finished ones pile up in the
//! reorder buffer without end.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, BufRead, Write};

use crate::Cut;
use crate::count::is_word;
use crate::reorder::Reorder;

/// Lines per batch.
const BATCH_LINES: usize = 512;

/// How the tokens of a line are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Tokens separated by " / ", one line per input line (jieba's own
    /// command line does this).
    Text,
    /// One JSON array of token strings per input line.
    Jsonl,
}

/// Why a run stopped.
#[derive(Debug)]
pub enum StreamError {
    /// The input is not UTF-8 from this byte offset on.
    NotUtf8 {
        offset: u64,
    },
    Io(io::Error),
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::NotUtf8 { offset } => write!(
                f,
                "the input is not valid UTF-8 at byte offset {offset} (use --lossy to replace bad bytes)"
            ),
            StreamError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for StreamError {}

/// Lines read from the input, owned, with the number of the batch.
struct Batch {
    seq: u64,
    lines: Vec<String>,
}

/// Reads `input` into batches of lines (terminator stripped) and hands each
/// to `send`, which returns false to stop early.
fn read_batches<R: BufRead>(
    mut input: R,
    lossy: bool,
    mut send: impl FnMut(Batch) -> bool,
) -> Result<(), StreamError> {
    let (mut raw, mut offset, mut seq) = (Vec::new(), 0u64, 0u64);
    let mut lines = Vec::with_capacity(BATCH_LINES);
    loop {
        raw.clear();
        let read = input.read_until(b'\n', &mut raw).map_err(StreamError::Io)?;
        if read > 0 {
            let mut line = raw.as_slice();
            line = line.strip_suffix(b"\n").unwrap_or(line);
            line = line.strip_suffix(b"\r").unwrap_or(line);
            let text = match std::str::from_utf8(line) {
                Ok(text) => text.to_string(),
                Err(_) if lossy => String::from_utf8_lossy(line).into_owned(),
                Err(e) => {
                    return Err(StreamError::NotUtf8 {
                        offset: offset + e.valid_up_to() as u64,
                    });
                }
            };
            lines.push(text);
            offset += read as u64;
        }
        if (read == 0 && !lines.is_empty()) || lines.len() == BATCH_LINES {
            if !send(Batch {
                seq,
                lines: std::mem::take(&mut lines),
            }) {
                return Ok(());
            }
            seq += 1;
        }
        if read == 0 {
            return Ok(());
        }
    }
}

// ANCHOR: segment_stream
/// Segments every line of `input` and writes it to `output` in `format`, in
/// input order, with `workers` workers. Returns the lines written.
pub fn segment_stream<R, W, C>(
    input: R,
    output: &mut W,
    cut: &C,
    workers: usize,
    format: Format,
    lossy: bool,
) -> Result<u64, StreamError>
where
    R: BufRead + Send,
    W: Write,
    C: Cut,
{
    let workers = workers.max(1);
    let window = 4 * workers;
    let (to_workers, inbox) = crossbeam_channel::bounded::<Batch>(workers);
    let (to_writer, results) = crossbeam_channel::bounded::<(u64, Vec<u8>, usize)>(window);
    let (give_back, credits) = crossbeam_channel::bounded::<()>(window);
    for _ in 0..window {
        let _ = give_back.send(());
    }
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            read_batches(input, lossy, |batch| {
                // A batch may go out only with a credit: at most `window`
                // batches between the reader and the written output.
                credits.recv().is_ok() && to_workers.send(batch).is_ok()
            })
        });
        for _ in 0..workers {
            let (inbox, to_writer) = (inbox.clone(), to_writer.clone());
            scope.spawn(move || {
                for batch in inbox {
                    let mut bytes = Vec::new();
                    for line in &batch.lines {
                        format_line(&mut bytes, &cut.cut(line), format);
                    }
                    if to_writer
                        .send((batch.seq, bytes, batch.lines.len()))
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
        drop((inbox, to_writer));
        let mut reorder = Reorder::new();
        let mut written = 0u64;
        let mut failed = None;
        let mut give_back = Some(give_back);
        for (seq, bytes, lines) in results {
            for (bytes, lines) in reorder.push(seq, (bytes, lines)) {
                if let Err(e) = output.write_all(&bytes) {
                    // Nowhere to write (a closed pipe): stop handing out
                    // credits, so the reader stops instead of reading the
                    // rest of the input for nothing.
                    failed.get_or_insert(e);
                    give_back = None;
                }
                if let Some(credits) = &give_back {
                    written += lines as u64;
                    let _ = credits.send(());
                }
            }
        }
        drop(give_back);
        reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        match failed {
            Some(e) => Err(StreamError::Io(e)),
            None => output.flush().map(|()| written).map_err(StreamError::Io),
        }
    })
}
// ANCHOR_END: segment_stream

/// Counts the words of every line of `input` (one map per worker, merged at
/// the end) and returns the `k` most frequent.
pub fn count_stream<R, C>(
    input: R,
    cut: &C,
    workers: usize,
    k: usize,
    lossy: bool,
) -> Result<Vec<(String, u64)>, StreamError>
where
    R: BufRead + Send,
    C: Cut,
{
    let workers = workers.max(1);
    let (to_workers, inbox) = crossbeam_channel::bounded::<Batch>(2 * workers);
    let (maps, read) = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let inbox = inbox.clone();
                scope.spawn(move || {
                    let mut mine: HashMap<String, u64> = HashMap::new();
                    for batch in inbox {
                        for line in &batch.lines {
                            for token in cut.cut(line).into_iter().filter(|t| is_word(t)) {
                                match mine.get_mut(token) {
                                    Some(n) => *n += 1,
                                    None => {
                                        mine.insert(token.to_string(), 1);
                                    }
                                }
                            }
                        }
                    }
                    mine
                })
            })
            .collect();
        drop(inbox);
        let read = read_batches(input, lossy, |batch| to_workers.send(batch).is_ok());
        drop(to_workers);
        let maps: Vec<HashMap<String, u64>> = handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect();
        (maps, read)
    });
    read?;
    let mut total: HashMap<String, u64> = HashMap::new();
    for map in maps {
        for (word, n) in map {
            *total.entry(word).or_default() += n;
        }
    }
    let mut all: Vec<(String, u64)> = total.into_iter().collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    all.truncate(k);
    Ok(all)
}

/// Appends one formatted line of tokens.
pub fn format_line(out: &mut Vec<u8>, tokens: &[&str], format: Format) {
    match format {
        Format::Text => out.extend_from_slice(tokens.join(" / ").as_bytes()),
        Format::Jsonl => {
            out.push(b'[');
            for (i, token) in tokens.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                json_string(out, token);
            }
            out.push(b']');
        }
    }
    out.push(b'\n');
}

/// A JSON string literal: quotes, backslashes and control characters
/// escaped, everything else as UTF-8.
fn json_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            c if (c as u32) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes())
            }
            c => {
                let mut buffer = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
            }
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UnicodeWords;

    #[test]
    fn output_is_in_input_order_at_any_worker_count() {
        let input: String = (0..5_000)
            .map(|i| format!("line {i}, with words\n"))
            .collect();
        let mut one = Vec::new();
        segment_stream(
            input.as_bytes(),
            &mut one,
            &UnicodeWords,
            1,
            Format::Jsonl,
            false,
        )
        .unwrap();
        for workers in [2, 3, 8] {
            let mut many = Vec::new();
            let lines = segment_stream(
                input.as_bytes(),
                &mut many,
                &UnicodeWords,
                workers,
                Format::Jsonl,
                false,
            )
            .unwrap();
            assert_eq!(lines, 5_000);
            assert!(one == many, "{workers} workers changed the output");
        }
        assert!(
            String::from_utf8(one)
                .unwrap()
                .starts_with("[\"line\",\" \",\"0\",\",\",\" \",\"with\",\" \",\"words\"]\n")
        );
    }

    #[test]
    fn bad_utf8_names_its_offset_unless_lossy() {
        let input: &[u8] = b"ok\nbad \xff\n";
        let err = segment_stream(
            input,
            &mut Vec::new(),
            &UnicodeWords,
            2,
            Format::Text,
            false,
        )
        .unwrap_err();
        assert!(matches!(err, StreamError::NotUtf8 { offset: 7 }), "{err:?}");
        let mut out = Vec::new();
        segment_stream(input, &mut out, &UnicodeWords, 2, Format::Text, true).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "ok\nbad /   / \u{fffd}\n");
    }

    #[test]
    fn json_escapes_what_it_must() {
        let mut out = Vec::new();
        format_line(&mut out, &["a\"b", "\\", "\t", "中"], Format::Jsonl);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[\"a\\\"b\",\"\\\\\",\"\\t\",\"中\"]\n"
        );
    }
}
