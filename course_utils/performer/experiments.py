"""Lecture 1 — the lecture's experiments: ``compute_*(params) -> result`` dataclasses.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from course_utils.core.formatting import format_mean_spread
from course_utils.core.validation import check_float, check_int, check_rng
from course_utils.performer.features import (
    KINDS,
    _check_m,
    _orthogonal_gaussian_batch,
    gaussian_kernel,
    kernel_estimator_mse,
    monte_carlo_mse,
    orthogonal_mse_bound,
    polynomial_features,
    rff_features,
)


def _check_result(result, cls) -> None:
    if not isinstance(result, cls):
        raise TypeError(f"result must be a {cls.__name__} (from compute_{cls.__name__.lower()}), got {type(result).__name__}")


def format_mean_se(mean: float, stderr: float, sig: int = 2) -> str:
    """``"mean ± stderr"`` with the standard error to ``sig`` significant digits and the mean to the same decimals.

    A Monte-Carlo mean is only known to about its standard error: digits beyond it are noise.
    A zero standard error (an exact value) prints the mean with four decimals.
    (:func:`course_utils.core.formatting.format_mean_spread`.)
    """
    return format_mean_spread(mean, stderr, sig, spread_name="stderr", exact_format=".4f")


# ============================================================================ lecture computations
# The compute_* functions below feed the notebook's figures and widgets (course_utils.performer.plots).

@dataclass
class PolynomialDemo:
    """Section 2: the kernel (xᵀy)² computed directly and through its explicit feature map."""

    kernel: np.ndarray          # (n, n) (xᵀy)²
    via_features: np.ndarray    # (n, n) φ(x)ᵀφ(y)
    n_features: int             # d²
    max_abs_difference: float


def compute_polynomial_demo(n: int = 5, d: int = 3, *, rng: np.random.Generator) -> PolynomialDemo:
    """Compare (xᵀy)² with φ(x)ᵀφ(y), φ(x) = vec(xxᵀ), on n random points of ℝᵈ."""
    rng = check_rng(rng, allow_seed=True)
    X = rng.standard_normal((check_int(n, "n", minimum=1), check_int(d, "d", minimum=1)))
    kernel = (X @ X.T) ** 2
    phi = polynomial_features(X)
    via = phi @ phi.T
    return PolynomialDemo(kernel, via, phi.shape[1], float(np.abs(kernel - via).max()))


@dataclass
class RFFError:
    """Section 3: relative Frobenius error of the random-Fourier-feature kernel matrix vs m."""

    m_values: np.ndarray      # (k,)
    errors: np.ndarray        # (k,) mean over trials of ‖K̂ − K‖_F / ‖K‖_F
    errors_std: np.ndarray    # (k,) standard deviation over trials
    errors_stderr: np.ndarray  # (k,) standard error of the mean: sample std (ddof=1) / √n_trials
    trial_errors: np.ndarray  # (n_trials, k) the error of every trial
    X: np.ndarray             # (n, d) the points
    exact: np.ndarray         # (n, n) Gaussian kernel matrix
    omegas: np.ndarray        # (n_trials, m_max, d)
    phases: np.ndarray        # (n_trials, m_max)


def _check_m_values(m_values) -> np.ndarray:
    """A non-empty 1-d sequence of integers >= 1 (numbers of random features)."""
    arr = np.asarray(m_values)
    if arr.dtype.kind not in "iu" or arr.ndim != 1:
        raise TypeError(f"m_values must be a non-empty 1-d sequence of integers ≥ 1, got {m_values!r}")
    if arr.size == 0 or np.any(arr < 1):
        raise ValueError(f"m_values must be a non-empty 1-d sequence of integers ≥ 1, got {m_values!r}")
    return arr


def compute_rff_error(m_values=tuple(2**k for k in range(12)), *, n: int = 40, d: int = 3, n_trials: int = 8,
                      seed: int = 0) -> RFFError:
    """Kernel-matrix error of random Fourier features for each m (the first m of m_max features)."""
    m_values = _check_m_values(m_values)
    n, d = check_int(n, "n", minimum=1), check_int(d, "d", minimum=1)
    n_trials = check_int(n_trials, "n_trials", minimum=1)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    X = rng.uniform(-2, 2, size=(n, d))
    X = X[np.argsort(X[:, 0])]  # sorted along the first axis: near points are near in the heatmap (errors unchanged)
    exact = gaussian_kernel(X, X)
    m_max = int(m_values.max())
    omegas = rng.standard_normal((n_trials, m_max, d))
    phases = rng.uniform(0, 2 * np.pi, size=(n_trials, m_max))
    errs = np.empty((n_trials, m_values.size))
    for t in range(n_trials):
        Z = np.cos(X @ omegas[t].T + phases[t])  # (n, m_max); √(2/m) applied per m below
        for i, m in enumerate(m_values):
            approx = (2.0 / m) * Z[:, :m] @ Z[:, :m].T
            errs[t, i] = np.linalg.norm(approx - exact) / np.linalg.norm(exact)
    stderr = errs.std(0, ddof=1) / math.sqrt(n_trials) if n_trials > 1 else np.full(m_values.size, np.nan)
    return RFFError(m_values, errs.mean(0), errs.std(0), stderr, errs, X, exact, omegas, phases)


def rff_loglog_slope(result: RFFError, m_min: int = 16) -> tuple[float, float]:
    """Slope of log(error) against log(m) for m ≥ ``m_min``: mean over trials and its standard error.

    Each trial's errors get their own least-squares line; the slopes are independent across
    trials, so their sample std (ddof=1) / √n_trials is the standard error of the mean slope.
    1/√m convergence means a slope of −1/2.
    """
    _check_result(result, RFFError)
    m_min = check_int(m_min, "m_min", minimum=1)
    keep = result.m_values >= m_min
    if keep.sum() < 2:
        raise ValueError(f"need at least two m values ≥ m_min = {m_min}, got {result.m_values.tolist()}")
    logm = np.log(result.m_values[keep])
    slopes = np.array([np.polyfit(logm, np.log(e[keep]), 1)[0] for e in result.trial_errors])
    se = float(slopes.std(ddof=1) / math.sqrt(slopes.size)) if slopes.size > 1 else math.nan
    return float(slopes.mean()), se


def rff_kernel_matrix(result: RFFError, m: int, trial: int = 0) -> np.ndarray:
    """The RFF approximation K̂ (n, n) with the first m features of one trial of ``result``."""
    _check_result(result, RFFError)
    m = _check_m(m)
    trial = check_int(trial, "trial", minimum=0, maximum=result.omegas.shape[0] - 1)
    if m > result.omegas.shape[1]:
        raise ValueError(f"m = {m} exceeds the {result.omegas.shape[1]} precomputed features")
    phi = rff_features(result.X, result.omegas[trial, :m], result.phases[trial, :m])
    return phi @ phi.T


@dataclass
class SoftmaxMSECurves:
    """Section 4: Lemma 2 against Monte Carlo, as a function of the kernel value SM(x, y)."""

    kernel_values: np.ndarray          # (k,) SM(x, y) for each pair
    theory: dict[str, np.ndarray]      # kind -> (k,) Lemma 2 MSE
    monte_carlo: dict[str, np.ndarray]  # kind -> (k,) measured MSE
    monte_carlo_stderr: dict[str, np.ndarray]  # kind -> (k,) standard error of the measured MSE
    m: int
    radius: float
    n_trials: int                      # Monte-Carlo draws per point


def compute_softmax_mse_curves(*, m: int = 16, d: int = 16, radius: float = 1.0, n_points: int = 9,
                               n_trials: int = 2000, seed: int = 0) -> SoftmaxMSECurves:
    """MSE of the three estimators of SM(x, y) for ‖x‖ = ‖y‖ = radius and angles from 0 to π.

    SM(x, y) = exp(r² cos θ) then sweeps from near exp(r²) down to near exp(−r²) (small = small attention
    weight); the angles are ``n_points`` interior points of [0, π].
    """
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    m = _check_m(m)
    d = check_int(d, "d", minimum=2, allowed="be an integer >= 2 (d must be at least 2 to vary the angle between x and y)")
    radius = check_float(radius, "radius", gt=0)
    n_points = check_int(n_points, "n_points", minimum=1)
    n_trials = check_int(n_trials, "n_trials", minimum=2)
    thetas = np.linspace(0, np.pi, n_points + 2)[1:-1]  # endpoints excluded: there one MSE is exactly 0
    u = np.zeros(d)
    u[0] = 1
    w = np.zeros(d)
    w[1] = 1
    theory = {k: np.empty(n_points) for k in KINDS}
    mc = {k: np.empty(n_points) for k in KINDS}
    mc_se = {k: np.empty(n_points) for k in KINDS}
    values = np.empty(n_points)
    for i, th in enumerate(thetas):
        x = radius * u
        y = radius * (np.cos(th) * u + np.sin(th) * w)
        values[i] = math.exp(float(x @ y))
        for kind in KINDS:
            theory[kind][i] = kernel_estimator_mse(x, y, m, kind)
            r = monte_carlo_mse(x, y, m, kind, n_trials=n_trials, rng=rng)
            mc[kind][i], mc_se[kind][i] = r.mse, r.mse_stderr
    return SoftmaxMSECurves(values, theory, mc, mc_se, m, radius, int(n_trials))


@dataclass
class QRSignPitfall:
    """Section 5: the orthogonal estimator of SM(x, y) with and without the QR sign fix."""

    true_value: float
    mean_without_fix: float
    stderr_without_fix: float
    mean_with_fix: float
    stderr_with_fix: float
    mean_iid: float
    stderr_iid: float
    frac_negative_without_fix: float   # fraction of draws whose first row has ω₁₁ < 0
    frac_negative_with_fix: float
    estimates_without_fix: np.ndarray  # (n_trials,)
    estimates_with_fix: np.ndarray     # (n_trials,)
    stderr_frac_negative_with_fix: float  # standard error of that share (Haar: exactly 1/2)
    n_sign_draws: int                  # draws behind the two shares


def compute_qr_sign_pitfall(*, d: int = 4, m: int = 4, x_norm: float = 0.5, n_trials: int = 20000,
                            seed: int = 0) -> QRSignPitfall:
    """Mean of the orthogonal positive-feature estimator of SM(x, x), x = x_norm·e₁, d = m = 4.

    Without the sign fix, ``np.linalg.qr`` returns Q whose first column always has a
    negative first entry (LAPACK's Householder convention), so the first random vector
    always points away from e₁ and the estimator is biased low.
    """
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    d, m = check_int(d, "d", minimum=1), _check_m(m)
    x_norm = check_float(x_norm, "x_norm")
    n_trials = check_int(n_trials, "n_trials", minimum=2)
    x = np.zeros(d)
    x[0] = x_norm
    res = {}
    neg = {}
    n_sign = 2000
    for fix in (False, True):
        r = monte_carlo_mse(x, x, m, "positive", orthogonal=True, n_trials=n_trials, rng=rng, sign_fix=fix)
        res[fix] = r
        neg[fix] = (_orthogonal_gaussian_batch(n_sign, m, d, rng, fix)[:, 0, 0] < 0).astype(float)
    iid = monte_carlo_mse(x, x, m, "positive", orthogonal=False, n_trials=n_trials, rng=rng)
    se = {f: float(res[f].estimates.std(ddof=1) / math.sqrt(n_trials)) for f in res}
    return QRSignPitfall(res[True].true_value, res[False].mean, se[False], res[True].mean, se[True], iid.mean,
                         float(iid.estimates.std(ddof=1) / math.sqrt(n_trials)), float(neg[False].mean()),
                         float(neg[True].mean()), res[False].estimates, res[True].estimates,
                         float(neg[True].std(ddof=1) / math.sqrt(n_sign)), n_sign)


@dataclass
class OrthogonalGain:
    """Section 5: MSE of i.i.d. vs orthogonal positive features (m ≤ d) and Theorem 2's bound."""

    m_values: np.ndarray
    mse_iid: np.ndarray
    mse_orthogonal: np.ndarray
    stderr_iid: np.ndarray
    stderr_orthogonal: np.ndarray
    lemma2: np.ndarray
    theorem2_bound: np.ndarray
    n_trials: int                  # Monte-Carlo draws per m and estimator


def compute_orthogonal_gain(*, d: int = 16, m_values=(2, 4, 8, 16), x_norm: float = 0.5, n_trials: int = 8000,
                            seed: int = 0) -> OrthogonalGain:
    """Monte-Carlo MSE of i.i.d. and orthogonal positive features for x, y at 60°, ‖x‖ = ‖y‖ = x_norm.

    Theorem 2 bounds the *true* orthogonal MSE; a Monte-Carlo estimate may exceed the bound by a
    few standard errors (``stderr_orthogonal``). For small m the bound is barely below Lemma 2.
    """
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    d = check_int(d, "d", minimum=2)
    m_values = _check_m_values(m_values)
    x_norm = check_float(x_norm, "x_norm")
    n_trials = check_int(n_trials, "n_trials", minimum=2)
    x = np.zeros(d)
    x[0] = x_norm
    y = np.zeros(d)
    y[0], y[1] = x_norm * 0.5, x_norm * math.sqrt(3) / 2
    cols = {k: [] for k in ("iid", "ort", "se_iid", "se_ort", "lem", "thm")}
    for m in m_values.tolist():
        a = monte_carlo_mse(x, y, m, "positive", orthogonal=False, n_trials=n_trials, rng=rng)
        b = monte_carlo_mse(x, y, m, "positive", orthogonal=True, n_trials=n_trials, rng=rng)
        cols["iid"].append(a.mse)
        cols["ort"].append(b.mse)
        cols["se_iid"].append(a.mse_stderr)
        cols["se_ort"].append(b.mse_stderr)
        cols["lem"].append(kernel_estimator_mse(x, y, m, "positive"))
        cols["thm"].append(orthogonal_mse_bound(x, y, m))
    arr = {k: np.array(v) for k, v in cols.items()}
    return OrthogonalGain(np.asarray(m_values), arr["iid"], arr["ort"], arr["se_iid"], arr["se_ort"], arr["lem"],
                          arr["thm"], int(n_trials))
