//! A deterministic corpus for benchmarks: sentences drawn from the
//! dictionary by word frequency, so the text has the statistics the
//! segmenter was built for, and nothing is downloaded.

use kit::workload::{Rng, Zipf};

use crate::Dictionary;

/// About `bytes` of text: lines of 5 to 30 words drawn from the
/// dictionary's most frequent words (Zipf over their rank), with Chinese
/// punctuation, now and then an ASCII word or number, and a newline after
/// every line.
pub fn generate(bytes: usize, seed: u64) -> String {
    let mut words: Vec<(&str, u64)> = Dictionary::jieba_text()
        .lines()
        .filter_map(|line| {
            let mut fields = line.split(' ');
            Some((fields.next()?, fields.next()?.parse().ok()?))
        })
        .collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    words.truncate(50_000);
    let popularity = Zipf::new(words.len() as u64, 1.0);
    let mut rng = Rng::new(seed);
    let mut text = String::with_capacity(bytes + 256);
    while text.len() < bytes {
        let n = 5 + rng.below(26);
        for i in 0..n {
            match rng.below(40) {
                0 => {
                    text.push_str(["Rust", "GPU", "2024", "iPhone", "3.14"][rng.below(5) as usize])
                }
                1 if i > 0 => text.push_str(["，", "、", "：", " "][rng.below(4) as usize]),
                _ => text.push_str(words[popularity.sample(&mut rng) as usize].0),
            }
        }
        text.push_str(["。", "！", "？"][rng.below(3) as usize]);
        text.push('\n');
    }
    text
}
