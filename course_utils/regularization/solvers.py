"""Lecture 2 — ridge and lasso solvers (ISTA, FISTA, coordinate descent), paths, duality gap.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import linalg

from course_utils.core.validation import as_finite_array, check_bool, check_choice, check_float, check_int
from course_utils.regularization.norms import LASSO_METHODS, _check_Xy, _soft

# ---------------------------------------------------------------------------------------------
# ridge and lasso on data
# ---------------------------------------------------------------------------------------------

def ridge(X, y, lam: float) -> np.ndarray:
    """Ridge regression without intercept: ``argmin_w ||y - X w||² + lam ||w||²``.

    This is scikit-learn's ``Ridge(alpha=lam, fit_intercept=False)`` objective (no 1/n factor).
    Closed form ``w = (XᵀX + lam I)⁻¹ Xᵀy``; for ``lam = 0`` the minimum-norm least-squares solution.

    Parameters
    ----------
    X : array, shape (n, d)
    y : array, shape (n,)
    lam : float >= 0

    Returns
    -------
    w : array, shape (d,)
    """
    X, y = _check_Xy(X, y)
    lam = check_float(lam, "lam (the ridge penalty)", ge=0)
    n, d = X.shape
    if lam == 0:
        return np.linalg.lstsq(X, y, rcond=None)[0]
    if n >= d:
        return linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y, assume_a="pos")
    return X.T @ linalg.solve(X @ X.T + lam * np.eye(n), y, assume_a="pos")


def ridge_path(X, y, lams) -> np.ndarray:
    """Ridge solutions (sklearn ``Ridge`` scaling) for many penalties at once via one SVD.

    Parameters
    ----------
    X : array, shape (n, d); y : array, shape (n,); lams : array, shape (k,), each >= 0

    Returns
    -------
    coefs : array, shape (k, d)
    """
    X, y = _check_Xy(X, y)
    lams = as_finite_array(lams, "lams", ndim=1)
    if np.any(lams < 0):
        raise ValueError("every ridge penalty in lams must be >= 0")
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    uty = U.T @ y
    with np.errstate(divide="ignore", invalid="ignore"):
        factors = np.where(s[None, :] > 0, s[None, :] / (s[None, :] ** 2 + lams[:, None]), 0.0)
    return (factors * uty[None, :]) @ Vt


def lasso_objective(X, y, w, alpha: float) -> float:
    """scikit-learn's lasso objective ``(1/2n) ||y - X w||² + alpha ||w||₁``."""
    X, y = _check_Xy(X, y)
    w = as_finite_array(w, "w", shape=(X.shape[1],))
    alpha = check_float(alpha, "alpha", ge=0)
    r = y - X @ w
    return float(r @ r / (2 * X.shape[0]) + alpha * np.abs(w).sum())


def alpha_max(X, y) -> float:
    """Smallest ``alpha`` whose lasso solution (sklearn scaling, no intercept) is all zero:
    ``max_j |x_jᵀ y| / n``. Centre ``y`` (and X) first to mimic a model with intercept."""
    X, y = _check_Xy(X, y)
    return float(np.abs(X.T @ y).max() / X.shape[0])


def _gap_from_stats(rr: float, ry: float, xtr_inf: float, l1: float, alpha: float, n: int) -> float:
    """Duality gap of the lasso (objective scaled as scikit-learn's) from residual statistics.

    rr = ||r||², ry = rᵀy, xtr_inf = ||Xᵀ r||_inf, l1 = ||w||₁ with r = y - X w.
    Dual point nu = r / c, c = max(1, ||Xᵀ r||_inf / (n alpha)).
    """
    c = max(1.0, xtr_inf / (n * alpha)) if alpha > 0 else 1.0
    primal = rr / (2 * n) + alpha * l1
    dual = (ry / c) / n - rr / (2 * n * c * c)
    return max(primal - dual, 0.0)


