"""What processes cost in memory, measured: copy-on-write after fork, and
pickling across processes.

    python3 memory.py                      # about 150 MB of objects
    python3 memory.py --size small         # a quick check, under 2 s
    python3 memory.py --out memory.md      # the tables, also to a file

A. Copy-on-write. The parent builds a list of many small lists, each holding
one distinct int, then forks one child per action. Each child reads
/proc/self/smaps_rollup before and after its action and sends both back
through a pipe. Right after fork every page is shared with the parent; a
page the child writes is copied and becomes private to it. The growth of the
child's Private_Dirty is what the action made private. Every object's header
holds its reference count, so merely reading an object writes its page; a
full collection writes the GC header of every tracked container, unless the
parent moved them out of its reach with gc.freeze().

B. Pickling. The same rows are summed in this process, pickled and
unpickled, handed to a thread, and handed to a spawned worker process.

Linux only: it needs os.fork and /proc/self/smaps_rollup.
"""

import argparse
import csv
import gc
import json
import multiprocessing
import os
import pickle
import statistics
import sys
import sysconfig
import time
from concurrent.futures import ThreadPoolExecutor

import common

SMAPS = "/proc/self/smaps_rollup"
MB = 1024 * 1024

SIZES = {"small": 20_000, "default": 1_250_000, "large": 4_000_000}
"""Rows in the structure. Each row is a list (GC-tracked) holding one int
(not tracked): about 120 bytes a row with CPython 3.11 on 64-bit Linux."""

PICKLE_ROWS = 300_000
"""How many of those rows part B moves by default: pickling is slow, and
the ratios hardly depend on the count."""


# ---------------------------------------------------------------- part A


def smaps():
    """The kB fields of /proc/self/smaps_rollup, as a dict of ints."""
    fields = {}
    with open(SMAPS, encoding="ascii") as lines:
        for line in lines:
            key, _, rest = line.partition(":")
            words = rest.split()
            if len(words) == 2 and words[1] == "kB":
                fields[key] = int(words[0])
    return fields


def build(rows):
    """`rows` small lists of one int each. Ints from 1000 up are distinct
    objects (CPython caches only -5..256). Lists, not tuples: the collector
    untracks a tuple of untracked objects the first time it examines it, so
    tuples of ints would drop out of the experiment."""
    return [[i] for i in range(1000, 1000 + rows)]


def do_nothing(data):
    time.sleep(0.1)


def read_all(data):
    # No assignment to any object, yet every row and every int gets an
    # incref and a decref: a write to the object's header, so to its page.
    for row in data:
        row[0]


def collect(data):
    gc.collect()


def in_child(action, data):
    """Forks; the child runs `action(data)` and reports smaps before and
    after, and the action's seconds. Returns that report."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(read_end)
            before = smaps()
            start = time.perf_counter()
            action(data)
            seconds = time.perf_counter() - start
            report = {"before": before, "after": smaps(), "seconds": seconds}
        except BaseException as error:  # reported to the parent, never raised
            report, code = {"error": repr(error)}, 1
        os.write(write_end, json.dumps(report).encode())
        # _exit: a normal exit would tear the interpreter down and decref
        # every object, dirtying the pages we are trying to keep shared.
        os._exit(code)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    report = json.loads(b"".join(chunks) or b'{"error": "the child sent nothing"}')
    if "error" in report:
        raise SystemExit(f"the child running {action.__name__} failed: {report['error']}")
    return report


def copy_on_write(rows):
    """Part A: (structure size in kB, one result per action)."""
    before = smaps()["Private_Dirty"]
    data = build(rows)
    size_kb = smaps()["Private_Dirty"] - before
    # The gc docs' advice for fork without exec: no collections in the parent
    # (they would free holes for later objects), freeze right before fork.
    # Disabled here, automatic collections cannot run in the children either:
    # each child's only collection is the one its action asks for.
    gc.disable()
    plan = [
        ("nothing (sleep 0.1 s)", do_nothing, False),
        ("read every row and int", read_all, False),
        ("gc.collect()", collect, False),
        ("gc.collect()", collect, True),
        ("read every row and int", read_all, True),
    ]
    results = []
    for label, action, frozen in plan:
        if frozen and not gc.get_freeze_count():
            gc.freeze()  # every tracked object to the permanent generation
        report = in_child(action, data)
        results.append((label, frozen, report))
    gc.unfreeze()
    gc.enable()
    return data, size_kb, results


# ---------------------------------------------------------------- part B


def work(rows):
    """The work: one pass over the rows, as in part A's read."""
    total = 0
    for row in rows:
        total += row[0]
    return total


