"""Lecture 2 benchmark: our lasso solvers vs scikit-learn, and one geometry-widget update.

Usage::

    .venv/bin/python benchmarks/bench_regularization.py           # full (a few minutes)
    .venv/bin/python benchmarks/bench_regularization.py --quick   # < 30 s

Every solver minimises scikit-learn's ``(1/2n)||y - Xw||² + alpha ||w||₁`` (no intercept) and
stops by scikit-learn's rule, duality gap <= tol * ||y||² / n, so all reach the same
certified objective gap. Reported: median wall time over repeats (after one warm-up run),
the ratio to scikit-learn's default ``Lasso``, iterations, the final duality gap (recomputed
by one function for every solver) and P(w) - P* (P* from a run at tol = 1e-14).
Timings are noisy on a shared machine; compare ratios, not absolute times.
"""
from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np

from course_utils import regularization as reg


def median_time(fn, repeats: int) -> tuple[float, object]:
    out = fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def synthetic_problem(n: int, d: int, rng: np.random.Generator, k: int = 25, rho: float = 0.5):
    """AR(1)-correlated Gaussian design (corr rho^|i-j|), k-sparse truth, unit noise; y centred."""
    Z = rng.standard_normal((n, d))
    X = np.empty_like(Z)
    X[:, 0] = Z[:, 0]
    for j in range(1, d):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho ** 2) * Z[:, j]
    X -= X.mean(0)
    w = np.zeros(d)
    w[rng.choice(d, k, replace=False)] = rng.choice([-1.0, 1.0], k) * rng.uniform(0.5, 2.0, k)
    y = X @ w + rng.standard_normal(n)
    return X, y - y.mean()


def bench_lasso(name: str, X, y, alpha: float, tol: float, repeats: int) -> list[str]:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import Lasso

    p_star_w = reg.lasso(X, y, alpha, method="cd", tol=1e-14, max_iter=1_000_000)
    p_star = reg.lasso_objective(X, y, p_star_w, alpha)

    def sk(precompute):
        def run():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                m = Lasso(alpha=alpha, fit_intercept=False, tol=tol, max_iter=1_000_000, precompute=precompute).fit(X, y)
            return m.coef_, m.n_iter_
        return run

    def ours(method):
        def run():
            w, info = reg.lasso(X, y, alpha, method=method, tol=tol, max_iter=1_000_000, return_info=True)
            return w, info.n_iter
        return run

    solvers = [("sklearn Lasso (cd)", sk(False)), ("sklearn Lasso precompute", sk(True)),
               ("ours cd", ours("cd")), ("ours fista", ours("fista")), ("ours ista", ours("ista"))]
    rows = []
    base = None
    for label, fn in solvers:
        t, (w, iters) = median_time(fn, repeats)
        base = t if base is None else base
        gap = reg.lasso_duality_gap(X, y, w, alpha)
        sub = reg.lasso_objective(X, y, w, alpha) - p_star
        rows.append(f"{name:<22} {label:<26} {t * 1e3:>10.2f} {t / base:>7.2f} {int(iters):>8d} "
                    f"{gap:>10.2e} {max(sub, 0.0):>10.2e} {int(np.sum(w != 0)):>5d}")
    return rows


