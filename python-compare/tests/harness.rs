//! The harness itself: every workload's answers agree across languages, a
//! wrong answer is caught and named, bad input gets a clear error.
//! (Timings are the benchmark's business; these tests check correctness.)

use std::ffi::CString;
use std::path::PathBuf;
use std::process::Command;

use pyo3::prelude::*;
use python_compare::agree::Mismatch;
use python_compare::workload::Size;
use python_compare::{Language, Options, compare, interpreter, workloads};

fn temp_csv(name: &str) -> PathBuf {
    std::env::temp_dir()
        .join(format!("python-compare-test-{}", std::process::id()))
        .join(format!("{name}.csv"))
}

#[test]
fn every_workload_runs_in_both_languages_and_agrees() {
    let csv = temp_csv("all");
    let options = Options {
        workloads: python_compare::known_workloads()
            .into_iter()
            .map(String::from)
            .collect(),
        workers: vec![1, 2],
        io_workers: vec![1, 2],
        repeats: 1,
        size: Size::Small,
        csv: csv.clone(),
    };
    let (rows, files) = python_compare::run(&options, &mut |_| {}).expect("the comparison runs");
    for workload in python_compare::known_workloads() {
        for language in [Language::Rust, Language::Python] {
            assert!(
                rows.iter()
                    .any(|r| r.workload == workload && r.language == language && r.workers == 2),
                "no {language} row at 2 workers for {workload}"
            );
        }
    }
    assert!(rows.iter().all(|r| r.seconds > 0.0 && r.items > 0));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains("# embedded python: 3."), "{text}");
    assert!(text.contains("\nworkload,language,implementation,workers,seconds,items_per_sec\n"));
    assert_eq!(
        text.lines().filter(|l| !l.starts_with('#')).count(),
        rows.len() + 1
    );
    for file in files {
        assert!(file.exists(), "{} was not written", file.display());
    }
    let segment_chart = std::fs::read_to_string(csv.with_file_name("all-segment.svg")).unwrap();
    for text in ["rust ScopedThreads", "python processes", "workers"] {
        assert!(
            segment_chart.contains(text),
            "the segment chart lacks {text:?}"
        );
    }
}

#[test]
fn a_wrong_python_answer_is_reported_as_a_mismatch() {
    Python::attach(|py| {
        interpreter::prepare(py, &mut |_| {}).unwrap();
        // A Python variant that miscounts the most frequent query by one.
        let code = CString::new(
            "import topk\n\
             def off_by_one(data, workers):\n\
             \x20   seconds, top = topk.sequential(data, workers)\n\
             \x20   top[0][1] += 1\n\
             \x20   return seconds, top\n\
             VARIANTS = {'sequential': off_by_one}\n",
        )
        .unwrap();
        PyModule::from_code(py, &code, c"wrong_topk.py", c"wrong_topk").unwrap();
        let mut workload = workloads::build(py, "topk", Size::Small).unwrap();
        workload.module = "wrong_topk".to_string();
        workload.python_variants = vec!["sequential"];
        let error = compare::measure(py, &workload, &[1], 1, &mut |_| {})
            .expect_err("a wrong answer must fail the run");
        let mismatch = error
            .downcast_ref::<Mismatch>()
            .unwrap_or_else(|| panic!("not a mismatch: {error:#}"));
        assert_eq!(mismatch.workload, "topk");
        assert_eq!(mismatch.who, "python sequential, 1 worker");
        assert_eq!(mismatch.reference, "rust ExactSharded (1 worker)");
        assert!(
            mismatch.difference.starts_with("result[0][1] is "),
            "{mismatch}"
        );
    });
}

#[test]
fn bad_options_are_errors_not_panics() {
    let options = |workloads: &[&str], workers: Vec<usize>, repeats| Options {
        workloads: workloads.iter().map(|s| s.to_string()).collect(),
        io_workers: vec![1],
        workers,
        repeats,
        size: Size::Small,
        csv: temp_csv("bad"),
    };
    for (bad, expected) in [
        (options(&["nope"], vec![1], 1), "unknown workload \"nope\""),
        (options(&["topk"], vec![0], 1), "--workers"),
        (options(&["topk"], vec![], 1), "--workers"),
        (options(&["topk"], vec![1], 0), "--repeats"),
    ] {
        let error = python_compare::run(&bad, &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(error.contains(expected), "{error}");
    }
}

#[test]
fn the_command_line_exits_non_zero_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_python-compare"))
        .args(["--workload", "nope", "--csv"])
        .arg(temp_csv("cli"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown workload \"nope\""), "{stderr}");
}

