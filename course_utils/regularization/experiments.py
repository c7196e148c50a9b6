"""Lecture 2 — the lecture's experiments: polynomial fits, diabetes paths, posteriors, widget data.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from course_utils.core.validation import as_finite_array, check_choice, check_float, check_int, freeze
from course_utils.regularization.constrained import (
    ConstrainedSolution,
    _ball_norm,
    budget_path,
    constrained_least_squares,
    correlation_hessian,
    penalized_least_squares,
    quadratic_loss,
)
from course_utils.regularization.descent import DESCENT_METHODS, level_segments, trajectory
from course_utils.regularization.norms import _check_l1_ratio, _check_norm, lp_norm, soft_threshold
from course_utils.regularization.solvers import alpha_max, lasso_path, ridge_path
from course_utils.regularization.sparsity import scaled_hessian

# ---------------------------------------------------------------------------------------------
# section 1: polynomial overfitting
# ---------------------------------------------------------------------------------------------

def true_function(x) -> np.ndarray:
    """The smooth curve behind the polynomial example: ``sin(2.5 x) + 0.3 x`` on [-1, 1]."""
    x = as_finite_array(x, "x")
    return np.sin(2.5 * x) + 0.3 * x


@lru_cache(maxsize=8)
def polynomial_data(n_train: int = 15, n_test: int = 200, noise: float = 0.25, seed: int = 0):
    """Noisy samples of :func:`true_function`: ``(x_train, y_train, x_test, y_test)`` (read-only arrays)."""
    n_train, n_test = check_int(n_train, "n_train", minimum=1), check_int(n_test, "n_test", minimum=1)
    noise = check_float(noise, "noise", ge=0)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    x_train = np.sort(rng.uniform(-1, 1, n_train))
    x_test = rng.uniform(-1, 1, n_test)
    y_train = true_function(x_train) + noise * rng.standard_normal(n_train)
    y_test = true_function(x_test) + noise * rng.standard_normal(n_test)
    return freeze((x_train, y_train, x_test, y_test))


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
    degree = check_int(degree, "degree", minimum=0, maximum=30)
    lam = check_float(lam, "lam (the ridge penalty)", ge=0)
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
    """Train and test MSE for degrees 0..max_degree: ``(degrees, train_mse, test_mse)`` (read-only, cached)."""
    max_degree = check_int(max_degree, "max_degree", minimum=0, maximum=30)
    fits = [compute_polynomial_fit(k, lam) for k in range(max_degree + 1)]
    return freeze((np.arange(max_degree + 1), np.array([f.train_mse for f in fits]),
                   np.array([f.test_mse for f in fits])))


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
    return (*freeze((X, y)), tuple(data.feature_names))


# ---------------------------------------------------------------------------------------------
# section 6: the Bayesian view
# ---------------------------------------------------------------------------------------------

def gaussian_prior_pdf(w, tau: float) -> np.ndarray:
    """Density of N(0, tau²) at w."""
    tau = check_float(tau, "the prior scale tau", gt=0)
    w = as_finite_array(w, "w")
    return np.exp(-0.5 * (w / tau) ** 2) / (tau * math.sqrt(2 * math.pi))


def laplace_prior_pdf(w, b: float) -> np.ndarray:
    """Density of Laplace(0, b), ``exp(-|w|/b) / (2b)``, at w."""
    b = check_float(b, "the prior scale b", gt=0)
    w = as_finite_array(w, "w")
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
    prior = check_choice(prior, "prior", ("gaussian", "laplace"))
    z = check_float(z, "z")
    scale = check_float(scale, "scale", gt=0)
    noise_sd = check_float(noise_sd, "noise_sd", gt=0)
    half_width = check_float(half_width, "half_width", gt=0)
    m = check_int(m, "m", minimum=3)
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
    t = check_float(t, "the radius t", ge=0)
    n = check_int(n, "n", minimum=5)
    if isinstance(norm, str):
        u, size = _unit_directions(_check_norm(norm), _check_l1_ratio(l1_ratio), n)
    else:
        u = _directions(n)
        size = lp_norm(u, norm)
    return u * (t / size)[:, None]


def _directions(n: int) -> np.ndarray:
    """``n`` unit vectors at angles 0 … 2π, shape (n, 2), the axes exact when n - 1 is a multiple of 4."""
    theta = np.linspace(0.0, 2 * np.pi, n)
    u = np.stack([np.cos(theta), np.sin(theta)], axis=1)
    if (n - 1) % 4 == 0:
        q = (n - 1) // 4
        u[::q] = [[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]]
    return u


@lru_cache(maxsize=16)
def _unit_directions(norm: str, l1_ratio: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_directions` and the ``norm`` of each, read-only (cached: a budget slider only rescales them)."""
    u = _directions(n)
    return freeze((u, np.array([_ball_norm(v, norm, l1_ratio) for v in u])))


