"""Top-K frequent queries, in Python: count, then select.

    python3 topk.py --variant processes --workers 2 -k 10 queries.txt

Each input line is one query (empty lines skipped); prints K lines
`count<TAB>query`, count descending, then query ascending.
"""

import heapq
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import common

K = 10
"""How many queries the harness asks for."""


def top(counts, k):
    # Code-point order is UTF-8 byte order, the order Rust sorts ties in.
    return [[q, n] for q, n in heapq.nsmallest(k, counts.items(), key=lambda qn: (-qn[1], qn[0]))]


def merged(counters):
    total = Counter()
    for counts in counters:
        total.update(counts)
    return total


def sequential(data, workers):
    queries, k = data
    return common.timed(lambda: top(Counter(queries), k))


def threads(data, workers):
    queries, k = data

    # Each thread counts its own slice: no shared counter, no lock. The GIL
    # still lets one thread count at a time.
    def work():
        with ThreadPoolExecutor(workers) as pool:
            return top(merged(pool.map(Counter, common.split(queries, workers))), k)

    return common.timed(work)


def processes(data, workers, cold):
    queries, k = data
    seconds, counters = common.in_processes(
        Counter, common.split(queries, workers), workers, cold=cold
    )
    start = common.time.perf_counter()
    result = top(merged(counters), k)
    return seconds + common.time.perf_counter() - start, result


VARIANTS = common.variants(sequential, threads, processes)


def main():
    parser = common.parser(__doc__, VARIANTS)
    parser.add_argument("-k", type=int, default=K, help=f"how many queries to print (default {K})")
    parser.add_argument("file", nargs="?", default="-", help="queries, one per line (default stdin)")
    args = parser.parse_args()
    queries = [q for q in common.read_lines(args.file) if q]
    seconds, result = common.run(VARIANTS, args.variant, (queries, args.k), args.workers)
    for query, count in result:
        print(f"{count}\t{query}")
    print(f"{args.variant}, {args.workers} workers: {len(queries)} queries in {seconds:.3f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
