"""What every workload shares: the digest both languages are checked
against, splitting work, process pools, and timing.

Every variant is a function `variant(data, workers) -> (seconds, result)`
that times only its own work, so the Rust harness and the command line
measure the same thing.
"""

import hashlib
import json
import multiprocessing
import time


def digest(result):
    """The SHA-256 of the result's canonical JSON. Rust's results are turned
    into the same Python lists before they are digested, so one function
    decides what "the same" means for both languages."""
    text = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def first_difference(got, want, path="result"):
    """Where two results first differ, in words, or None if they agree."""
    if isinstance(got, (list, tuple)) and isinstance(want, (list, tuple)):
        for i, (a, b) in enumerate(zip(got, want)):
            found = first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        if len(got) != len(want):
            return f"{path} has {len(got)} items, expected {len(want)}"
        return None
    if got != want:
        return f"{path} is {got!r}, expected {want!r}"
    return None


def split(items, parts):
    """`items` cut into `parts` contiguous slices of near-equal length, in
    order, so results can be put back together in input order."""
    parts = max(1, min(parts, len(items))) if items else 1
    size, extra = divmod(len(items), parts)
    out, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        out.append(items[start:end])
        start = end
    return out


def timed(work, *args):
    start = time.perf_counter()
    result = work(*args)
    return time.perf_counter() - start, result


# A process pool's workers wait here once, so that a warm pool is known to
# have started (and run its initializer) in every process before timing.
_barrier = None


def _start(barrier, initializer, initargs):
    global _barrier
    _barrier = barrier
    if initializer is not None:
        initializer(*initargs)


def _ready(_):
    _barrier.wait()


def in_processes(work, tasks, workers, initializer=None, initargs=(), cold=False):
    """Runs `work` over `tasks` on a pool of `workers` processes; returns
    (seconds, results in task order).

    Processes are spawned, not forked: the harness embeds Python in a
    multithreaded Rust program, and fork copies only the calling thread.
    A warm run (`cold=False`) starts the pool and waits until every process
    has run `initializer` before the clock starts: it times the steady
    state, pickling included. A cold run times the start-up too, as a
    one-shot batch job pays it.
    """
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers)
    start = time.perf_counter()
    with context.Pool(workers, _start, (barrier, initializer, initargs)) as pool:
        if not cold:
            pool.map(_ready, range(workers), chunksize=1)
            start = time.perf_counter()
        results = pool.map(work, tasks, chunksize=1)
        seconds = time.perf_counter() - start
    return seconds, results


def executable(_):
    """The interpreter a worker process runs: for the harness's test that
    multiprocessing never starts the Rust binary."""
    import sys

    return sys.executable


def run(variants, name, data, workers):
    """Runs one variant by name, with a clear error for an unknown one."""
    if name not in variants:
        raise SystemExit(f"unknown variant {name!r}; choose from {', '.join(variants)}")
    if workers < 1:
        raise SystemExit("--workers takes a count of at least 1")
    return variants[name](data, workers)


def variants(sequential, threads, processes):
    """The variants of a CPU-bound workload. `processes(data, workers, cold)`
    serves twice: warm (start-up not timed) and cold (timed)."""
    return {
        "sequential": sequential,
        "threads": threads,
        "processes": lambda data, workers: processes(data, workers, cold=False),
        "processes-cold": lambda data, workers: processes(data, workers, cold=True),
    }


def parser(doc, variants):
    """A command line with the options every workload file shares."""
    import argparse

    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--variant", choices=list(variants), default=next(iter(variants)))
    p.add_argument("--workers", type=int, default=1, help="threads or processes (default 1)")
    return p


def read_lines(path):
    """The lines of `path` (or stdin for "-") without terminators; a missing
    or unreadable file is a clear error, not a traceback."""
    import sys

    try:
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8")
        with stream:
            return [line.rstrip("\r\n") for line in stream]
    except (OSError, UnicodeDecodeError) as error:
        raise SystemExit(f"cannot read {path}: {error}")