@lru_cache(maxsize=256)
def _grid_loss(w1: float, w2: float, corr: float, scale2: float) -> np.ndarray:
    """The loss on :data:`_GRID` for the contours, read-only (cached: it does not depend on the budget)."""
    return freeze(quadratic_loss(scaled_hessian(corr, scale2), np.array([w1, w2]), _GRID))


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


LOSS_LEVELS = np.array([0.05, 0.2, 0.5, 1, 2, 3.5, 5.5, 8, 11, 15, 20])
DESCENT_LEVELS = np.array([0.05, 0.3, 1, 2, 4, 7, 11, 16, 22, 30])


@lru_cache(maxsize=512)
def loss_segments(corr: float, w1: float, w2: float, scale2: float = 1.0) -> tuple:
    """The grey loss levels of the constrained view as line segments (cached: a move changes data only)."""
    H = scaled_hessian(corr, scale2)
    return tuple(freeze(level_segments(_GRID, quadratic_loss(H, np.array([w1, w2]), _GRID), LOSS_LEVELS)))


@lru_cache(maxsize=256)
def _cached_budget_path(norm: str, w1: float, w2: float, corr: float, l1_ratio: float, n: int,
                        scale2: float = 1.0):
    H = scaled_hessian(corr, scale2)
    w_star = np.array([w1, w2])
    t_max = max(_ball_norm(w_star, norm, l1_ratio), 1e-3) * 1.15
    ts = np.linspace(0.0, t_max, n)
    ws = budget_path(H, w_star, ts, norm, l1_ratio=l1_ratio)
    return freeze((ts, ws))


