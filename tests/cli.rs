//! The `concur` command line, run as a user runs it. Correctness only: the
//! figures it prints are not checked here (benches measure, tests check).

use std::process::{Command, Output};

fn concur(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_concur"))
        .args(args)
        .output()
        .expect("the concur binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn bench_hashmap_prints_a_row_per_map_and_workload_and_writes_the_csv() {
    let dir = std::env::temp_dir().join(format!("concur-cli-{}", std::process::id()));
    let csv = dir.join("nested/hashmap.csv");
    let out = concur(&[
        "bench",
        "hashmap",
        "--threads",
        "1,2",
        "--seconds",
        "0.01",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for workload in ["read-heavy", "exchange", "rapid-grow", "exchange-zipf"] {
        for map in ["GlobalLockMap", "RwLockMap", "StripedMap", "dashmap"] {
            for threads in ["1", "2"] {
                let found = stdout.lines().any(|line| {
                    let fields: Vec<&str> = line.split_whitespace().collect();
                    fields.first() == Some(&workload)
                        && fields.contains(&map)
                        && fields.contains(&threads)
                });
                assert!(found, "no row for {workload} {map} {threads}:\n{stdout}");
            }
        }
    }
    assert!(stdout.contains("scaling ceiling"), "{stdout}");

    let (records, fingerprint) = kit::report::read_csv(&csv).expect("a CSV concur can read back");
    assert_eq!(
        records.len(),
        4 * 5 * 2,
        "4 workloads x 5 maps x 2 thread counts"
    );
    assert!(
        records
            .iter()
            .all(|r| r.exercise == "hashmap" && r.ops > 0 && r.seconds > 0.0)
    );
    assert!(fingerprint.iter().any(|line| line.starts_with("cores: ")));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_thread_counts_are_refused_with_a_message() {
    for threads in ["0", "1,0", "2000"] {
        let out = concur(&["bench", "hashmap", "--threads", threads]);
        assert!(!out.status.success(), "--threads {threads} was accepted");
        assert!(
            text(&out.stderr).contains("--threads takes counts from 1 to 1024"),
            "{}",
            text(&out.stderr)
        );
    }
    let out = concur(&["bench", "hashmap", "--threads", "two"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("invalid value"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn bad_durations_are_refused_with_a_message() {
    for seconds in ["0", "-1", "NaN", "inf"] {
        let out = concur(&["bench", "hashmap", "--threads", "1", "--seconds", seconds]);
        assert!(!out.status.success(), "--seconds {seconds} was accepted");
        assert!(
            text(&out.stderr).contains("--seconds must be"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn an_unknown_exercise_lists_the_known_ones() {
    let out = concur(&["bench", "nosuch"]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("hashmap") && stderr.contains("all"),
        "{stderr}"
    );
}

#[test]
fn an_unwritable_csv_path_is_an_error_not_a_panic() {
    let out = concur(&[
        "bench",
        "hashmap",
        "--threads",
        "1",
        "--seconds",
        "0.001",
        "--csv",
        "/proc/nope/x.csv",
    ]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: writing /proc/nope/x.csv") || stderr.contains("error: writing"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
