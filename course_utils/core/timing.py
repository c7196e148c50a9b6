"""Wall-clock and memory measurements shared by the lectures (timings are machine-dependent:
they are printed, never asserted and never put into checked cells)."""
from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np

from course_utils.core.validation import check_int


def _check_callable(fn: Any, name: str = "fn") -> Callable:
    if not callable(fn):
        raise TypeError(f"{name} must be a callable (a function of no arguments), got {type(fn).__name__}")
    return fn


def median_time(fn: Callable[[], Any], repeats: int = 3, warmup: int = 1) -> float:
    """Median wall-clock seconds of ``fn()`` over ``repeats`` runs after ``warmup`` runs."""
    fn = _check_callable(fn)
    repeats = check_int(repeats, "repeats", minimum=1)
    warmup = check_int(warmup, "warmup", minimum=0)
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def time_call(fn: Callable, *args: Any, **kw: Any) -> tuple[object, float]:
    """``(fn(*args, **kw), seconds)`` — one timed call, for timing cells."""
    fn = _check_callable(fn)
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t0


def peak_allocated_bytes(fn: Callable[[], Any]) -> int:
    """Peak bytes allocated (NumPy reports its buffers to ``tracemalloc``) during one call of ``fn``.

    Memory that existed before the call (the inputs) is not counted. If ``tracemalloc`` was
    already running, it is left running.
    """
    import tracemalloc

    fn = _check_callable(fn)
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
