"""Benchmark for lecture 1: exact softmax attention vs FAVOR+ (d = 64, m = 256, float64).

Usage::

    .venv/bin/python benchmarks/bench_performer.py            # L = 512 ... 16384 (about 1-2 minutes)
    .venv/bin/python benchmarks/bench_performer.py --quick    # L = 512 ... 4096 (< 30 s)

What is measured
----------------
* time: median wall-clock time of ``exact_attention`` and ``favor_attention`` (bidirectional,
  positive orthogonal features, the random matrix drawn once outside the timing), timed
  round-robin with the other functions of the same row over as many rounds as fit in about
  0.4 s (at least 3) after one warm-up round (none at L ≥ 8192);
* peak memory: the peak of NumPy's allocations during one extra, untimed call, measured
  with ``tracemalloc`` (NumPy reports its array buffers to it); the inputs Q, K, V are
  allocated before and are not counted. The analytic size of the largest intermediate
  arrays is printed beside it (L² floats for exact; 2·L·m + (L+m)(d+1) for FAVOR+);
* GFLOP/s: FAVOR+'s four matrix products do 8·L·m·d floating-point operations; its
  achieved rate is that count divided by its whole time (the exp's, max's and the
  normalisation count as overhead). The reference is plain ``numpy.matmul`` on exactly the
  same four products, timed in the same run; efficiency = FAVOR+ rate / matmul rate.
* crossover: the smallest L of a finer grid from which on FAVOR+ is faster than exact.

Timings are noisy: the machine has 2 cores and may be shared. Nothing here is asserted.
"""
from __future__ import annotations

import argparse
import platform
import sys
import time

import numpy as np

from course_utils import performer as P

D, M = 64, 256


def median_times(fns: dict, repeats: int | None = None, warmup: int = 1, budget: float = 0.4) -> dict:
    """Median seconds of each function, timed round-robin (exact, FAVOR+, ... in turn) so that a
    burst of load from other processes hits all of them alike.

    ``repeats=None``: as many rounds as fit in ``budget`` seconds (from the fastest of three
    trial rounds), at least 3 and at most 51.
    """
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    if repeats is None:
        trial = []
        for _ in range(3 if warmup else 1):
            t0 = time.perf_counter()
            for fn in fns.values():
                fn()
            trial.append(time.perf_counter() - t0)
        repeats = int(min(51, max(3, budget / max(min(trial), 1e-6))))
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: float(np.median(t)) for name, t in times.items()}


def inputs(L: int, rng: np.random.Generator):
    """Q, K, V of shape (L, d) with entries 0.5·N(0, 1)."""
    return tuple(0.5 * rng.standard_normal((L, D)) for _ in range(3))


def favor_products_only(Q, K, V, W):
    """The four matrix products of FAVOR+ with no exp, no max, no normalisation."""
    Qp = Q @ W.T
    Kp = K @ W.T
    S = Kp.T @ V
    return Qp @ S


