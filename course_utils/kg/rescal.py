"""RESCAL: the bilinear tensor factorization of a knowledge graph, fitted by ALS (Lecture 4).

Each relation ``k`` of a graph with ``n`` entities is an ``n x n`` slice ``X_k``; RESCAL
(Nickel, Tresp & Kriegel, ICML 2011) approximates every slice with one shared entity
embedding ``A`` and a small relation matrix ``R_k``::

    X_k ≈ A R_k Aᵀ,     A: (n, r),  R_k: (r, r)

and minimises the regularised least-squares objective

    f(A, R) = Σ_k ‖X_k − A R_k Aᵀ‖²_F + λ_A ‖A‖²_F + λ_R Σ_k ‖R_k‖²_F.

The alternating least squares (ALS) updates follow the paper:

* ``A ← [Σ_k X_k A R_kᵀ + X_kᵀ A R_k] [Σ_k R_k AᵀA R_kᵀ + R_kᵀ AᵀA R_k + λ_A I]⁻¹``;
* ``R_k`` is a ridge regression with design ``A ⊗ A``. It is never formed: with the thin
  SVD ``A = U S Vᵀ`` the solution is ``R_k = V [(s_i s_j / (s_i² s_j² + λ_R)) ∘ (Uᵀ X_k U)] Vᵀ``.

Everything touches ``X_k`` only through the products ``X_k A`` and ``X_kᵀ A`` restricted to
the rows that have non-zeros, so one iteration costs ``O(nnz·r + (rows with edges)·r² + n r²)``.

The paper's ``A`` step is not an exact minimiser (``A`` appears twice in ``A R Aᵀ``), so on
its own it can increase ``f``. We keep it but guard it: if the new ``A`` would raise the
objective, the step is halved towards the old ``A`` until it does not (``history.backtracks``
counts these halvings). The ``R`` step is exact. Hence the regularised objective never
increases from one iteration to the next (tested).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import scipy.sparse as sp

from course_utils.core.validation import as_finite_array, check_choice, check_float, check_int, check_rng
from course_utils.kg.tensor import _Slice, check_slices, single_threaded_blas, tensor_sqnorm

#: Above this many entities the nvecs initialisation uses the sparse eigensolver ``eigsh``.
DENSE_EIGH_MAX_N = 500




@dataclass
class RescalHistory:
    """What happened during :func:`rescal_als`, one entry per iteration.

    Entry 0 is the state after the initialisation of ``A`` and the first (exact) ``R`` step;
    entry ``t`` the state after ALS iteration ``t``.

    Attributes
    ----------
    fit : list of float
        ``1 − Σ_k ‖X_k − A R_k Aᵀ‖² / Σ_k ‖X_k‖²`` (1 is a perfect reconstruction).
    objective : list of float
        The regularised objective ``f(A, R)`` (never increases).
    loss : list of float
        The squared reconstruction error ``Σ_k ‖X_k − A R_k Aᵀ‖²`` alone.
    seconds : list of float
        Wall-clock time of each iteration (0 for entry 0 it is the initialisation time).
    backtracks : int
        How often the ``A`` step was halved to keep the objective from increasing.
    converged : bool
        Whether ``|Δ fit| < tol`` stopped the iterations before ``max_iter``.
    """

    fit: list[float] = field(default_factory=list)
    objective: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    backtracks: int = 0
    converged: bool = False

    @property
    def n_iter(self) -> int:
        """Number of ALS iterations run (entry 0 is the initial state)."""
        return len(self.fit) - 1


@dataclass
class RescalModel:
    """A fitted RESCAL model: ``score(i, k, j) = A[i] @ R[k] @ A[j]``.

    Attributes
    ----------
    A : array, shape (n, r)
        Entity embeddings (one row per entity).
    R : array, shape (K, r, r)
        One interaction matrix per relation.
    """

    A: np.ndarray
    R: np.ndarray

    @property
    def n_entities(self) -> int:
        return int(self.A.shape[0])

    def reconstruct(self, k: int) -> np.ndarray:
        """The dense score matrix ``A R_k Aᵀ``, shape (n, n)."""
        return self.A @ self.R[k] @ self.A.T

    def objects(self, s: int, k: int) -> np.ndarray:
        """Scores of every candidate object for ``(s, k, ?)``, shape (n,)."""
        return (self.A[s] @ self.R[k]) @ self.A.T

    def subjects(self, k: int, o: int) -> np.ndarray:
        """Scores of every candidate subject for ``(?, k, o)``, shape (n,)."""
        return self.A @ (self.R[k] @ self.A[o])

    def score_entries(self, k: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Scores of entries ``(i, k, j)`` given as three index arrays of equal length, shape (m,)."""
        k, i, j = (np.asarray(v, dtype=np.int64).ravel() for v in (k, i, j))
        n = self.n_entities
        out = np.empty(k.size)
        for kk in np.unique(k):
            m = np.flatnonzero(k == kk)
            if 4 * m.size >= n * n:  # many entries of this slice: one dense reconstruction is cheaper
                out[m] = self.reconstruct(int(kk))[i[m], j[m]]
            else:
                out[m] = score_triples(self.A, self.R, np.column_stack([i[m], k[m], j[m]]))
        return out








