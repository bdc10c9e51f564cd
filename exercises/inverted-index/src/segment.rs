//! An immutable segment: a batch of documents, inverted once and never
//! changed. Not the exercise, but what makes the exercise possible: a
//! searcher may read a segment with no lock at all, because nobody writes
//! it. Deletes live beside it (a bitmap of live documents, replaced whole),
//! and a merge builds a new segment instead of changing old ones.
//!
//! Postings are gap-encoded, as Lucene's are: a term's documents in
//! increasing order, each stored as the gap from the previous one. Every
//! gap and term frequency is then a variable-length integer (LEB128: 7
//! bits a byte, the high bit set on every byte but the last). Most gaps and
//! frequencies are small, so most take one byte instead of four. Lucene
//! bit-packs full blocks of 128 and uses variable-length integers only for
//! the rest of a list; this is the simple version.

use std::collections::HashMap;

use crate::DocId;

/// A segment's documents, their lengths and their postings.
#[derive(Debug, Default)]
pub struct Segment {
    /// The document id of each ordinal (a document's place in the segment).
    ids: Vec<DocId>,
    /// Tokens in each document, |d| in BM25.
    lens: Vec<u32>,
    /// Each term's postings.
    postings: HashMap<String, Postings>,
}

/// One term's postings: (ordinal gap, term frequency) pairs, LEB128; and
/// how many, so that a searcher counts n(t) without decoding them.
#[derive(Debug, Default)]
struct Postings {
    docs: u32,
    bytes: Vec<u8>,
}

/// Postings being written: the bytes so far and the last ordinal.
#[derive(Debug, Default)]
struct Builder {
    bytes: Vec<u8>,
    docs: u32,
    last: Option<u32>,
}

impl Builder {
    fn push(&mut self, ord: u32, tf: u32) {
        let gap = match self.last {
            Some(last) => ord - last,
            None => ord,
        };
        self.docs += 1;
        write_varint(&mut self.bytes, gap);
        write_varint(&mut self.bytes, tf);
        self.last = Some(ord);
    }

    fn finish(self) -> Postings {
        Postings {
            docs: self.docs,
            bytes: self.bytes,
        }
    }
}

impl Segment {
    /// Inverts `docs`, each an id and its tokens, in that order.
    pub fn build(docs: &[(DocId, Vec<String>)]) -> Segment {
        let mut building = Building::default();
        for (id, tokens) in docs {
            building.push(*id, tokens);
        }
        building.finish()
    }

    /// One segment holding the live documents of `parts` (segments with
    /// their live bitmaps), in order; and for each part, each ordinal's new
    /// ordinal (`None` for a document that was dead). Postings are copied
    /// term by term with their ordinals renumbered; nothing is tokenized
    /// again.
    pub fn merge(parts: &[(&Segment, &[bool])]) -> (Segment, Vec<Vec<Option<u32>>>) {
        let mut merged = Segment::default();
        let mut renumbered = Vec::with_capacity(parts.len());
        for (segment, live) in parts {
            let mut new = Vec::with_capacity(segment.ids.len());
            for (ord, &alive) in live.iter().enumerate() {
                if alive {
                    new.push(Some(merged.ids.len() as u32));
                    merged.ids.push(segment.ids[ord]);
                    merged.lens.push(segment.lens[ord]);
                } else {
                    new.push(None);
                }
            }
            renumbered.push(new);
        }
        // Parts in order, and ordinals in order within a part: each term's
        // new ordinals come out increasing, as postings must be.
        let mut builders: HashMap<&str, Builder> = HashMap::new();
        for ((segment, _), new) in parts.iter().zip(&renumbered) {
            for (term, postings) in &segment.postings {
                for (ord, tf) in decode(&postings.bytes) {
                    if let Some(to) = new[ord as usize] {
                        builders.entry(term).or_default().push(to, tf);
                    }
                }
            }
        }
        merged.postings = builders
            .into_iter()
            .filter(|(_, builder)| builder.last.is_some())
            .map(|(term, builder)| (term.to_string(), builder.finish()))
            .collect();
        (merged, renumbered)
    }

    /// The same documents with no postings at all: what a segment looks
    /// like to a searcher that finds it before its postings are written.
    /// Only the bug zoo builds one.
    pub fn without_postings(&self) -> Segment {
        Segment {
            ids: self.ids.clone(),
            lens: self.lens.clone(),
            postings: HashMap::new(),
        }
    }

    /// Documents in the segment, dead ones included.
    pub fn docs(&self) -> usize {
        self.ids.len()
    }

    pub fn id(&self, ord: u32) -> DocId {
        self.ids[ord as usize]
    }

    pub fn len_of(&self, ord: u32) -> u32 {
        self.lens[ord as usize]
    }

