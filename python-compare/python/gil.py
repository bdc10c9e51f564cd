"""The GIL made visible: the same CPU-bound work in 1 and 2 threads, and in
processes.

    python3 gil.py --variant python-threads --workers 2

Only one thread runs Python bytecode at a time, so CPU-bound Python gains
nothing from a second thread; a second process has its own interpreter and
its own GIL. The `rust-*` variants call a Rust function that either holds
the GIL while it computes or releases it (`py.detach`); they exist only
inside the python-compare harness, which provides the module `concur_rust`.
"""

from concurrent.futures import ThreadPoolExecutor

import common

PYTHON_ITERATIONS = 20_000_000
RUST_ITERATIONS = 400_000_000


def count_down(n):
    """Pure Python, pure CPU: no I/O, no C call that drops the GIL."""
    while n > 0:
        n -= 1
    return 0


def in_threads(function, total, workers):
    """`total` units of work split over `workers` threads."""
    parts = [total // workers] * workers
    with ThreadPoolExecutor(workers) as pool:
        start = common.time.perf_counter()
        list(pool.map(function, parts))
        return common.time.perf_counter() - start, total


def python_threads(total, workers):
    return in_threads(count_down, total, workers)


def python_processes(total, workers):
    seconds, _ = common.in_processes(count_down, [total // workers] * workers, workers)
    return seconds, total


def rust_holding_gil(total, workers):
    import concur_rust

    return in_threads(concur_rust.spin_holding_gil, total, workers)


def rust_releasing_gil(total, workers):
    import concur_rust

    return in_threads(concur_rust.spin_releasing_gil, total, workers)


VARIANTS = {
    "python-threads": python_threads,
    "python-processes": python_processes,
    "rust-holding-gil": rust_holding_gil,
    "rust-releasing-gil": rust_releasing_gil,
}


def main():
    parser = common.parser(__doc__, {k: v for k, v in VARIANTS.items() if k.startswith("python")})
    parser.add_argument("--iterations", type=int, default=PYTHON_ITERATIONS)
    args = parser.parse_args()
    seconds, total = common.run(VARIANTS, args.variant, args.iterations, args.workers)
    print(f"{args.variant}, {args.workers} workers: {total} iterations in {seconds:.3f} s "
          f"({total / seconds / 1e6:.1f} million/s)")


if __name__ == "__main__":
    main()
