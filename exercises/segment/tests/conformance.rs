//! One suite, run over every strategy (and over the starter with
//! `--features starter`). The checks live in `suite/mod.rs`.

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
                pass(suite::matches_sequential_on_random_text(&$strategy));
            }

            #[test]
            fn matches_sequential_on_a_corpus() {
                pass(suite::matches_sequential_on_a_corpus(&$strategy));
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
fn parallel_strategies_really_use_several_threads() {
    pass(suite::more_than_one_worker_works(&ScopedThreads));
    pass(suite::more_than_one_worker_works(&ChannelPipeline));
    pass(suite::more_than_one_worker_works(&Rayon));
}

#[cfg(feature = "starter")]
#[test]
fn starter_really_uses_several_threads() {
    pass(suite::more_than_one_worker_works(
        &segment::starter::StarterPipeline,
    ));
}

#[test]
fn sequential_is_the_reference_and_uses_one_thread() {
    let check = suite::more_than_one_worker_works(&Sequential);
    assert!(check.is_err_and(|e| e.contains("only 1 thread")));
}

#[test]
fn word_counts_match_one_thread() {
    let corpus = segment::corpus::generate(200_000, 5);
    pass(suite::counts_match(
        |t, c, w| segment::count::count_shared(t, c, w),
        &corpus,
    ));
    pass(suite::counts_match(
        |t, c, w| segment::count::count_local(t, c, w),
        &corpus,
    ));
}
