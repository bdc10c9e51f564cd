"""Word segmentation in Python: the real jieba, `cut(line, HMM=False)`.

    python3 segment.py --dict ../../data/jieba.dict.txt --variant processes --workers 2 corpus.txt

Prints one JSON list of tokens per input line, as `concur segment --format
jsonl` does. The dictionary is loaded before the clock starts.
"""

import json
import logging
import sys
from concurrent.futures import ThreadPoolExecutor

import common


def lines(text):
    """Lines as Rust's `str::lines` gives them: split at `\\n`, one `\\r`
    before it dropped, no empty line after a final newline."""
    parts = text.split("\n")
    if parts[-1] == "":
        parts.pop()
    return [p[:-1] if p.endswith("\r") else p for p in parts]


_tokenizers = {}


def tokenizer(dictionary):
    """A jieba tokenizer on `dictionary`, loaded once per process."""
    if dictionary not in _tokenizers:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        t = jieba.Tokenizer(dictionary=dictionary)
        t.initialize()
        _tokenizers[dictionary] = t
    return _tokenizers[dictionary]


def cut(t, part):
    return [t.lcut(line, HMM=False) for line in part]


def sequential(data, workers):
    text, dictionary = data
    t = tokenizer(dictionary)
    return common.timed(lambda: cut(t, lines(text)))


def threads(data, workers):
    # jieba is pure Python: each thread holds the GIL while it cuts.
    text, dictionary = data
    t = tokenizer(dictionary)

    def work():
        with ThreadPoolExecutor(workers) as pool:
            parts = pool.map(lambda part: cut(t, part), common.split(lines(text), 4 * workers))
            return [tokens for part in parts for tokens in part]

    return common.timed(work)


_process_dictionary = None


def _load_here(dictionary):
    global _process_dictionary
    _process_dictionary = dictionary
    tokenizer(dictionary)


def _cut_here(part):
    return cut(tokenizer(_process_dictionary), part)


def processes(data, workers, cold):
    # Each process loads its own dictionary; lines go out and tokens come
    # back pickled. Four parts per worker even out uneven lines.
    text, dictionary = data
    start = common.time.perf_counter()
    parts = common.split(lines(text), 4 * workers)
    split_seconds = common.time.perf_counter() - start
    seconds, results = common.in_processes(
        _cut_here, parts, workers, _load_here, (dictionary,), cold=cold
    )
    return split_seconds + seconds, [tokens for part in results for tokens in part]


VARIANTS = common.variants(sequential, threads, processes)


def main():
    parser = common.parser(__doc__, VARIANTS)
    parser.add_argument("--dict", required=True, help="a jieba dictionary (word freq [tag] per line)")
    parser.add_argument("file", nargs="?", default="-", help="text to segment (default stdin)")
    args = parser.parse_args()
    text = "\n".join(common.read_lines(args.file))
    try:
        tokenizer(args.dict)
    except ModuleNotFoundError:
        raise SystemExit("jieba is not installed: pip install -r python-compare/requirements.txt")
    except OSError as error:
        raise SystemExit(f"cannot read the dictionary {args.dict}: {error}")
    seconds, result = common.run(VARIANTS, args.variant, (text, args.dict), args.workers)
    for tokens in result:
        print(json.dumps(tokens, ensure_ascii=False, separators=(",", ":")))
    print(f"{args.variant}, {args.workers} workers: {len(text.encode())} bytes in {seconds:.3f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
