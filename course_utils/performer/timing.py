"""Lecture 1 — timing and memory measurements of exact attention and FAVOR+.

``median_time`` and ``peak_allocated_bytes`` live in :mod:`course_utils.core.timing` (re-exported here).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_utils.core.timing import median_time, peak_allocated_bytes  # noqa: F401 (re-exported)
from course_utils.core.validation import as_finite_array, check_bool, check_int, check_rng
from course_utils.performer.attention import attention_bytes, exact_attention, favor_attention
from course_utils.performer.features import _check_m, gaussian_random_matrix


# ----------------------------------------------------------------------------- cost measurements
@dataclass
class AttentionCost:
    """Sections 1 and 7: median wall time and the bytes of the largest intermediate arrays."""

    L_values: np.ndarray
    exact_seconds: np.ndarray
    favor_seconds: np.ndarray | None
    exact_bytes: np.ndarray       # analytic: the L×L score matrix (8 bytes per float64)
    favor_bytes: np.ndarray       # analytic: Q′ and K′ (2·L·m) plus m×(d+1) and L×(d+1)
    d: int
    m: int
    exact_peak_bytes: np.ndarray | None = None  # measured: tracemalloc peak of one call (inputs excluded)
    favor_peak_bytes: np.ndarray | None = None


def measure_attention_cost(L_values, *, d: int = 64, m: int = 256, repeats: int = 3, favor: bool = True,
                           rng: np.random.Generator, progress: bool = False, threads: int | None = None) -> AttentionCost:
    """Time exact (and FAVOR+) attention for each L in ``L_values`` (timings are machine-dependent).

    ``threads`` limits the BLAS thread pool during the measurement (``None``: leave it as it is);
    one thread gives steadier timings on a shared machine.
    """
    if threads is not None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=check_int(threads, "threads", minimum=1)):
            return measure_attention_cost(L_values, d=d, m=m, repeats=repeats, favor=favor, rng=rng,
                                          progress=progress)
    rng = check_rng(rng, allow_seed=True)
    d, m = check_int(d, "d", minimum=1), _check_m(m)
    repeats = check_int(repeats, "repeats", minimum=1)
    favor, progress = check_bool(favor, "favor"), check_bool(progress, "progress")
    L_arr = as_finite_array(L_values, "L_values", ndim=1)
    if L_arr.size == 0 or np.any(L_arr < 1) or np.any(L_arr != np.round(L_arr)):
        raise ValueError(f"L_values must be a non-empty list of integers >= 1, got {np.asarray(L_values).tolist()}")
    L_values = L_arr.astype(int)
    iterator = L_values
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(L_values, desc="timing attention")
    omega = gaussian_random_matrix(m, d, orthogonal=True, rng=rng)
    exact_t, favor_t, exact_mem, favor_mem = [], [], [], []
    for L in iterator:
        Q, K, V = (0.5 * rng.standard_normal((int(L), d)) for _ in range(3))
        warmup = 1 if L < 2048 else 0  # large calls need no warm-up (and take long)
        exact_t.append(median_time(lambda: exact_attention(Q, K, V), repeats, warmup))
        exact_mem.append(peak_allocated_bytes(lambda: exact_attention(Q, K, V)))
        if favor:
            favor_t.append(median_time(lambda: favor_attention(Q, K, V, omega=omega), repeats, warmup))
            favor_mem.append(peak_allocated_bytes(lambda: favor_attention(Q, K, V, omega=omega)))
    return AttentionCost(L_values, np.array(exact_t), np.array(favor_t) if favor else None,
                         np.array([attention_bytes(L, d) for L in L_values]),
                         np.array([attention_bytes(L, d, m) for L in L_values]), d, m,
                         np.array(exact_mem), np.array(favor_mem) if favor else None)


def fit_exponent(L_values, seconds, *, L_min: int | None = None) -> float:
    """Least-squares slope of log(time) against log(L) for L ≥ ``L_min`` (all points by default).

    Time ∝ L^p gives slope p: about 1 for FAVOR+, 2 for exact attention once fixed costs are negligible.
    """
    L = as_finite_array(L_values, "L_values", ndim=1)
    t = as_finite_array(seconds, "seconds", ndim=1)
    if L.shape != t.shape:
        raise ValueError(f"L_values and seconds must have the same length, got {L.size} and {t.size}")
    keep = L >= (L_min if L_min is not None else L.min())
    if keep.sum() < 2 or np.any(t[keep] <= 0) or np.any(L[keep] <= 0):
        raise ValueError("need at least two positive (L, time) pairs with L >= L_min")
    return float(np.polyfit(np.log(L[keep]), np.log(t[keep]), 1)[0])


def measure_floor_ratio(L: int = 4096, *, d: int = 64, m: int = 256, repeats: int = 5, seed: int = 0,
                        threads: int | None = 1) -> dict[str, float]:
    """Median seconds of FAVOR+ (bidirectional, causal) and of its four matrix products alone (the BLAS floor:
    Q·Wᵀ, K·Wᵀ, K′ᵀV, Q′(K′ᵀV)), timed in turn; machine-dependent, never asserted."""
    if threads is not None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=check_int(threads, "threads", minimum=1)):
            return measure_floor_ratio(L, d=d, m=m, repeats=repeats, seed=seed, threads=None)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    L, d, m = check_int(L, "L", minimum=1), check_int(d, "d", minimum=1), _check_m(m)
    Q, K, V = (0.5 * rng.standard_normal((L, d)) for _ in range(3))
    omega = gaussian_random_matrix(m, d, orthogonal=True, rng=rng)
    W = omega * d**-0.25

    def floor():
        return (Q @ W.T) @ ((K @ W.T).T @ V)

    fns = {"floor": floor, "favor": lambda: favor_attention(Q, K, V, omega=omega),
           "causal": lambda: favor_attention(Q, K, V, omega=omega, causal=True)}
    times = {k: [] for k in fns}
    for f in fns.values():
        f()
    for _ in range(check_int(repeats, "repeats", minimum=1)):
        for k, f in fns.items():  # round-robin: a burst of load hits all three alike
            times[k].append(median_time(f, 1, 0))
    return {k: float(np.median(v)) for k, v in times.items()}


def measure_favor_seconds(L_values, *, d: int = 64, m: int = 256, repeats: int = 3, seed: int = 0,
                          threads: int | None = 1) -> np.ndarray:
    """Median seconds of bidirectional FAVOR+ alone for each L (machine-dependent, never asserted)."""
    if threads is not None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=check_int(threads, "threads", minimum=1)):
            return measure_favor_seconds(L_values, d=d, m=m, repeats=repeats, seed=seed, threads=None)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    d, m, repeats = check_int(d, "d", minimum=1), _check_m(m), check_int(repeats, "repeats", minimum=1)
    omega = gaussian_random_matrix(m, d, orthogonal=True, rng=rng)
    out = []
    for L in as_finite_array(L_values, "L_values", ndim=1).astype(int).tolist():
        Q, K, V = (0.5 * rng.standard_normal((L, d)) for _ in range(3))
        out.append(median_time(lambda Q=Q, K=K, V=V: favor_attention(Q, K, V, omega=omega), repeats, 1))
    return np.asarray(out)


def compute_float32_error(L: int = 2048, *, d: int = 64, m: int = 256, seed: int = 0, timed: bool = False) -> dict:
    """Relative output difference ‖out32 − out64‖/‖out64‖ of float32 vs float64 FAVOR+ on the same inputs and
    features (bidirectional and causal); with ``timed`` also the median seconds (float64, float32, bidirectional,
    machine-dependent, never asserted)."""
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    L, d, m = check_int(L, "L", minimum=1), check_int(d, "d", minimum=1), _check_m(m)
    Q, K, V = (0.5 * rng.standard_normal((L, d)) for _ in range(3))
    omega = gaussian_random_matrix(m, d, orthogonal=True, rng=rng)
    Q32, K32, V32 = (a.astype(np.float32) for a in (Q, K, V))
    out = {}
    for name, causal in (("bidirectional", False), ("causal", True)):
        a = favor_attention(Q, K, V, omega=omega, causal=causal)
        b = favor_attention(Q32, K32, V32, omega=omega, causal=causal)
        out[name] = float(np.linalg.norm(b.astype(float) - a) / np.linalg.norm(a))
    if check_bool(timed, "timed"):
        out["seconds"] = (median_time(lambda: favor_attention(Q, K, V, omega=omega), 3, 1),
                          median_time(lambda: favor_attention(Q32, K32, V32, omega=omega), 3, 1))
    return out
