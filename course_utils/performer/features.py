"""Lecture 1 — the softmax kernel, random matrices and random feature maps; Lemma 2 and Theorem 2.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from course_utils.core.validation import as_finite_array, check_bool, check_choice, check_float, check_int, check_rng

#: The feature kinds understood by :func:`random_features` and :func:`favor_attention`.
KINDS: tuple[str, ...] = ("trig", "positive", "hyperbolic")


# ----------------------------------------------------------------------------- validation
# Every check goes through course_utils.core.validation; these two only bind the lecture's names.
def _check_kind(kind: str) -> str:
    return check_choice(kind, "kind", KINDS, what="feature kind")


def _check_m(m: int) -> int:
    """The number of random features: an integer >= 1."""
    return check_int(m, "m", minimum=1, allowed="be at least 1 (the number of random features)")


# ----------------------------------------------------------------------------- kernels
def softmax_kernel(x, y) -> np.ndarray | float:
    """The softmax kernel SM(x, y) = exp(xᵀy).

    Parameters
    ----------
    x : array, shape (d,) or (n, d)
    y : array, shape (d,) or (p, d)

    Returns
    -------
    float if both are vectors, else array of shape (n,), (p,) or (n, p): exp(x yᵀ).
    """
    x = as_finite_array(x, "x", ndim=(1, 2), dtype=None)
    y = as_finite_array(y, "y", ndim=(1, 2), dtype=None)
    if x.shape[-1] != y.shape[-1]:
        raise ValueError(f"x and y must have the same last dimension d, got {x.shape} and {y.shape}")
    out = np.exp(x @ y.T)
    return float(out) if out.ndim == 0 else out


def gaussian_kernel(X, Y, sigma: float = 1.0) -> np.ndarray:
    """Gaussian (RBF) kernel matrix exp(−‖x−y‖²/(2σ²)), shape (n, p) for X (n, d), Y (p, d)."""
    X = as_finite_array(X, "X", ndim=2, dtype=None)
    Y = as_finite_array(Y, "Y", ndim=2, dtype=None)
    sigma = check_float(sigma, "sigma", gt=0)
    sq = (X * X).sum(1)[:, None] + (Y * Y).sum(1)[None, :] - 2 * X @ Y.T
    return np.exp(-np.maximum(sq, 0.0) / (2 * sigma**2))


def polynomial_features(X) -> np.ndarray:
    """Explicit feature map of the degree-2 kernel k(x, y) = (xᵀy)²  (section 2).

    φ(x) = vec(x xᵀ), so φ(x)ᵀφ(y) = Σ_ij x_i x_j y_i y_j = (xᵀy)².

    Parameters
    ----------
    X : array, shape (n, d)

    Returns
    -------
    array, shape (n, d²)
    """
    X = as_finite_array(X, "X", ndim=2, dtype=None)
    return (X[:, :, None] * X[:, None, :]).reshape(X.shape[0], -1)


def rff_features(X, omega, b) -> np.ndarray:
    """Random Fourier features of Rahimi & Recht (2007) for the Gaussian kernel exp(−‖x−y‖²/2).

    φ(x) = √(2/m) cos(Ωx + b), so E[φ(x)ᵀφ(y)] = exp(−‖x−y‖²/2).

    Parameters
    ----------
    X : array, shape (n, d)
    omega : array, shape (m, d), rows ~ N(0, I_d)
    b : array, shape (m,), uniform on [0, 2π)

    Returns
    -------
    array, shape (n, m)
    """
    X = as_finite_array(X, "X", ndim=2, dtype=None)
    omega = as_finite_array(omega, "omega", ndim=2, dtype=None)
    b = as_finite_array(b, "b", ndim=1, dtype=None)
    if omega.shape[1] != X.shape[1] or b.shape[0] != omega.shape[0]:
        raise ValueError(f"shapes do not match: X {X.shape}, omega {omega.shape}, b {b.shape}; "
                         "need omega (m, d) and b (m,)")
    return np.sqrt(2.0 / omega.shape[0]) * np.cos(X @ omega.T + b)


# ----------------------------------------------------------------------------- random matrices
def gaussian_random_matrix(m: int, d: int, *, orthogonal: bool, rng: np.random.Generator,
                           sign_fix: bool = True) -> np.ndarray:
    """m random vectors ω ∈ ℝᵈ as rows, each marginally N(0, I_d).

    Parameters
    ----------
    m : int ≥ 1
        Number of rows (random features).
    d : int ≥ 1
        Dimension.
    orthogonal : bool
        False: i.i.d. Gaussian rows. True: blocks of d exactly orthogonal rows (Haar-random
        orthonormal blocks from a QR decomposition, stacked ⌈m/d⌉ times, last block partial),
        each row rescaled to the norm of an independent N(0, I_d) vector (χ_d-distributed).
    rng : numpy Generator (or int seed)
    sign_fix : bool, default True
        Multiply the columns of Q by sign(diag(R)) so Q is Haar-distributed. ``False``
        reproduces the pitfall of the public reference implementations (LAPACK's sign
        convention makes Q non-uniform and the estimator biased); for teaching only.

    Returns
    -------
    array, shape (m, d)
    """
    m = _check_m(m)
    d = check_int(d, "d", minimum=1)
    rng = check_rng(rng, allow_seed=True)
    orthogonal = check_bool(orthogonal, "orthogonal")
    sign_fix = check_bool(sign_fix, "sign_fix")
    if not orthogonal:
        return rng.standard_normal((m, d))
    return _orthogonal_gaussian_batch(1, m, d, rng, sign_fix)[0]


def _orthogonal_gaussian_batch(n: int, m: int, d: int, rng: np.random.Generator, sign_fix: bool) -> np.ndarray:
    """n independent orthogonal Gaussian matrices (n, m, d), with one batched QR call."""
    n_blocks = -(-m // d)
    q, r = np.linalg.qr(rng.standard_normal((n * n_blocks, d, d)))
    if sign_fix:
        # Haar fix (Mezzadri 2007): multiply column i of q by sign(r_ii)
        q = q * np.sign(np.diagonal(r, axis1=1, axis2=2))[:, None, :]
    # rows = columns of q (as the reference code does); stack the blocks and keep m rows
    directions = np.swapaxes(q, 1, 2).reshape(n, n_blocks * d, d)[:, :m]
    norms = np.linalg.norm(rng.standard_normal((n, m, d)), axis=2)
    return directions * norms[:, :, None]


# ----------------------------------------------------------------------------- feature maps
def _log_positive_parts(X: np.ndarray, omega: np.ndarray, kind: str) -> np.ndarray:
    """log of the unnormalised positive/hyperbolic features: ±ωᵀx − ‖x‖²/2, shape (n, m or 2m)."""
    proj = X @ omega.T
    half_sq = 0.5 * np.einsum("ij,ij->i", X, X)[:, None]
    if kind == "positive":
        return proj - half_sq
    return np.concatenate([proj - half_sq, -proj - half_sq], axis=1)


def random_features(X, omega, kind: str) -> np.ndarray:
    """Random feature map φ with E[φ(x)ᵀφ(y)] = SM(x, y) = exp(xᵀy)  (Lemma 1, section 4).

    * ``"trig"``: φ(x) = exp(‖x‖²/2)/√m · (sin Ωx, cos Ωx)                       (2m features)
    * ``"positive"``: φ(x) = exp(−‖x‖²/2)/√m · exp(Ωx)                            (m features)
    * ``"hyperbolic"``: φ(x) = exp(−‖x‖²/2)/√(2m) · (exp(Ωx), exp(−Ωx))          (2m features)

    No stabilisation here (this is the textbook formula); :func:`favor_attention` stabilises.

    Parameters
    ----------
    X : array, shape (n, d) or (d,)
    omega : array, shape (m, d)
    kind : {"trig", "positive", "hyperbolic"}

    Returns
    -------
    array, shape (n, m) or (n, 2m) (a vector if X was a vector)
    """
    _check_kind(kind)
    X = as_finite_array(X, "X", ndim=(1, 2), dtype=None)
    omega = as_finite_array(omega, "omega", ndim=2, dtype=None)
    vector = X.ndim == 1
    X2 = X[None, :] if vector else X
    if omega.shape[1] != X2.shape[1]:
        raise ValueError(f"omega must have shape (m, d) with d = {X2.shape[1]} (the last dimension of X), "
                         f"got {omega.shape}")
    m = omega.shape[0]
    if kind == "trig":
        proj = X2 @ omega.T
        h = np.exp(0.5 * np.einsum("ij,ij->i", X2, X2))[:, None] / np.sqrt(m)
        out = h * np.concatenate([np.sin(proj), np.cos(proj)], axis=1)
    else:
        scale = np.sqrt(m) if kind == "positive" else np.sqrt(2 * m)
        out = np.exp(_log_positive_parts(X2, omega, kind)) / scale
    return out[0] if vector else out


def kernel_estimate(x, y, omega, kind: str) -> float:
    """One random-feature estimate φ(x)ᵀφ(y) of SM(x, y), for vectors x, y of shape (d,)."""
    x = as_finite_array(x, "x", ndim=1, dtype=None)
    y = as_finite_array(y, "y", ndim=1, dtype=None)
    return float(random_features(x, omega, kind) @ random_features(y, omega, kind))


# ----------------------------------------------------------------------------- Lemma 2, Theorem 2
def kernel_estimator_mse(x, y, m: int, kind: str) -> float:
    """Mean squared error of the m-feature estimator of SM(x, y) with i.i.d. ω (Lemma 2).

    * trig:       1/(2m) · exp(‖x+y‖²) · SM⁻² · (1 − exp(−‖x−y‖²))²
    * positive:   1/m · exp(‖x+y‖²) · SM² · (1 − exp(−‖x+y‖²))
    * hyperbolic: ½ (1 − exp(−‖x+y‖²)) · MSE(positive)

    Parameters
    ----------
    x, y : array, shape (d,)
    m : int ≥ 1
    kind : {"trig", "positive", "hyperbolic"}
    """
    _check_kind(kind)
    m = _check_m(m)
    x = as_finite_array(x, "x", ndim=1, dtype=None)
    y = as_finite_array(y, "y", ndim=1, dtype=None)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape (d,), got {x.shape} and {y.shape}")
    s = x + y
    dif = x - y
    sum_sq = float(s @ s)
    dif_sq = float(dif @ dif)
    log_sm = float(x @ y)
    if kind == "trig":
        return float(np.exp(sum_sq - 2 * log_sm) * (-np.expm1(-dif_sq)) ** 2 / (2 * m))
    pos = float(np.exp(sum_sq + 2 * log_sm) * (-np.expm1(-sum_sq)) / m)
    if kind == "positive":
        return pos
    return float(0.5 * (-np.expm1(-sum_sq)) * pos)


def orthogonal_mse_bound(x, y, m: int) -> float:
    """Theorem 2's upper bound on the MSE of orthogonal positive features (m ≤ d).

    MSE(ort+) ≤ MSE(+) − 2(m−1)/(m(d+2)) · (SM(x,y) − exp(−(‖x‖²+‖y‖²)/2))².
    """
    x = as_finite_array(x, "x", ndim=1, dtype=None)
    m = _check_m(m)
    if m > x.shape[0]:
        raise ValueError(f"Theorem 2 holds for m ≤ d; got m = {m} > d = {x.shape[0]}")
    d = x.shape[0]
    y = as_finite_array(y, "y", ndim=1, dtype=None)
    gap = math.exp(float(x @ y)) - math.exp(-0.5 * float(x @ x + y @ y))
    return kernel_estimator_mse(x, y, m, "positive") - 2 * (m - 1) / (m * (d + 2)) * gap**2


@dataclass
class MonteCarloMSE:
    """Monte-Carlo estimates of SM(x, y): ``estimates`` (n_trials,), their mean and MSE."""

    estimates: np.ndarray
    true_value: float
    mean: float
    mse: float
    mse_stderr: float


def monte_carlo_mse(x, y, m: int, kind: str, *, orthogonal: bool = False, n_trials: int = 2000,
                    rng: np.random.Generator, sign_fix: bool = True) -> MonteCarloMSE:
    """Draw ``n_trials`` independent feature sets and measure bias and MSE of φ(x)ᵀφ(y).

    Parameters
    ----------
    x, y : array, shape (d,)
    m : int, number of random vectors per estimate
    kind : feature kind
    orthogonal, sign_fix : passed to :func:`gaussian_random_matrix`
    n_trials : int, number of independent estimates
    rng : numpy Generator
    """
    _check_kind(kind)
    m = _check_m(m)
    n_trials = check_int(n_trials, "n_trials", minimum=1)
    rng = check_rng(rng, allow_seed=True)
    orthogonal = check_bool(orthogonal, "orthogonal")
    sign_fix = check_bool(sign_fix, "sign_fix")
    x = as_finite_array(x, "x", ndim=1, dtype=None)
    y = as_finite_array(y, "y", ndim=1, dtype=None)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape (d,), got {x.shape} and {y.shape}")
    d = x.shape[0]
    if orthogonal:
        omegas = _orthogonal_gaussian_batch(n_trials, m, d, rng, sign_fix)
    else:
        omegas = rng.standard_normal((n_trials, m, d))
    flat = omegas.reshape(-1, d)
    fx = random_features(x[None, :], flat, kind)[0]
    fy = random_features(y[None, :], flat, kind)[0]
    # the features were normalised by 1/√(n_trials·m); each trial's estimate needs 1/√m
    pair = fx * fy
    if kind != "positive":  # (sin, cos) or (exp(+), exp(−)) halves: add them per ω
        pair = pair[: flat.shape[0]] + pair[flat.shape[0]:]
    prod = pair.reshape(n_trials, m).sum(1) * n_trials
    true = math.exp(float(x @ y))
    sq = (prod - true) ** 2
    return MonteCarloMSE(prod, true, float(prod.mean()), float(sq.mean()), float(sq.std(ddof=1) / np.sqrt(n_trials)))
