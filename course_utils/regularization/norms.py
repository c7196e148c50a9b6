"""Lecture 2 — input checks, Lp norms, soft thresholding, the elastic-net gauge.
"""
from __future__ import annotations

import math

import numpy as np

from course_utils.core.validation import as_finite_array, check_choice, check_float

NORMS = ("l1", "l2", "elasticnet")
LASSO_METHODS = ("ista", "fista", "cd")


# ---------------------------------------------------------------------------------------------
# validation helpers
# ---------------------------------------------------------------------------------------------

def _check_norm(norm: str) -> str:
    """One of NORMS; case, '-', '_' and spaces are ignored ('L1', 'elastic-net')."""
    return check_choice(norm, "norm", NORMS, key=lambda v: v.lower().replace("_", "").replace("-", "").replace(" ", ""))


def _check_l1_ratio(l1_ratio) -> float:
    return check_float(l1_ratio, "l1_ratio", ge=0, le=1, allowed="lie in [0, 1] (0: ridge-like, 1: lasso)")


def _check_Xy(X, y) -> tuple[np.ndarray, np.ndarray]:
    X = as_finite_array(X, "X", ndim=2)
    y = as_finite_array(y, "y", ndim=1)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]} entries; they must match")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must have at least one row and one column, got shape {X.shape}")
    return X, y


def _check_quadratic(H, w_star) -> tuple[np.ndarray, np.ndarray]:
    H = as_finite_array(H, "H", shape=(2, 2))
    w_star = as_finite_array(w_star, "w_star", shape=(2,))
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
    w = as_finite_array(w, "w")
    if w.ndim == 0:
        raise ValueError("w must be a vector (shape (d,)) or a stack of vectors (shape (..., d)), got a scalar")
    p = check_float(p, "p", gt=0, allow_inf=True, allowed="be > 0 (or np.inf)")
    a = np.abs(w)
    if math.isinf(p):
        out = a.max(axis=-1)
    else:
        # scale by the max entry so that large p does not overflow
        m = a.max(axis=-1, keepdims=True)
        safe = np.where(m > 0, m, 1.0)
        out = (np.sum((a / safe) ** p, axis=-1) ** (1.0 / p)) * safe[..., 0]
    return float(out) if np.ndim(out) == 0 else out


def l0_norm(w) -> np.ndarray | float:
    """The L0 "norm" ``#{i : w_i != 0}`` along the last axis (not a norm: not homogeneous, not convex)."""
    w = as_finite_array(w, "w")
    if w.ndim == 0:
        raise ValueError("w must be a vector (shape (d,)) or a stack of vectors (shape (..., d)), got a scalar")
    out = np.count_nonzero(w, axis=-1)
    return float(out) if np.ndim(out) == 0 else out.astype(float)


def l0_ball_segments(n: int = 201) -> np.ndarray:
    """The 2-D L0 "ball" ``{||w||_0 <= 1}`` inside the unit box: the two axis segments
    [-1, 1] x {0} and {0} x [-1, 1], as points of shape (2 n + 1, 2) with a NaN row between the
    segments (one ``plot`` call draws both). Its convex hull is the L1 unit ball."""
    s = np.linspace(-1.0, 1.0, int(n))
    zero = np.zeros_like(s)
    return np.concatenate([np.stack([s, zero], 1), [[np.nan, np.nan]], np.stack([zero, s], 1)])


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
    z = as_finite_array(z, "z")
    t_arr = as_finite_array(t, "t")
    if np.any(t_arr < 0):
        raise ValueError(f"the threshold t must be >= 0, got {t!r}")
    return np.sign(z) * np.maximum(np.abs(z) - t_arr, 0.0)


def _soft(z: np.ndarray, t: float) -> np.ndarray:
    """soft_threshold without input checks (inner loops)."""
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


def elastic_net_gauge(w, l1_ratio: float = 0.5) -> np.ndarray | float:
    """The elastic-net norm ``rho ||w||₁ + (1 - rho) ||w||₂`` along the last axis (rho = l1_ratio)."""
    rho = _check_l1_ratio(l1_ratio)
    return rho * lp_norm(w, 1) + (1 - rho) * lp_norm(w, 2)
