//! tantivy, the measured peer: the same corpus (the King James Bible, one
//! verse a document), the same tokens, the same queries. Indexing in
//! documents a second, and single-threaded query latency, each query timed
//! on every engine back to back so that a busy moment hits them all.

use std::time::{Duration, Instant};

use inverted_index::{
    DocId, Hit, PlainIndex, RwLockIndex, SearchIndex, SegmentIndex, Tokenize, Words,
};
use kit::report::{Align, Table};
use kit::workload::Rng;
use tantivy::collector::TopDocs;
use tantivy::query::BooleanQuery;
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{DocAddress, Index, IndexReader, Term, doc};

use super::tokenizer;
use crate::sweep::Scale;

/// The shipped corpus: 31 102 verses, one a line (see data/README.md).
pub const KJV: &str = include_str!("../../../data/kjv.txt");

/// Hits a query asks for.
const K: usize = 10;

/// One engine's figures.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PeerRow {
    pub engine: String,
    pub docs: u64,
    /// Documents a second, from the first add to searchable (median of runs).
    pub index_docs_per_sec: f64,
    pub queries: u64,
    pub p50_us: f64,
    pub p99_us: f64,
    /// This engine's p50 and p99 over tantivy's.
    pub p50_vs_tantivy: f64,
    pub p99_vs_tantivy: f64,
}

/// How the answers compare with tantivy's.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    pub queries: usize,
    /// Queries whose ten hits are the same documents in the same order.
    pub same_order: usize,
    /// Queries whose ten hits are the same set of documents.
    pub same_set: usize,
    /// The largest relative difference of a score of a document both found.
    pub max_score_diff: f64,
}

/// The queries: `n` verses picked at random, one to three of each verse's
/// words, so that common words ("the", "and") come up as often as they
/// do in the text.
pub fn queries(corpus: &[&str], n: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let mut queries = Vec::with_capacity(n);
    while queries.len() < n {
        let words = Words.tokens(corpus[rng.below(corpus.len() as u64) as usize]);
        if words.is_empty() {
            continue;
        }
        let len = 1 + rng.below(3);
        let query: Vec<&str> = (0..len)
            .map(|_| words[rng.below(words.len() as u64) as usize].as_str())
            .collect();
        queries.push(query.join(" "));
    }
    queries
}

/// Every engine on the corpus: indexing `runs` times, then every query on
/// each, twice (the first pass warms the caches and is not counted).
pub fn compare(scale: Scale) -> (Vec<PeerRow>, Agreement) {
    let corpus: Vec<&str> = KJV.lines().collect();
    let (runs, n) = match scale {
        Scale::Test => (1, 20),
        Scale::Quick => (1, 500),
        Scale::Full => (3, 3_000),
    };
    let corpus = if scale == Scale::Test {
        &corpus[..2_000]
    } else {
        &corpus[..]
    };
    let queries = queries(corpus, n, 41);
    let terms: Vec<Vec<String>> = queries
        .iter()
        .map(|q| inverted_index::bm25::query_terms(&Words, q))
        .collect();

    let index_rate = |build: &dyn Fn()| {
        let mut rates: Vec<f64> = (0..runs)
            .map(|_| {
                let started = Instant::now();
                build();
                corpus.len() as f64 / started.elapsed().as_secs_f64()
            })
            .collect();
        kit::contention::median(&mut rates)
    };
    let rates = [
        index_rate(&|| drop(Tantivy::build(corpus))),
        index_rate(&|| drop(plain(corpus))),
        index_rate(&|| drop(built::<RwLockIndex>(corpus))),
        index_rate(&|| drop(built::<SegmentIndex>(corpus))),
    ];

    let tantivy = Tantivy::build(corpus);
    let plain = plain(corpus);
    let rwlock = built::<RwLockIndex>(corpus);
    let segments = built::<SegmentIndex>(corpus);
    let engines: [(&str, &Search); 4] = [
        ("tantivy 0.27", &|q| tantivy.search(&terms[q])),
        ("PlainIndex (no lock)", &|q| {
            let stats = plain.stats(&terms[q]);
            plain.top_k(&terms[q], &stats, K)
        }),
        ("RwLockIndex", &|q| rwlock.search(&queries[q], K).hits),
        ("SegmentIndex", &|q| segments.search(&queries[q], K).hits),
    ];
    let mut times = vec![Vec::with_capacity(n); engines.len()];
    let mut answers: Vec<Vec<Vec<Hit>>> = vec![Vec::with_capacity(n); engines.len()];
    for pass in 0..2 {
        for q in 0..n {
            // Each query starts with another engine: no engine always
            // runs just after tantivy has filled the caches with its own.
            for i in 0..engines.len() {
                let e = (q + i) % engines.len();
                let search = engines[e].1;
                let started = Instant::now();
                let hits = std::hint::black_box(search(q));
                let took = started.elapsed();
                if pass == 1 {
                    times[e].push(took);
                    answers[e].push(hits);
                }
            }
        }
    }

    let (t50, t99) = percentiles(&mut times[0]);
    let rows = engines
        .iter()
        .zip(rates)
        .zip(&mut times)
        .map(|(((name, _), rate), times)| {
            let (p50, p99) = percentiles(times);
            PeerRow {
                engine: name.to_string(),
                docs: corpus.len() as u64,
                index_docs_per_sec: rate,
                queries: n as u64,
                p50_us: micros(p50),
                p99_us: micros(p99),
                p50_vs_tantivy: micros(p50) / micros(t50),
                p99_vs_tantivy: micros(p99) / micros(t99),
            }
        })
        .collect();
    (rows, agreement(&answers[0], &answers[3]))
}

/// Answers the query of that number.
type Search<'a> = dyn Fn(usize) -> Vec<Hit> + 'a;

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The median and the 99th percentile (nearest rank).
fn percentiles(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    (at(0.50), at(0.99))
}

