"""Lecture 1 — the cost model of exact attention and FAVOR+: FLOPs of the matrix products and bytes.
"""
from __future__ import annotations

import numpy as np

from course_utils.core.validation import as_finite_array, check_int


def _check_lengths(L):
    """A sequence length L >= 1, or an array of them (the cost plots pass many at once)."""
    if np.ndim(L) == 0:
        return check_int(L, "L", minimum=1)
    arr = as_finite_array(L, "L", ndim=1)
    if np.any(arr < 1) or np.any(arr != np.round(arr)):
        raise ValueError(f"L must contain integers >= 1, got {np.asarray(L).tolist()}")
    return arr


def attention_flops(L: int, d: int, m: int | None = None) -> float:
    """Floating-point operations of the matrix products (2 per multiply-add).

    Exact (m=None): QKᵀ and AV, 4·L²·d. FAVOR+ (bidirectional, positive): QΩᵀ, KΩᵀ, K′ᵀV, Q′(K′ᵀV),
    8·L·m·d (the +1 column for D and the exp's are not counted).
    """
    L = _check_lengths(L)
    d = check_int(d, "d", minimum=1)
    if m is None:
        return 4.0 * L * L * d
    return 8.0 * L * check_int(m, "m", minimum=1) * d


def attention_bytes(L: int, d: int, m: int | None = None, itemsize: int = 8) -> int:
    """Bytes of the largest intermediate arrays: L² for exact (m=None); 2Lm + m(d+1) + L(d+1) for FAVOR+."""
    L, d = check_int(L, "L", minimum=1), check_int(d, "d", minimum=1)
    itemsize = check_int(itemsize, "itemsize", minimum=1)
    if m is not None:
        m = check_int(m, "m", minimum=1)
    if m is None:
        return int(L) * int(L) * itemsize
    return (2 * L * m + m * (d + 1) + L * (d + 1)) * itemsize