    /// A term's postings: (ordinal, term frequency), ordinals increasing.
    pub fn postings(&self, term: &str) -> impl Iterator<Item = (u32, u32)> + '_ {
        decode(self.postings.get(term).map_or(&[][..], |p| &p.bytes))
    }

    /// How many documents of the segment hold `term`, dead ones included.
    pub fn doc_freq(&self, term: &str) -> u32 {
        self.postings.get(term).map_or(0, |p| p.docs)
    }

    /// Bytes of postings, to compare with eight bytes per (document,
    /// frequency) pair stored as two plain u32s.
    pub fn postings_bytes(&self) -> usize {
        self.postings.values().map(|p| p.bytes.len()).sum()
    }
}

/// A segment being inverted one document at a time: what a refresh of
/// `SegmentIndex` does all at once, and a `BufferedIndex` writer does as it
/// adds, into its own buffer.
#[derive(Debug, Default)]
pub struct Building {
    ids: Vec<DocId>,
    lens: Vec<u32>,
    postings: HashMap<String, Builder>,
}

impl Building {
    /// Inverts one more document; its ordinal.
    pub fn push(&mut self, id: DocId, tokens: &[String]) -> u32 {
        let ord = u32::try_from(self.ids.len()).expect("a segment holds under 2^32 documents");
        let mut tf: HashMap<&str, u32> = HashMap::new();
        for token in tokens {
            *tf.entry(token).or_insert(0) += 1;
        }
        for (term, tf) in tf {
            match self.postings.get_mut(term) {
                Some(builder) => builder.push(ord, tf),
                None => {
                    let mut builder = Builder::default();
                    builder.push(ord, tf);
                    self.postings.insert(term.to_string(), builder);
                }
            }
        }
        self.ids.push(id);
        self.lens
            .push(u32::try_from(tokens.len()).expect("a document of under 2^32 tokens"));
        ord
    }

    /// Documents pushed so far.
    pub fn docs(&self) -> usize {
        self.ids.len()
    }

    pub fn finish(self) -> Segment {
        Segment {
            ids: self.ids,
            lens: self.lens,
            postings: self
                .postings
                .into_iter()
                .map(|(term, builder)| (term, builder.finish()))
                .collect(),
        }
    }
}

fn write_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn read_varint(bytes: &[u8], at: &mut usize) -> u32 {
    let mut value = 0u32;
    let mut shift = 0;
    loop {
        let byte = bytes[*at];
        *at += 1;
        value |= u32::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return value;
        }
        shift += 7;
    }
}

/// (ordinal, frequency) pairs from gap-encoded bytes.
fn decode(bytes: &[u8]) -> impl Iterator<Item = (u32, u32)> + '_ {
    let mut at = 0;
    let mut ord = 0u32;
    let mut first = true;
    std::iter::from_fn(move || {
        if at >= bytes.len() {
            return None;
        }
        let gap = read_varint(bytes, &mut at);
        let tf = read_varint(bytes, &mut at);
        ord = if first { gap } else { ord + gap };
        first = false;
        Some((ord, tf))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: DocId, text: &str) -> (DocId, Vec<String>) {
        (id, text.split(' ').map(String::from).collect())
    }

    #[test]
    fn postings_round_trip_through_the_encoding() {
        let mut docs: Vec<_> = (0..300).map(|i| doc(i * 7, "a b")).collect();
        docs.push(doc(5000, "b b b"));
        let segment = Segment::build(&docs);
        let b: Vec<_> = segment.postings("b").collect();
        assert_eq!(b.len(), 301);
        assert_eq!(b[299], (299, 1));
        assert_eq!(b[300], (300, 3));
        assert_eq!(segment.id(300), 5000);
        assert_eq!(segment.postings("zzz").count(), 0);
        // Every gap is 0 or 1 and every frequency under 128: two bytes a
        // posting, against eight for two plain u32s.
        assert_eq!(segment.postings_bytes(), 2 * (300 + 301));
    }

    #[test]
    fn a_merge_keeps_live_documents_and_renumbers_them() {
        let first = Segment::build(&[doc(1, "x y"), doc(2, "y"), doc(3, "x")]);
        let second = Segment::build(&[doc(4, "x x")]);
        let (merged, new) = Segment::merge(&[(&first, &[true, false, true]), (&second, &[true])]);
        assert_eq!(new, [vec![Some(0), None, Some(1)], vec![Some(2)]]);
        assert_eq!(
            merged.postings("x").collect::<Vec<_>>(),
            [(0, 1), (1, 1), (2, 2)]
        );
        assert_eq!(merged.postings("y").collect::<Vec<_>>(), [(0, 1)]);
        assert_eq!((merged.id(2), merged.len_of(2)), (4, 2));
    }
}
