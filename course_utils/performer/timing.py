"""Lecture 1 — timing and memory measurements of exact attention and FAVOR+.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_utils.performer.attention import attention_bytes, exact_attention, favor_attention
from course_utils.performer.features import _check_m, _check_rng, gaussian_random_matrix


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


def median_time(fn, repeats: int = 3, warmup: int = 1) -> float:
    """Median wall-clock seconds of ``fn()`` over ``repeats`` runs after ``warmup`` runs."""
    import time

    for _ in range(warmup):
        fn()
    times = []
    for _ in range(_check_m(repeats, "repeats")):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def measure_attention_cost(L_values, *, d: int = 64, m: int = 256, repeats: int = 3, favor: bool = True,
                           rng: np.random.Generator, progress: bool = False, threads: int | None = None) -> AttentionCost:
    """Time exact (and FAVOR+) attention for each L in ``L_values`` (timings are machine-dependent).

    ``threads`` limits the BLAS thread pool during the measurement (``None``: leave it as it is);
    one thread gives steadier timings on a shared machine.
    """
    if threads is not None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=_check_m(threads, "threads")):
            return measure_attention_cost(L_values, d=d, m=m, repeats=repeats, favor=favor, rng=rng,
                                          progress=progress)
    rng = _check_rng(rng)
    L_values = np.asarray(L_values, dtype=int)
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


def peak_allocated_bytes(fn) -> int:
    """Peak bytes allocated (NumPy reports its buffers to ``tracemalloc``) during one call of ``fn``.

    Memory that existed before the call (the inputs) is not counted. If ``tracemalloc`` was
    already running, it is left running.
    """
    import tracemalloc

    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    fn()
    peak = tracemalloc.get_traced_memory()[1] - start
    if not was_tracing:
        tracemalloc.stop()
    return int(peak)
