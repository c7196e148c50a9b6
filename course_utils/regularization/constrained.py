"""Lecture 2 — the constrained view: quadratic losses, exact constrained optima, λ ↔ t, descent paths.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import optimize

from course_utils.core.validation import as_finite_array, check_choice, check_float, check_int
from course_utils.regularization.norms import (
    _check_l1_ratio,
    _check_norm,
    _check_quadratic,
    soft_threshold,
)

# ---------------------------------------------------------------------------------------------
# 2-D geometry: constrained and penalised least squares on a quadratic bowl
# ---------------------------------------------------------------------------------------------

def quadratic_loss(H, w_star, w) -> np.ndarray | float:
    """``f(w) = (w - w*)ᵀ H (w - w*)`` for w of shape (2,) or (..., 2)."""
    H = as_finite_array(H, "H", shape=(2, 2))
    w_star = as_finite_array(w_star, "w_star", shape=(2,))
    w = as_finite_array(w, "w")
    if w.ndim == 0 or w.shape[-1] != 2:
        raise ValueError(f"w must have shape (2,) or (..., 2), got shape {w.shape}")
    diff = w - w_star
    out = np.einsum("...i,ij,...j->...", diff, H, diff)
    return float(out) if np.ndim(out) == 0 else out


def loss_level_curve(H, w_star, level: float, n: int = 361) -> np.ndarray:
    """The contour ``f(w) = level`` of :func:`quadratic_loss`, an ellipse, shape (n, 2) (closed).

    ``w = w* + sqrt(level) H^{-1/2} u`` for unit vectors u: exact, where a contour plot of a
    grid is approximate (and ~10x slower to make). H must be symmetric positive definite.
    """
    H = as_finite_array(H, "H")
    if H.shape != (2, 2) or not np.allclose(H, H.T):
        raise ValueError(f"H must be a symmetric 2x2 matrix, got shape {H.shape}")
    w_star = as_finite_array(w_star, "w_star", shape=(2,))
    level = check_float(level, "the level", ge=0, allowed="be >= 0 (the loss is never negative)")
    n = check_int(n, "n", minimum=2)
    vals, vecs = np.linalg.eigh(H)
    if vals.min() <= 0:
        raise ValueError(f"H must be positive definite, its eigenvalues are {vals}")
    angle = np.linspace(0.0, 2 * np.pi, int(n))
    u = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    A = vecs / np.sqrt(vals)                      # A = V Λ^{-1/2}: AᵀHA = I, so (Au)ᵀH(Au) = |u|² = 1
    return w_star + np.sqrt(level) * u @ A.T


def correlation_hessian(rho: float, scale: float = 1.0) -> np.ndarray:
    """``H = XᵀX/n`` for two standardised features with correlation ``rho`` (|rho| < 1), times ``scale``."""
    rho = check_float(rho, "rho", gt=-1, lt=1, allowed="lie strictly between -1 and 1 (a feature correlation)")
    scale = check_float(scale, "scale", gt=0)
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
    t = check_float(t, "the budget t", ge=0)
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
    lam = check_float(lam, "the penalty lam", ge=0)
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
    lam = check_float(lam, "the penalty lam", ge=0)
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
    ts = as_finite_array(ts, "ts", ndim=1)
    return np.array([constrained_least_squares(H, w_star, t, norm, l1_ratio=l1_ratio).w for t in ts])


def kkt_residual(H, w_star, sol: ConstrainedSolution, t: float, norm: str = "l2", *,
                 l1_ratio: float = 0.5) -> float:
    """How far ``sol`` is from satisfying the KKT conditions (0 up to rounding at the optimum).

    Checks stationarity ``-grad f(w) ∈ lam ∂pen(w)``, primal feasibility, ``lam >= 0`` and
    complementary slackness. Returned as the largest violation, relative to ``|grad f(0)| + 1``.
    """
    H, w_star = _check_quadratic(H, w_star)
    norm = _check_norm(norm)
    l1_ratio = _check_l1_ratio(l1_ratio)
    t = check_float(t, "the budget t", ge=0)
    if not isinstance(sol, ConstrainedSolution):
        raise TypeError(f"sol must be a ConstrainedSolution (from constrained_least_squares), got {type(sol).__name__}")
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
    lam = check_float(lam, "the penalty lam", ge=0)
    method = check_choice(method, "method", ("gd", "ista", "subgradient"))
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    L = 2 * float(np.linalg.eigvalsh(H)[-1]) + (2 * lam if method == "gd" else 0.0)
    step = 1.0 / L if step is None else check_float(step, "step", gt=0)
    w = as_finite_array(w0, "w0", shape=(2,)).copy()
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