def _validate_params(n: int, rank, lambda_A, lambda_R, init, max_iter, tol) -> None:
    """RESCAL's parameters, checked through :mod:`course_utils.core.validation`."""
    check_int(rank, "rank", minimum=1, maximum=n, allowed=f"be between 1 and the number of entities n = {n}")
    check_float(lambda_A, "lambda_A", ge=0)
    check_float(lambda_R, "lambda_R", ge=0)
    if not isinstance(init, np.ndarray):
        check_choice(init, "init", ("nvecs", "random"), allowed="be 'nvecs', 'random' or an array of shape (n, rank)")
    check_int(max_iter, "max_iter", minimum=0)
    check_float(tol, "tol", ge=0)


#: Two |eigenvalues| closer than this (relative to the largest) count as equal in the nvecs init.
NVECS_TIE_RTOL = 1e-9
#: Seed of the fixed generic vectors that pick a canonical subspace of a split eigenspace.
NVECS_TIE_SEED = 20110628


def _canonical_leading(vals: np.ndarray, vecs: np.ndarray, rank: int) -> np.ndarray:
    """An orthonormal basis of the ``rank`` leading eigenvectors (by |eigenvalue|), chosen so that
    it does not depend on how LAPACK happened to pick eigenvectors.

    Graphs have repeated eigenvalues (identical components, and ``±λ`` pairs of bipartite ones).
    If ``rank`` cuts through such a group (``|λ_rank| = |λ_{rank+1}|`` up to ``NVECS_TIE_RTOL``),
    "the leading ``rank`` eigenvectors" is not defined: any ``m'`` of the group's ``m`` directions
    would do, and ``eigh`` returns a basis of the group that changes with the BLAS kernel. We then take
    the projections ``P Z`` of ``m'`` fixed generic vectors ``Z`` on the group's eigenspace (``P`` is
    basis-independent), orthonormalised. Groups that are taken whole need nothing: ALS is equivariant
    under ``A → A Q`` (``Q`` orthogonal), so the fitted model depends only on the span of the init.
    """
    a = np.abs(vals)
    order = np.argsort(-a, kind="stable")
    a_sorted = a[order]
    if rank >= a.size:
        return vecs[:, order]
    tol = NVECS_TIE_RTOL * max(float(a_sorted[0]), np.finfo(float).tiny)
    cut = a_sorted[rank - 1]
    if abs(a_sorted[rank] - cut) > tol:
        return vecs[:, order[:rank]]
    group = np.flatnonzero(np.abs(a_sorted - cut) <= tol)  # contiguous in the sorted order
    first = int(group[0])
    V = vecs[:, order[group]]                                  # (n, m) orthonormal basis of the group
    Z = np.random.default_rng(NVECS_TIE_SEED).standard_normal((vecs.shape[0], rank - first))
    Q, _ = np.linalg.qr(V @ (V.T @ Z))
    return np.column_stack([vecs[:, order[:first]], Q])


def _init_nvecs(X: list, rank: int, rng: np.random.Generator) -> np.ndarray:
    """Leading eigenvectors (largest |eigenvalue|) of ``Σ_k (X_k + X_kᵀ)``, signs fixed.

    Dense path (n <= ``DENSE_EIGH_MAX_N``): a group of equal |eigenvalues| split by the rank is
    resolved canonically (:func:`_canonical_leading`), so the init depends only on the tensor.
    The sparse ``eigsh`` path (large, random graphs, which rarely repeat eigenvalues) does not check."""
    n = X[0].shape[0]
    if all(sp.issparse(Xk) for Xk in X) and n > DENSE_EIGH_MAX_N and rank < n - 1:
        from scipy.sparse.linalg import eigsh

        S = sum((Xk + Xk.T) for Xk in X).tocsr()
        _, vecs = eigsh(S, k=rank, which="LM", v0=rng.uniform(0.5, 1.5, size=n))
        vecs = vecs[:, ::-1]
    else:
        S = np.zeros((n, n))
        for Xk in X:
            D = Xk.toarray() if sp.issparse(Xk) else Xk
            S += D + D.T
        vals, vecs = np.linalg.eigh(S)
        vecs = _canonical_leading(vals, vecs, rank)
    # fix the sign of each eigenvector (largest entry positive): reproducible across LAPACK builds
    idx = np.argmax(np.abs(vecs), axis=0)
    signs = np.sign(vecs[idx, np.arange(vecs.shape[1])])
    signs[signs == 0] = 1.0
    return np.ascontiguousarray(vecs * signs)


