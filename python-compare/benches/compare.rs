//! `cargo bench` runs the Python comparison too. A full run (no `--test`,
//! no filter) refreshes the book's figures: `book/src/charts/python-*.svg`,
//! `python-compare.csv`, the table of ratios `python-compare.md`, and the
//! serving peer's `python-serving.md` and `.csv`.
//! `cargo bench -- --test` checks the harness on small inputs instead.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use python_compare::{Options, Size, known_workloads, summary};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let test = args.iter().any(|a| a == "--test");
    // `cargo bench NAME` runs only the benches whose name matches.
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if !filters.is_empty()
        && !filters
            .iter()
            .any(|f| "python-compare".contains(f.as_str()))
    {
        return ExitCode::SUCCESS;
    }
    let book = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../book/src/charts");
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/python-compare");
    // Only a complete run (no --test, no filter) replaces the book's
    // figures; a filtered run measures in full but writes to target/.
    let (size, repeats, dir) = if test {
        (Size::Small, 1, target)
    } else if filters.is_empty() {
        (Size::Full, 3, book)
    } else {
        (Size::Full, 3, target)
    };
    let options = Options {
        workloads: known_workloads().into_iter().map(String::from).collect(),
        workers: vec![1, 2],
        io_workers: vec![1, 2, 8],
        repeats,
        size,
        csv: dir.join("python-compare.csv"),
    };
    let mut say = |message: &str| eprintln!("{message}");
    // The serving peer first, in a process of its own: run in this one
    // after the comparison, its scaling ceiling read 1.0x to 1.3x on a
    // machine that gives 1.9x to the peer alone, and the comparison's own
    // ceiling fell as low after the peer had run here.
    let seconds = if test { "0.1" } else { "3" };
    let peer = std::process::Command::new(env!("CARGO_BIN_EXE_python-compare"))
        .args(["--serving", "--quiet", "--seconds", seconds, "--csv"])
        .arg(&options.csv)
        .status();
    match peer {
        Ok(status) if status.success() => {}
        Ok(status) => {
            eprintln!("python-compare: the serving peer failed ({status})");
            return ExitCode::FAILURE;
        }
        Err(error) => {
            eprintln!("python-compare: cannot start the serving peer: {error}");
            return ExitCode::FAILURE;
        }
    }
    match python_compare::run(&options, &mut say) {
        Ok((_, files)) => {
            // From the CSV as written, so that the book's table matches it.
            let md = options.csv.with_extension("md");
            let table = match summary::markdown_of_csv(&options.csv) {
                Ok(table) => table,
                Err(error) => {
                    eprintln!("python-compare: {error:#}");
                    return ExitCode::FAILURE;
                }
            };
            print!("{table}");
            if let Err(error) = std::fs::write(&md, &table) {
                eprintln!("cannot write {}: {error}", md.display());
                return ExitCode::FAILURE;
            }
            for file in files.iter().chain([&md]) {
                println!("wrote {}", file.display());
            }
            let dir = options.csv.parent().unwrap_or(Path::new("."));
            let (memory_md, memory_csv) =
                (dir.join("python-memory.md"), dir.join("python-memory.csv"));
            eprintln!("memory: fork's copy-on-write and pickling (python/memory.py)");
            if let Err(error) = python_compare::memory::run(&memory_md, &memory_csv, test) {
                eprintln!("python-compare: {error:#}");
                return ExitCode::FAILURE;
            }
            println!(
                "wrote {}\nwrote {}",
                memory_md.display(),
                memory_csv.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("python-compare: {error:#}");
            ExitCode::FAILURE
        }
    }
}