def pickle_round_trip(rows):
    return pickle.loads(pickle.dumps(rows))


def peak_rss_mb(_=None):
    """This process's peak resident set (VmHWM), in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def noop(_=None):
    return None


def pickling(rows, repeats):
    """Part B: median seconds of each way to run `work(rows)`, and the
    worker's peak RSS before and after it received the rows."""
    expected = work(rows)
    times = {"work": [], "pickle": [], "thread": [], "process": []}
    context = multiprocessing.get_context("spawn")
    with ThreadPoolExecutor(1) as threads, context.Pool(1) as pool:
        threads.submit(noop).result()  # the thread exists before timing
        pool.apply(noop)  # so does the worker, with this module imported
        worker_before = pool.apply(peak_rss_mb)
        # One round of each per repeat, interleaved, so that a burst of load
        # from elsewhere hits every variant alike.
        for _ in range(repeats):
            for name, run in (
                ("work", lambda: work(rows)),
                ("pickle", lambda: pickle_round_trip(rows)),
                ("thread", lambda: threads.submit(work, rows).result()),
                ("process", lambda: pool.apply(work, (rows,))),
            ):
                seconds, result = common.timed(run)
                if name != "pickle" and result != expected:
                    raise SystemExit(f"{name} returned {result}, expected {expected}")
                times[name].append(seconds)
        worker_after = pool.apply(peak_rss_mb)
    medians = {name: statistics.median(values) for name, values in times.items()}
    return medians, len(pickle.dumps(rows)), (worker_before, worker_after)


# ---------------------------------------------------------------- report


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            for line in info:
                if line.startswith("model name"):
                    model = line.partition(":")[2].strip()
                    break
    except OSError:
        pass
    disabled = sysconfig.get_config_var("Py_GIL_DISABLED")
    if disabled:
        enabled = getattr(sys, "_is_gil_enabled", lambda: False)()
        gil = f"free-threaded build, GIL {'enabled' if enabled else 'disabled'} at run time"
    else:
        gil = "GIL enabled"
    return (f"machine: {os.cpu_count()} cores; cpu: {model}; "
            f"python: {sys.version.split()[0]}; {gil} (Py_GIL_DISABLED={disabled})")


def mb(kb):
    return f"{kb / 1024:.1f}"


def markdown(args, rows, size_kb, results, medians, pickle_bytes, worker, load, seconds):
    out = [machine(), ""]
    out.append(f"command: `python3 python-compare/python/memory.py {' '.join(sys.argv[1:])}`".rstrip())
    out.append("")
    out.append(f"load average (1 min) at start {load[0]:.2f}, at end {load[1]:.2f}; "
               f"page size {os.sysconf('SC_PAGE_SIZE')} B; total {seconds:.1f} s")
    out.append("")
    out.append("### A. Copy-on-write after fork")
    out.append("")
    out.append(f"Structure: {rows:,} small lists, each holding one distinct int: "
               f"{mb(size_kb)} MB (growth of the parent's Private_Dirty while building it). "
               "One fresh child per action; MB read from the child's /proc/self/smaps_rollup "
               "before and after the action.")
    out.append("")
    out.append("| action in the child | parent called gc.freeze() | Shared_Clean + Shared_Dirty, MB before → after "
               "| Private_Dirty, MB before → after | made private, MB | of the structure | action, s |")
    out.append("|---|---|---|---|---|---|---|")
    for label, frozen, report in results:
        before, after = report["before"], report["after"]
        shared = [r["Shared_Clean"] + r["Shared_Dirty"] for r in (before, after)]
        private = after["Private_Dirty"] - before["Private_Dirty"]
        out.append(f"| {label} | {'yes' if frozen else 'no'} | {mb(shared[0])} → {mb(shared[1])} "
                   f"| {mb(before['Private_Dirty'])} → {mb(after['Private_Dirty'])} | {mb(private)} "
                   f"| {private / size_kb:.0%} | {report['seconds']:.3f} |")
    out.append("")
    out.append("### B. Pickling across processes")
    out.append("")
    n = min(args.pickle_rows, rows)
    out.append(f"Data: the first {n:,} rows of the same structure; their pickle is "
               f"{pickle_bytes / MB:.1f} MB. The work sums the ints, one pass. "
               f"Medians of {args.repeats} runs, interleaved.")
    out.append("")
    out.append("| how the work ran | median, s | vs the work alone |")
    out.append("|---|---|---|")
    names = {
        "work": "in this process, a plain call",
        "pickle": "`pickle.loads(pickle.dumps(rows))` only, no work",
        "thread": "one call in a thread (`ThreadPoolExecutor(1)`, started before timing)",
        "process": "one `pool.apply` in a spawned worker (started before timing)",
    }
    for name, label in names.items():
        out.append(f"| {label} | {medians[name]:.4f} | {medians[name] / medians['work']:.1f}x |")
    out.append("")
    out.append(f"Pickling / work: {medians['pickle'] / medians['work']:.1f}x. "
               f"Process call / thread call: {medians['process'] / medians['thread']:.1f}x. "
               f"The worker's peak RSS went from {worker[0]:.1f} MB to {worker[1]:.1f} MB: "
               "it holds its own copy of the rows; the thread used the parent's.")
    return "\n".join(out) + "\n"


