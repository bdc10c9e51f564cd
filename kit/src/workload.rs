//! Seeded workloads: keys and operation mixes that are the same on every run.
//!
//! Benchmarks compare implementations on *identical* operation streams, so
//! everything here is a pure function of a seed. The generator is our own
//! SplitMix64 rather than `rand`, so a stream never changes when a dependency
//! is upgraded, and generating keys costs a few instructions: operations are
//! generated before the timed loop anyway, but tests call these in hot loops.

use std::fmt;

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast, and good enough for
/// workloads. Not for cryptography.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// A generator for thread `index` of a run seeded with `seed`: each thread
    /// gets its own stream, and the streams do not overlap in practice.
    pub fn for_thread(seed: u64, index: usize) -> Self {
        let mut mixer = Rng(seed ^ (index as u64).wrapping_mul(0xA076_1D64_78BD_642F));
        Rng(mixer.next_u64())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2^-32
    /// for the key-space sizes used here).
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "Rng::below(0) has no value to return");
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `[0, 1)`, with 53 bits of precision.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// How keys are drawn from `0..n`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KeyDist {
    /// Every key equally likely.
    Uniform { n: u64 },
    /// Key `i` (0-based) drawn with probability proportional to `1 / (i+1)^s`:
    /// a few hot keys and a long tail, like real caches and query logs.
    Zipf { n: u64, s: f64 },
}

impl KeyDist {
    /// The number of distinct keys.
    pub fn n(&self) -> u64 {
        match *self {
            KeyDist::Uniform { n } | KeyDist::Zipf { n, .. } => n,
        }
    }

    /// A sampler for this distribution. A Zipf sampler precomputes its
    /// cumulative table once (O(n) memory); share it rather than rebuild it.
    pub fn sampler(&self) -> Sampler {
        match *self {
            KeyDist::Uniform { n } => Sampler::Uniform { n },
            KeyDist::Zipf { n, s } => Sampler::Zipf(Zipf::new(n, s)),
        }
    }
}

/// Draws keys from a [`KeyDist`].
#[derive(Debug, Clone)]
pub enum Sampler {
    Uniform { n: u64 },
    Zipf(Zipf),
}

impl Sampler {
    pub fn sample(&self, rng: &mut Rng) -> u64 {
        match self {
            Sampler::Uniform { n } => rng.below(*n),
            Sampler::Zipf(zipf) => zipf.sample(rng),
        }
    }
}

/// Zipf over `0..n` with exponent `s`, sampled by inverting a cumulative table
/// with a binary search: exact, simple, and O(log n) a draw.
#[derive(Debug, Clone)]
pub struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    pub fn new(n: u64, s: f64) -> Self {
        assert!(n > 0, "Zipf needs at least one key");
        assert!(
            s.is_finite() && s >= 0.0,
            "Zipf exponent must be >= 0, got {s}"
        );
        let mut total = 0.0;
        let mut cumulative: Vec<f64> = (1..=n)
            .map(|rank| {
                total += (rank as f64).powf(-s);
                total
            })
            .collect();
        for c in &mut cumulative {
            *c /= total;
        }
        Self { cumulative }
    }

    pub fn sample(&self, rng: &mut Rng) -> u64 {
        let u = rng.unit();
        // The first rank whose cumulative probability exceeds u.
        let rank = self.cumulative.partition_point(|&c| c <= u);
        rank.min(self.cumulative.len() - 1) as u64
    }

    /// The probability of key `i`.
    pub fn probability(&self, i: u64) -> f64 {
        let i = i as usize;
        let below = if i == 0 { 0.0 } else { self.cumulative[i - 1] };
        self.cumulative[i] - below
    }
}

/// A vocabulary of distinct search queries, and streams drawn from it with
/// Zipf popularity: a few queries very often, a long tail once or twice.
/// Query `i` is the `i`-th most popular.
#[derive(Debug, Clone)]
pub struct Queries {
    pub vocabulary: Vec<String>,
    popularity: Zipf,
}

impl Queries {
    /// `n` distinct queries of two to four words, drawn with Zipf exponent `s`.
    pub fn new(n: u64, s: f64, seed: u64) -> Self {
        const SYLLABLES: [&str; 24] = [
            "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ba", "de", "fi", "go", "ha", "ju",
            "ke", "la", "mo", "nu", "pe", "qi", "ro", "su", "ta", "wu",
        ];
        let mut rng = Rng::new(seed);
        let word = |rng: &mut Rng| -> String {
            let syllables = 1 + rng.below(3);
            (0..syllables)
                .map(|_| SYLLABLES[rng.below(SYLLABLES.len() as u64) as usize])
                .collect()
        };
        let vocabulary = (0..n)
            .map(|i| {
                let words = 2 + rng.below(3);
                let mut query: Vec<String> = (0..words).map(|_| word(&mut rng)).collect();
                // The rank makes every query distinct, whatever the words.
                query.push(i.to_string());
                query.join(" ")
            })
            .collect();
        Self {
            vocabulary,
            popularity: Zipf::new(n, s),
        }
    }

    /// `len` query indices for thread `thread` of a stream seeded with `seed`.
    pub fn stream(&self, seed: u64, thread: usize, len: usize) -> Vec<u32> {
        let mut rng = Rng::for_thread(seed, thread);
        (0..len)
            .map(|_| self.popularity.sample(&mut rng) as u32)
            .collect()
    }

    pub fn text(&self, index: u32) -> &str {
        &self.vocabulary[index as usize]
    }
}

