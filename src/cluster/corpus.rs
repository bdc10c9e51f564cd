//! A corpus as `concur search` and the shard processes read it: one
//! document per line, and the tokenizer its text needs. One place, so that
//! every shard process of a cluster cuts text exactly as the in-process
//! index does, and scores agree to the last bit.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use inverted_index::{DocId, Tokenize, Words};
use segment::{Cut, Dictionary, Segmenter};

/// The corpus file's text: UTF-8, or with `lossy` any bytes.
pub fn read(path: &Path, lossy: bool) -> Result<String> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the corpus {}", path.display()))?;
    let text = decode(&bytes, lossy).with_context(|| path.display().to_string())?;
    let lines = text.lines().count();
    if u32::try_from(lines).is_err() {
        bail!("{} has {lines} lines; ids are 32-bit", path.display());
    }
    Ok(text.into_owned())
}

/// The tokenizer for a corpus: jieba's words where it holds Chinese text,
/// UAX #29 words otherwise.
pub fn tokenizer(text: &str) -> Arc<dyn Tokenize> {
    if text.chars().any(is_han) {
        Arc::new(HanAware(Segmenter::new(Dictionary::jieba())))
    } else {
        // No Han in the corpus: a Han query term matches nothing either way.
        Arc::new(Words)
    }
}

/// Calls `add` with every document and its id, on all cores: tokenizing
/// is the slow part of indexing, and the indexes take `&self`.
pub fn add_all(docs: &[&str], add: impl Fn(DocId, &str) + Sync) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = docs.len().div_ceil(threads).max(1);
    let add = &add;
    std::thread::scope(|scope| {
        for (chunk, part) in docs.chunks(per).enumerate() {
            scope.spawn(move || {
                for (i, doc) in part.iter().enumerate() {
                    add((chunk * per + i) as DocId, doc);
                }
            });
        }
    });
}

/// UTF-8, or with `lossy` U+FFFD for every byte that is not; else an error
/// that says where the first bad byte is.
pub fn decode(bytes: &[u8], lossy: bool) -> Result<std::borrow::Cow<'_, str>> {
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

/// jieba's dictionary segmentation is what Chinese text needs (UAX #29
/// cuts it into single characters); everything else gets UAX #29 words.
pub fn is_han(c: char) -> bool {
    // jieba's own range for Han (its `re_han_default`).
    ('\u{4E00}'..='\u{9FD5}').contains(&c)
}

/// Runs of Han cut by jieba, the rest by [`Words`], all lowercased.
#[derive(Debug)]
pub struct HanAware(Segmenter);

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