#[test]
fn every_python_file_runs_on_its_own() {
    for name in [
        "hashmap", "topk", "trie", "segment", "crawler", "gil", "memory", "serving",
    ] {
        let out = Command::new(interpreter::INTERPRETER)
            .arg(format!("{}/{name}.py", interpreter::PYTHON_DIR))
            .arg("--help")
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}.py --help failed: {out:?}");
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("usage: "));
    }
}

#[test]
fn worker_processes_run_python_not_this_binary() {
    Python::attach(|py| {
        let python = interpreter::prepare(py, &mut |_| {}).unwrap();
        let common = py.import("common").unwrap();
        let (_, executables): (f64, Vec<String>) = common
            .call_method1(
                "in_processes",
                (common.getattr("executable").unwrap(), vec![0, 1], 2),
            )
            .unwrap()
            .extract()
            .unwrap();
        let this = std::env::current_exe().unwrap();
        for executable in executables {
            assert_ne!(std::path::Path::new(&executable), this);
            assert_eq!(std::path::Path::new(&executable), python.executable);
        }
    });
}

#[test]
fn rust_and_python_split_work_alike() {
    Python::attach(|py| {
        interpreter::prepare(py, &mut |_| {}).unwrap();
        let split = py.import("common").unwrap().getattr("split").unwrap();
        for len in [0usize, 1, 5, 10, 11] {
            let items: Vec<usize> = (0..len).collect();
            for parts in 1..=4 {
                let rust: Vec<Vec<usize>> = workloads::split(&items, parts)
                    .into_iter()
                    .map(<[usize]>::to_vec)
                    .collect();
                let python: Vec<Vec<usize>> = split
                    .call1((items.clone(), parts))
                    .unwrap()
                    .extract()
                    .unwrap();
                assert_eq!(rust, python, "{len} items in {parts} parts");
            }
        }
    });
}

#[test]
fn without_pypi_the_install_fails_with_what_to_run() {
    let venv = std::env::temp_dir().join(format!("python-compare-venv-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_python-compare"))
        .args([
            "--workload",
            "topk",
            "--size",
            "small",
            "--repeats",
            "1",
            "--csv",
        ])
        .arg(temp_csv("offline"))
        .env("PYTHON_COMPARE_VENV", &venv)
        // An index nobody listens on: pip fails at once, as without a network.
        .env("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
        .env("PIP_RETRIES", "0")
        .env("PIP_TIMEOUT", "2")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&venv);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let has_packages = Command::new(interpreter::INTERPRETER)
        .args(["-c", "import jieba, aiohttp"])
        .status()
        .unwrap()
        .success();
    if has_packages {
        // The interpreter has them already: no venv, no install, a clean run.
        assert!(out.status.success(), "{stderr}");
    } else {
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("cannot install the Python packages"),
            "{stderr}"
        );
        assert!(stderr.contains("-m pip install -r"), "{stderr}");
        assert!(stderr.contains("requirements.txt"), "{stderr}");
    }
}

#[test]
fn the_memory_experiment_writes_its_figures_with_the_machine() {
    let dir = std::env::temp_dir().join(format!("python-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (md, csv) = (dir.join("memory.md"), dir.join("memory.csv"));
    python_compare::memory::run(&md, &csv, true).unwrap();
    let md = std::fs::read_to_string(md).unwrap();
    let csv = std::fs::read_to_string(csv).unwrap();
    assert!(md.contains("Machine: cores: "), "{md}");
    assert!(csv.starts_with("# cores: "), "{csv}");
    for row in ["fork,read,no,", "fork,collect,yes,", "pickle,process,"] {
        assert!(csv.contains(row), "the CSV lacks {row:?}: {csv}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}
