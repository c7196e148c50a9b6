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
* floor ratio: FAVOR+ time / time of its own four matrix products run alone (the BLAS floor:
  Q·Wᵀ, K·Wᵀ, K′ᵀV, Q′(K′ᵀV), timed in the same round-robin), at L = 16384 with one and with
  two BLAS threads side by side (goal: ≤ 1.3 bidirectional, ≤ 2 causal), with no pause between the
  timed calls and from an idle start (a pause before each: see ``IDLE_GAP``);
* float32: the same FAVOR+ on float32 inputs, its time and its relative error against the
  float64 FAVOR+ (same random features: the rounding cost) and against exact attention.

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

#: idle seconds before each timed call of the floor table's "idle" rows. After a product on several
#: threads, OpenBLAS's worker threads spin (busy-wait for more work) for a while before they sleep;
#: a FAVOR+ call right after one finds a core taken by a spinning thread, and its own two worker
#: threads share the other core (on a machine with no more cores than threads). Measured here
#: (2 cores, OpenBLAS 0.3.31, 2026-12-01, L = 16384): bidirectional FAVOR+ on two threads right after a
#: two-thread floor product 1.8-2.5x the floor; after a 0.5 s pause 0.94x; with no pause but
#: OPENBLAS_THREAD_TIMEOUT=4 in the environment (the workers sleep at once) 1.06-1.20x. Both rows
#: are printed. (A two-thread "floor" is not a strict lower bound: our blocked, one-thread-per-block
#: products can beat the four unblocked two-thread products, hence ratios below 1.)
IDLE_GAP = 0.5


def median_times(fns: dict, repeats: int | None = None, warmup: int = 1, budget: float = 0.4,
                 gap: float = 0.0) -> dict:
    """Median seconds of each function, timed round-robin (exact, FAVOR+, ... in turn) so that a
    burst of load from other processes hits all of them alike.

    ``repeats=None``: as many rounds as fit in ``budget`` seconds (from the fastest of three
    trial rounds), at least 3 and at most 51. ``gap``: seconds of idle pause before each timed
    call (not timed; see ``IDLE_GAP``).
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
            if gap:
                time.sleep(gap)
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
    """Parse the options and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="L up to 4096, fewer repeats (< 30 s)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="timed repeats per point (default: as many as fit in ~0.4 s, at least 3)")
    parser.add_argument("--threads", type=int, default=None,
                        help="limit the BLAS thread pool of the scaling table to this many threads")
    args = parser.parse_args(argv)
    return run(args)


def _limited(threads):
    from contextlib import nullcontext

    from threadpoolctl import threadpool_limits

    return nullcontext() if threads is None else threadpool_limits(limits=threads)


def floor_ratios(L: int, threads: int, rng, omega, W, repeats=None, budget: float = 0.8, gap: float = 0.0) -> dict:
    """Median times of FAVOR+ (bidirectional, causal), its four products alone, and the float32 FAVOR+
    (``gap``: idle seconds before each timed call)."""
    Q, K, V = inputs(L, rng)
    Q32, K32, V32 = (a.astype(np.float32) for a in (Q, K, V))
    W32 = W.astype(np.float32)
    with _limited(threads):
        t = median_times({"favor": lambda: P.favor_attention(Q, K, V, omega=omega),
                          "causal": lambda: P.favor_attention(Q, K, V, omega=omega, causal=True),
                          "floor": lambda: favor_products_only(Q, K, V, W),
                          "favor32": lambda: P.favor_attention(Q32, K32, V32, omega=omega),
                          "causal32": lambda: P.favor_attention(Q32, K32, V32, omega=omega, causal=True),
                          "floor32": lambda: favor_products_only(Q32, K32, V32, W32)},
                         repeats if repeats is not None or not gap else 7, warmup=1, budget=budget, gap=gap)
    f64 = P.favor_attention(Q, K, V, omega=omega)
    f32 = P.favor_attention(Q32, K32, V32, omega=omega)
    t["err32_vs_64"] = P.relative_error(f32, f64)
    t["err64_vs_exact"] = P.relative_error(f64, P.exact_attention(Q, K, V, block_rows=1024))
    t["err32_vs_exact"] = P.relative_error(f32, P.exact_attention(Q, K, V, block_rows=1024))
    return t


