//! Every run's answer is checked against the reference's: a mismatch is an
//! error, not a footnote. Both answers are digested by the same Python
//! function, so "the same" means one thing for both languages.

use pyo3::prelude::*;

/// The answer every other run must match.
#[derive(Debug)]
pub struct Reference {
    /// Who computed it: "rust Sequential".
    pub who: String,
    pub digest: String,
    pub answer: Py<PyAny>,
}

/// Two answers that differ, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub workload: String,
    pub who: String,
    pub reference: String,
    pub difference: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} disagrees with {}: {}",
            self.workload, self.who, self.reference, self.difference
        )
    }
}

impl std::error::Error for Mismatch {}

pub fn digest(py: Python<'_>, answer: &Bound<'_, PyAny>) -> PyResult<String> {
    py.import("common")?
        .getattr("digest")?
        .call1((answer,))?
        .extract()
}

impl Reference {
    pub fn new(py: Python<'_>, who: String, answer: Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Self {
            who,
            digest: digest(py, &answer)?,
            answer: answer.unbind(),
        })
    }

    /// `Ok` if `answer` (computed by `who`) equals the reference's.
    pub fn check(
        &self,
        py: Python<'_>,
        workload: &str,
        who: &str,
        answer: &Bound<'_, PyAny>,
    ) -> anyhow::Result<()> {
        if digest(py, answer)? == self.digest {
            return Ok(());
        }
        let found: Option<String> = py
            .import("common")?
            .getattr("first_difference")?
            .call1((answer, self.answer.bind(py)))?
            .extract()?;
        Err(Mismatch {
            workload: workload.to_string(),
            who: who.to_string(),
            reference: self.who.clone(),
            difference: found.unwrap_or_else(|| "the digests differ".to_string()),
        }
        .into())
    }
}
