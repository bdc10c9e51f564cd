//! One suite, run over every implementation (and over the starter with
//! `--features starter`). The checks live in `suite/mod.rs`; each runs
//! under a watchdog (`kit::stress`), so a hang fails with a name.

mod suite;

use topk::{ExactGlobal, ExactSharded, LocalMerge, SpaceSaving, TopK};

use kit::stress::assert_passes as pass;

/// A module of tests per exact implementation, so a failure names both the
/// counter and the check: `starter::exact_under_threads`.
macro_rules! exact {
    ($($module:ident: $make:expr),* $(,)?) => {$(
        mod $module {
            use super::*;

            #[test]
            fn sequential_matches_a_model() {
                pass(|| suite::sequential_matches_model($make));
            }

            #[test]
            fn exact_under_threads() {
                pass(|| suite::exact_under_threads($make));
            }

            #[test]
            fn top_while_recording() {
                pass(|| suite::top_while_recording($make));
            }

            #[test]
            fn first_records_race() {
                pass(|| suite::first_records_race($make));
            }
        }
    )*};
}

exact! {
    exact_global: ExactGlobal::new,
    exact_sharded: ExactSharded::new,
    local_merge: LocalMerge::new,
}

#[cfg(feature = "starter")]
exact! {
    starter: topk::starter::StarterTopK::new,
}

mod space_saving {
    use super::*;

    #[test]
    fn guarantees_on_one_thread() {
        pass(|| suite::bounded_guarantees(SpaceSaving::new, 50, 1));
    }

    #[test]
    fn guarantees_when_merged_from_four_threads() {
        pass(|| suite::bounded_guarantees(SpaceSaving::new, 50, 4));
    }

    #[test]
    fn counts_like_the_algorithm_on_one_thread() {
        pass(|| suite::space_saving_follows_the_algorithm(SpaceSaving::new, 50));
    }

    /// With room for every query it is exact, so the exact suite applies.
    #[test]
    fn exact_when_every_query_fits() {
        pass(|| suite::sequential_matches_model(|| SpaceSaving::new(100)));
        pass(|| suite::exact_under_threads(|| SpaceSaving::new(1_000)));
        pass(|| suite::top_while_recording(|| SpaceSaving::new(1_000)));
    }

    /// What only the estimates show: each overestimate is honest (the true
    /// count is at least count - overestimate) and within N/m, and memory
    /// is m counters per thread, however many distinct queries.
    #[test]
    fn overestimates_are_bounded_and_memory_is_fixed() {
        for case in suite::bounded_cases() {
            let m = 50;
            let counter = SpaceSaving::new(m);
            for query in &case.stream {
                counter.record(query);
            }
            let mut counts = std::collections::HashMap::<&str, u64>::new();
            for query in &case.stream {
                *counts.entry(query).or_default() += 1;
            }
            let bound = counter.error_bound();
            assert_eq!(bound, case.stream.len() as u64 / m as u64);
            for e in counter.top_estimates(usize::MAX) {
                let actual = counts[e.query.as_str()];
                assert!(
                    e.count - e.overestimate <= actual,
                    "{}: {e:?} claims more than {actual}",
                    case.name
                );
                assert!(
                    e.overestimate <= bound,
                    "{}: {e:?} beyond N/m = {bound}",
                    case.name
                );
            }
            let distinct = counts.len();
            assert_eq!(
                counter.counters_in_use(),
                m.min(distinct),
                "{}: {distinct} distinct queries, {m} counters",
                case.name,
            );
        }
    }
}