def run(args) -> int:
    """Print the scaling table, the crossover, and the floor ratios at 1 and 2 BLAS threads."""
    from threadpoolctl import threadpool_info

    L_values = [512, 1024, 2048, 4096] if args.quick else [512, 1024, 2048, 4096, 8192, 16384]
    budget = 0.15 if args.quick else 0.4  # seconds of timed rounds per row
    rng = np.random.default_rng(0)
    omega = P.gaussian_random_matrix(M, D, orthogonal=True, rng=rng)
    W = omega * D**-0.25

    print(f"# exact softmax attention vs FAVOR+ (positive, orthogonal), d = {D}, m = {M}, float64")
    with _limited(args.threads):
        blas = ", ".join(f"{i.get('internal_api')} {i.get('num_threads')} threads" for i in threadpool_info()
                         if i.get("user_api") == "blas") or "unknown"
    print(f"# numpy {np.__version__} (BLAS: {blas}), python {platform.python_version()}, {platform.machine()}; "
          "timings are medians of round-robin repeats after a warm-up, on a shared 2-core machine: noisy")
    print("# peak = tracemalloc peak of NumPy allocations in one call (inputs excluded); "
          "analytic = largest intermediate arrays; floor = FAVOR+'s four matrix products alone")
    header = (f"{'L':>6} {'exact ms':>10} {'FAVOR+ ms':>10} {'causal ms':>10} {'floor ms':>9} {'speed-up':>9} "
              f"{'exact peak MiB':>15} {'(analytic)':>11} {'FAVOR+ peak MiB':>16} {'(analytic)':>11} "
              f"{'FAVOR+/floor':>13} {'causal/floor':>13}")
    print(header)
    print("-" * len(header))
    rows = []
    with _limited(args.threads):
        for L in L_values:
            Q, K, V = inputs(L, rng)
            t = median_times({"exact": lambda: P.exact_attention(Q, K, V),
                              "favor": lambda: P.favor_attention(Q, K, V, omega=omega),
                              "causal": lambda: P.favor_attention(Q, K, V, omega=omega, causal=True),
                              "matmul": lambda: favor_products_only(Q, K, V, W)},
                             args.repeats, warmup=1, budget=budget)
            mem_exact = P.peak_allocated_bytes(lambda: P.exact_attention(Q, K, V))
            mem_favor = P.peak_allocated_bytes(lambda: P.favor_attention(Q, K, V, omega=omega))
            rows.append((L, t["exact"], t["favor"]))
            print(f"{L:>6} {t['exact'] * 1e3:>10.1f} {t['favor'] * 1e3:>10.1f} {t['causal'] * 1e3:>10.1f} "
                  f"{t['matmul'] * 1e3:>9.1f} {t['exact'] / t['favor']:>8.1f}x "
                  f"{mem_exact / 2**20:>15.1f} {P.attention_bytes(L, D) / 2**20:>11.1f} {mem_favor / 2**20:>16.1f} "
                  f"{P.attention_bytes(L, D, M) / 2**20:>11.1f} {t['favor'] / t['matmul']:>13.2f} "
                  f"{t['causal'] / t['matmul']:>13.2f}", flush=True)
            del Q, K, V
        Ls = np.array([r[0] for r in rows], dtype=float)
        for name, col in (("exact", 1), ("FAVOR+", 2)):
            big = Ls >= 2048
            slope = np.polyfit(np.log(Ls[big]), np.log([r[col] for r, b in zip(rows, big) if b]), 1)[0]
            print(f"# fitted exponent of {name} time vs L for L >= 2048: {slope:.2f}")

        grid = [64, 96, 128, 192, 256, 384, 512, 768, 1024]
        faster = []
        for L in grid:
            Q, K, V = inputs(L, rng)
            t = median_times({"exact": lambda: P.exact_attention(Q, K, V),
                              "favor": lambda: P.favor_attention(Q, K, V, omega=omega)}, args.repeats, warmup=2,
                             budget=budget)
            faster.append(t["favor"] < t["exact"])
            print(f"# crossover grid L = {L:>5}: exact {t['exact'] * 1e3:7.3f} ms, FAVOR+ {t['favor'] * 1e3:7.3f} ms")
    crossover = next((L for i, L in enumerate(grid) if all(faster[i:])), None)
    if crossover is None:
        print("crossover: FAVOR+ is not faster than exact at L = 1024 in this run")
    else:
        print(f"crossover: FAVOR+ faster than exact from L = {crossover} on (grid {grid[0]}..{grid[-1]}; "
              f"the FLOP counts 4L²d and 8Lmd cross at L = 2m = {2 * M})")
    L, te, tf = rows[-1]
    print(f"at L = {L}: FAVOR+ is {te / tf:.1f}x faster than exact")

    L_floor = 4096 if args.quick else 16384
    print(f"\n# floor ratios at L = {L_floor}, d = {D}, m = {M} (goal: FAVOR+ <= 1.3, causal <= 2 times the floor)")
    print(f"# idle: a pause of {IDLE_GAP} s before each timed call (see IDLE_GAP); no pause: each call right after "
          "the previous one of the round-robin (FAVOR+ right after a floor product)")
    print(f"{'threads':>7} {'start':>12} {'dtype':>8} {'floor ms':>9} {'FAVOR+ ms':>10} {'causal ms':>10} {'FAVOR+/floor':>13} "
          f"{'causal/floor':>13} {'rel. error vs float64 FAVOR+':>29} {'rel. error vs exact':>20}")
    for threads, start in ((1, "no pause"), (1, "idle"), (2, "no pause"), (2, "idle")):
        gap = IDLE_GAP if start == "idle" else 0.0
        t = floor_ratios(L_floor, threads, rng, omega, W, args.repeats, budget=3 * budget, gap=gap)
        for sfx, dt, e64, eex in (("", "float64", 0.0, t["err64_vs_exact"]),
                                  ("32", "float32", t["err32_vs_64"], t["err32_vs_exact"])):
            fl, fv, ca = t["floor" + sfx], t["favor" + sfx], t["causal" + sfx]
            print(f"{threads:>7} {start:>12} {dt:>8} {fl * 1e3:>9.1f} {fv * 1e3:>10.1f} {ca * 1e3:>10.1f} {fv / fl:>13.2f} "
                  f"{ca / fl:>13.2f} {e64:>29.1e} {eex:>20.4f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
