//! `concur segment [--dict FILE] [--mode dict|unicode] [--threads N]
//! [--format text|jsonl] [--count K] [--lossy] [FILE|-]`

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use segment::stream::{Format, StreamError, count_stream, segment_stream};
use segment::{Cut, Dictionary, Segmenter, UnicodeWords};

use super::finish_output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A dictionary in jieba's format (`word freq [tag]` per line)
    /// [default: jieba's, shipped with concur].
    #[arg(long, value_name = "FILE")]
    dict: Option<PathBuf>,
    /// `dict`: jieba's dictionary segmentation (Chinese); `unicode`: UAX #29
    /// word boundaries (space-delimited languages).
    #[arg(long, value_enum, default_value = "dict")]
    mode: Mode,
    /// Worker threads [default: the number of cores].
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// `text`: tokens joined by " / "; `jsonl`: a JSON array per line.
    #[arg(long, value_enum, default_value = "text")]
    format: OutputFormat,
    /// Print the K most frequent words (`count<TAB>word`) instead.
    #[arg(long, value_name = "K")]
    count: Option<usize>,
    /// Replace bytes that are not UTF-8 with U+FFFD instead of stopping.
    #[arg(long)]
    lossy: bool,
    /// The text; `-` or nothing reads standard input.
    file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mode {
    Dict,
    Unicode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Text,
    Jsonl,
}

pub fn run(args: &Args) -> Result<()> {
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if threads == 0 || threads > 1024 {
        bail!("--threads takes a count from 1 to 1024, got {threads}");
    }
    if args.count == Some(0) {
        bail!("--count must be at least 1");
    }
    if args.mode == Mode::Unicode && args.dict.is_some() {
        bail!("--dict applies to --mode dict only");
    }
    let input: Box<dyn BufRead + Send> = match &args.file {
        Some(path) if path.as_os_str() != "-" => Box::new(BufReader::with_capacity(
            1 << 20,
            File::open(path).with_context(|| format!("cannot open {}", path.display()))?,
        )),
        _ => Box::new(BufReader::with_capacity(1 << 20, io::stdin())),
    };
    match args.mode {
        Mode::Unicode => go(args, input, &UnicodeWords, threads),
        Mode::Dict => {
            let dictionary = match &args.dict {
                None => Dictionary::jieba(),
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    Dictionary::parse(&text).with_context(|| path.display().to_string())?
                }
            };
            go(args, input, &Segmenter::new(dictionary), threads)
        }
    }
}

fn go<C: Cut>(args: &Args, input: Box<dyn BufRead + Send>, cut: &C, threads: usize) -> Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    if let Some(k) = args.count {
        let top = count_stream(input, cut, threads, k, args.lossy).map_err(explain)?;
        let written = top
            .iter()
            .try_for_each(|(word, n)| writeln!(out, "{n}\t{word}"))
            .and_then(|()| out.flush());
        return finish_output(written);
    }
    let format = match args.format {
        OutputFormat::Text => Format::Text,
        OutputFormat::Jsonl => Format::Jsonl,
    };
    match segment_stream(input, &mut out, cut, threads, format, args.lossy) {
        Ok(_) => Ok(()),
        Err(StreamError::Io(e)) => finish_output(Err(e)),
        Err(e) => Err(explain(e)),
    }
}

fn explain(e: StreamError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}