def bench_widget(repeats: int) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    from course_utils.core.plotting import course_style
    from course_utils.regularization import constrained_view_widget

    rows = []
    cases = [("compute, move t (path cached)", lambda i: reg.compute_constrained_view(0.5 + 0.01 * (i % 50), 2.0, 0.6, 0.5, "l1")),
             ("compute, move w* (path new)", lambda i: reg.compute_constrained_view(1.0, 2.0 + 1e-3 * i, 0.6, 0.5, "l1")),
             ("compute, elastic net new w*", lambda i: reg.compute_constrained_view(1.0, -2.0 - 1e-3 * i, 0.6, 0.5, "elasticnet"))]
    for label, fn in cases:
        times = []
        for i in range(repeats + 1):
            t0 = time.perf_counter()
            fn(i + 1000 * repeats)
            times.append(time.perf_counter() - t0)
        rows.append(f"{label:<40} {statistics.median(times[1:]) * 1e3:>10.2f}")
    with course_style():
        live = constrained_view_widget()
        values = live.values()
        t_render, t_move = [], []
        for i in range(repeats + 1):
            values["t"] = 0.5 + 0.05 * (i % 20)
            t0 = time.perf_counter()
            live.render(**values)
            t_render.append(time.perf_counter() - t0)
        for i in range(repeats + 1):
            # what a slider move costs in the kernel: LiveFigure.refresh (compute + draw + PNG)
            live.controls["t"].value = round(0.55 + 0.05 * (i % 20), 2)
            t_move.append(live.last_seconds)
        t_w = []
        for i in range(repeats + 1):
            live.controls["w1"].value = round(1.5 + 0.1 * (i % 10), 1)
            t_w.append(live.last_seconds)
        from course_utils.regularization import descent_widget

        desc = descent_widget()
        t_lam, t_steps = [], []
        for i in range(repeats + 1):
            desc.controls["lam"].value = round(1.0 + 0.1 * (i % 30), 1)
            t_lam.append(desc.last_seconds)
        for i in range(repeats + 1):
            desc.controls["n_steps"].value = 10 + i % 60
            t_steps.append(desc.last_seconds)
    rows.append(f"{'update(): compute + draw, no PNG':<40} {statistics.median(t_render[1:]) * 1e3:>10.2f}")
    rows.append(f"{'slider move t: refresh (PNG)':<40} {statistics.median(t_move[1:]) * 1e3:>10.2f}")
    rows.append(f"{'slider move w*1: refresh (PNG)':<40} {statistics.median(t_w[1:]) * 1e3:>10.2f}")
    rows.append(f"{'descent, move λ: refresh (PNG)':<40} {statistics.median(t_lam[1:]) * 1e3:>10.2f}")
    rows.append(f"{'descent, move steps: refresh (PNG)':<40} {statistics.median(t_steps[1:]) * 1e3:>10.2f}")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller synthetic problem and fewer repeats (< 30 s)")
    args = parser.parse_args(argv)
    repeats = 2 if args.quick else 7
    n, d = (2000, 200) if args.quick else (10_000, 500)
    X, y, _ = reg.diabetes_data()
    Xs, ys = synthetic_problem(n, d, np.random.default_rng(0))
    a_syn = 0.05 * reg.alpha_max(Xs, ys)
    header = (f"{'problem':<22} {'solver':<26} {'time ms':>10} {'ratio':>7} {'iters':>8} "
              f"{'dual gap':>10} {'P - P*':>10} {'nnz':>5}")
    print("Lasso, objective (1/2n)||y - Xw||² + α||w||₁, all stopped at duality gap <= tol·||y||²/n")
    print(f"(median of {repeats} runs after a warm-up; ratio = time / sklearn Lasso default; iters = epochs for cd)")
    print(header)
    print("-" * len(header))
    problems = [("diabetes α=0.1", X, y, 0.1, 1e-4), ("diabetes α=0.1", X, y, 0.1, 1e-8),
                ("diabetes α=0.01", X, y, 0.01, 1e-8),
                (f"synth {n}x{d} α=.05max", Xs, ys, a_syn, 1e-4), (f"synth {n}x{d} α=.05max", Xs, ys, a_syn, 1e-8)]
    for name, A, b, alpha, tol in problems:
        print(f"  tol = {tol:g}")
        for row in bench_lasso(name, A, b, alpha, tol, repeats):
            print(row)
    print()
    print(f"Geometry widgets (constrained view, descent), median of {repeats * 3} updates")
    print(f"{'step':<40} {'time ms':>10}")
    print("-" * 51)
    for row in bench_widget(repeats * 3):
        print(row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