def _r_step(M: list, s: np.ndarray, Vt: np.ndarray, lambda_R: float) -> np.ndarray:
    """Exact ridge solution of every R_k given A = U diag(s) Vt and M_k = Uᵀ X_k U."""
    ss = np.outer(s, s)
    denom = ss ** 2 + lambda_R
    shrink = np.divide(ss, denom, out=np.zeros_like(ss), where=denom > 0)
    return np.stack([Vt.T @ (shrink * Mk) @ Vt for Mk in M])


def _objective(sq: float, M: list, s: np.ndarray, Vt: np.ndarray, A: np.ndarray, R: np.ndarray,
               lambda_A: float, lambda_R: float) -> tuple[float, float]:
    """(loss, objective) from the projected slices; stable because no large terms cancel.

    ‖X_k − A R_k Aᵀ‖² = (‖X_k‖² − ‖Uᵀ X_k U‖²) + ‖Uᵀ X_k U − S (Vᵀ R_k V) S‖².
    """
    ss = np.outer(s, s)
    outside = sq - sum(float(np.sum(Mk ** 2)) for Mk in M)
    inside = sum(float(np.sum((Mk - ss * (Vt @ Rk @ Vt.T)) ** 2)) for Mk, Rk in zip(M, R))
    loss = max(outside, 0.0) + inside
    obj = loss + lambda_A * float(np.sum(A ** 2)) + lambda_R * float(np.sum(R ** 2))
    return loss, obj


def _svd_project(slices: list[_Slice], A: np.ndarray):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return s, Vt, [sl.project(U) for sl in slices]


def _solve_right(F: np.ndarray, E: np.ndarray) -> np.ndarray:
    """``F E⁻¹`` for a symmetric r x r matrix E (pseudo-inverse if E is singular)."""
    try:
        return np.linalg.solve(E, F.T).T
    except np.linalg.LinAlgError:
        return F @ np.linalg.pinv(E)


def rescal_als(
    X: Sequence,
    rank: int,
    *,
    lambda_A: float = 0.0,
    lambda_R: float = 0.0,
    init: str | np.ndarray = "nvecs",
    max_iter: int = 100,
    tol: float = 1e-6,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray, RescalHistory]:
    """Fit RESCAL ``X_k ≈ A R_k Aᵀ`` by alternating least squares (Lecture 4, §3).

    Parameters
    ----------
    X : list of K arrays or scipy.sparse matrices, each shape (n, n)
        The adjacency tensor, one slice per relation (dense and sparse slices give the same result).
    rank : int
        Embedding dimension ``r``, ``1 <= r <= n``.
    lambda_A, lambda_R : float, >= 0
        Ridge penalties on ``A`` and on every ``R_k``.
    init : {"nvecs", "random"} or array, shape (n, r)
        ``"nvecs"``: leading eigenvectors (by |eigenvalue|) of ``Σ_k (X_k + X_kᵀ)`` (dense ``eigh``
        for n <= 500, sparse ``eigsh`` above; on the dense path a group of equal |eigenvalues| that
        the rank cuts through is resolved canonically, so the init depends only on X, not on the
        BLAS kernel); ``"random"``: uniform [0, 1) entries.
    max_iter : int
        Maximum number of ALS iterations.
    tol : float
        Stop when the fit changes by less than ``tol`` between iterations.
    rng : numpy Generator, optional
        Used by the random initialisation and as ``eigsh``'s start vector; ``None`` means
        ``np.random.default_rng(0)`` so that results are reproducible.

    Returns
    -------
    A : array, shape (n, r)
    R : array, shape (K, r, r)
    history : RescalHistory
        Fit, loss and regularised objective per iteration (entry 0 = after initialisation).
    """
    with single_threaded_blas():
        return _rescal_als(X, rank, lambda_A=lambda_A, lambda_R=lambda_R, init=init, max_iter=max_iter, tol=tol, rng=rng)


