//! The record type and its CSV form.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use super::Fingerprint;

/// One measurement: `ops` operations of `implementation` on `workload` with
/// `threads` threads took `seconds`.
#[derive(Debug, Clone, PartialEq)]
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

const HEADER: &str = "exercise,workload,implementation,threads,ops,seconds,ops_per_sec";

/// Writes `records` to `path` (creating its folder), the fingerprint and then
/// any `notes` first as `#` lines.
pub fn write_csv(
    path: &Path,
    records: &[Record],
    fingerprint: &Fingerprint,
    notes: &[String],
) -> io::Result<()> {
    let mut out = String::new();
    for line in fingerprint.lines().iter().chain(notes) {
        let _ = writeln!(out, "# {line}");
    }
    let _ = writeln!(out, "{HEADER}");
    for r in records {
        for field in [&r.exercise, &r.workload, &r.implementation] {
            if field.contains([',', '"', '\n']) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("CSV field {field:?} contains a comma, quote or newline"),
                ));
            }
        }
        let _ = writeln!(
            out,
            "{},{},{},{},{},{:.9},{:.1}",
            r.exercise,
            r.workload,
            r.implementation,
            r.threads,
            r.ops,
            r.seconds,
            r.ops_per_sec()
        );
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(path, out)
}

/// Reads a file written by [`write_csv`]: the records, and the `#` lines
/// (without the `# `) as the fingerprint to print on a chart.
pub fn read_csv(path: &Path) -> io::Result<(Vec<Record>, Vec<String>)> {
    let text = fs::read_to_string(path)?;
    let bad = |line: usize, why: String| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}:{line}: {why}", path.display()),
        )
    };
    let mut records = Vec::new();
    let mut fingerprint = Vec::new();
    let mut seen_header = false;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if let Some(comment) = line.strip_prefix('#') {
            fingerprint.push(comment.trim_start().to_string());
            continue;
        }
        if !seen_header {
            if line != HEADER {
                return Err(bad(number, format!("expected the header {HEADER:?}")));
            }
            seen_header = true;
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != 7 {
            return Err(bad(
                number,
                format!("expected 7 fields, found {}", fields.len()),
            ));
        }
        let parse_err = |what: &str| bad(number, format!("{what} is not a number"));
        records.push(Record {
            exercise: fields[0].to_string(),
            workload: fields[1].to_string(),
            implementation: fields[2].to_string(),
            threads: fields[3].parse().map_err(|_| parse_err("threads"))?,
            ops: fields[4].parse().map_err(|_| parse_err("ops"))?,
            seconds: fields[5].parse().map_err(|_| parse_err("seconds"))?,
        });
    }
    if !seen_header {
        return Err(bad(0, "no header line: not a concur CSV".to_string()));
    }
    Ok((records, fingerprint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let records = vec![Record {
            exercise: "hashmap".into(),
            workload: "exchange".into(),
            implementation: "StripedMap".into(),
            threads: 2,
            ops: 1000,
            seconds: 0.5,
        }];
        let path = std::env::temp_dir().join(format!("kit-csv-{}.csv", std::process::id()));
        let fingerprint = Fingerprint::detect();
        let notes = vec!["scaling ceiling: 1.5x".to_string()];
        write_csv(&path, &records, &fingerprint, &notes).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("StripedMap,2,1000,0.500000000,2000.0"),
            "{text}"
        );
        let (back, lines) = read_csv(&path).unwrap();
        assert_eq!(back, records);
        assert_eq!(lines, [fingerprint.lines(), notes].concat());
        fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_bad_line_names_its_number() {
        let path = std::env::temp_dir().join(format!("kit-bad-{}.csv", std::process::id()));
        fs::write(&path, format!("{HEADER}\nhashmap,x,y,two,1,1,1\n")).unwrap();
        let err = read_csv(&path).unwrap_err().to_string();
        assert!(err.ends_with(":2: threads is not a number"), "{err}");
        fs::remove_file(path).unwrap();
    }
}
