"""Lecture 2 — the evidence behind the prose: path facts, feature scaling, CV spread, U-curve, bases.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from course_utils.core.validation import check_float, check_int, freeze
from course_utils.regularization.experiments import (
    DiabetesPaths,
    compute_diabetes_paths,
    diabetes_data,
    polynomial_data,
)
from course_utils.regularization.solvers import alpha_max, lasso


def ridge_path_facts(res: DiabetesPaths | None = None) -> dict:
    """On the plotted ridge path: sign changes per coefficient, the |w_j| that are not monotone in λ,
    whether ‖w‖₂ decreases strictly, and the smallest |w_j| on the grid."""
    res = compute_diabetes_paths() if res is None else res
    W = np.asarray(res.ridge_coefs)
    changes = {n: int(np.sum(np.diff(np.sign(W[:, j])) != 0)) for j, n in enumerate(res.names)}
    d = np.diff(np.abs(W), axis=0)
    not_monotone = [n for j, n in enumerate(res.names) if not (np.all(d[:, j] <= 0) or np.all(d[:, j] >= 0))]
    norms = np.linalg.norm(W, axis=1)
    return {"sign_changes": changes, "not_monotone": not_monotone,
            "norm_decreasing": bool(np.all(np.diff(norms) < 0)), "min_abs": float(np.abs(W).min())}


def lasso_support_events(res: DiabetesPaths | None = None) -> list[tuple[float, str, str]]:
    """``(alpha, name, "enters" | "leaves")`` along the plotted lasso path (α decreasing)."""
    res = compute_diabetes_paths() if res is None else res
    L = np.asarray(res.lasso_coefs)
    out = []
    for k in range(1, L.shape[0]):
        for j, n in enumerate(res.names):
            if (L[k - 1, j] == 0) != (L[k, j] == 0):
                out.append((float(res.alphas[k]), n, "enters" if L[k, j] != 0 else "leaves"))
    return out


@dataclass
class ScalingEffect:
    """The lasso on scikit-learn's scaled columns vs the raw units, at the same fraction of α_max."""

    h_diagonal: float           # (XᵀX/n)_jj of the shipped columns (all equal: 1/n)
    fraction: float             # α / α_max used on both
    scaled_support: tuple       # names kept with the shipped scaling
    raw_support: tuple          # names kept with the raw units
    std_support: tuple          # names kept with columns of standard deviation 1


@lru_cache(maxsize=4)
def compute_scaling_effect(fraction: float = 0.05) -> ScalingEffect:
    """Lasso supports on the same data in three column scalings, each at ``fraction · α_max`` of its own."""
    from sklearn.datasets import load_diabetes

    fraction = check_float(fraction, "fraction", gt=0, le=1)
    X, y, names = diabetes_data()
    raw = load_diabetes(scaled=False).data.astype(float)
    raw = raw - raw.mean(axis=0)
    std = X / X.std(axis=0)

    def support(A):
        w = lasso(A, y, fraction * alpha_max(A, y), tol=1e-12)
        return tuple(n for n, v in zip(names, w) if v != 0)

    h = float(np.mean(np.diag(X.T @ X)) / X.shape[0])
    return ScalingEffect(h, float(fraction), support(X), support(raw), support(std))


@dataclass
class CVSpread:
    """5-fold CV of the lasso path with its spread over folds."""

    alphas: np.ndarray          # (k,) decreasing
    fold_mse: np.ndarray        # (k, 5)
    mean: np.ndarray
    se: np.ndarray              # standard error of the mean over the 5 folds
    best_alpha: float
    one_se_alpha: float         # the largest α whose mean CV MSE is within one SE of the best
    best_nnz: int
    one_se_nnz: int
    seven_alpha: float          # the α on the grid with the best CV MSE among 7-feature models
    seven_gap: float            # (CV MSE at that α) / (best CV MSE) - 1
    baseline_mse: float         # predict the training-fold mean: CV MSE of the constant model


