"""Autocomplete in Python: a trie whose nodes cache their top 3.

    python3 trie.py --sentences counts.tsv --variant threads --workers 2 < prefixes.txt

The sentences file has lines `count<TAB>sentence`; each line of stdin is a
prefix, answered with a JSON list of up to 3 sentences, count descending,
then sentence ascending. The trie is built once, before the clock starts;
the variants time the queries, which only read it.
"""

import gc
import json
import sys
from concurrent.futures import ThreadPoolExecutor

import common

TOP = 3


class Trie:
    """Each node is `[children, top]`: `top` holds the node's best
    `(-count, sentence)` pairs, so a query walks its prefix and stops."""

    def __init__(self, pairs):
        self.root = [{}, []]
        for sentence, count in pairs:
            self._add(sentence, count)
        # The trie is a million long-lived containers that never form a
        # cycle. Without this, every full collection the queries trigger
        # walks all of them: it doubled query time here.
        gc.freeze()

    def _add(self, sentence, count):
        entry = (-count, sentence)
        node = self.root
        for ch in sentence:
            node = node[0].setdefault(ch, [{}, []])
            top = node[1]
            if len(top) < TOP or entry < top[-1]:
                top.append(entry)
                top.sort()
                del top[TOP:]

    def suggest(self, prefix):
        node = self.root
        for ch in prefix:
            node = node[0].get(ch)
            if node is None:
                return []
        return [sentence for _, sentence in node[1]]


def answer(trie, prefixes):
    return [trie.suggest(p) for p in prefixes]


_built = {}


def built(pairs):
    """The trie for `pairs`, built once per process and reused."""
    key = id(pairs)
    if key not in _built:
        _built.clear()
        _built[key] = Trie(pairs)
    return _built[key]


def sequential(data, workers):
    pairs, prefixes = data
    trie = built(pairs)
    return common.timed(answer, trie, prefixes)


def threads(data, workers):
    # Readers share one trie: nothing changes it, so no lock. The GIL runs
    # one reader at a time all the same.
    pairs, prefixes = data
    trie = built(pairs)

    def work():
        with ThreadPoolExecutor(workers) as pool:
            parts = pool.map(lambda part: answer(trie, part), common.split(prefixes, workers))
            return [s for part in parts for s in part]

    return common.timed(work)


_process_trie = None


def _build_here(pairs):
    global _process_trie
    _process_trie = Trie(pairs)


def _answer_here(prefixes):
    return answer(_process_trie, prefixes)


def processes(data, workers, cold):
    # Every process builds its own trie from the pickled sentences: memory
    # is not shared between processes.
    pairs, prefixes = data
    seconds, parts = common.in_processes(
        _answer_here, common.split(prefixes, workers), workers, _build_here, (pairs,), cold=cold
    )
    return seconds, [s for part in parts for s in part]


VARIANTS = common.variants(sequential, threads, processes)


def main():
    parser = common.parser(__doc__, VARIANTS)
    parser.add_argument("--sentences", required=True, help="lines of count<TAB>sentence")
    args = parser.parse_args()
    pairs = []
    for number, line in enumerate(common.read_lines(args.sentences), 1):
        count, tab, sentence = line.partition("\t")
        if not tab or not count.isdigit():
            raise SystemExit(f"{args.sentences}:{number}: expected count<TAB>sentence")
        pairs.append((sentence, int(count)))
    prefixes = common.read_lines("-")
    seconds, answers = common.run(VARIANTS, args.variant, (pairs, prefixes), args.workers)
    for suggestions in answers:
        print(json.dumps(suggestions, ensure_ascii=False))
    print(f"{args.variant}, {args.workers} workers: {len(prefixes)} prefixes in {seconds:.3f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
