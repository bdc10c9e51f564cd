//! Every CSV concur writes, whatever it records: rows of one record type
//! through serde (the `csv` crate), the machine fingerprint and any notes
//! first as `#` lines. One writer and one reader, so a table in the book can
//! always be made again from the CSV beside it.

use std::fs;
use std::io;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Fingerprint;

/// Writes `rows` to `path` (creating its folder), with the fingerprint's
/// lines and then `notes` first, each as a `# ` line.
pub fn write_rows<R: Serialize>(
    path: &Path,
    rows: &[R],
    fingerprint: &Fingerprint,
    notes: &[String],
) -> io::Result<()> {
    let mut out = Vec::new();
    for line in fingerprint.lines().iter().chain(notes) {
        out.extend_from_slice(format!("# {line}\n").as_bytes());
    }
    let mut writer = csv::Writer::from_writer(out);
    for row in rows {
        writer.serialize(row).map_err(io::Error::other)?;
    }
    let out = writer
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    fs::write(path, out)
}

/// Reads a file written by [`write_rows`]: the rows, and the `#` lines
/// (without the `# `), which say what machine and settings they came from.
/// A bad line is an error that names the file and the line.
pub fn read_rows<R: DeserializeOwned>(path: &Path) -> io::Result<(Vec<R>, Vec<String>)> {
    let text = fs::read_to_string(path)?;
    let notes: Vec<String> = text
        .lines()
        .filter_map(|line| line.strip_prefix('#'))
        .map(|line| line.trim_start().to_string())
        .collect();
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    // A file of another kind, or not a CSV at all, is named as such, even
    // with no rows to fail on.
    let fields = field_names::<R>();
    let header = reader.headers().map_err(io::Error::other)?.clone();
    if fields.iter().any(|f| !header.iter().any(|h| h == *f)) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{}: expected the header to name {}, found {:?}",
                path.display(),
                fields.join(","),
                header.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    }
    let bad = |line: Option<u64>, why: String| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{}:{}: {why}",
                path.display(),
                line.map_or("?".to_string(), |l| l.to_string())
            ),
        )
    };
    let mut rows = Vec::new();
    for row in reader.deserialize() {
        rows.push(row.map_err(|e| {
            let line = e.position().map(|p| p.line());
            let why = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => match err.field() {
                    Some(field) => format!("field {}: {}", field + 1, err.kind()),
                    None => err.kind().to_string(),
                },
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!("expected {expected_len} fields, found {len}"),
                _ => e.to_string(),
            };
            bad(line, why)
        })?);
    }
    Ok((rows, notes))
}

/// The field names of a struct that derives `Deserialize`, read from what
/// it asks a deserializer for (an empty list for anything else).
fn field_names<'de, R: serde::Deserialize<'de>>() -> &'static [&'static str] {
    struct Fields(Option<&'static [&'static str]>);

    #[derive(Debug)]
    struct Stop;

    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("fields read")
        }
    }

    impl std::error::Error for Stop {}

    impl serde::de::Error for Stop {
        fn custom<T: std::fmt::Display>(_: T) -> Self {
            Stop
        }
    }

    impl<'de> serde::Deserializer<'de> for &mut Fields {
        type Error = Stop;

        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }

        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = Some(fields);
            Err(Stop)
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }

    let mut fields = Fields(None);
    let _ = R::deserialize(&mut fields);
    fields.0.unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Row {
        name: String,
        count: u64,
    }

    fn temp(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("kit-{name}-{}.csv", std::process::id()))
    }

    #[test]
    fn rows_and_notes_round_trip() {
        let path = temp("round-trip");
        let rows = vec![
            Row {
                name: "a, with a comma".into(),
                count: 3,
            },
            Row {
                name: "b".into(),
                count: 4,
            },
        ];
        let fingerprint = Fingerprint::detect();
        write_rows(&path, &rows, &fingerprint, &["a note".to_string()]).unwrap();
        let (back, notes): (Vec<Row>, _) = read_rows(&path).unwrap();
        assert_eq!(back, rows);
        assert_eq!(notes, [fingerprint.lines(), vec!["a note".into()]].concat());
        fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_bad_line_names_its_number() {
        let path = temp("bad");
        fs::write(&path, "# cores: 2\nname,count\na,1\nb,two\n").unwrap();
        let err = read_rows::<Row>(&path).unwrap_err().to_string();
        assert!(err.contains(":4: field 2"), "{err}");
        fs::write(&path, "name,count\na,1,9\n").unwrap();
        let err = read_rows::<Row>(&path).unwrap_err().to_string();
        assert!(err.contains("expected 2 fields, found 3"), "{err}");
        fs::write(&path, "not a csv\n").unwrap();
        let err = read_rows::<Row>(&path).unwrap_err().to_string();
        assert!(
            err.contains("expected the header to name name,count"),
            "{err}"
        );
        fs::remove_file(path).unwrap();
    }
}
