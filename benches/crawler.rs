//! `cargo bench --bench crawler`: pages per second against concurrency for
//! the thread pool and tokio at 20 ms latency, beside the Little's-law bound
//! (concurrency / latency), and the peak memory of each.
//!
//! Not criterion: every run is a fresh `concur crawl` process, so that its
//! peak resident memory is its own, and a run at concurrency 1 takes a
//! second, not the dozens criterion's sampling would need. Runs alternate
//! between the two crawlers and the median of three counts.

use std::process::Command;

use concur::sweep::{book_charts_dir, contention_dir, write_results};
use crawler::site::Site;
use kit::contention::{busy_warning, median, scaling_ceiling};
use kit::report::{Align, Fingerprint, Record, Table, ceiling_note, with_machine};

use concur::sweep::crawler::{LATENCY, SWEEP, pages_for, site_config};

/// One crawl in its own process: (pages fetched, seconds, peak RSS bytes).
fn crawl(
    url: &str,
    asynchronous: bool,
    concurrency: usize,
    max_pages: usize,
) -> Result<(u64, f64, u64), String> {
    let n = concurrency.to_string();
    let pages = max_pages.to_string();
    let mut args = vec!["crawl", url, "--max-pages", &pages, "--summary", "json"];
    if asynchronous {
        args.extend(["--async", "--concurrency", &n]);
    } else {
        args.extend(["--threads", &n]);
    }
    let out = Command::new(env!("CARGO_BIN_EXE_concur"))
        .args(&args)
        .output()
        .map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    if !out.status.success() {
        return Err(stderr);
    }
    // The summary is the one JSON object on stderr.
    let summary: serde_json::Value = stderr
        .lines()
        .find_map(|line| serde_json::from_str(line).ok())
        .ok_or_else(|| format!("no JSON summary in: {stderr}"))?;
    let field = |name: &str| {
        summary[name]
            .as_f64()
            .ok_or_else(|| format!("the summary has no {name}: {summary}"))
    };
    Ok((
        field("pages")? as u64,
        field("seconds")?,
        field("peak_rss_bytes")? as u64,
    ))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let test_mode = args.iter().any(|arg| arg == "--test");
    // `cargo bench NAME` runs only the benches whose name matches; only a
    // complete run (no --test, no filter) replaces the book's figures.
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if !filters.is_empty() && !filters.iter().any(|f| "crawler".contains(f.as_str())) {
        return;
    }
    let to_book = !test_mode && filters.is_empty();
    let rounds = if test_mode { 1 } else { 3 };
    let config = site_config();
    let mut records = Vec::new();
    let mut rss = Table::new([
        ("concurrency", Align::Right),
        ("ThreadPoolCrawler", Align::Right),
        ("AsyncCrawler", Align::Right),
    ]);
    let levels: &[usize] = if test_mode { &[4] } else { SWEEP.bench_threads };
    for &concurrency in levels {
        // About a second a run at low concurrency, the whole site above.
        let max_pages = if test_mode {
            40
        } else {
            pages_for(concurrency)
        };
        let mut peaks = [0u64; 2];
        for (index, (name, asynchronous)) in [("ThreadPoolCrawler", false), ("AsyncCrawler", true)]
            .into_iter()
            .enumerate()
        {
            let mut seconds = Vec::new();
            let mut fetched = 0;
            for _ in 0..rounds {
                // A fresh site per run: nothing cached, counters at zero.
                let site = Site::start(config, 0).expect("the test site starts");
                match crawl(&site.url(), asynchronous, concurrency, max_pages) {
                    Ok((pages, secs, peak)) => {
                        seconds.push(secs);
                        fetched = pages;
                        peaks[index] = peaks[index].max(peak);
                    }
                    Err(why) => {
                        eprintln!("error: {name} at concurrency {concurrency}: {why}");
                        std::process::exit(1);
                    }
                }
            }
            let secs = median(&mut seconds);
            println!(
                "{name:<18} concurrency {concurrency:>4}: {fetched} pages in {secs:.3} s, {:.0} pages/s",
                fetched as f64 / secs
            );
            records.push(Record {
                exercise: "crawler".into(),
                workload: "20 ms latency".into(),
                implementation: name.into(),
                threads: concurrency,
                ops: fetched,
                seconds: secs,
            });
        }
        // Little's law: in-flight = throughput x latency, so throughput can
        // never beat concurrency / latency.
        records.push(Record {
            exercise: "crawler".into(),
            workload: "20 ms latency".into(),
            implementation: concur::sweep::crawler::BOUND.into(),
            threads: concurrency,
            ops: concurrency as u64,
            seconds: LATENCY.as_secs_f64(),
        });
        let mib = |b: u64| format!("{:.1} MiB", b as f64 / 1048576.0);
        rss.row([concurrency.to_string(), mib(peaks[0]), mib(peaks[1])]);
    }
    let rss = with_machine(&rss.markdown(), &Fingerprint::detect().lines());
    println!("\nPeak resident memory of each crawl process:\n\n{rss}");
    let ceiling = scaling_ceiling(2, 5);
    if let Some(warning) = busy_warning(ceiling) {
        eprintln!("{warning}");
    }
    let notes = vec![ceiling_note(2, ceiling)];
    let title = SWEEP.title;
    let mut targets = vec![contention_dir()];
    if to_book {
        targets.push(book_charts_dir());
    }
    for dir in targets {
        let written = write_results(&dir, "crawler", title, SWEEP.unit, &records, &notes).and_then(
            |(csv, svg)| {
                let summary = SWEEP.summary_of_csv(&csv)?;
                std::fs::write(dir.join("crawler-summary.md"), summary)
                    .and_then(|()| std::fs::write(dir.join("crawler-rss.md"), &rss))
                    .map(|()| svg)
                    .map_err(|e| e.to_string())
            },
        );
        match written {
            Ok(svg) => println!("crawler chart: {}", svg.display()),
            Err(why) => {
                eprintln!("error: could not write the crawler results: {why}");
                std::process::exit(1);
            }
        }
    }
}