def lasso_duality_gap(X, y, w, alpha: float) -> float:
    """Duality gap ``P(w) - D(nu)`` of the lasso (sklearn scaling) at ``w``; it bounds ``P(w) - P*``."""
    X, y = _check_Xy(X, y)
    w = as_finite_array(w, "w", shape=(X.shape[1],))
    alpha = check_float(alpha, "alpha", ge=0)
    r = y - X @ w
    return _gap_from_stats(float(r @ r), float(r @ y), float(np.abs(X.T @ r).max()), float(np.abs(w).sum()),
                           float(alpha), X.shape[0])


@dataclass
class LassoInfo:
    """Diagnostics of :func:`lasso`: iterations (epochs for cd), final duality gap, converged flag."""

    method: str
    n_iter: int
    gap: float
    converged: bool


def lasso(X, y, alpha: float, *, method: Literal["ista", "fista", "cd"] = "cd", tol: float = 1e-4,
          max_iter: int = 100_000, w0=None, return_info: bool = False):
    """Lasso without intercept, minimising scikit-learn's ``(1/2n)||y - X w||² + alpha ||w||₁``.

    Parameters
    ----------
    X : array, shape (n, d)
    y : array, shape (n,)
    alpha : float >= 0 (``alpha >= alpha_max(X, y)`` gives exactly ``w = 0``)
    method : ``"ista"`` (proximal gradient, step 1/L), ``"fista"`` (Beck & Teboulle's accelerated
        version) or ``"cd"`` (cyclic coordinate descent with exact soft-threshold updates).
    tol : float > 0
        Stop when the duality gap is ``<= tol * ||y||² / n`` (scikit-learn's rule).
    max_iter : int >= 1
        Iterations (ISTA/FISTA) or sweeps over all coordinates (cd).
    w0 : array, shape (d,), optional warm start.
    return_info : also return a :class:`LassoInfo`.

    Returns
    -------
    w : array, shape (d,)  (and ``info`` if ``return_info``)

    Notes
    -----
    When ``n >= d`` the solvers work with the Gram matrix ``XᵀX`` (computed once), so one
    iteration costs O(d²) instead of O(n d).
    """
    X, y = _check_Xy(X, y)
    alpha = check_float(alpha, "alpha", ge=0)
    method = check_choice(method, "method", LASSO_METHODS)
    tol = check_float(tol, "tol", gt=0)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    return_info = check_bool(return_info, "return_info")
    n, d = X.shape
    w = np.zeros(d) if w0 is None else as_finite_array(w0, "w0", shape=(d,)).copy()
    yy = float(y @ y)
    threshold = tol * yy / n
    if n >= d:
        G = X.T @ X
        q = X.T @ y
    else:
        G = q = None

    def stats(w_: np.ndarray, xtr: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """(duality gap at w_, Xᵀr)."""
        if G is not None:
            Gw = G @ w_ if xtr is None else q - xtr
            xtr_ = q - Gw if xtr is None else xtr
            rr = yy - 2 * float(w_ @ q) + float(w_ @ Gw)
            ry = yy - float(w_ @ q)
        else:
            r = y - X @ w_
            xtr_ = X.T @ r
            rr, ry = float(r @ r), float(r @ y)
        gap = _gap_from_stats(max(rr, 0.0), ry, float(np.abs(xtr_).max()), float(np.abs(w_).sum()), alpha, n)
        return gap, xtr_

    if alpha >= alpha_max(X, y):
        # w = 0 is the exact solution (KKT: |x_jᵀ y| / n <= alpha for every j). Decide it with the very
        # number alpha_max returns: the solvers compare |x_jᵀ y| with n·alpha, and n·(a/n) can differ
        # from a in the last bit, which would leave a 1e-16 coefficient at alpha = alpha_max.
        w = np.zeros(d)
        if return_info:
            return w, LassoInfo(method, 0, stats(w)[0], True)
        return w
    if method == "cd":
        w, n_iter, gap, ok = _lasso_cd(X, y, alpha, w, G, q, threshold, max_iter, stats)
    else:
        w, n_iter, gap, ok = _lasso_prox(X, y, alpha, w, G, q, threshold, max_iter, stats, fista=(method == "fista"))
    if return_info:
        return w, LassoInfo(method, n_iter, gap, ok)
    return w


def _lasso_cd(X, y, alpha, w, G, q, threshold, max_iter, stats):
    n, d = X.shape
    na = n * alpha
    if G is not None:
        diag = np.diag(G).tolist()
        rows = list(G)                       # G is symmetric: row j == column j, and contiguous
        xtr = q - G @ w
        wl = w.tolist()
        for epoch in range(1, max_iter + 1):
            for j in range(d):
                djj = diag[j]
                if djj == 0.0:
                    continue
                old = wl[j]
                rho = float(xtr[j]) + djj * old
                new = (math.copysign(abs(rho) - na, rho) if abs(rho) > na else 0.0) / djj
                if new != old:
                    xtr -= rows[j] * (new - old)
                    wl[j] = new
            w = np.array(wl)
            gap, _ = stats(w, xtr)
            if gap <= threshold:
                return w, epoch, gap, True
        return w, max_iter, gap, False
    col_sq = np.einsum("ij,ij->j", X, X)
    r = y - X @ w
    for epoch in range(1, max_iter + 1):
        for j in range(d):
            if col_sq[j] == 0.0:
                continue
            old = w[j]
            rho = float(X[:, j] @ r) + col_sq[j] * old
            new = (math.copysign(abs(rho) - na, rho) if abs(rho) > na else 0.0) / col_sq[j]
            if new != old:
                r -= X[:, j] * (new - old)
                w[j] = new
        gap, _ = stats(w)
        if gap <= threshold:
            return w, epoch, gap, True
    return w, max_iter, gap, False


def _lasso_prox(X, y, alpha, w, G, q, threshold, max_iter, stats, *, fista: bool):
    n, d = X.shape
    if G is not None:
        L = float(np.linalg.eigvalsh(G)[-1]) / n
        grad = lambda v: (G @ v - q) / n  # noqa: E731
    else:
        L = float(np.linalg.norm(X, 2) ** 2) / n
        grad = lambda v: -(X.T @ (y - X @ v)) / n  # noqa: E731
    if L == 0:
        return np.zeros(d), 0, 0.0, True
    step = 1.0 / L
    z, s = w.copy(), 1.0
    gap = math.inf
    check_every = 1 if not fista else 10
    for it in range(1, max_iter + 1):
        if not fista:
            g = grad(w)
            if (it - 1) % check_every == 0:
                # gap at the current iterate; Xᵀr = -n * grad
                gap, _ = stats(w, -n * g if G is not None else None)
                if gap <= threshold:
                    return w, it - 1, gap, True
            w = _soft(w - step * g, alpha * step)
        else:
            if (it - 1) % check_every == 0:
                gap, _ = stats(w)
                if gap <= threshold:
                    return w, it - 1, gap, True
            w_new = _soft(z - step * grad(z), alpha * step)
            s_new = 0.5 * (1 + math.sqrt(1 + 4 * s * s))
            z = w_new + ((s - 1) / s_new) * (w_new - w)
            w, s = w_new, s_new
    gap, _ = stats(w)
    return w, max_iter, gap, gap <= threshold


def lasso_path(X, y, alphas, *, method: Literal["ista", "fista", "cd"] = "cd", tol: float = 1e-8,
               max_iter: int = 100_000) -> np.ndarray:
    """Lasso solutions (sklearn scaling, no intercept) along ``alphas``, warm-started in the given order.

    Returns
    -------
    coefs : array, shape (len(alphas), d)
    """
    X, y = _check_Xy(X, y)
    alphas = as_finite_array(alphas, "alphas", ndim=1)
    if np.any(alphas < 0):
        raise ValueError(f"every alpha in alphas must be >= 0, got min {alphas.min():g}")
    method = check_choice(method, "method", LASSO_METHODS)
    w = np.zeros(X.shape[1])
    out = np.empty((alphas.size, X.shape[1]))
    for k, a in enumerate(alphas):
        w = lasso(X, y, float(a), method=method, tol=tol, max_iter=max_iter, w0=w)
        out[k] = w
    return out
