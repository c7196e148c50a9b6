"""Lecture 2 — why minimising a norm regularises: L1 / L2 geometry (pure computation).

Nothing here draws; the pictures live in :mod:`course_utils.regularization_plots`.

Objective scalings (always say which one a formula uses)
--------------------------------------------------------
* :func:`ridge` minimises ``||y - X w||² + lam ||w||²``, exactly scikit-learn's
  ``Ridge(alpha=lam, fit_intercept=False)`` (no 1/n, no 1/2).
* :func:`lasso` minimises ``(1/2n) ||y - X w||² + alpha ||w||₁``, exactly scikit-learn's
  ``Lasso(alpha=alpha, fit_intercept=False)``; its stopping rule is scikit-learn's too:
  duality gap ``<= tol * ||y||² / n``.
* The 2-D geometry (section 3 of the notebook) uses the quadratic loss
  ``f(w) = (w - w*)ᵀ H (w - w*)`` with ``H`` symmetric positive definite (for a design
  with standardised features, ``H = XᵀX / n`` and ``w*`` the least-squares solution), and
  the penalties ``lam ||w||₁`` (L1), ``lam ||w||₂²`` (L2) and ``lam g(w)`` with the
  elastic-net gauge ``g(w) = rho ||w||₁ + (1 - rho) ||w||₂`` (a norm, so its ball of
  radius t is t times the unit ball).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from scipy import linalg, optimize

NORMS = ("l1", "l2", "elasticnet")
LASSO_METHODS = ("ista", "fista", "cd")


# ---------------------------------------------------------------------------------------------
# validation helpers
# ---------------------------------------------------------------------------------------------

def _as_finite(a, name: str, ndim: int | None = None) -> np.ndarray:
    try:
        arr = np.asarray(a, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers, got {type(a).__name__}") from exc
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values; only finite numbers are allowed")
    return arr


def _nonneg(value, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a number, got {type(value).__name__}") from exc
    if not math.isfinite(v) or v < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return v


def _check_norm(norm: str) -> str:
    key = str(norm).lower().replace("_", "").replace("-", "").replace(" ", "")
    if key not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
    return key


def _check_l1_ratio(l1_ratio) -> float:
    r = float(l1_ratio)
    if not 0.0 <= r <= 1.0:
        raise ValueError(f"l1_ratio must lie in [0, 1], got {l1_ratio!r}")
    return r


def _check_Xy(X, y) -> tuple[np.ndarray, np.ndarray]:
    X = _as_finite(X, "X", ndim=2)
    y = _as_finite(y, "y", ndim=1)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]} entries; they must match")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must have at least one row and one column, got shape {X.shape}")
    return X, y


def _check_quadratic(H, w_star) -> tuple[np.ndarray, np.ndarray]:
    H = _as_finite(H, "H", ndim=2)
    w_star = _as_finite(w_star, "w_star", ndim=1)
    if H.shape != (2, 2):
        raise ValueError(f"H must have shape (2, 2) (the geometry is 2-D), got {H.shape}")
    if w_star.shape != (2,):
        raise ValueError(f"w_star must have shape (2,), got {w_star.shape}")
    if not np.allclose(H, H.T, rtol=1e-12, atol=1e-12):
        raise ValueError("H must be symmetric")
    H = 0.5 * (H + H.T)
    lam_min = float(np.linalg.eigvalsh(H)[0])
    if lam_min <= 1e-12 * max(1.0, float(np.abs(H).max())):
        raise ValueError(f"H must be positive definite; its smallest eigenvalue is {lam_min:.3g}")
    return H, w_star


# ---------------------------------------------------------------------------------------------
# norms and proximal maps
# ---------------------------------------------------------------------------------------------

def lp_norm(w, p: float) -> np.ndarray | float:
    """The Lp (quasi-)norm ``(sum_i |w_i|^p)^(1/p)`` along the last axis; ``p = inf`` gives ``max |w_i|``.

    Parameters
    ----------
    w : array, shape (d,) or (..., d)
    p : float, p > 0 (``np.inf`` allowed). For ``p < 1`` this is only a quasi-norm: its unit
        ball is not convex (the midpoint of (1, 0) and (0, 1) has norm ``2^(1/p - 1) > 1``).

    Returns
    -------
    float for a vector, array of shape (...) otherwise.
    """
    w = _as_finite(w, "w")
    if w.ndim == 0:
        raise ValueError("w must be a vector (shape (d,)) or a stack of vectors (shape (..., d)), got a scalar")
    try:
        p = float(p)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"p must be a number (or np.inf), got {type(p).__name__}") from exc
    if math.isnan(p) or p <= 0:
        raise ValueError(f"p must be > 0 (or np.inf), got {p!r}")
    a = np.abs(w)
    if math.isinf(p):
        out = a.max(axis=-1)
    else:
        # scale by the max entry so that large p does not overflow
        m = a.max(axis=-1, keepdims=True)
        safe = np.where(m > 0, m, 1.0)
        out = (np.sum((a / safe) ** p, axis=-1) ** (1.0 / p)) * safe[..., 0]
    return float(out) if np.ndim(out) == 0 else out


def soft_threshold(z, t) -> np.ndarray:
    """Soft-thresholding ``S(z, t) = sign(z) * max(|z| - t, 0)``, the proximal map of ``t ||.||₁``.

    Parameters
    ----------
    z : array, any shape
    t : float or array broadcastable to z, t >= 0

    Returns
    -------
    array, same shape as z; entries with ``|z| <= t`` are exactly 0.
    """
    z = _as_finite(z, "z")
    t_arr = _as_finite(t, "t")
    if np.any(t_arr < 0):
        raise ValueError(f"threshold t must be >= 0, got {t!r}")
    return np.sign(z) * np.maximum(np.abs(z) - t_arr, 0.0)


def _soft(z: np.ndarray, t: float) -> np.ndarray:
    """soft_threshold without input checks (inner loops)."""
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


def elastic_net_gauge(w, l1_ratio: float = 0.5) -> np.ndarray | float:
    """The elastic-net norm ``rho ||w||₁ + (1 - rho) ||w||₂`` along the last axis (rho = l1_ratio)."""
    rho = _check_l1_ratio(l1_ratio)
    return rho * lp_norm(w, 1) + (1 - rho) * lp_norm(w, 2)


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
    lam = _nonneg(lam, "lam (the ridge penalty)")
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
    lams = _as_finite(lams, "lams", ndim=1)
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
    r = y - X @ np.asarray(w, dtype=float)
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
    w = np.asarray(w, dtype=float)
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
    alpha = _nonneg(alpha, "alpha")
    if method not in LASSO_METHODS:
        raise ValueError(f"method must be one of {LASSO_METHODS}, got {method!r}")
    if not (isinstance(tol, (int, float)) and tol > 0):
        raise ValueError(f"tol must be a number > 0, got {tol!r}")
    if not (isinstance(max_iter, (int, np.integer)) and max_iter >= 1):
        raise ValueError(f"max_iter must be an integer >= 1, got {max_iter!r}")
    n, d = X.shape
    w = np.zeros(d) if w0 is None else _as_finite(w0, "w0", ndim=1).copy()
    if w.shape != (d,):
        raise ValueError(f"w0 must have shape ({d},), got {w.shape}")
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
    alphas = _as_finite(alphas, "alphas", ndim=1)
    w = np.zeros(X.shape[1])
    out = np.empty((alphas.size, X.shape[1]))
    for k, a in enumerate(alphas):
        w = lasso(X, y, float(a), method=method, tol=tol, max_iter=max_iter, w0=w)
        out[k] = w
    return out


# ---------------------------------------------------------------------------------------------
# 2-D geometry: constrained and penalised least squares on a quadratic bowl
# ---------------------------------------------------------------------------------------------

def quadratic_loss(H, w_star, w) -> np.ndarray | float:
    """``f(w) = (w - w*)ᵀ H (w - w*)`` for w of shape (2,) or (..., 2)."""
    diff = np.asarray(w, dtype=float) - np.asarray(w_star, dtype=float)
    out = np.einsum("...i,ij,...j->...", diff, np.asarray(H, dtype=float), diff)
    return float(out) if np.ndim(out) == 0 else out


def loss_level_curve(H, w_star, level: float, n: int = 361) -> np.ndarray:
    """The contour ``f(w) = level`` of :func:`quadratic_loss`, an ellipse, shape (n, 2) (closed).

    ``w = w* + sqrt(level) H^{-1/2} u`` for unit vectors u: exact, where a contour plot of a
    grid is approximate (and ~10x slower to make). H must be symmetric positive definite.
    """
    H = np.asarray(H, dtype=float)
    if H.shape != (2, 2) or not np.allclose(H, H.T):
        raise ValueError(f"H must be a symmetric 2x2 matrix, got shape {H.shape}")
    level = float(level)
    if not level >= 0:
        raise ValueError(f"the level must be >= 0 (the loss is never negative), got {level!r}")
    vals, vecs = np.linalg.eigh(H)
    if vals.min() <= 0:
        raise ValueError(f"H must be positive definite, its eigenvalues are {vals}")
    angle = np.linspace(0.0, 2 * np.pi, int(n))
    u = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    A = vecs / np.sqrt(vals)                      # A = V Λ^{-1/2}: AᵀHA = I, so (Au)ᵀH(Au) = |u|² = 1
    return np.asarray(w_star, dtype=float) + np.sqrt(level) * u @ A.T


def correlation_hessian(rho: float, scale: float = 1.0) -> np.ndarray:
    """``H = XᵀX/n`` for two standardised features with correlation ``rho`` (|rho| < 1), times ``scale``."""
    rho = float(rho)
    if not -1 < rho < 1:
        raise ValueError(f"the feature correlation must lie strictly between -1 and 1, got {rho!r}")
    return scale * np.array([[1.0, rho], [rho, 1.0]])


@dataclass
class ConstrainedSolution:
    """Optimum of ``(w - w*)ᵀH(w - w*)`` on a norm ball of radius ``t``.

    Attributes
    ----------
    w : array, shape (2,)
    loss : float, the loss at w
    multiplier : float, the penalty lam >= 0 of the equivalent penalised problem
        (L1: ``f + lam ||w||₁``; L2: ``f + lam ||w||₂²``; elastic net: ``f + lam g(w)``)
    on_boundary : bool, whether the constraint is active
    kind : ``"interior"``, ``"smooth"`` (boundary, both coordinates non-zero) or ``"corner"``
        (boundary, one coordinate exactly zero)
    """

    w: np.ndarray
    loss: float
    multiplier: float
    on_boundary: bool
    kind: str


def _ball_norm(w, norm: str, l1_ratio: float) -> float:
    if norm == "l1":
        return float(np.abs(w).sum())
    if norm == "l2":
        return float(np.hypot(w[0], w[1]))
    return float(l1_ratio * np.abs(w).sum() + (1 - l1_ratio) * np.hypot(w[0], w[1]))


def _multiplier(H, w_star, w, t, norm) -> float:
    """KKT multiplier of the active constraint, from <-grad f, w> = lam * (d pen/dw)·w (Euler)."""
    inner = float(2 * (w_star - w) @ H @ w)
    if norm == "l2":
        return max(inner / (2 * t * t), 0.0)
    return max(inner / t, 0.0)


def _solve_l2_ball(H, w_star, t):
    evals, Q = np.linalg.eigh(H)
    c = evals * (Q.T @ w_star)          # Qᵀ H w*
    norm_c = float(np.linalg.norm(c))

    def excess(mu: float) -> float:     # ||w(mu)|| - t,  w(mu) = (H + mu I)⁻¹ H w*
        return float(np.linalg.norm(c / (evals + mu))) - t

    hi = norm_c / t
    while excess(hi) > 0:               # ||w(mu)|| <= ||c|| / (lam_min + mu) <= t already; safety
        hi *= 2
    mu = optimize.brentq(excess, 0.0, hi, xtol=1e-15 * max(1.0, hi), rtol=1e-15, maxiter=500)
    w = Q @ (c / (evals + mu))
    w *= t / np.linalg.norm(w)          # on the circle to the last bit
    return w


def _solve_l1_ball(H, w_star, t):
    corners = t * np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    # A corner t·σ·e_i is optimal iff -grad f there lies in its normal cone: σ g_i >= |g_j|.
    # Checking this first keeps exact zeros exact (no rounding in a 1-D edge minimiser).
    # At the budget where the optimum leaves the corner (σ g_i = |g_j|, e.g. t = 1.4 in the lecture)
    # the test is a tie that rounding (BLAS summation order, FMA) could decide either way; there the
    # corner is the optimum, so ties within a relative 1e-12 count as the corner (w moves by < 1e-12·t).
    for c in corners:
        g = 2 * H @ (w_star - c)
        i = 0 if c[0] != 0 else 1
        if math.copysign(1.0, c[i]) * g[i] >= abs(g[1 - i]) - 1e-12 * (abs(g[i]) + abs(g[1 - i])):
            return c.copy()
    best_w, best_f = None, math.inf
    for k in range(4):
        a, b = corners[k], corners[(k + 1) % 4]
        d = b - a
        s = float(np.clip(-(d @ H @ (a - w_star)) / (d @ H @ d), 0.0, 1.0))
        for w in ((1 - s) * a + s * b, a):   # the edge's minimiser and its corner (exact zero)
            f = quadratic_loss(H, w_star, w)
            if f < best_f - 1e-15 * max(1.0, abs(best_f)) or best_w is None:
                best_w, best_f = w, f
    return best_w


def _solve_en_ball(H, w_star, t, rho):
    """Elastic-net ball: dense angular grid on the boundary, Brent refinement, exact corners."""
    m = 256                              # points per quadrant
    theta = np.arange(4 * m) * (np.pi / (2 * m))
    u = np.stack([np.cos(theta), np.sin(theta)], axis=1)
    u[::m] = [[1, 0], [0, 1], [-1, 0], [0, -1]]
    radius = t / (rho * np.abs(u).sum(1) + (1 - rho))
    pts = u * radius[:, None]
    fs = quadratic_loss(H, w_star, pts)
    k = int(np.argmin(fs))

    def f_theta(th: float) -> float:
        v = np.array([math.cos(th), math.sin(th)])
        return quadratic_loss(H, w_star, v * t / (rho * np.abs(v).sum() + (1 - rho)))

    best_w, best_f = pts[k], float(fs[k])
    step = np.pi / (2 * m)
    for lo, hi in ((theta[k] - step, theta[k]), (theta[k], theta[k] + step)):
        res = optimize.minimize_scalar(f_theta, bounds=(lo, hi), method="bounded", options={"xatol": 1e-13})
        if res.fun < best_f - 1e-15 * max(1.0, abs(best_f)):
            v = np.array([math.cos(res.x), math.sin(res.x)])
            best_w, best_f = v * t / (rho * np.abs(v).sum() + (1 - rho)), float(res.fun)
    return np.array(best_w, dtype=float)


def constrained_least_squares(H, w_star, t: float, norm: Literal["l1", "l2", "elasticnet"] = "l2", *,
                              l1_ratio: float = 0.5) -> ConstrainedSolution:
    """Exact minimiser of ``(w - w*)ᵀ H (w - w*)`` subject to ``||w|| <= t`` in 2-D.

    * L2: if ``||w*||₂ <= t`` the answer is ``w*``; otherwise ``w = (H + mu I)⁻¹ H w*`` with the
      multiplier ``mu > 0`` solving the secular equation ``||w(mu)||₂ = t`` (Brent's root finder).
    * L1: the interior (``w*`` itself), the minimiser of the 1-D quadratic on each of the 4 edges
      (clipped to the edge) and the 4 corners; the best candidate wins. A corner answer has an
      exact zero coordinate.
    * elastic net (``rho ||w||₁ + (1 - rho) ||w||₂ <= t``, rho = ``l1_ratio``): the boundary is
      not piecewise quadratic, so the minimum over a dense angular grid is refined by Brent's
      method (accurate to ~1e-12) and compared with the exact corners.

    Parameters
    ----------
    H : array, shape (2, 2), symmetric positive definite
    w_star : array, shape (2,), the unconstrained optimum
    t : float >= 0, the budget (radius of the ball)
    norm : ``"l1"``, ``"l2"`` or ``"elasticnet"``
    l1_ratio : float in [0, 1], elastic net only

    Returns
    -------
    ConstrainedSolution
    """
    H, w_star = _check_quadratic(H, w_star)
    t = _nonneg(t, "the budget t")
    norm = _check_norm(norm)
    rho = _check_l1_ratio(l1_ratio)
    if _ball_norm(w_star, norm, rho) <= t:
        return ConstrainedSolution(w_star.copy(), 0.0, 0.0, False, "interior")
    if t == 0:
        w = np.zeros(2)
        lam = math.inf if norm == "l2" else _penalty_at_zero(H, w_star, norm, rho)
        return ConstrainedSolution(w, quadratic_loss(H, w_star, w), lam, True, "corner")
    if norm == "l2":
        w = _solve_l2_ball(H, w_star, t)
    elif norm == "l1":
        w = _solve_l1_ball(H, w_star, t)
    else:
        w = _solve_en_ball(H, w_star, t, rho)
    kind = "corner" if np.any(w == 0.0) else "smooth"
    return ConstrainedSolution(w, quadratic_loss(H, w_star, w), _multiplier(H, w_star, w, t, norm), True, kind)


def _penalty_at_zero(H, w_star, norm, rho) -> float:
    """Smallest lam whose penalised solution is w = 0: the dual norm of the gradient 2 H w* at 0."""
    g = 2 * H @ w_star
    if norm == "l1":
        return float(np.abs(g).max())
    # dual norm of rho||.||_1 + (1-rho)||.||_2: max <g, u> over the unit ball (boundary scan, fine grid)
    theta = np.linspace(0, 2 * np.pi, 4097)
    u = np.stack([np.cos(theta), np.sin(theta)], 1)
    u /= (rho * np.abs(u).sum(1) + (1 - rho))[:, None]
    vals = u @ g
    k = int(np.argmax(vals))
    res = optimize.minimize_scalar(
        lambda th: -float(np.array([math.cos(th), math.sin(th)]) @ g)
        / (rho * (abs(math.cos(th)) + abs(math.sin(th))) + (1 - rho)),
        bounds=(theta[max(k - 1, 0)], theta[min(k + 1, theta.size - 1)]), method="bounded",
        options={"xatol": 1e-13})
    return float(max(vals[k], -res.fun))


def penalized_least_squares(H, w_star, lam: float, norm: Literal["l1", "l2", "elasticnet"] = "l2", *,
                            l1_ratio: float = 0.5) -> np.ndarray:
    """Exact minimiser of the penalised 2-D problem ``f(w) + lam * pen(w)``.

    ``pen`` is ``||w||₁`` (L1), ``||w||₂²`` (L2, closed form ``(H + lam I)⁻¹ H w*``) or the
    elastic-net gauge (solved through the budget: the constrained problem with ``t`` from
    :func:`penalty_to_budget`). L1 is solved exactly by checking the 9 support/sign patterns.

    Returns
    -------
    w : array, shape (2,)
    """
    H, w_star = _check_quadratic(H, w_star)
    lam = _nonneg(lam, "the penalty lam")
    norm = _check_norm(norm)
    rho = _check_l1_ratio(l1_ratio)
    if norm == "l2":
        return np.linalg.solve(H + lam * np.eye(2), H @ w_star)
    if norm == "l1":
        return _penalized_l1(H, w_star, lam)
    t = penalty_to_budget(H, w_star, lam, norm, l1_ratio=rho)
    return constrained_least_squares(H, w_star, t, norm, l1_ratio=rho).w


def _penalized_l1(H, w_star, lam):
    """min (w-w*)ᵀH(w-w*) + lam||w||₁ in 2-D: KKT per support/sign pattern (exact)."""
    b = H @ w_star
    best_w, best_obj = np.zeros(2), quadratic_loss(H, w_star, np.zeros(2))
    for support in ((0,), (1,), (0, 1)):
        S = list(support)
        for signs in ((1.0,), (-1.0,)) if len(S) == 1 else ((1, 1), (1, -1), (-1, 1), (-1, -1)):
            s = np.array(signs, dtype=float)
            wS = np.linalg.solve(H[np.ix_(S, S)], b[S] - lam * s / 2)
            if not np.all(np.sign(wS) == s):
                continue
            w = np.zeros(2)
            w[S] = wS
            obj = quadratic_loss(H, w_star, w) + lam * np.abs(w).sum()
            if obj < best_obj:
                best_w, best_obj = w, obj
    return best_w


def penalty_to_budget(H, w_star, lam: float, norm: Literal["l1", "l2", "elasticnet"] = "l2", *,
                      l1_ratio: float = 0.5) -> float:
    """The budget ``t`` whose constrained optimum equals the penalised optimum for penalty ``lam``.

    ``t = ||w_pen(lam)||`` (L1 norm, L2 norm or elastic-net gauge). Penalties as in
    :func:`penalized_least_squares`; ``lam = 0`` gives ``t = ||w*||``.
    """
    H, w_star = _check_quadratic(H, w_star)
    lam = _nonneg(lam, "the penalty lam")
    norm = _check_norm(norm)
    rho = _check_l1_ratio(l1_ratio)
    if norm in ("l1", "l2"):
        return _ball_norm(penalized_least_squares(H, w_star, lam, norm), norm, rho)
    t_max = _ball_norm(w_star, norm, rho)
    if lam == 0:
        return t_max
    if lam >= _penalty_at_zero(H, w_star, norm, rho):
        return 0.0

    def excess(t: float) -> float:
        return constrained_least_squares(H, w_star, t, norm, l1_ratio=rho).multiplier - lam

    return float(optimize.brentq(excess, 1e-14 * t_max, t_max, xtol=1e-14 * t_max, rtol=1e-14))


def budget_to_penalty(H, w_star, t: float, norm: Literal["l1", "l2", "elasticnet"] = "l2", *,
                      l1_ratio: float = 0.5) -> float:
    """The penalty ``lam`` whose penalised optimum equals the constrained optimum with budget ``t``.

    It is the KKT multiplier: 0 when ``w*`` is inside the ball; ``inf`` for L2 at ``t = 0``.
    """
    return constrained_least_squares(H, w_star, t, norm, l1_ratio=l1_ratio).multiplier


def budget_path(H, w_star, ts, norm: Literal["l1", "l2", "elasticnet"] = "l2", *,
                l1_ratio: float = 0.5) -> np.ndarray:
    """Constrained optima for many budgets: array of shape (len(ts), 2)."""
    ts = _as_finite(ts, "ts", ndim=1)
    return np.array([constrained_least_squares(H, w_star, t, norm, l1_ratio=l1_ratio).w for t in ts])


def kkt_residual(H, w_star, sol: ConstrainedSolution, t: float, norm: str = "l2", *,
                 l1_ratio: float = 0.5) -> float:
    """How far ``sol`` is from satisfying the KKT conditions (0 up to rounding at the optimum).

    Checks stationarity ``-grad f(w) ∈ lam ∂pen(w)``, primal feasibility, ``lam >= 0`` and
    complementary slackness. Returned as the largest violation, relative to ``|grad f(0)| + 1``.
    """
    H, w_star = _check_quadratic(H, w_star)
    norm = _check_norm(norm)
    w, lam = sol.w, sol.multiplier
    g = -2 * H @ (w - w_star)              # -grad f(w)
    scale = float(np.abs(2 * H @ w_star).max()) + 1.0
    viol = [max(_ball_norm(w, norm, l1_ratio) - t, 0.0) / max(t, 1.0), max(-lam, 0.0)]
    if not sol.on_boundary:
        viol.append(float(np.abs(g).max()) / scale)
        return max(viol)
    viol.append(abs(_ball_norm(w, norm, l1_ratio) - t) / max(t, 1.0))
    if math.isinf(lam):                    # L2 with t = 0: w = 0 is the only feasible point
        return max(viol)
    if norm == "l2":
        viol.append(float(np.abs(g - 2 * lam * w).max()) / scale)
    elif norm == "l1":
        for j in range(2):
            if w[j] != 0:
                viol.append(abs(g[j] - lam * np.sign(w[j])) / scale)
            else:
                viol.append(max(abs(g[j]) - lam, 0.0) / scale)
    elif not np.any(w):                    # elastic net at w = 0: the dual norm of -grad f must be <= lam
        viol.append(max(_penalty_at_zero(H, w_star, norm, l1_ratio) - lam, 0.0) / scale)
    else:
        nw = float(np.hypot(*w))
        for j in range(2):
            l2_part = (1 - l1_ratio) * w[j] / nw
            if w[j] != 0:
                viol.append(abs(g[j] - lam * (l1_ratio * np.sign(w[j]) + l2_part)) / scale)
            else:
                viol.append(max(abs(g[j]) - lam * l1_ratio, 0.0) / scale)
    return max(viol)


# ---------------------------------------------------------------------------------------------
# section 4: descent trajectories on the 2-D problem
# ---------------------------------------------------------------------------------------------

def descent_path(H, w_star, lam: float, *, method: Literal["gd", "ista", "subgradient"] = "gd",
                 w0=(0.0, 0.0), step: float | None = None, n_steps: int = 60) -> np.ndarray:
    """Iterates of a first-order method on ``f(w) + lam * pen(w)`` in 2-D.

    * ``"gd"``: gradient descent with the L2 penalty ``lam ||w||²``:
      ``w <- w - step (2H(w - w*) + 2 lam w)`` (the penalty shrinks w in proportion to w);
    * ``"subgradient"``: with the L1 penalty, ``w <- w - step (2H(w - w*) + lam sign(w))``
      (constant-size push: it overshoots 0 and zig-zags, never landing exactly on 0);
    * ``"ista"``: proximal gradient with the L1 penalty, ``w <- S(w - step 2H(w - w*), step lam)``
      (lands on exact zeros).

    Parameters
    ----------
    step : float > 0, default ``1/L`` with ``L`` the Lipschitz constant of the smooth part's gradient
    n_steps : int >= 1

    Returns
    -------
    path : array, shape (n_steps + 1, 2), starting at ``w0``
    """
    H, w_star = _check_quadratic(H, w_star)
    lam = _nonneg(lam, "the penalty lam")
    if method not in ("gd", "ista", "subgradient"):
        raise ValueError(f"method must be 'gd', 'ista' or 'subgradient', got {method!r}")
    if not (isinstance(n_steps, (int, np.integer)) and n_steps >= 1):
        raise ValueError(f"n_steps must be an integer >= 1, got {n_steps!r}")
    L = 2 * float(np.linalg.eigvalsh(H)[-1]) + (2 * lam if method == "gd" else 0.0)
    step = 1.0 / L if step is None else float(step)
    if not step > 0:
        raise ValueError(f"step must be > 0, got {step!r}")
    w = _as_finite(w0, "w0", ndim=1).copy()
    if w.shape != (2,):
        raise ValueError(f"w0 must have shape (2,), got {w.shape}")
    path = np.empty((n_steps + 1, 2))
    path[0] = w
    for k in range(1, n_steps + 1):
        g = 2 * H @ (w - w_star)
        if method == "gd":
            w = w - step * (g + 2 * lam * w)
        elif method == "subgradient":
            w = w - step * (g + lam * np.sign(w))
        else:
            w = soft_threshold(w - step * g, step * lam)
        path[k] = w
    return path


# ---------------------------------------------------------------------------------------------
# section 1: polynomial overfitting
# ---------------------------------------------------------------------------------------------

def true_function(x) -> np.ndarray:
    """The smooth curve behind the polynomial example: ``sin(2.5 x) + 0.3 x`` on [-1, 1]."""
    x = np.asarray(x, dtype=float)
    return np.sin(2.5 * x) + 0.3 * x


@lru_cache(maxsize=8)
def polynomial_data(n_train: int = 15, n_test: int = 200, noise: float = 0.25, seed: int = 0):
    """Noisy samples of :func:`true_function`: ``(x_train, y_train, x_test, y_test)`` (read-only arrays)."""
    rng = np.random.default_rng(seed)
    x_train = np.sort(rng.uniform(-1, 1, n_train))
    x_test = rng.uniform(-1, 1, n_test)
    y_train = true_function(x_train) + noise * rng.standard_normal(n_train)
    y_test = true_function(x_test) + noise * rng.standard_normal(n_test)
    arrays = (x_train, y_train, x_test, y_test)
    for a in arrays:
        a.setflags(write=False)
    return arrays


@dataclass
class PolynomialFit:
    """A polynomial fit ``sum_k coef[k] x^k``; errors are mean squared errors."""

    degree: int
    lam: float
    coef: np.ndarray          # shape (degree + 1,)
    train_mse: float
    test_mse: float
    x_grid: np.ndarray        # shape (400,)
    y_grid: np.ndarray        # shape (400,), the fitted curve
    condition_number: float   # 2-norm condition number of the matrix solved (Φ, or ΦᵀΦ + lam·D for ridge)


def compute_polynomial_fit(degree: int, lam: float = 0.0, *, n_train: int = 15, noise: float = 0.25,
                           seed: int = 0) -> PolynomialFit:
    """Least squares (``lam = 0``) or ridge fit of a degree-``degree`` polynomial (monomials on [-1, 1]).

    The ridge objective is ``||y - Φ c||² + lam ||c_{1:}||²`` (sklearn ``Ridge`` scaling; the
    constant term is not penalised). For ``degree >= n_train - 1`` and ``lam = 0`` the
    minimum-norm interpolant is returned.

    ``condition_number`` says how many digits survive rounding: a relative perturbation ε of the
    data (or of the arithmetic, ~1e-16) moves the coefficients by up to about cond·ε relative.
    """
    if not (isinstance(degree, (int, np.integer)) and 0 <= degree <= 30):
        raise ValueError(f"degree must be an integer in [0, 30], got {degree!r}")
    lam = _nonneg(lam, "lam (the ridge penalty)")
    x_tr, y_tr, x_te, y_te = polynomial_data(n_train, 200, noise, seed)
    Phi = np.vander(x_tr, degree + 1, increasing=True)
    if lam == 0:
        coef = np.linalg.lstsq(Phi, y_tr, rcond=None)[0]
        cond = float(np.linalg.cond(Phi))
    else:
        D = np.eye(degree + 1)
        D[0, 0] = 0.0
        A = Phi.T @ Phi + lam * D
        coef = np.linalg.solve(A, Phi.T @ y_tr)
        cond = float(np.linalg.cond(A))
    x_grid = np.linspace(-1, 1, 400)
    pred = lambda x: np.vander(x, degree + 1, increasing=True) @ coef  # noqa: E731
    return PolynomialFit(int(degree), lam, coef, float(np.mean((pred(x_tr) - y_tr) ** 2)),
                         float(np.mean((pred(x_te) - y_te) ** 2)), x_grid, pred(x_grid), cond)


@lru_cache(maxsize=32)
def degree_curve(lam: float = 0.0, max_degree: int = 14) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Train and test MSE for degrees 0..max_degree: ``(degrees, train_mse, test_mse)``."""
    fits = [compute_polynomial_fit(k, lam) for k in range(max_degree + 1)]
    return (np.arange(max_degree + 1), np.array([f.train_mse for f in fits]), np.array([f.test_mse for f in fits]))


# ---------------------------------------------------------------------------------------------
# section 5: diabetes data
# ---------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def diabetes_data() -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """scikit-learn's diabetes set (442 × 10, shipped with sklearn): ``(X, y - mean(y), names)``.

    The columns of X are already centred with unit Euclidean norm; centring y makes a model
    without intercept equivalent to one with intercept.
    """
    from sklearn.datasets import load_diabetes

    data = load_diabetes()
    X = np.ascontiguousarray(data.data, dtype=float)
    y = data.target.astype(float) - data.target.mean()
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y, tuple(data.feature_names)


# ---------------------------------------------------------------------------------------------
# section 6: the Bayesian view
# ---------------------------------------------------------------------------------------------

def gaussian_prior_pdf(w, tau: float) -> np.ndarray:
    """Density of N(0, tau²) at w."""
    tau = float(tau)
    if not tau > 0:
        raise ValueError(f"the prior scale tau must be > 0, got {tau!r}")
    w = np.asarray(w, dtype=float)
    return np.exp(-0.5 * (w / tau) ** 2) / (tau * math.sqrt(2 * math.pi))


def laplace_prior_pdf(w, b: float) -> np.ndarray:
    """Density of Laplace(0, b), ``exp(-|w|/b) / (2b)``, at w."""
    b = float(b)
    if not b > 0:
        raise ValueError(f"the prior scale b must be > 0, got {b!r}")
    w = np.asarray(w, dtype=float)
    return np.exp(-np.abs(w) / b) / (2 * b)


@dataclass
class PosteriorResult:
    """1-D posterior of one coefficient: likelihood N(z, s²) times a Gaussian or Laplace prior."""

    prior: str
    grid: np.ndarray            # shape (m,)
    prior_pdf: np.ndarray
    likelihood: np.ndarray      # normalised as a density in w
    posterior: np.ndarray       # normalised numerically on the grid
    map_estimate: float         # closed form
    posterior_mean: float       # numerical


def compute_posterior_1d(z: float, prior: Literal["gaussian", "laplace"] = "laplace", *, scale: float = 1.0,
                         noise_sd: float = 1.0, half_width: float = 5.0, m: int = 2001) -> PosteriorResult:
    """Posterior of w from one observation ``z ~ N(w, noise_sd²)`` and a zero-mean prior.

    MAP estimates in closed form: Gaussian prior N(0, scale²) gives the shrinkage
    ``z * scale² / (scale² + noise_sd²)`` (ridge); Laplace(0, scale) gives the soft threshold
    ``S(z, noise_sd² / scale)`` (lasso). The posterior mean is computed on a grid: for the
    Laplace prior it is never exactly zero (only the MAP is sparse).
    """
    if prior not in ("gaussian", "laplace"):
        raise ValueError(f"prior must be 'gaussian' or 'laplace', got {prior!r}")
    z = float(_as_finite(z, "z"))
    if not (scale > 0 and noise_sd > 0):
        raise ValueError(f"scale and noise_sd must be > 0, got scale={scale!r}, noise_sd={noise_sd!r}")
    grid = np.linspace(-half_width, half_width, m)
    like = np.exp(-0.5 * ((grid - z) / noise_sd) ** 2) / (noise_sd * math.sqrt(2 * math.pi))
    if prior == "gaussian":
        p = gaussian_prior_pdf(grid, scale)
        w_map = z * scale ** 2 / (scale ** 2 + noise_sd ** 2)
    else:
        p = laplace_prior_pdf(grid, scale)
        w_map = float(soft_threshold(z, noise_sd ** 2 / scale))
    post = like * p
    dw = grid[1] - grid[0]
    post = post / (post.sum() * dw)
    return PosteriorResult(prior, grid, p, like, post, float(w_map), float((grid * post).sum() * dw))


# ---------------------------------------------------------------------------------------------
# compute functions behind the widgets (sections 2-5)
# ---------------------------------------------------------------------------------------------

def ball_boundary(norm: str | float = 2, t: float = 1.0, *, l1_ratio: float = 0.5, n: int = 721) -> np.ndarray:
    """Closed boundary curve of a 2-D ball of radius ``t``: shape (n, 2), first point = last point.

    ``norm`` is a number p > 0 or ``np.inf`` (Lp ball), or ``"l1"``, ``"l2"``, ``"elasticnet"``.
    Each point is ``t u / ||u||`` for a unit direction u, so the curve is exact (corners included
    whenever n - 1 is a multiple of 4).
    """
    t = _nonneg(t, "the radius t")
    if not (isinstance(n, (int, np.integer)) and n >= 5):
        raise ValueError(f"n must be an integer >= 5, got {n!r}")
    theta = np.linspace(0.0, 2 * np.pi, n)
    u = np.stack([np.cos(theta), np.sin(theta)], axis=1)
    if (n - 1) % 4 == 0:
        q = (n - 1) // 4
        u[::q] = [[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]]
    if isinstance(norm, str):
        key = _check_norm(norm)
        rho = _check_l1_ratio(l1_ratio)
        size = np.array([_ball_norm(v, key, rho) for v in u])
    else:
        size = lp_norm(u, norm)
    return u * (t / size)[:, None]


_GRID_1D = np.linspace(-3.5, 3.5, 141)
_GRID = np.stack(np.meshgrid(_GRID_1D, _GRID_1D), axis=-1)   # (141, 141, 2)


@dataclass
class ConstrainedView:
    """Everything the constrained-view picture needs (section 3)."""

    H: np.ndarray             # (2, 2)
    w_star: np.ndarray        # (2,)
    t: float
    norm: str
    l1_ratio: float
    solution: ConstrainedSolution
    penalised_w: np.ndarray   # (2,) solution of the penalised problem with lam = solution.multiplier
    grid: np.ndarray          # (m, m, 2)
    loss_grid: np.ndarray     # (m, m)
    ball: np.ndarray          # (k, 2)
    path_t: np.ndarray        # (p,) budgets
    path_w: np.ndarray        # (p, 2) constrained optima along the budgets


@lru_cache(maxsize=256)
def _cached_budget_path(norm: str, w1: float, w2: float, corr: float, l1_ratio: float, n: int):
    H = correlation_hessian(corr)
    w_star = np.array([w1, w2])
    t_max = max(_ball_norm(w_star, norm, l1_ratio), 1e-3) * 1.15
    ts = np.linspace(0.0, t_max, n)
    ws = budget_path(H, w_star, ts, norm, l1_ratio=l1_ratio)
    ts.setflags(write=False)
    ws.setflags(write=False)
    return ts, ws


def compute_constrained_view(t: float = 1.0, w1: float = 2.0, w2: float = 0.6, corr: float = 0.5,
                             norm: str = "l1", l1_ratio: float = 0.5, *, n_path: int = 41) -> ConstrainedView:
    """Constrained optimum of the 2-D least-squares bowl on the ``norm`` ball of budget ``t``.

    ``H = [[1, corr], [corr, 1]]`` (two standardised features with correlation ``corr``),
    ``w* = (w1, w2)``. Also returns the loss on a grid for contours, the ball, the solution
    of the penalised problem with the matching ``lam`` (it must coincide), and the whole
    path of constrained optima as the budget grows (cached: it does not depend on ``t``).
    """
    norm = _check_norm(norm)
    rho = _check_l1_ratio(l1_ratio)
    H = correlation_hessian(corr)
    w_star = _as_finite([w1, w2], "w_star", ndim=1)
    sol = constrained_least_squares(H, w_star, t, norm, l1_ratio=rho)
    lam = sol.multiplier
    if math.isinf(lam):
        pen_w = np.zeros(2)
    else:
        pen_w = penalized_least_squares(H, w_star, lam, norm, l1_ratio=rho)
    n = int(n_path) if norm != "elasticnet" else (int(n_path) + 1) // 2   # elastic net: ~1 ms per solve
    ts, ws = _cached_budget_path(norm, float(w1), float(w2), float(corr), rho, n)
    return ConstrainedView(H, w_star, float(t), norm, rho, sol, pen_w, _GRID, quadratic_loss(H, w_star, _GRID),
                           ball_boundary(norm, t, l1_ratio=rho, n=361), ts, ws)


@dataclass
class DescentResult:
    """A first-order method's trajectory on ``f + lam * pen`` (section 4)."""

    method: str
    lam: float
    H: np.ndarray
    w_star: np.ndarray
    path: np.ndarray          # (n_steps + 1, 2)
    w_opt: np.ndarray         # exact penalised optimum
    grid: np.ndarray          # (m, m, 2)
    objective_grid: np.ndarray


def compute_descent(method: str = "ista", lam: float = 2.5, corr: float = 0.5, n_steps: int = 30, *,
                    w_star=(2.0, 0.6), w0=(-2.5, 2.5), step: float | None = None) -> DescentResult:
    """Trajectory of gradient descent (L2), subgradient descent (L1) or ISTA (L1) from ``w0``.

    The contours drawn are those of the full objective ``f(w) + lam * pen(w)``.
    """
    H = correlation_hessian(corr)
    w_star = np.asarray(w_star, dtype=float)
    path = descent_path(H, w_star, lam, method=method, w0=w0, step=step, n_steps=n_steps)
    norm = "l2" if method == "gd" else "l1"
    w_opt = penalized_least_squares(H, w_star, lam, norm)
    f = quadratic_loss(H, w_star, _GRID)
    pen = (_GRID ** 2).sum(-1) if norm == "l2" else np.abs(_GRID).sum(-1)
    return DescentResult(method, float(lam), H, w_star, path, w_opt, _GRID, f + lam * pen)


@dataclass
class DiabetesPaths:
    """Lasso and ridge paths on scikit-learn's diabetes data (centred y, no intercept)."""

    names: tuple
    alphas: np.ndarray            # (k,) lasso penalties, sklearn Lasso scaling, decreasing
    lasso_coefs: np.ndarray       # (k, 10) ours (coordinate descent, warm starts)
    sklearn_coefs: np.ndarray     # (k, 10) sklearn.linear_model.lasso_path
    n_nonzero: np.ndarray         # (k,)
    alpha_max: float
    ridge_lams: np.ndarray        # (r,) ridge penalties, sklearn Ridge scaling
    ridge_coefs: np.ndarray       # (r, 10)
    cv_alpha: float               # LassoCV's choice (5-fold, shuffled with seed 0)
    cv_alphas: np.ndarray
    cv_mse: np.ndarray            # (len(cv_alphas),) mean CV mean squared error


@lru_cache(maxsize=1)
def compute_diabetes_paths(n_alphas: int = 50) -> DiabetesPaths:
    """Our lasso path vs scikit-learn's, the ridge path and LassoCV's alpha on the diabetes data."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LassoCV
    from sklearn.linear_model import lasso_path as sk_lasso_path
    from sklearn.model_selection import KFold

    X, y, names = diabetes_data()
    a_max = alpha_max(X, y)
    alphas = a_max * np.logspace(0, -3, n_alphas)
    ours = lasso_path(X, y, alphas, method="cd", tol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        _, sk_coefs, _ = sk_lasso_path(X, y, alphas=alphas, tol=1e-12, max_iter=100_000)
        cv = LassoCV(alphas=alphas, cv=KFold(5, shuffle=True, random_state=0), tol=1e-8, max_iter=100_000).fit(X, y)
    lams = np.logspace(-4, 3, 60)
    return DiabetesPaths(names, alphas, ours, sk_coefs.T, (ours != 0).sum(1), a_max, lams, ridge_path(X, y, lams),
                         float(cv.alpha_), np.asarray(cv.alphas_), cv.mse_path_.mean(axis=1))
