"""A shared map under a stream of operations, in Python: one dict.

    python3 hashmap.py --variant threads --workers 2 --ops 1000000

An operation is `(code, key)`: 0 read, 1 insert (the key as its value),
2 remove, 3 update (add 1 if present). Keys are split among workers by
`key % workers`, so each key's operations run in stream order on one worker
and the final map is the same however the workers interleave. The result is
`[hits, [[key, value], ...]]`: reads that found their key, and the final map
sorted by key.
"""

import random
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import common

READ, INSERT, REMOVE, UPDATE = range(4)


def apply(ops, table, lock=None):
    """Runs `ops` against `table`; returns the number of reads that hit.
    With a lock, every operation takes it: dict operations are atomic under
    the GIL, but an update (read, add, write) is three of them."""
    hits = 0
    for code, key in ops:
        if lock is not None:
            lock.acquire()
        if code == READ:
            if key in table:
                hits += 1
        elif code == INSERT:
            table[key] = key
        elif code == REMOVE:
            table.pop(key, None)
        elif key in table:
            table[key] += 1
        if lock is not None:
            lock.release()
    return hits


def by_key(ops, workers):
    parts = [[] for _ in range(workers)]
    for op in ops:
        parts[op[1] % workers].append(op)
    return parts


def sequential(ops, workers):
    def work():
        table = {}
        hits = apply(ops, table)
        return [hits, sorted([k, v] for k, v in table.items())]

    return common.timed(work)


def threads(ops, workers):
    # One dict and one lock: Java's Hashtable, or a Python service's cache.
    def work():
        table, lock = {}, threading.Lock()
        with ThreadPoolExecutor(workers) as pool:
            hits = sum(pool.map(lambda part: apply(part, table, lock), by_key(ops, workers)))
        return [hits, sorted([k, v] for k, v in table.items())]

    return common.timed(work)


def _own_table(part):
    table = {}
    return apply(part, table), list(table.items())


def processes(ops, workers, cold):
    # Each process owns the keys of its part: nothing is shared, so
    # nothing needs a lock. The parts travel to the workers pickled.
    start = common.time.perf_counter()
    parts = by_key(ops, workers)
    split_seconds = common.time.perf_counter() - start
    seconds, results = common.in_processes(_own_table, parts, workers, cold=cold)
    start = common.time.perf_counter()
    hits = sum(h for h, _ in results)
    items = sorted([k, v] for _, part in results for k, v in part)
    return split_seconds + seconds + common.time.perf_counter() - start, [hits, items]


VARIANTS = common.variants(sequential, threads, processes)

MIXES = {"read-heavy": (98, 1, 1, 0), "exchange": (10, 40, 40, 10), "rapid-grow": (5, 80, 5, 10)}


def generate(count, keys, mix, seed):
    weights = MIXES[mix]
    rng = random.Random(seed)
    codes = rng.choices(range(4), weights=weights, k=count)
    return [(code, rng.randrange(keys)) for code in codes]


def main():
    parser = common.parser(__doc__, VARIANTS)
    parser.add_argument("--ops", type=int, default=1_000_000, help="operations (default 1000000)")
    parser.add_argument("--keys", type=int, default=100_000, help="distinct keys (default 100000)")
    parser.add_argument("--mix", choices=list(MIXES), default="exchange")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.ops < 0 or args.keys < 1:
        raise SystemExit("--ops takes a count of at least 0, --keys at least 1")
    ops = generate(args.ops, args.keys, args.mix, args.seed)
    seconds, (hits, items) = common.run(VARIANTS, args.variant, ops, args.workers)
    print(f"{hits} reads hit; {len(items)} keys at the end; digest {common.digest([hits, items])}")
    print(f"{args.variant}, {args.workers} workers: {args.ops} operations in {seconds:.3f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
