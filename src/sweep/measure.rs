//! The timing loop of `concur bench`: contenders in turn, round after
//! round, medians. (The criterion benches time the same points with
//! criterion's loop, in `benches/common`.)

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use kit::report::Record;

use super::{Contender, Point, Sample};

/// A contender's result at a point: its record (the median run), and every
/// run's sample for the tables that look inside runs.
#[derive(Debug, Clone)]
pub struct Measured {
    pub record: Record,
    pub samples: Vec<Sample>,
}

impl Measured {
    /// From the runs of `contender` at `point`.
    pub fn of(point: &Point, contender: &str, samples: Vec<Sample>) -> Measured {
        let mut seconds: Vec<f64> = samples.iter().map(|s| s.took.as_secs_f64()).collect();
        Measured {
            record: point.record(contender, &mut seconds),
            samples,
        }
    }
}

/// Runs every contender of `point` in turn, round after round, until each
/// has had `budget` of runs and at least `min_runs` runs. A contender that
/// panics (a starter's `todo!()`) is dropped with a note to `skipped`.
pub fn measure_interleaved(
    point: &Point,
    budget: Duration,
    min_runs: usize,
    skipped: impl FnMut(&str, &str),
) -> Vec<Measured> {
    measure_together(&[point], budget, min_runs, skipped)
}

/// [`measure_interleaved`] over several points at once: every contender of
/// every point in one round. On a shared machine the speed of memory moves
/// from one second to the next (another tenant's work), so a ratio between
/// two points, one thread against two, is honest only if both were
/// measured in the same moments.
pub fn measure_together(
    points: &[&Point],
    budget: Duration,
    min_runs: usize,
    mut skipped: impl FnMut(&str, &str),
) -> Vec<Measured> {
    let all: Vec<(&Point, &Contender)> = points
        .iter()
        .flat_map(|point| point.contenders.iter().map(move |c| (*point, c)))
        .collect();
    let mut alive: Vec<usize> = (0..all.len()).collect();
    let mut runs: Vec<Vec<Sample>> = vec![Vec::new(); all.len()];
    let started = std::time::Instant::now();
    // Round-robin, so that a slow moment of the machine hits all alike.
    while !alive.is_empty()
        && (started.elapsed() < budget * alive.len() as u32
            || alive.iter().any(|&i| runs[i].len() < min_runs))
    {
        alive.retain(|&i| {
            let contender = all[i].1;
            match guarded(|| (contender.run)()) {
                Ok(sample) => {
                    runs[i].push(sample);
                    true
                }
                Err(why) => {
                    skipped(contender.name, &why);
                    runs[i].clear();
                    false
                }
            }
        });
    }
    all.into_iter()
        .zip(runs)
        .filter(|(_, runs)| !runs.is_empty())
        .map(|((point, contender), runs)| Measured::of(point, contender.name, runs))
        .collect()
}

/// Runs one measurement, turning a panic (a starter's `todo!()`, say) into an
/// error message instead of taking the whole sweep down.
pub fn guarded(run: impl FnOnce() -> Sample) -> Result<Sample, String> {
    catch_unwind(AssertUnwindSafe(run)).map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic".to_string())
    })
}
