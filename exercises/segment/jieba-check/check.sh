#!/usr/bin/env bash
# Checks `concur segment --format jsonl` against Python jieba's
# cut(HMM=False) on 20 000 lines of text generated independently of the
# Rust code (random dictionary words, punctuation, Latin, emoji, random
# CJK), at 1 and 2 threads. Needs Python 3 with `pip install jieba==0.42.1`;
# pass the Python to use as $1 (default: python3).
set -euo pipefail
cd "$(dirname "$0")"
python=${1:-python3}
work=$(mktemp -d)
"$python" generate.py ../../../data/jieba.dict.txt > "$work/text.txt"
"$python" jieba_cut.py "$work/text.txt" > "$work/jieba.jsonl"
cargo build --release --quiet --manifest-path ../../../Cargo.toml
for threads in 1 2; do
    ../../../target/release/concur segment --format jsonl --threads "$threads" "$work/text.txt" > "$work/ours.jsonl"
    if cmp -s "$work/jieba.jsonl" "$work/ours.jsonl"; then
        echo "threads=$threads: identical to jieba on $(wc -l < "$work/text.txt") lines ($(wc -c < "$work/text.txt") bytes)"
    else
        echo "threads=$threads: differs from jieba; first differing line:"
        diff "$work/jieba.jsonl" "$work/ours.jsonl" | head -4
        exit 1
    fi
done
rm -rf "$work"
