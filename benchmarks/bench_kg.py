"""Benchmark of RESCAL-ALS on sparse planted knowledge graphs (Lecture 4).

Measures seconds per ALS iteration (median and minimum over iterations, after a warm-up run; the
minimum is the least disturbed by other processes on a shared machine) and the peak
memory allocated during the fit (tracemalloc: numpy and scipy buffers), against the number of
entities n and the number of non-zeros, for K = 50 relations and rank 50. Fits the growth
exponent b in  seconds ≈ c · nnz^b.

Usage:  python benchmarks/bench_kg.py [--quick]

Timings are noisy on a shared machine; BLAS runs single-threaded inside rescal_als.
"""
from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

from course_utils.kg import planted_kg, rescal_als

K, RANK, GROUPS = 50, 50, 50


def make_graph(n: int, degree: float, seed: int = 0):
    """Planted graph with about ``degree`` edges per entity and relation (nnz ≈ degree·n·K)."""
    linked = 2.0 * n * n / GROUPS  # about 2G linked blocks of (n/G)² entries each
    return planted_kg(n, K, GROUPS, density=min(1.0, degree * n / linked), noise=0.1, rng=np.random.default_rng(seed))


def measure(n: int, degree: float, iters: int) -> dict:
    g = make_graph(n, degree)
    rescal_als(g.slices, RANK, init="random", max_iter=1, tol=0.0)  # warm-up (imports, caches)
    tracemalloc.start()
    t0 = time.perf_counter()
    _, _, hist = rescal_als(g.slices, RANK, init="nvecs", max_iter=iters, tol=0.0, rng=np.random.default_rng(0))
    total = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"n": n, "degree": degree, "nnz": g.nnz, "init_s": hist.seconds[0],
            "iter_s": float(np.median(hist.seconds[1:])), "iter_min_s": float(np.min(hist.seconds[1:])), "total_s": total, "peak_mb": peak / 2**20,
            "fit": hist.fit[-1]}


def table(rows: list[dict], title: str) -> None:
    print(title)
    print(f"{'n':>7} {'edges/ent/rel':>13} {'nnz':>10} {'init s':>7} {'s/iter med':>10} {'s/iter min':>10} "
          f"{'ratio':>6} {'peak MB':>8}")
    prev = None
    for r in rows:
        ratio = "" if prev is None else f"{r['iter_min_s'] / prev['iter_min_s']:6.2f}"
        print(f"{r['n']:7d} {r['degree']:13.1f} {r['nnz']:10,d} {r['init_s']:7.2f} {r['iter_s']:10.3f} "
              f"{r['iter_min_s']:10.3f} {ratio:>6} {r['peak_mb']:8.1f}")
        prev = r
    nnz = np.array([r["nnz"] for r in rows], float)
    for key, label in (("iter_min_s", "min"), ("iter_s", "median")):
        b, _ = np.polyfit(np.log(nnz), np.log([r[key] for r in rows]), 1)
        print(f"fitted growth exponent in nnz ({label}): seconds/iteration ~ nnz^{b:.2f}")
    print()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes (< 30 s)")
    args = ap.parse_args(argv)
    iters = 3 if args.quick else 7
    sizes = (500, 1000, 2000) if args.quick else (1000, 2000, 5000, 10_000)
    degrees = (0.5, 1.0, 2.0) if args.quick else (0.5, 1.0, 2.0, 4.0)
    n_fixed = sizes[-1]
    print(f"RESCAL-ALS on planted graphs: K = {K} relations, rank {RANK}, {GROUPS} groups, noise 0.1, "
          f"{iters} iterations per size{' (quick)' if args.quick else ''}")
    print()
    table([measure(n, 2.0, iters) for n in sizes], "A. growing n, 2 edges per entity and relation (nnz ~ 100 n)")
    table([measure(n_fixed, d, iters) for d in degrees], f"B. n = {n_fixed:,} fixed, growing density")
    r2 = RANK * RANK
    print(f"for comparison, the dense design A⊗A for n = {sizes[-1]:,} would have {sizes[-1] ** 2:,} x {r2:,} entries "
          f"= {sizes[-1] ** 2 * r2 * 8 / 1e9:,.0f} GB of float64 (never formed here)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