def compute_constrained_view(t: float = 1.0, w1: float = 2.0, w2: float = 0.6, corr: float = 0.5,
                             norm: str = "l1", l1_ratio: float = 0.5, *, n_path: int = 41,
                             scale2: float = 1.0) -> ConstrainedView:
    """Constrained optimum of the 2-D least-squares bowl on the ``norm`` ball of budget ``t``.

    ``H = D [[1, corr], [corr, 1]] D`` with ``D = diag(1, scale2)`` (two features with correlation
    ``corr`` and standard deviations 1 and ``scale2``; ``scale2 = 1``: standardised),
    ``w* = (w1, w2)``. Also returns the loss on a grid for contours, the ball, the solution
    of the penalised problem with the matching ``lam`` (it must coincide), and the whole
    path of constrained optima as the budget grows (cached: it does not depend on ``t``).
    """
    norm = _check_norm(norm)
    rho = _check_l1_ratio(l1_ratio)
    t = check_float(t, "the budget t", ge=0)
    w1, w2 = check_float(w1, "w1"), check_float(w2, "w2")
    n_path = check_int(n_path, "n_path", minimum=2)
    H = scaled_hessian(corr, scale2)
    w_star = np.array([w1, w2])
    sol = constrained_least_squares(H, w_star, t, norm, l1_ratio=rho)
    lam = sol.multiplier
    if math.isinf(lam):
        pen_w = np.zeros(2)
    else:
        pen_w = penalized_least_squares(H, w_star, lam, norm, l1_ratio=rho)
    n = int(n_path) if norm != "elasticnet" else (int(n_path) + 1) // 2   # elastic net: ~1 ms per solve
    ts, ws = _cached_budget_path(norm, float(w1), float(w2), float(corr), rho, n, float(scale2))
    return ConstrainedView(H, w_star, float(t), norm, rho, sol, pen_w, _GRID, _grid_loss(float(w1), float(w2), float(corr), float(scale2)),
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
    step_factor: float = 1.0  # step = step_factor / L
    segments: tuple = ()      # contour segments of objective_grid at min + DESCENT_LEVELS (cached)


@lru_cache(maxsize=512)
def _descent_objective(norm: str, lam: float, corr: float, w1: float, w2: float):
    H = correlation_hessian(corr)
    f = quadratic_loss(H, np.array([w1, w2]), _GRID)
    pen = (_GRID ** 2).sum(-1) if norm == "l2" else np.abs(_GRID).sum(-1)
    obj = f + lam * pen
    segs = level_segments(_GRID, obj, float(obj.min()) + DESCENT_LEVELS)
    return freeze(obj), tuple(freeze(segs))


def compute_descent(method: str = "ista", lam: float = 2.5, corr: float = 0.5, n_steps: int = 30, *,
                    w_star=(2.0, 0.6), w0=(-2.5, 2.5), step_factor: float = 1.0) -> DescentResult:
    """Trajectory of gradient descent (L2, the weight-decay update), subgradient descent, ISTA or FISTA (L1).

    The step is ``step_factor / L``. The contours drawn are those of the full objective
    ``f(w) + lam * pen(w)`` (cached per method's penalty, ``lam`` and ``corr``).
    """
    method = check_choice(method, "method", DESCENT_METHODS)
    lam = check_float(lam, "the penalty lam", ge=0)
    H = correlation_hessian(corr)
    w_star = as_finite_array(w_star, "w_star", shape=(2,))
    path = trajectory(H, w_star, lam, method=method, w0=w0, step_factor=step_factor, n_steps=n_steps)
    norm = "l2" if method == "gd" else "l1"
    w_opt = penalized_least_squares(H, w_star, lam, norm)
    obj, segs = _descent_objective(norm, float(lam), float(corr), float(w_star[0]), float(w_star[1]))
    return DescentResult(method, float(lam), H, w_star, path, w_opt, _GRID, obj, float(step_factor), segs)


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
    """Our lasso path vs scikit-learn's, the ridge path and LassoCV's alpha on the diabetes data.

    Cached: every call returns the same object, so its arrays are read-only.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LassoCV
    from sklearn.linear_model import lasso_path as sk_lasso_path
    from sklearn.model_selection import KFold

    n_alphas = check_int(n_alphas, "n_alphas", minimum=2)
    X, y, names = diabetes_data()
    a_max = alpha_max(X, y)
    alphas = a_max * np.logspace(0, -3, n_alphas)
    ours = lasso_path(X, y, alphas, method="cd", tol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        _, sk_coefs, _ = sk_lasso_path(X, y, alphas=alphas, tol=1e-12, max_iter=100_000)
        cv = LassoCV(alphas=alphas, cv=KFold(5, shuffle=True, random_state=0), tol=1e-8, max_iter=100_000).fit(X, y)
    lams = np.logspace(-4, 3, 60)
    arrays = freeze((alphas, ours, sk_coefs.T, (ours != 0).sum(1), lams, ridge_path(X, y, lams),
                     np.array(cv.alphas_), cv.mse_path_.mean(axis=1)))
    alphas, ours, sk, nnz, lams, ridge_coefs, cv_alphas, cv_mse = arrays
    return DiabetesPaths(names, alphas, ours, sk, nnz, a_max, lams, ridge_coefs, float(cv.alpha_), cv_alphas, cv_mse)
