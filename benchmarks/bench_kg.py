"""Benchmark of RESCAL-ALS on sparse planted knowledge graphs (Lecture 4).

Measures seconds per ALS iteration (median and minimum over iterations, after a warm-up run; the
minimum is the least disturbed by other processes on a shared machine) and the peak
memory allocated during the fit (tracemalloc: numpy and scipy buffers), against the number of
entities n and the number of non-zeros, for K = 50 relations and rank 50. Fits the growth
exponent b in  seconds ≈ c · nnz^b.

Part C compares ``rescal_als`` with a plain dense-numpy ALS written from the paper's update equations
(below, not in the package: dense n x n slices, A-update and the SVD form of the R-update, no row
restriction, no backtracking) at equal tolerance (a fixed number of iterations) and one BLAS thread
for both, on the movie graph, UMLS and planted graphs up to the n where K dense n x n slices still fit
in memory (n = 1,000: 400 MB); it reports seconds per iteration and the ratio dense / ours.

Usage:  python benchmarks/bench_kg.py [--quick]

Timings are noisy on a shared machine; BLAS runs single-threaded inside rescal_als.
"""
from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

from course_utils.kg import load_benchmark, load_movies, planted_kg, rescal_als, single_threaded_blas

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


def dense_als(X: list, rank: int, lam: float, iters: int, rng) -> list[float]:
    """The paper's ALS on dense slices, straight from its equations; returns seconds per iteration."""
    n = X[0].shape[0]
    A = rng.random((n, rank))
    times = []
    for _ in range(iters):
        t0 = time.perf_counter()
        U, sv, Vt = np.linalg.svd(A, full_matrices=False)
        ss = np.outer(sv, sv)
        R = [Vt.T @ ((ss / (ss ** 2 + lam)) * (U.T @ Xk @ U)) @ Vt for Xk in X]
        AtA = A.T @ A
        num = sum(Xk @ A @ Rk.T + Xk.T @ A @ Rk for Xk, Rk in zip(X, R))
        den = sum(Rk @ AtA @ Rk.T + Rk.T @ AtA @ Rk for Rk in R) + lam * np.eye(rank)
        A = np.linalg.solve(den.T, num.T).T
        times.append(time.perf_counter() - t0)
    return times


def compare_dense(name: str, slices: list, rank: int, iters: int) -> dict:
    dense = [x.toarray() for x in slices]
    with single_threaded_blas():
        t_dense = dense_als(dense, rank, 1.0, iters, np.random.default_rng(0))
        _, _, hist = rescal_als(slices, rank, lambda_A=1.0, lambda_R=1.0, init="random", max_iter=iters, tol=0.0,
                                rng=np.random.default_rng(0))
    n = slices[0].shape[0]
    return {"name": name, "n": n, "K": len(slices), "nnz": sum(x.nnz for x in slices),
            "dense": float(np.min(t_dense[1:])), "ours": float(np.min(hist.seconds[1:]))}


def table_dense(rows: list[dict]) -> None:
    print("C. rescal_als against a plain dense-numpy ALS (same rank, lambda = 1, same iterations, one BLAS thread)")
    print(f"{'graph':>14} {'n':>6} {'K':>4} {'nnz':>9} {'dense s/iter':>12} {'ours s/iter':>11} {'ratio':>7}")
    for r in rows:
        print(f"{r['name']:>14} {r['n']:6d} {r['K']:4d} {r['nnz']:9,d} {r['dense']:12.4f} {r['ours']:11.4f} "
              f"{r['dense'] / r['ours']:7.1f}")
    planted = [r for r in rows if r["name"].startswith("planted")]
    if len(planted) >= 2:
        n = np.log([r["n"] for r in planted])
        for key in ("dense", "ours"):
            b, _ = np.polyfit(n, np.log([r[key] for r in planted]), 1)
            print(f"fitted growth exponent in n ({key}, planted, 2 edges per entity and relation): s/iter ~ n^{b:.2f}")
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
    rows = [compare_dense("movies", load_movies().to_tensor(), 20, iters + 1),
            compare_dense("UMLS", load_benchmark("umls").graph.to_tensor(), 20, iters + 1)]
    rows += [compare_dense(f"planted {n}", make_graph(n, 2.0).slices, RANK, iters + 1)
             for n in ((250, 500) if args.quick else (250, 500, 1000))]
    table_dense(rows)
    r2 = RANK * RANK
    print(f"for comparison, the dense design A⊗A for n = {sizes[-1]:,} would have {sizes[-1] ** 2:,} x {r2:,} entries "
          f"= {sizes[-1] ** 2 * r2 * 8 / 1e9:,.0f} GB of float64 (never formed here)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