def _rescal_als(X, rank, *, lambda_A, lambda_R, init, max_iter, tol, rng):
    slices_in = check_slices(X)
    n = slices_in[0].shape[0]
    _validate_params(n, rank, lambda_A, lambda_R, init, max_iter, tol)
    rng = check_rng(rng, allow_none=True)
    rng = np.random.default_rng(0) if rng is None else rng
    sq = tensor_sqnorm(slices_in)
    if sq == 0:
        raise ValueError("the tensor has no non-zero entries: there is nothing to factorize")
    rank = int(rank)
    start = time.perf_counter()
    if isinstance(init, np.ndarray):
        if init.shape != (n, rank):
            raise ValueError(f"init array must have shape (n, rank) = {(n, rank)}, got {init.shape}")
        A = np.array(init, dtype=np.float64)
    elif init == "random":
        A = rng.uniform(size=(n, rank))
    else:
        A = _init_nvecs(slices_in, rank, rng)
    slices = [_Slice(Xk) for Xk in slices_in]
    eye = np.eye(rank)

    s, Vt, M = _svd_project(slices, A)
    R = _r_step(M, s, Vt, lambda_R)
    loss, obj = _objective(sq, M, s, Vt, A, R, lambda_A, lambda_R)
    hist = RescalHistory()
    hist.fit.append(1.0 - loss / sq)
    hist.objective.append(obj)
    hist.loss.append(loss)
    hist.seconds.append(time.perf_counter() - start)

    for _ in range(max_iter):
        t0 = time.perf_counter()
        # --- A step (the paper's update), guarded so that f never increases
        F = np.zeros((n, rank))
        E = lambda_A * eye
        G = A.T @ A
        for sl, Rk in zip(slices, R):
            F[sl.rows] += (sl.Xr @ A) @ Rk.T
            F[sl.cols] += (sl.XTr @ A) @ Rk
            E = E + Rk @ G @ Rk.T + Rk.T @ G @ Rk
        A_new = _solve_right(F, E)
        step = 1.0
        while True:
            A_try = A_new if step == 1.0 else A + step * (A_new - A)
            s_t, Vt_t, M_t = _svd_project(slices, A_try)
            _, obj_try = _objective(sq, M_t, s_t, Vt_t, A_try, R, lambda_A, lambda_R)
            if obj_try <= obj * (1 + 1e-12) + 1e-300:
                A, s, Vt, M = A_try, s_t, Vt_t, M_t
                break
            hist.backtracks += 1
            step *= 0.5
            if step < 1e-6:  # keep the old A (its projections M are still valid)
                break
        # --- R step (exact)
        R = _r_step(M, s, Vt, lambda_R)
        loss, obj = _objective(sq, M, s, Vt, A, R, lambda_A, lambda_R)
        hist.fit.append(1.0 - loss / sq)
        hist.objective.append(obj)
        hist.loss.append(loss)
        hist.seconds.append(time.perf_counter() - t0)
        if abs(hist.fit[-1] - hist.fit[-2]) < tol:
            hist.converged = True
            break
    return A, R, hist


def score_triples(A: np.ndarray, R: np.ndarray, triples) -> np.ndarray:
    """RESCAL scores ``a_sᵀ R_p a_o`` of integer triples (Lecture 4, §4).

    Parameters
    ----------
    A : array, shape (n, r)
    R : array, shape (K, r, r)
    triples : int array, shape (m, 3)
        Rows ``(subject, relation, object)`` as indices.

    Returns
    -------
    scores : array, shape (m,)
    """
    A = as_finite_array(A, "A", ndim=2)
    R = as_finite_array(R, "R", ndim=3)
    if A.ndim != 2 or R.ndim != 3 or R.shape[1:] != (A.shape[1], A.shape[1]):
        raise ValueError(f"A must have shape (n, r) and R shape (K, r, r); got A {A.shape} and R {R.shape}")
    t = np.asarray(triples)
    if t.size == 0:
        return np.zeros(0)
    if t.ndim != 2 or t.shape[1] != 3 or not np.issubdtype(t.dtype, np.integer):
        raise ValueError(f"triples must be an integer array of shape (m, 3) (subject, relation, object), got {t.dtype} {t.shape}")
    n, K = A.shape[0], R.shape[0]
    s, p, o = t[:, 0], t[:, 1], t[:, 2]
    if s.min() < 0 or o.min() < 0 or max(s.max(), o.max()) >= n:
        raise ValueError(f"entity indices must be in [0, {n - 1}], got range [{min(s.min(), o.min())}, {max(s.max(), o.max())}]")
    if p.min() < 0 or p.max() >= K:
        raise ValueError(f"relation indices must be in [0, {K - 1}], got range [{p.min()}, {p.max()}]")
    left = np.einsum("ma,mab->mb", A[s], R[p])
    return np.einsum("mb,mb->m", left, A[o])
