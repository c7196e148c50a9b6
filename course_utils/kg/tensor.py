"""Lecture 4 — the tensor as K sparse slices: input checks, norms, per-slice caches, BLAS threads.
"""
from __future__ import annotations

import contextlib
from typing import Sequence

import numpy as np
import scipy.sparse as sp


def single_threaded_blas():
    """Context manager running BLAS on one thread (if threadpoolctl is installed).

    ALS multiplies small r x r and n x r matrices; on a shared machine BLAS threads spend
    more time waiting for each other than computing (a 150 x 150 solve went from ~15 ms to
    ~1 ms on the course machine).

    While a :class:`~course_utils.core.background.Prefetcher` holds the process-wide, reference-counted
    one-thread pin of ``course_utils.core.background``, BLAS already runs on one thread and this returns a
    no-op context (``core.background.blas_pinned()``): no per-call threadpoolctl limit is entered, so
    nothing can restore a limit under the pin's feet."""
    from course_utils.core.background import blas_pinned

    if blas_pinned():
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def check_slices(X: Sequence, name: str = "X") -> list:
    """Validate a tensor given as K slices and return them as a list of float64 CSR or ndarray.

    Parameters
    ----------
    X : sequence of K arrays or scipy.sparse matrices, each shape (n, n), or an array (K, n, n)

    Raises
    ------
    ValueError
        Empty input, a slice that is not 2-D or not square, slices of different sizes,
        or non-finite entries.
    TypeError
        A slice that is neither an array nor a sparse matrix.
    """
    if isinstance(X, np.ndarray):
        if X.ndim != 3:
            raise ValueError(f"{name} as one array must have shape (K, n, n), got shape {X.shape}")
        X = list(X)
    if sp.issparse(X):
        raise TypeError(f"{name} must be a list of K slices (one n x n matrix per relation), not a single sparse matrix")
    try:
        slices = list(X)
    except TypeError:
        raise TypeError(f"{name} must be a list of K slices (arrays or scipy.sparse matrices), got {type(X).__name__}") from None
    if not slices:
        raise ValueError(f"{name} is empty: give at least one relation slice")
    out = []
    n = None
    for k, Xk in enumerate(slices):
        if sp.issparse(Xk):
            Xk = sp.csr_matrix(Xk, dtype=np.float64)
            Xk.sum_duplicates()
            data = Xk.data
        elif isinstance(Xk, np.ndarray) or isinstance(Xk, (list, tuple)):
            Xk = np.asarray(Xk, dtype=np.float64)
            data = Xk
        else:
            raise TypeError(f"{name}[{k}] must be a numpy array or a scipy.sparse matrix, got {type(Xk).__name__}")
        if Xk.ndim != 2 or Xk.shape[0] != Xk.shape[1]:
            raise ValueError(f"{name}[{k}] must be a square n x n matrix, got shape {Xk.shape}")
        if n is None:
            n = Xk.shape[0]
            if n < 1:
                raise ValueError(f"{name}[0] has no entities (shape {Xk.shape})")
        elif Xk.shape[0] != n:
            raise ValueError(f"all slices must have the same shape: {name}[0] is {n} x {n} but {name}[{k}] is {Xk.shape[0]} x {Xk.shape[1]}")
        if not np.all(np.isfinite(data)):
            raise ValueError(f"{name}[{k}] has NaN or infinite entries")
        out.append(Xk)
    return out


def tensor_sqnorm(X: Sequence) -> float:
    """``Σ_k ‖X_k‖²_F`` for a list of dense or sparse slices."""
    total = 0.0
    for Xk in X:
        data = Xk.data if sp.issparse(Xk) else np.asarray(Xk)
        total += float(np.sum(np.square(data)))
    return total


class _Slice:
    """One slice with what ALS needs: the non-empty rows of X_k and of X_kᵀ."""

    def __init__(self, Xk):
        if sp.issparse(Xk):
            Xk.eliminate_zeros()
            self.rows = np.flatnonzero(np.diff(Xk.indptr))
            self.Xr = Xk[self.rows]
            XT = Xk.T.tocsr()
            self.cols = np.flatnonzero(np.diff(XT.indptr))
            self.XTr = XT[self.cols]
            self.sqnorm = float(np.sum(Xk.data ** 2))
        else:
            self.rows = self.cols = slice(None)
            self.Xr = Xk
            self.XTr = Xk.T
            self.sqnorm = float(np.sum(Xk ** 2))

    def project(self, U: np.ndarray) -> np.ndarray:
        """``Uᵀ X_k U``, shape (r, r)."""
        return U[self.rows].T @ (self.Xr @ U)
