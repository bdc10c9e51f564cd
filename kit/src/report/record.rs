//! The record of a contention measurement.

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

/// One measurement: `ops` operations of `implementation` on `workload` with
/// `threads` threads took `seconds`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Record {
    pub exercise: String,
    pub workload: String,
    pub implementation: String,
    pub threads: usize,
    pub ops: u64,
    pub seconds: f64,
}

impl Record {
    pub fn ops_per_sec(&self) -> f64 {
        self.ops as f64 / self.seconds
    }
}

/// Written with a last column, `ops_per_sec`, for a reader of the file (read
/// back, it is ignored: it follows from the two before it); seconds to the
/// nanosecond.
impl Serialize for Record {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut row = serializer.serialize_struct("Record", 7)?;
        row.serialize_field("exercise", &self.exercise)?;
        row.serialize_field("workload", &self.workload)?;
        row.serialize_field("implementation", &self.implementation)?;
        row.serialize_field("threads", &self.threads)?;
        row.serialize_field("ops", &self.ops)?;
        row.serialize_field("seconds", &format!("{:.9}", self.seconds))?;
        row.serialize_field("ops_per_sec", &format!("{:.1}", self.ops_per_sec()))?;
        row.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Fingerprint, read_rows, write_rows};

    #[test]
    fn round_trip_with_the_derived_column() {
        let records = vec![Record {
            exercise: "hashmap".into(),
            workload: "exchange".into(),
            implementation: "StripedMap (8 shards)".into(),
            threads: 2,
            ops: 1000,
            seconds: 0.5,
        }];
        let path = std::env::temp_dir().join(format!("kit-record-{}.csv", std::process::id()));
        write_rows(&path, &records, &Fingerprint::detect(), &[]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("exercise,workload,implementation,threads,ops,seconds,ops_per_sec\n")
        );
        assert!(
            text.contains("StripedMap (8 shards),2,1000,0.500000000,2000.0"),
            "{text}"
        );
        let (back, _): (Vec<Record>, _) = read_rows(&path).unwrap();
        assert_eq!(back, records);
        std::fs::remove_file(path).unwrap();
    }
}