def csv_rows(results, size_kb, medians, pickle_bytes, worker):
    """The figures of both parts, one per row, for the book to quote:
    part, action, whether the parent froze, megabytes, seconds."""
    keys = {"nothing (sleep 0.1 s)": "nothing", "read every row and int": "read", "gc.collect()": "collect"}
    yield {"part": "structure", "action": "build", "gc_freeze": "", "mb": size_kb / 1024, "seconds": ""}
    for label, frozen, report in results:
        private = report["after"]["Private_Dirty"] - report["before"]["Private_Dirty"]
        yield {"part": "fork", "action": keys.get(label, label), "gc_freeze": "yes" if frozen else "no",
               "mb": private / 1024, "seconds": report["seconds"]}
    yield {"part": "pickle", "action": "size", "gc_freeze": "", "mb": pickle_bytes / MB, "seconds": ""}
    for name, seconds in medians.items():
        yield {"part": "pickle", "action": name, "gc_freeze": "", "mb": "", "seconds": seconds}
    for when, mb_ in zip(("before", "after"), worker):
        yield {"part": "worker_rss", "action": when, "gc_freeze": "", "mb": mb_, "seconds": ""}


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["part", "action", "gc_freeze", "mb", "seconds"])
        writer.writeheader()
        writer.writerows(rows)


def size(text):
    if text in SIZES:
        return SIZES[text]
    try:
        rows = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected one of {', '.join(SIZES)} or a number of rows, got {text!r}")
    if rows < 1000:
        raise argparse.ArgumentTypeError(f"at least 1000 rows, got {rows}")
    return rows


def positive(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}")
    if value < 1:
        raise argparse.ArgumentTypeError(f"at least 1, got {value}")
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=size, default="default",
                        help=f"rows in the structure: {', '.join(f'{k} ({v:,})' for k, v in SIZES.items())}, "
                             "or a number (default: default)")
    parser.add_argument("--pickle-rows", type=positive, default=PICKLE_ROWS,
                        help=f"rows moved in part B, at most the structure's (default {PICKLE_ROWS:,})")
    parser.add_argument("--repeats", type=positive, default=5, help="runs per timing in part B (default 5)")
    parser.add_argument("--out", metavar="FILE.md", help="also write the Markdown to this file")
    parser.add_argument("--csv", metavar="FILE.csv", help="also write every figure to this CSV")
    args = parser.parse_args()
    if not hasattr(os, "fork") or not os.path.exists(SMAPS):
        print(f"memory.py needs Linux: os.fork and {SMAPS} (kernel 4.14 or later). "
              "Neither copy-on-write nor smaps can be measured here.", file=sys.stderr)
        sys.exit(2)

    for path in (args.out, args.csv):  # fail before the measuring, not after it
        if path:
            try:
                open(path, "a", encoding="utf-8").close()
            except OSError as error:
                raise SystemExit(f"cannot write {path}: {error}")

    start, load_start = time.perf_counter(), os.getloadavg()[0]
    data, size_kb, results = copy_on_write(args.size)
    rows = data[:min(args.pickle_rows, len(data))]
    medians, pickle_bytes, worker = pickling(rows, args.repeats)
    text = markdown(args, len(data), size_kb, results, medians, pickle_bytes, worker,
                    (load_start, os.getloadavg()[0]), time.perf_counter() - start)
    print(text, end="")
    try:
        if args.out:
            with open(args.out, "w", encoding="utf-8") as out:
                out.write(text)
        if args.csv:
            write_csv(args.csv, csv_rows(results, size_kb, medians, pickle_bytes, worker))
    except OSError as error:
        raise SystemExit(f"cannot write: {error}")


if __name__ == "__main__":
    main()
