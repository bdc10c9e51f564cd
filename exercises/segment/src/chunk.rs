//! Cutting a text into chunks for workers, at line boundaries only.
//!
//! A boundary anywhere else changes the answer: inside a UTF-8 sequence it
//! does not even give valid text, and inside a word (or just inside a line)
//! the segmenter sees two half-sentences and cuts them differently. Lines
//! are independent by definition of the output, so a chunk of whole lines
//! is segmented exactly as it would be in place.

// ANCHOR: line_chunks
/// About `n` chunks of about equal size, each ending just after a `\n`
/// (the last one at the end of the text). Their concatenation is `text`.
pub fn line_chunks(text: &str, n: usize) -> Vec<&str> {
    let target = text.len().div_ceil(n.max(1)).max(1);
    chunks_of(text, target)
}

/// Chunks of at least `size` bytes (or the rest of the text), each ending
/// just after a `\n`.
pub fn chunks_of(text: &str, size: usize) -> Vec<&str> {
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let want = (start + size.max(1)).min(text.len());
        // The first line end at or after `want`: a byte search, and `\n`
        // is never part of a longer UTF-8 sequence, so this is always a
        // character boundary too.
        let end = match text.as_bytes()[want - 1..].iter().position(|&b| b == b'\n') {
            Some(at) => want + at,
            None => text.len(),
        };
        chunks.push(&text[start..end]);
        start = end;
    }
    chunks
}
// ANCHOR_END: line_chunks

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_hold_whole_lines_and_cover_the_text() {
        let text = "第一行\n第二行很长很长\n\n三\n最后没有换行";
        for n in 1..8 {
            let chunks = line_chunks(text, n);
            assert_eq!(chunks.concat(), text);
            for chunk in &chunks[..chunks.len() - 1] {
                assert!(chunk.ends_with('\n'), "{chunk:?}");
            }
            let lines: Vec<&str> = chunks.iter().flat_map(|c| c.lines()).collect();
            assert_eq!(lines, text.lines().collect::<Vec<_>>());
        }
        assert_eq!(line_chunks("", 4), Vec::<&str>::new());
    }
}