@lru_cache(maxsize=1)
def compute_cv_spread() -> CVSpread:
    """LassoCV's per-fold curves (the same 5 shuffled folds, seed 0), ± 1 SE, the one-SE rule."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LassoCV
    from sklearn.model_selection import KFold

    res = compute_diabetes_paths()
    X, y, _ = diabetes_data()
    folds = KFold(5, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        cv = LassoCV(alphas=res.alphas, cv=folds, tol=1e-8, max_iter=100_000).fit(X, y)
    alphas = np.asarray(cv.alphas_)
    fold = np.asarray(cv.mse_path_)
    mean, se = fold.mean(axis=1), fold.std(axis=1, ddof=1) / np.sqrt(fold.shape[1])
    b = int(np.argmin(mean))
    one_se = int(np.nonzero(mean <= mean[b] + se[b])[0][0])       # alphas decrease: the first is the largest
    nnz = np.array([int(np.sum(lasso(X, y, a, tol=1e-10) != 0)) for a in alphas])
    seven = np.nonzero(nnz == 7)[0]
    s = int(seven[np.argmin(mean[seven])])
    base = float(np.mean([np.mean((y[te] - y[tr].mean()) ** 2) for tr, te in folds.split(X)]))
    arrays = freeze((alphas, fold, mean, se))
    return CVSpread(*arrays, float(alphas[b]), float(alphas[one_se]), int(nnz[b]), int(nnz[one_se]),
                    float(alphas[s]), float(mean[s] / mean[b] - 1), base)


# --- polynomial: the U-curve and the basis caveat ----------------------------------------------------

U_LAMS = np.logspace(-8, 2, 41)


@lru_cache(maxsize=16)
def ridge_u_curve(degree: int = 14) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """``(lams, train_mse, test_mse, cv_lam)``: ridge on monomials of ``degree``; ``cv_lam`` minimises
    the leave-one-out error on the 15 training points (the test points are never used to choose)."""
    from course_utils.regularization.experiments import compute_polynomial_fit

    degree = check_int(degree, "degree", minimum=0, maximum=30)
    fits = [compute_polynomial_fit(degree, float(lam)) for lam in U_LAMS]
    x, y, _, _ = polynomial_data()
    Phi = np.vander(x, degree + 1, increasing=True)
    D = np.eye(degree + 1)
    D[0, 0] = 0.0
    loo = []
    for lam in U_LAMS:
        Hat = Phi @ np.linalg.solve(Phi.T @ Phi + lam * D, Phi.T)
        loo.append(np.mean(((y - Hat @ y) / (1 - np.diag(Hat))) ** 2))
    arrays = freeze((U_LAMS.copy(), np.array([f.train_mse for f in fits]), np.array([f.test_mse for f in fits])))
    return (*arrays, float(U_LAMS[int(np.argmin(loo))]))


def basis_coefficients(degree: int = 9) -> tuple[np.ndarray, np.ndarray, float]:
    """The least-squares polynomial of ``degree`` in two bases: ``(monomial coefs, Legendre coefs,
    max difference of the two fitted curves on [-1, 1])`` — one function, coefficients of very different size."""
    degree = check_int(degree, "degree", minimum=0, maximum=13)
    x, y, _, _ = polynomial_data()
    mono = np.linalg.lstsq(np.vander(x, degree + 1, increasing=True), y, rcond=None)[0]
    leg = np.linalg.lstsq(np.polynomial.legendre.legvander(x, degree), y, rcond=None)[0]
    g = np.linspace(-1, 1, 401)
    diff = float(np.abs(np.polynomial.polynomial.polyval(g, mono) - np.polynomial.legendre.legval(g, leg)).max())
    return mono, leg, diff


@dataclass
class FoldSeedSpread:
    """The lasso CV choice over several KFold shuffles, and paired (per-fold) differences for seed 0."""

    seeds: tuple
    best_alpha: tuple             # LassoCV's α per fold seed
    best_nnz: tuple
    one_se_nnz: tuple
    dropped: tuple                # names of the features LassoCV's α drops, per seed
    paired_one_se: tuple          # (mean, SE) over folds of MSE(one-SE α) - MSE(best α), seed 0
    paired_seven: tuple           # (mean, SE) over folds of MSE(best 7-feature α) - MSE(best α), seed 0


def _paired(fold: np.ndarray, i: int, b: int) -> tuple[float, float]:
    d = fold[i] - fold[b]
    return float(d.mean()), float(d.std(ddof=1) / np.sqrt(d.size))


@lru_cache(maxsize=1)
def compute_fold_seed_spread(seeds: tuple = (0, 1, 2, 3, 4, 5)) -> FoldSeedSpread:
    """LassoCV (same α grid, 5 folds) for each KFold shuffle seed: the chosen α, its support, the one-SE
    support; and for seed 0 the paired fold-by-fold differences to the best α."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LassoCV
    from sklearn.model_selection import KFold

    res = compute_diabetes_paths()
    X, y, names = diabetes_data()
    best, nnz_b, nnz_1, dropped = [], [], [], []
    nnz_grid = np.array([int(np.sum(lasso(X, y, a, tol=1e-10) != 0)) for a in res.alphas])
    paired1 = paired7 = (np.nan, np.nan)
    for seed in seeds:
        folds = KFold(5, shuffle=True, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            cv = LassoCV(alphas=res.alphas, cv=folds, tol=1e-8, max_iter=100_000).fit(X, y)
        fold = np.asarray(cv.mse_path_)
        mean, se = fold.mean(axis=1), fold.std(axis=1, ddof=1) / np.sqrt(fold.shape[1])
        b = int(np.argmin(mean))
        one = int(np.nonzero(mean <= mean[b] + se[b])[0][0])
        best.append(float(cv.alphas_[b]))
        nnz_b.append(int(nnz_grid[b]))
        nnz_1.append(int(nnz_grid[one]))
        w = lasso(X, y, float(cv.alpha_), tol=1e-10)
        dropped.append(tuple(n for n, v in zip(names, w) if v == 0))
        if seed == seeds[0]:
            seven = np.nonzero(nnz_grid == 7)[0]
            s = int(seven[np.argmin(mean[seven])])
            paired1, paired7 = _paired(fold, one, b), _paired(fold, s, b)
    return FoldSeedSpread(tuple(seeds), tuple(best), tuple(nnz_b), tuple(nnz_1), tuple(dropped), paired1, paired7)


BV_LAMS = (1e-8, 1e-6, 1e-4, 1e-2, 1.0, 100.0)


@lru_cache(maxsize=4)
def bias_variance(degree: int = 14, lams: tuple = BV_LAMS, n_samples: int = 50) -> tuple:
    """Ridge on monomials of ``degree`` (constant unpenalised) refitted on ``n_samples`` fresh training
    sets of 15 points (``polynomial_data(seed=1..n_samples)``): ``(lams, bias², variance)``, each averaged
    over a grid of 400 points of [-1, 1]; bias² = (mean fit − true curve)², variance = spread of the fits."""
    from course_utils.regularization.experiments import polynomial_data, true_function

    degree = check_int(degree, "degree", minimum=0, maximum=30)
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    g = np.linspace(-1, 1, 400)
    G = np.vander(g, degree + 1, increasing=True)
    D = np.eye(degree + 1)
    D[0, 0] = 0.0
    bias2, var = [], []
    for lam in lams:
        preds = []
        for seed in range(1, n_samples + 1):
            x, y, _, _ = polynomial_data(seed=seed)
            Phi = np.vander(x, degree + 1, increasing=True)
            A = np.vstack([Phi, np.sqrt(lam) * D])           # stable least squares form of the ridge problem
            c = np.linalg.lstsq(A, np.concatenate([y, np.zeros(degree + 1)]), rcond=None)[0]
            preds.append(G @ c)
        P = np.array(preds)
        bias2.append(float(np.mean((P.mean(axis=0) - true_function(g)) ** 2)))
        var.append(float(np.mean(P.var(axis=0, ddof=1))))
    return freeze((np.array(lams, dtype=float), np.array(bias2), np.array(var)))
