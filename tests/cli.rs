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

/// `concur bench search` is the inverted index's sweep, with its tables:
/// every index, freshness, indexing against writers, and tantivy.
#[test]
fn bench_search_runs_the_inverted_index_sweep_with_the_tantivy_table() {
    let dir = std::env::temp_dir().join(format!("concur-cli-search-{}", std::process::id()));
    let csv = dir.join("search.csv");
    let out = concur(&[
        "bench",
        "search",
        "--threads",
        "1",
        "--seconds",
        "0.01",
        "--quiet",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for index in [
        "RwLockIndex",
        "SegmentIndex",
        "BufferedIndex",
        "tantivy 0.27",
    ] {
        assert!(stdout.contains(index), "no {index} in:\n{stdout}");
    }
    for table in [
        "Freshness",
        "Indexing against writer threads",
        "The peer: tantivy",
    ] {
        assert!(stdout.contains(table), "no {table} table in:\n{stdout}");
    }
    let written = std::fs::read_to_string(&csv).unwrap();
    assert!(
        written.contains("inverted-index,with a writer,BufferedIndex,1,"),
        "{written}"
    );
    let _ = std::fs::remove_dir_all(&dir);
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
        let maps = [
            "GlobalLockMap",
            "RwLockMap",
            "StripedMap",
            "SnapshotMap",
            "dashmap",
            "papaya",
            "scc::HashMap",
            "scc::HashIndex",
        ];
        for map in maps {
            if workload == "rapid-grow" && map == "SnapshotMap" {
                continue; // left out there: each run costs the square of its length
            }
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
    assert!(
        stdout.contains("cache-line hand-off between 2 cores: "),
        "the run says how fast a line moved between the cores: {stdout}"
    );

    let (records, fingerprint) =
        kit::report::read_rows::<kit::report::Record>(&csv).expect("a CSV concur can read back");
    // Nine maps at each thread count (eight on rapid-grow, where
    // SnapshotMap is left out), and the baseline with no lock (a plain
    // HashMap) at one thread only.
    assert_eq!(
        records.len(),
        4 * (9 * 2 + 1) - 2,
        "4 workloads x (9 maps x 2 thread counts + the baseline at 1 thread), less SnapshotMap on rapid-grow"
    );
    assert!(
        records
            .iter()
            .filter(|r| r.implementation == "HashMap, no lock")
            .all(|r| r.threads == 1),
        "the baseline runs on one thread only"
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

fn concur_with_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_concur"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the concur binary runs");
    // A command that fails early (a bad argument) exits without reading its
    // input; the pipe closing under us then is expected, not an error.
    if let Err(e) = child.stdin.take().unwrap().write_all(input) {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe,
            "writing the input: {e}"
        );
    }
    child.wait_with_output().unwrap()
}

/// A query log with ties, CRLF endings and empty lines, and its true top 5.
fn query_log() -> (String, String) {
    let mut log = String::new();
    for i in 0..30_000 {
        let query = match i % 10 {
            0..=3 => "weather today".to_string(),
            4 | 5 => "rust mutex".to_string(),
            6 => "b tie".to_string(),
            7 => "a tie".to_string(),
            _ => format!("tail {}", i % 500),
        };
        log.push_str(&query);
        log.push_str(if i % 7 == 0 { "\r\n" } else { "\n" });
        if i % 1000 == 0 {
            log.push('\n');
        }
    }
    let expected =
        "12000\tweather today\n6000\trust mutex\n3000\ta tie\n3000\tb tie\n60\ttail 108\n";
    (log, expected.to_string())
}

#[test]
fn topk_exact_prints_the_true_top_k_the_same_at_any_thread_count() {
    let (log, expected) = query_log();
    let path = std::env::temp_dir().join(format!("concur-topk-{}.log", std::process::id()));
    std::fs::write(&path, &log).unwrap();
    for threads in ["1", "2", "4"] {
        let out = concur(&[
            "topk",
            "-k",
            "5",
            "--threads",
            threads,
            path.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout), expected, "--threads {threads}");
    }
    let out = concur_with_stdin(&["topk", "-k", "5", "-"], log.as_bytes());
    assert_eq!(text(&out.stdout), expected, "from standard input");
    std::fs::remove_file(path).unwrap();
}

#[test]
fn topk_space_saving_is_exact_when_every_query_fits() {
    let (log, expected) = query_log();
    let out = concur_with_stdin(
        &[
            "topk",
            "-k",
            "5",
            "--algo",
            "space-saving",
            "--capacity",
            "1000",
            "--threads",
            "2",
        ],
        log.as_bytes(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), expected);
    assert!(
        text(&out.stderr).contains("over by at most"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn topk_names_the_line_that_is_not_utf8() {
    let out = concur_with_stdin(&["topk", "-k", "3"], b"fine\nfine\nbad \xc3\x28 bytes\n");
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("line 3 is not valid UTF-8"), "{stderr}");
    assert!(
        text(&out.stdout).is_empty(),
        "no partial answer on bad input"
    );
}

#[test]
fn topk_refuses_bad_arguments_with_a_message() {
    for (args, message) in [
        (vec!["topk", "-k", "0"], "-k must be at least 1"),
        (
            vec![
                "topk",
                "-k",
                "10",
                "--algo",
                "space-saving",
                "--capacity",
                "5",
            ],
            "must be at least -k",
        ),
        (
            vec!["topk", "-k", "3", "--capacity", "100"],
            "--capacity applies to --algo space-saving",
        ),
        (
            vec!["topk", "-k", "3", "--threads", "0"],
            "--threads takes a count",
        ),
        (
            vec!["topk", "-k", "3", "/no/such/file"],
            "cannot open /no/such/file",
        ),
    ] {
        let out = concur_with_stdin(&args, b"");
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(
            text(&out.stderr).contains(message),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

fn sentences_file(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("concur-{name}-{}.tsv", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn complete_follows_leetcode_642() {
    let path = sentences_file(
        "lc642",
        "5\ti love you\n3\tisland\n2\tiroman\n2\ti love leetcode\n",
    );
    let out = concur_with_stdin(
        &["complete", "--sentences", path.to_str().unwrap()],
        b"i a#\ni \n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        concat!(
            "[\"i love you\",\"island\",\"i love leetcode\"]\n",
            "[\"i love you\",\"i love leetcode\"]\n",
            "[]\n",
            "[]\n",
            "[\"i love you\",\"island\",\"i love leetcode\"]\n",
            "[\"i love you\",\"i love leetcode\",\"i a\"]\n",
        )
    );
    std::fs::remove_file(path).unwrap();
}

#[test]
fn complete_fuzzy_forgives_a_typo_and_escapes_json() {
    let path = sentences_file("fuzzy", "9\trust \"book\"\n1\truby\n");
    let args = [
        "complete",
        "--sentences",
        path.to_str().unwrap(),
        "--fuzzy",
        "1",
    ];
    let out = concur_with_stdin(&args, b"rsu");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let last = text(&out.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    assert_eq!(last, "[\"rust \\\"book\\\"\",\"ruby\"]");
    std::fs::remove_file(path).unwrap();
}

#[test]
fn complete_names_the_bad_line_of_the_sentences_file() {
    let path = sentences_file("bad", "3\tfine\nno tab here\n");
    let out = concur_with_stdin(&["complete", "--sentences", path.to_str().unwrap()], b"f");
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(":2: expected `count<TAB>sentence`"),
        "{stderr}"
    );
    let path2 = sentences_file("badcount", "many\tfine\n");
    let out = concur_with_stdin(&["complete", "--sentences", path2.to_str().unwrap()], b"f");
    assert!(
        text(&out.stderr).contains(":1: the count \"many\" is not a whole number"),
        "{}",
        text(&out.stderr)
    );
    let out = concur_with_stdin(&["complete", "--sentences", "/no/such.tsv"], b"f");
    assert!(
        text(&out.stderr).contains("cannot read /no/such.tsv"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_file(path).unwrap();
    std::fs::remove_file(path2).unwrap();
}

#[test]
fn segment_prints_jieba_tokens_in_input_order_at_any_thread_count() {
    let input: String = (0..3_000)
        .map(|i| match i % 3 {
            0 => format!("我来到北京清华大学{i}\n"),
            1 => "他来到了网易杭研大厦\r\n".to_string(),
            _ => "\n".to_string(),
        })
        .collect();
    let one = concur_with_stdin(
        &["segment", "--format", "jsonl", "--threads", "1"],
        input.as_bytes(),
    );
    assert!(one.status.success(), "{}", text(&one.stderr));
    let lines: Vec<String> = text(&one.stdout).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 3_000, "one output line per input line");
    assert_eq!(lines[0], "[\"我\",\"来到\",\"北京\",\"清华大学\",\"0\"]");
    assert_eq!(
        lines[1],
        "[\"他\",\"来到\",\"了\",\"网易\",\"杭\",\"研\",\"大厦\"]"
    );
    assert_eq!(lines[2], "[]");
    for threads in ["2", "4"] {
        let many = concur_with_stdin(
            &["segment", "--format", "jsonl", "--threads", threads],
            input.as_bytes(),
        );
        assert_eq!(
            many.stdout, one.stdout,
            "--threads {threads} changed the output"
        );
    }
    let plain = concur_with_stdin(&["segment"], "我来到北京清华大学\n".as_bytes());
    assert_eq!(text(&plain.stdout), "我 / 来到 / 北京 / 清华大学\n");
}

#[test]
fn segment_counts_words_and_handles_unicode_mode() {
    let out = concur_with_stdin(
        &["segment", "--count", "2"],
        "北京 北京 大学\n北京\n".as_bytes(),
    );
    assert_eq!(text(&out.stdout), "3\t北京\n1\t大学\n");
    let out = concur_with_stdin(
        &["segment", "--mode", "unicode", "--format", "jsonl"],
        b"can't stop\n",
    );
    assert_eq!(text(&out.stdout), "[\"can't\",\" \",\"stop\"]\n");
}

#[test]
fn segment_reports_bad_utf8_with_its_offset_or_replaces_it() {
    let out = concur_with_stdin(&["segment"], b"ok\nbad\xff\n");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("not valid UTF-8 at byte offset 6"),
        "{}",
        text(&out.stderr)
    );
    let out = concur_with_stdin(&["segment", "--lossy", "--mode", "unicode"], b"bad\xff\n");
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "bad / \u{fffd}\n");
}

#[test]
fn segment_refuses_bad_arguments_with_a_message() {
    let dict = sentences_file("dict", "好 1\n坏\n");
    for (args, message) in [
        (vec!["segment", "--threads", "0"], "--threads takes a count"),
        (
            vec!["segment", "--count", "0"],
            "--count must be at least 1",
        ),
        (
            vec!["segment", "--mode", "unicode", "--dict", "x"],
            "--dict applies to --mode dict",
        ),
        (
            vec!["segment", "/no/such/text"],
            "cannot open /no/such/text",
        ),
        (
            vec!["segment", "--dict", dict.to_str().unwrap()],
            "dictionary line 2",
        ),
    ] {
        let out = concur_with_stdin(&args, b"x\n");
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(
            text(&out.stderr).contains(message),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    std::fs::remove_file(dict).unwrap();
}

#[test]
fn crawl_prints_the_same_sorted_urls_with_threads_and_with_tokio() {
    use crawler::site::{Site, SiteConfig};
    let config = SiteConfig {
        pages: 60,
        ..SiteConfig::default()
    };
    let mut outputs = Vec::new();
    for mode in [
        vec!["--threads", "8"],
        vec!["--async", "--concurrency", "8"],
    ] {
        let site = Site::start(config, 0).unwrap();
        // Deeper than any page of this site can be, so that only the trap
        // (a linear chain) meets the limit: see CrawlOptions::max_depth.
        let mut args = vec!["crawl", "--max-depth", "80"];
        let url = site.url();
        args.push(&url);
        args.extend(mode.iter().copied());
        let out = concur(&args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("pages/s"),
            "{}",
            text(&out.stderr)
        );
        let stdout = text(&out.stdout).replace(&url, "BASE/");
        let lines: Vec<&str> = stdout.lines().collect();
        assert!(lines.windows(2).all(|w| w[0] < w[1]), "sorted and distinct");
        assert!(
            lines.contains(&"BASE/")
                && lines.contains(&"BASE/calendar/79")
                && !lines.contains(&"BASE/calendar/81")
        );
        outputs.push(stdout);
    }
    assert_eq!(outputs[0], outputs[1], "threads and tokio disagree");
}

#[test]
fn crawl_says_on_stderr_which_limit_cut_it_and_keeps_stdout_the_urls() {
    use crawler::site::{Site, SiteConfig};
    // The default site has an endless calendar: the page budget stops it.
    let site = Site::start(SiteConfig::default(), 0).unwrap();
    let url = site.url();
    let out = concur(&["crawl", &url, "--max-pages", "30"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("stopped by the page budget of 30 pages")
            && stderr.contains("discovered URLs left unfetched")
            && stderr.contains("--max-pages"),
        "{stderr}"
    );
    let stdout = text(&out.stdout);
    assert!(stdout.lines().count() > 30, "{stdout}");
    assert!(
        stdout.lines().all(|line| line.starts_with(&url)),
        "{stdout}"
    );

    // A finite site deeper than any old default is crawled whole, and
    // nothing is said about limits.
    let deep = Site::start(
        SiteConfig {
            pages: 10,
            traps: false,
            chain: 60,
            ..SiteConfig::default()
        },
        0,
    )
    .unwrap();
    let out = concur(&["crawl", &deep.url(), "--async"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("{}archive/60\n", deep.url())),
        "{}",
        text(&out.stdout)
    );
    assert!(
        !text(&out.stderr).contains("stopped by"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn crawl_of_a_dead_start_page_fails_with_a_one_line_reason() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", listener.local_addr().unwrap())
    };
    for mode in [&["--threads", "2"][..], &["--async"][..]] {
        let mut args = vec!["crawl", closed.as_str()];
        args.extend(mode);
        let out = concur(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = text(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("cannot fetch the start page {closed}"))
                && stderr.contains("refused"),
            "{args:?}: {stderr}"
        );
        assert_eq!(text(&out.stdout), "", "{args:?}");
    }
}

#[test]
fn crawl_refuses_bad_arguments_with_a_message() {
    for (args, message) in [
        (vec!["crawl", "not a url"], "not a URL to crawl"),
        (vec!["crawl", "ftp://127.0.0.1/"], "only http and https"),
        (
            vec!["crawl", "http://127.0.0.1:9/", "--threads", "0"],
            "take a count from 1",
        ),
        (
            vec!["crawl", "http://127.0.0.1:9/", "--max-pages", "0"],
            "--max-pages must be at least 1",
        ),
    ] {
        let out = concur(&args);
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(
            text(&out.stderr).contains(message),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn chart_redraws_from_a_csv_with_its_own_fingerprint() {
    let dir = std::env::temp_dir().join(format!("concur-chart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let book_csv =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src/charts/hashmap.csv");
    let csv = dir.join("hashmap.csv");
    std::fs::copy(&book_csv, &csv).unwrap();
    let out = concur(&["chart", csv.to_str().unwrap()]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let svg = std::fs::read_to_string(dir.join("hashmap.svg")).unwrap();
    let commit = std::fs::read_to_string(&book_csv)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("# commit: ").map(str::to_string))
        .unwrap();
    assert!(
        svg.contains(&format!("commit: {commit}")),
        "the CSV's machine, not this one"
    );
    assert!(svg.contains("StripedMap"));

    std::fs::write(&csv, "not a csv\n").unwrap();
    let bad = concur(&["chart", csv.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("expected the header to name"),
        "{}",
        text(&bad.stderr)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

fn corpus_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("concur-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The answers as JSON values, one per line.
fn answers(out: &Output) -> Vec<serde_json::Value> {
    text(&out.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

#[test]
fn search_ranks_by_bm25_and_any_shard_count_answers_the_same() {
    let mut docs = String::from("the cat sat\nthe dog sat on the cat\n\ndogs and cats\n");
    for i in 0..200 {
        docs.push_str(&format!("note {i} about the cat and a {} dog\n", i % 7));
    }
    docs.push_str("机器学习 模型 推理\n");
    let corpus = corpus_file("search.txt", docs.as_bytes());
    let corpus = corpus.to_str().unwrap();
    let queries = "cat\nthe dog\nnowhere\n\nCAT, cat!\n模型\n";
    let one = concur_with_stdin(
        &["search", "--corpus", corpus, "-k", "3"],
        queries.as_bytes(),
    );
    assert!(one.status.success(), "{}", text(&one.stderr));
    let first = answers(&one);
    assert_eq!(
        first.len(),
        6,
        "one answer per query line: {}",
        text(&one.stdout)
    );
    assert_eq!(first[0]["query"], "cat");
    assert_eq!(first[0]["partial"], false);
    let hits = first[0]["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3);
    // The shortest document with "cat" ranks first.
    assert_eq!(hits[0]["doc"], 0);
    assert!(hits[0]["score"].as_f64().unwrap() >= hits[1]["score"].as_f64().unwrap());
    assert_eq!(
        first[2]["hits"].as_array().unwrap().len(),
        0,
        "no known term, no hits"
    );
    assert_eq!(
        first[3]["hits"].as_array().unwrap().len(),
        0,
        "an empty query"
    );
    assert_eq!(
        first[4]["hits"], first[0]["hits"],
        "case, punctuation and repeats do not count"
    );
    // jieba cuts the Chinese line into words, so a word finds it.
    assert_eq!(first[5]["hits"][0]["doc"], 204);
    for shards in ["2", "3", "7"] {
        let sharded = concur_with_stdin(
            &["search", "--corpus", corpus, "-k", "3", "--shards", shards],
            queries.as_bytes(),
        );
        assert!(sharded.status.success(), "{}", text(&sharded.stderr));
        assert_eq!(
            answers(&sharded),
            first,
            "--shards {shards} must answer as one index"
        );
    }
}

/// The shipped corpus, split over three shards, answers as one index:
/// the same documents in the same order, scores equal to 1e-9 relative.
#[test]
fn search_on_the_shipped_corpus_answers_the_same_with_one_and_three_shards_and_as_processes() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/data/kjv.txt");
    let verses: Vec<&str> = include_str!("../data/kjv.txt").lines().collect();
    assert_eq!(verses.len(), 31_102, "every verse of the King James Bible");
    // Queries of one to three words from verses spread over the book: rare
    // names, common words, and mixes of both.
    let mut queries = String::new();
    for i in 0..300 {
        let words: Vec<&str> = verses[(i * 103) % verses.len()]
            .split_whitespace()
            .collect();
        let picked: Vec<&str> = (0..1 + i % 3)
            .map(|j| words[(i * 7 + j * 5) % words.len()])
            .collect();
        queries.push_str(&picked.join(" "));
        queries.push('\n');
    }
    let run = |more: &[&str]| {
        let args = [&["search", "--corpus", corpus][..], more].concat();
        let out = concur_with_stdin(&args, queries.as_bytes());
        assert!(out.status.success(), "{}", text(&out.stderr));
        out
    };
    let three_out = run(&["--shards", "3"]);
    let (one, three) = (answers(&run(&["--shards", "1"])), answers(&three_out));
    // The cluster: shard processes over HTTP answer exactly what in-process
    // shards do (the same integer statistics, the same scoring code, and
    // serde_json's float_roundtrip reads back the f64 it wrote).
    let processes = run(&["--shards", "3", "--replicas", "2", "--processes"]);
    for (number, (a, b)) in text(&three_out.stdout)
        .lines()
        .zip(text(&processes.stdout).lines())
        .enumerate()
    {
        assert_eq!(
            a,
            b,
            "query {} answered differently by shard processes",
            number + 1
        );
    }
    assert_eq!(text(&processes.stdout).lines().count(), 300);
    assert_eq!(one.len(), 300);
    let mut hits = 0;
    for (a, b) in one.iter().zip(&three) {
        assert_eq!(a["query"], b["query"]);
        let (a, b) = (a["hits"].as_array().unwrap(), b["hits"].as_array().unwrap());
        assert_eq!(a.len(), b.len(), "{a:?} against {b:?}");
        hits += a.len();
        for (x, y) in a.iter().zip(b) {
            assert_eq!(x["doc"], y["doc"], "{a:?} against {b:?}");
            let (x, y) = (x["score"].as_f64().unwrap(), y["score"].as_f64().unwrap());
            assert!((x - y).abs() <= 1e-9 * x.abs(), "score {x} against {y}");
        }
    }
    assert!(hits > 2_500, "most queries find ten verses: {hits} hits");
}

#[test]
fn search_refuses_bad_input_with_a_message() {
    let good = corpus_file("good.txt", b"a b\n");
    let bad = corpus_file("bad.txt", b"fine\nnot \xff utf8\n");
    let (good, bad) = (good.to_str().unwrap(), bad.to_str().unwrap());
    let cases: [(&[&str], &str); 5] = [
        (
            &["search", "--corpus", good, "-k", "0"],
            "-k must be at least 1",
        ),
        (
            &["search", "--corpus", good, "--shards", "0"],
            "--shards takes a count",
        ),
        (
            &["search", "--corpus", "/nonexistent/docs.txt"],
            "cannot read the corpus",
        ),
        (&["search", "--corpus", bad], "line 2"),
        (&["search"], "--corpus"),
    ];
    for (args, says) in cases {
        let out = concur_with_stdin(args, b"a\n");
        assert!(!out.status.success(), "{args:?} should fail");
        assert!(
            text(&out.stderr).contains(says),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let lossy = concur_with_stdin(&["search", "--corpus", bad, "--lossy"], b"utf8\n");
    assert!(lossy.status.success(), "{}", text(&lossy.stderr));
    assert_eq!(answers(&lossy)[0]["hits"][0]["doc"], 1);
    let bad_query = concur_with_stdin(&["search", "--corpus", good], b"a\n\xff\n");
    assert!(!bad_query.status.success());
    assert!(
        text(&bad_query.stderr).contains("query 2"),
        "{}",
        text(&bad_query.stderr)
    );
}
