//! One suite, run over every strategy (and over the starter with
//! `--features starter`). The checks live in `suite/mod.rs`; each runs
//! under a watchdog (`kit::stress`), so a hang fails with a name.

mod suite;

use segment::{ChannelPipeline, Rayon, ScopedThreads, Sequential};

use kit::stress::assert_passes as pass;

/// A module of tests per strategy: `starter::matches_sequential_on_a_corpus`.
macro_rules! conformance {
    ($($module:ident: $strategy:expr),* $(,)?) => {$(
        mod $module {
            use super::*;

            #[test]
            fn matches_sequential_on_random_text() {
                pass(|| suite::matches_sequential_on_random_text($strategy));
            }

            #[test]
            fn matches_sequential_on_a_corpus() {
                pass(|| suite::matches_sequential_on_a_corpus($strategy));
            }

            #[test]
            fn matches_sequential_at_the_edges() {
                pass(|| suite::matches_sequential_at_the_edges($strategy));
            }

            #[test]
            fn uses_several_threads_within_the_bound() {
                pass(|| suite::more_than_one_worker_works($strategy));
            }
        }
    )*};
}

conformance! {
    scoped_threads: ScopedThreads,
    channel_pipeline: ChannelPipeline,
    rayon: Rayon,
}

#[cfg(feature = "starter")]
conformance! {
    starter: segment::starter::StarterPipeline,
}

#[test]
fn sequential_is_the_reference_and_uses_one_thread() {
    let check = suite::more_than_one_worker_works(Sequential);
    assert!(check.is_err_and(|e| e.contains("only 1 thread")));
}

#[test]
fn word_counts_match_one_thread() {
    pass(|| {
        let corpus = segment::corpus::generate(200_000, 5);
        suite::counts_match(|t, c, w| segment::count::count_shared(t, c, w), &corpus)?;
        suite::counts_match(|t, c, w| segment::count::count_local(t, c, w), &corpus)
    });
}