fn agreement(theirs: &[Vec<Hit>], ours: &[Vec<Hit>]) -> Agreement {
    let mut same_order = 0;
    let mut same_set = 0;
    let mut max_score_diff: f64 = 0.0;
    for (a, b) in theirs.iter().zip(ours) {
        let docs = |hits: &[Hit]| hits.iter().map(|h| h.doc).collect::<Vec<_>>();
        let (da, db) = (docs(a), docs(b));
        same_order += usize::from(da == db);
        let (mut sa, mut sb) = (da.clone(), db.clone());
        sa.sort();
        sb.sort();
        same_set += usize::from(sa == sb);
        for hit in a {
            if let Some(ours) = b.iter().find(|h| h.doc == hit.doc) {
                max_score_diff = max_score_diff.max((hit.score - ours.score).abs() / ours.score);
            }
        }
    }
    Agreement {
        queries: theirs.len(),
        same_order,
        same_set,
        max_score_diff,
    }
}

fn plain(corpus: &[&str]) -> PlainIndex {
    let mut index = PlainIndex::default();
    for (id, doc) in corpus.iter().enumerate() {
        index.add(id as DocId, Words.tokens(doc));
    }
    index
}

/// Every document added, then one refresh: searchable from then on.
fn built<I: SearchIndex>(corpus: &[&str]) -> I {
    let index = I::new(tokenizer());
    for (id, doc) in corpus.iter().enumerate() {
        index.add(id as DocId, doc);
    }
    index.refresh();
    index
}

/// A tantivy index in memory: one text field, cut by our tokenizer, with
/// term frequencies and no positions (our indexes keep none either).
struct Tantivy {
    reader: IndexReader,
    field: tantivy::schema::Field,
}

impl Tantivy {
    /// One indexing thread (tantivy's writer hands the documents to it
    /// from the caller's) and room for the whole corpus in one segment,
    /// so that a document's tantivy id is its line.
    fn build(corpus: &[&str]) -> Tantivy {
        let mut schema = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer("words")
            .set_index_option(IndexRecordOption::WithFreqs);
        let field = schema.add_text_field(
            "text",
            TextOptions::default().set_indexing_options(indexing),
        );
        let index = Index::create_in_ram(schema.build());
        index.tokenizers().register("words", WordsForTantivy);
        let mut writer = index
            .writer_with_num_threads::<tantivy::TantivyDocument>(1, 200_000_000)
            .expect("tantivy writer");
        for doc in corpus {
            writer
                .add_document(doc!(field => *doc))
                .expect("tantivy add");
        }
        writer.commit().expect("tantivy commit");
        let reader = index.reader().expect("tantivy reader");
        assert_eq!(
            reader.searcher().segment_readers().len(),
            1,
            "the corpus should fit one tantivy segment"
        );
        Tantivy { reader, field }
    }

    /// The terms as one disjunction, scored by tantivy's BM25.
    fn search(&self, terms: &[String]) -> Vec<Hit> {
        let query = BooleanQuery::new_multiterms_query(
            terms
                .iter()
                .map(|t| Term::from_field_text(self.field, t))
                .collect(),
        );
        let searcher = self.reader.searcher();
        searcher
            .search(&query, &TopDocs::with_limit(K).order_by_score())
            .expect("tantivy search")
            .into_iter()
            .map(|(score, DocAddress { doc_id, .. })| Hit {
                doc: DocId::from(doc_id),
                score: f64::from(score),
            })
            .collect()
    }
}

/// Our `Words` as a tantivy tokenizer, so that both engines index the
/// same terms.
#[derive(Debug, Clone)]
struct WordsForTantivy;

struct WordsStream {
    words: std::vec::IntoIter<String>,
    token: Token,
}

impl Tokenizer for WordsForTantivy {
    type TokenStream<'a> = WordsStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordsStream {
        WordsStream {
            words: Words.tokens(text).into_iter(),
            token: Token {
                position: usize::MAX,
                ..Token::default()
            },
        }
    }
}

impl TokenStream for WordsStream {
    fn advance(&mut self) -> bool {
        let Some(word) = self.words.next() else {
            return false;
        };
        self.token.position = self.token.position.wrapping_add(1);
        self.token.text = word;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

pub fn peer_markdown(rows: &[PeerRow], agreement: &Agreement) -> String {
    let mut table = Table::new([
        ("engine", Align::Left),
        ("indexing", Align::Right),
        ("query p50", Align::Right),
        ("query p99", Align::Right),
        ("p50 / tantivy", Align::Right),
        ("p99 / tantivy", Align::Right),
    ]);
    for row in rows {
        table.row([
            row.engine.clone(),
            format!("{:.0} docs/s", row.index_docs_per_sec),
            format!("{:.1} µs", row.p50_us),
            format!("{:.1} µs", row.p99_us),
            format!("{:.2}", row.p50_vs_tantivy),
            format!("{:.2}", row.p99_vs_tantivy),
        ]);
    }
    let (docs, queries) = rows.first().map_or((0, 0), |r| (r.docs, r.queries));
    format!(
        "{docs} verses of the King James Bible, {queries} queries of one to three of a verse's \
         words, top {K}, one thread. Both engines cut text with the same tokenizer. Indexing runs \
         from the first add to searchable (tantivy: `commit`; ours: `refresh`).\n\n{}\n\
         SegmentIndex and tantivy return the same ten documents in the same order for {} of {} \
         queries, the same ten in some order for {}; a score of a document both return differs by \
         at most {:.1e} (relative).\n",
        table.markdown(),
        agreement.same_order,
        agreement.queries,
        agreement.same_set,
        agreement.max_score_diff,
    )
}
