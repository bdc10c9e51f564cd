//! `concur search --corpus FILE [-k K] [--shards S] [--lossy]`: an index of
//! FILE (one document per line, id = 0-based line number), then one query
//! per line of standard input, one JSON answer per line of standard output:
//! `{"query": "...", "hits": [{"doc": 12, "score": 3.21}], "partial": false}`.

use std::io::{self, BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use inverted_index::{DocId, Hit, SegmentIndex, Sharded, Tokenize, Words};
use segment::{Cut, Dictionary, Segmenter};

use super::finish_output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The documents, one per line (UTF-8); an empty line is an empty
    /// document, and a document's id is its line number, from 0.
    #[arg(long, value_name = "FILE")]
    corpus: PathBuf,
    /// Hits per query, at most.
    #[arg(short = 'k', value_name = "K", default_value_t = 10)]
    k: usize,
    /// Split the documents over S in-process shards, searched in parallel
    /// with the whole collection's statistics: the answers are the same as
    /// with one.
    #[arg(long, value_name = "S", default_value_t = 1)]
    shards: usize,
    /// Replace bytes that are not UTF-8 with U+FFFD instead of stopping.
    #[arg(long)]
    lossy: bool,
}

#[derive(serde::Serialize)]
struct Answer<'a> {
    query: &'a str,
    hits: Vec<JsonHit>,
    /// In-process shards always answer: never partial. The cluster's
    /// coordinator sets it when a shard misses its deadline.
    partial: bool,
}

#[derive(serde::Serialize)]
struct JsonHit {
    doc: DocId,
    score: f64,
}

pub fn run(args: &Args) -> Result<()> {
    if args.k == 0 {
        bail!("-k must be at least 1");
    }
    if args.shards == 0 || args.shards > 1024 {
        bail!("--shards takes a count from 1 to 1024, got {}", args.shards);
    }
    let bytes = std::fs::read(&args.corpus)
        .with_context(|| format!("cannot read the corpus {}", args.corpus.display()))?;
    let text = decode(&bytes, args.lossy).with_context(|| args.corpus.display().to_string())?;
    let docs: Vec<&str> = text.lines().collect();
    if u32::try_from(docs.len()).is_err() {
        bail!(
            "{} has {} lines; ids are 32-bit",
            args.corpus.display(),
            docs.len()
        );
    }
    let tokenizer: Arc<dyn Tokenize> = if text.chars().any(is_han) {
        Arc::new(HanAware(Segmenter::new(Dictionary::jieba())))
    } else {
        // No Han in the corpus: a Han query term matches nothing either way.
        Arc::new(Words)
    };
    let index = Sharded::<SegmentIndex>::new(args.shards, tokenizer);
    add_all(&index, &docs);
    index.refresh();
    eprintln!(
        "search: {} documents in {} shard(s); reading queries, one per line",
        docs.len(),
        args.shards
    );

    let mut out = BufWriter::new(io::stdout().lock());
    let mut line = Vec::new();
    let mut input = io::stdin().lock();
    let mut number = 0;
    let written = loop {
        line.clear();
        let read = input
            .read_until(b'\n', &mut line)
            .context("reading the queries")?;
        if read == 0 {
            break out.flush();
        }
        number += 1;
        let raw = line.strip_suffix(b"\n").unwrap_or(&line);
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let query = decode(raw, args.lossy).with_context(|| format!("query {number}"))?;
        let hits = index.search(&query, args.k);
        let answer = Answer {
            query: &query,
            hits: hits
                .iter()
                .map(|&Hit { doc, score }| JsonHit { doc, score })
                .collect(),
            partial: false,
        };
        let json = serde_json::to_string(&answer).context("writing an answer")?;
        if let Err(e) = writeln!(out, "{json}").and_then(|()| out.flush()) {
            break Err(e);
        }
    };
    finish_output(written)
}

/// UTF-8, or with `lossy` U+FFFD for every byte that is not; else an error
/// that says where the first bad byte is.
fn decode(bytes: &[u8], lossy: bool) -> Result<std::borrow::Cow<'_, str>> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.into()),
        Err(_) if lossy => Ok(String::from_utf8_lossy(bytes)),
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            bail!("not UTF-8: a bad byte at offset {at} (line {line}); --lossy replaces such bytes")
        }
    }
}

/// Adds every document, tokenizing on all cores: tokenizing is the slow
/// part, and `add` takes `&self`.
fn add_all(index: &Sharded<SegmentIndex>, docs: &[&str]) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = docs.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        for (chunk, part) in docs.chunks(per).enumerate() {
            scope.spawn(move || {
                for (i, doc) in part.iter().enumerate() {
                    index.add((chunk * per + i) as DocId, doc);
                }
            });
        }
    });
}

/// jieba's dictionary segmentation is what Chinese text needs (UAX #29
/// cuts it into single characters); everything else gets UAX #29 words.
fn is_han(c: char) -> bool {
    // jieba's own range for Han (its `re_han_default`).
    ('\u{4E00}'..='\u{9FD5}').contains(&c)
}

/// Runs of Han cut by jieba, the rest by [`Words`], all lowercased.
#[derive(Debug)]
struct HanAware(Segmenter);

impl Tokenize for HanAware {
    fn tokens(&self, text: &str) -> Vec<String> {
        let mut tokens = Vec::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let han = is_han(c);
            let end = rest
                .char_indices()
                .find(|&(_, c)| is_han(c) != han)
                .map_or(rest.len(), |(i, _)| i);
            let (run, after) = rest.split_at(end);
            if han {
                tokens.extend(self.0.cut(run).into_iter().map(str::to_string));
            } else {
                tokens.extend(Words.tokens(run));
            }
            rest = after;
        }
        tokens
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_says_where_the_bad_byte_is() {
        let error = decode(b"ok\nbad \xff here", false).unwrap_err().to_string();
        assert!(error.contains("offset 7 (line 2)"), "{error}");
        assert_eq!(decode(b"a\xffb", true).unwrap(), "a\u{FFFD}b");
    }
}