def main(argv=None) -> int:
    """Parse the options and run the benchmark (optionally with a limited BLAS thread pool)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="L up to 4096, fewer repeats (< 30 s)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="timed repeats per point (default: as many as fit in ~0.3 s, at least 3)")
    parser.add_argument("--threads", type=int, default=None,
                        help="limit the BLAS thread pool to this many threads (default: leave as configured)")
    args = parser.parse_args(argv)
    if args.threads is not None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=args.threads):
            return run(args)
    return run(args)


def run(args) -> int:
    """Print the table and the crossover."""
    from threadpoolctl import threadpool_info

    L_values = [512, 1024, 2048, 4096] if args.quick else [512, 1024, 2048, 4096, 8192, 16384]
    budget = 0.15 if args.quick else 0.4  # seconds of timed rounds per row
    rng = np.random.default_rng(0)
    omega = P.gaussian_random_matrix(M, D, orthogonal=True, rng=rng)
    W = omega * D**-0.25

    print(f"# exact softmax attention vs FAVOR+ (positive, orthogonal), d = {D}, m = {M}, float64")
    blas = ", ".join(f"{i.get('internal_api')} {i.get('num_threads')} threads" for i in threadpool_info()
                     if i.get("user_api") == "blas") or "unknown"
    print(f"# numpy {np.__version__} (BLAS: {blas}), python {platform.python_version()}, {platform.machine()}; "
          "timings are medians of repeats after a warm-up, on a shared 2-core machine: noisy")
    sq = rng.standard_normal((1024, 1024))
    t_sq = median_times({"sq": lambda: sq @ sq}, 5)["sq"]
    print(f"# reference: square 1024x1024 float64 matmul = {2 * 1024**3 / t_sq / 1e9:.1f} GFLOP/s")
    print("# peak = tracemalloc peak of NumPy allocations in one call (inputs excluded); "
          "analytic = largest intermediate arrays")
    header = (f"{'L':>6} {'exact ms':>10} {'FAVOR+ ms':>10} {'causal ms':>10} {'speed-up':>9} "
              f"{'exact peak MiB':>15} {'(analytic)':>11} {'FAVOR+ peak MiB':>16} {'(analytic)':>11} "
              f"{'FAVOR+ GFLOP/s':>15} {'matmul GFLOP/s':>15} {'efficiency':>11}")
    print(header)
    print("-" * len(header))
    rows = []
    for L in L_values:
        reps = args.repeats
        Q, K, V = inputs(L, rng)
        t = median_times({"exact": lambda: P.exact_attention(Q, K, V),
                          "favor": lambda: P.favor_attention(Q, K, V, omega=omega),
                          "causal": lambda: P.favor_attention(Q, K, V, omega=omega, causal=True),
                          "matmul": lambda: favor_products_only(Q, K, V, W)},
                         reps, warmup=0 if L >= 8192 else 1, budget=budget)
        t_exact, t_favor, t_causal, t_mm = t["exact"], t["favor"], t["causal"], t["matmul"]
        mem_exact = P.peak_allocated_bytes(lambda: P.exact_attention(Q, K, V))
        mem_favor = P.peak_allocated_bytes(lambda: P.favor_attention(Q, K, V, omega=omega))
        flops = P.attention_flops(L, D, M)
        gf_favor, gf_mm = flops / t_favor / 1e9, flops / t_mm / 1e9
        rows.append((L, t_exact, t_favor))
        print(f"{L:>6} {t_exact * 1e3:>10.1f} {t_favor * 1e3:>10.1f} {t_causal * 1e3:>10.1f} {t_exact / t_favor:>8.1f}x "
              f"{mem_exact / 2**20:>15.1f} {P.attention_bytes(L, D) / 2**20:>11.1f} {mem_favor / 2**20:>16.1f} "
              f"{P.attention_bytes(L, D, M) / 2**20:>11.1f} {gf_favor:>15.1f} {gf_mm:>15.1f} {gf_favor / gf_mm:>10.0%}",
              flush=True)
        del Q, K, V

    # crossover on a finer grid
    grid = [64, 96, 128, 192, 256, 384, 512, 768, 1024]
    faster = []
    for L in grid:
        Q, K, V = inputs(L, rng)
        reps = args.repeats
        t = median_times({"exact": lambda: P.exact_attention(Q, K, V),
                          "favor": lambda: P.favor_attention(Q, K, V, omega=omega)}, reps, warmup=2,
                         budget=budget)
        te, tf = t["exact"], t["favor"]
        faster.append(tf < te)
        print(f"# crossover grid L = {L:>5}: exact {te * 1e3:7.3f} ms, FAVOR+ {tf * 1e3:7.3f} ms")
    crossover = next((L for i, L in enumerate(grid) if all(faster[i:])), None)
    if crossover is None:
        print("crossover: FAVOR+ is not faster than exact at L = 1024 in this run")
    else:
        print(f"crossover: FAVOR+ faster than exact from L = {crossover} on (grid {grid[0]}..{grid[-1]}; "
              f"the FLOP counts 4L²d and 8Lmd cross at L = 2m = {2 * M})")
    L, te, tf = rows[-1]
    print(f"at L = {L}: FAVOR+ is {te / tf:.1f}x faster than exact "
          f"({'meets' if te / tf >= 10 else 'misses'} the 10x target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