/// One map operation on a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Read(u64),
    Insert(u64),
    Remove(u64),
    Update(u64),
}

/// An operation mix in percent: read / insert / remove / update, summing to
/// 100. The three named mixes are bustle's, the benchmark behind dashmap's and
/// conc-map-bench's charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mix {
    pub name: &'static str,
    pub read: u8,
    pub insert: u8,
    pub remove: u8,
    pub update: u8,
}

impl Mix {
    /// A cache: almost every operation is a lookup.
    pub const READ_HEAVY: Mix = Mix::new("read-heavy", 98, 1, 1, 0);
    /// Keys come and go as fast as they are read: most operations write.
    pub const EXCHANGE: Mix = Mix::new("exchange", 10, 40, 40, 10);
    /// The map grows all the time: resizing under load.
    pub const RAPID_GROW: Mix = Mix::new("rapid-grow", 5, 80, 5, 10);

    pub const fn new(name: &'static str, read: u8, insert: u8, remove: u8, update: u8) -> Self {
        assert!(
            read as u32 + insert as u32 + remove as u32 + update as u32 == 100,
            "a mix must sum to 100 percent"
        );
        Self {
            name,
            read,
            insert,
            remove,
            update,
        }
    }

    /// Draws one operation on a key from `keys`.
    pub fn op(&self, keys: &Sampler, rng: &mut Rng) -> Op {
        let key = keys.sample(rng);
        let roll = rng.below(100) as u8;
        if roll < self.read {
            Op::Read(key)
        } else if roll < self.read + self.insert {
            Op::Insert(key)
        } else if roll < self.read + self.insert + self.remove {
            Op::Remove(key)
        } else {
            Op::Update(key)
        }
    }

    /// `count` operations for thread `thread` of a run seeded with `seed`.
    pub fn ops(&self, keys: &Sampler, seed: u64, thread: usize, count: usize) -> Vec<Op> {
        let mut rng = Rng::for_thread(seed, thread);
        (0..count).map(|_| self.op(keys, &mut rng)).collect()
    }
}

impl fmt::Display for Mix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}/{}/{}/{})",
            self.name, self.read, self.insert, self.remove, self.update
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let keys = KeyDist::Zipf { n: 1000, s: 0.99 }.sampler();
        let a = Mix::EXCHANGE.ops(&keys, 42, 3, 1000);
        let b = Mix::EXCHANGE.ops(&keys, 42, 3, 1000);
        let c = Mix::EXCHANGE.ops(&keys, 42, 4, 1000);
        assert_eq!(a, b);
        assert_ne!(a, c, "threads must get different streams");
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut rng = Rng::new(1);
        let mut seen = [false; 10];
        for _ in 0..1000 {
            seen[rng.below(10) as usize] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }

    /// The frequency of rank r falls as r^-s: the ratio of rank 1's count to
    /// rank 10's count estimates 10^s. Checked for two exponents.
    #[test]
    fn zipf_frequencies_follow_the_exponent() {
        for s in [0.8, 1.2] {
            let zipf = Zipf::new(1000, s);
            let mut rng = Rng::new(7);
            let mut counts = vec![0u64; 1000];
            let draws = 2_000_000;
            for _ in 0..draws {
                counts[zipf.sample(&mut rng) as usize] += 1;
            }
            // Fit the exponent from ranks 1..=10 and compare.
            let fitted = (counts[0] as f64 / counts[9] as f64).ln() / 10f64.ln();
            assert!(
                (fitted - s).abs() < 0.05,
                "s = {s}: fitted exponent {fitted:.3}"
            );
            // And the head's share matches the model within 1 %.
            let expected = zipf.probability(0) * draws as f64;
            let relative = (counts[0] as f64 - expected).abs() / expected;
            assert!(relative < 0.01, "s = {s}: rank 1 off by {relative:.4}");
        }
    }

    #[test]
    fn queries_are_distinct_and_popular_ones_come_first() {
        let queries = Queries::new(1000, 1.0, 5);
        let distinct: std::collections::HashSet<&String> = queries.vocabulary.iter().collect();
        assert_eq!(distinct.len(), 1000);
        let stream = queries.stream(1, 0, 20_000);
        let top = stream.iter().filter(|&&q| q == 0).count();
        let tail = stream.iter().filter(|&&q| q == 999).count();
        assert!(
            top > 50 * tail.max(1),
            "rank 0 drawn {top} times, rank 999 {tail}"
        );
        assert_eq!(queries.stream(1, 0, 100), stream[..100]);
    }

    #[test]
    fn uniform_is_flat() {
        let keys = KeyDist::Uniform { n: 4 }.sampler();
        let mut rng = Rng::new(3);
        let mut counts = [0u32; 4];
        for _ in 0..40_000 {
            counts[keys.sample(&mut rng) as usize] += 1;
        }
        for c in counts {
            assert!((9_500..10_500).contains(&c), "{counts:?}");
        }
    }

    #[test]
    fn mixes_hit_their_percentages() {
        let keys = KeyDist::Uniform { n: 100 }.sampler();
        let ops = Mix::RAPID_GROW.ops(&keys, 9, 0, 100_000);
        let inserts = ops.iter().filter(|op| matches!(op, Op::Insert(_))).count();
        let reads = ops.iter().filter(|op| matches!(op, Op::Read(_))).count();
        assert!((79_000..81_000).contains(&inserts), "{inserts}");
        assert!((4_500..5_500).contains(&reads), "{reads}");
    }
}
