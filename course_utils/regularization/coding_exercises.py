"""Lecture 2 — coding exercises: soft thresholding, one ISTA step, a coordinate-descent lasso, α_max,
and a prediction exercise on the sparsity map.

In the notebook the student writes the function from a stub and passes it to the checker::

    def soft_threshold_fn(z, tau):
        raise NotImplementedError
    check_soft_threshold_code(soft_threshold_fn)
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from course_utils.core.exercises import Exercise, compare_choice, compare_function
from course_utils.regularization.experiments import diabetes_data
from course_utils.regularization.solvers import alpha_max

# --- reference implementations (what the solutions show) -----------------------------------------------

def soft_threshold_reference(z, tau):
    """``sign(z) max(|z| - tau, 0)``, element-wise."""
    z = np.asarray(z, dtype=float)
    return np.sign(z) * np.maximum(np.abs(z) - tau, 0.0)


def ista_step_reference(w, X, y, alpha, step):
    """One proximal-gradient step on ``(1/2n)||y - Xw||² + alpha ||w||₁``."""
    grad = -X.T @ (y - X @ w) / len(y)
    return soft_threshold_reference(w - step * grad, step * alpha)


def lasso_cd_reference(X, y, alpha, n_sweeps=1000):
    """scikit-learn's ``Lasso`` (no intercept, tol 1e-12): the checker's reference for ``lasso_cd``."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import Lasso

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return Lasso(alpha=alpha, fit_intercept=False, tol=1e-12, max_iter=100_000).fit(X, y).coef_


def _lasso_cd_sketch(X, y, alpha, n_sweeps=1000, *, normalise=True, scale_threshold=True):
    """Cyclic coordinate descent; the keywords switch off a step to make the typical wrong versions."""
    n, d = X.shape
    w = np.zeros(d)
    r = y.astype(float).copy()
    col = (X ** 2).sum(axis=0) / n
    for _ in range(n_sweeps):
        for j in range(d):
            if col[j] == 0:
                continue
            rho = X[:, j] @ r / n + col[j] * w[j]
            thr = alpha if scale_threshold else alpha / n
            new = soft_threshold_reference(rho, thr) / (col[j] if normalise else 1.0)
            r -= X[:, j] * (new - w[j])
            w[j] = new
    return w


# --- cases -------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _second_data_set():
    """A second, seeded data set for α_max and the lasso: 80 × 6, correlated columns, unequal scales."""
    rng = np.random.default_rng(2)
    Z = rng.standard_normal((80, 6))
    X = Z @ np.triu(np.full((6, 6), 0.4)) * np.array([1.0, 3.0, 0.5, 1.0, 2.0, 1.0])
    X = X - X.mean(axis=0)
    y = X @ np.array([1.5, 0.0, -2.0, 0.0, 0.3, 0.0]) + rng.standard_normal(80)
    return X, y - y.mean()


def _lasso_cases():
    X, y, _ = diabetes_data()
    a_max = alpha_max(X, y)
    dup = np.column_stack([X[:, 2], X[:, 2], X[:, 8]])        # bmi twice, and s5
    cases = [(X, y, 1.0), (X, y, 0.1), (X, y, a_max), (X, y, 1.5 * a_max), (dup, y, 0.5)]
    labels = ["diabetes, α = 1", "diabetes, α = 0.1", "diabetes, α = α_max (all zeros)",
              "diabetes, α above α_max", "a duplicated column (bmi twice)"]
    return cases, labels


def _ista_cases():
    X, y, _ = diabetes_data()
    X2, y2 = _second_data_set()
    step_d = 1.0 / np.linalg.eigvalsh(X.T @ X / len(y))[-1]
    step_2 = 1.0 / np.linalg.eigvalsh(X2.T @ X2 / len(y2))[-1]
    w_d = np.linspace(-100, 100, 10)
    cases = [(np.zeros(10), X, y, 0.1, step_d), (w_d, X, y, 1.0, step_d), (np.zeros(6), X2, y2, 0.0, step_2),
             (np.ones(6), X2, y2, 50.0, step_2)]
    labels = ["diabetes from w = 0", "diabetes from a non-zero w", "second data set, α = 0 (plain gradient step)",
              "second data set, α so large that everything is 0"]
    return cases, labels


# --- 5. soft thresholding and one ISTA step ------------------------------------------------------------

def _check_soft_code(fn) -> tuple[bool, str]:
    cases = [(np.array([3.0, -0.5, 1.2, -2.0]), 1.0), (np.array([0.0, 1.0, -1.0]), 1.0),
             (np.array([2.5, -2.5]), 0.0), (np.linspace(-3, 3, 13), 10.0)]
    labels = ["z = (3, -0.5, 1.2, -2), τ = 1", "a tie |z| = τ and z = 0", "τ = 0 (no threshold)",
              "τ larger than every |z|"]
    return compare_function(fn, soft_threshold_reference, cases, labels=labels, name="your soft_threshold_fn", traps=[
        (lambda z, tau: np.where(np.abs(z) > tau, z, 0.0),
         "that is hard thresholding (keep or kill): the lasso also moves the survivors τ towards 0."),
        (lambda z, tau: z - tau * np.sign(z),
         "you shrink every entry by τ, also those with |z| < τ, which then change sign: clip at 0."),
    ])


EX_SOFT_CODE = Exercise(
    key="code-soft-threshold",
    question="Write `soft_threshold_fn(z, tau)`: element-wise sign(z)·max(|z| − τ, 0) for an array z and τ ≥ 0.",
    checker=_check_soft_code,
    solution=("```python\ndef soft_threshold_fn(z, tau):\n    z = np.asarray(z, dtype=float)\n"
              "    return np.sign(z) * np.maximum(np.abs(z) - tau, 0.0)\n```\n\n"
              "Entries with |z| ≤ τ become exactly 0; the others move τ towards 0."),
)
check_soft_threshold_code = EX_SOFT_CODE.check


def _check_ista(fn) -> tuple[bool, str]:
    cases, labels = _ista_cases()
    return compare_function(fn, ista_step_reference, cases, labels=labels, name="your ista_step", rtol=1e-9, traps=[
        (lambda w, X, y, alpha, step: soft_threshold_reference(w - step * (-X.T @ (y - X @ w) / len(y)), alpha),
         "the threshold of the proximal step is step·α, not α: the prox of step·α‖w‖₁."),
        (lambda w, X, y, alpha, step: soft_threshold_reference(w - step * (-X.T @ (y - X @ w)), step * alpha),
         "the gradient of (1/2n)‖y − Xw‖² carries the factor 1/n: −Xᵀ(y − Xw)/n."),
        (lambda w, X, y, alpha, step: soft_threshold_reference(w + step * (-X.T @ (y - X @ w) / len(y)), step * alpha),
         "a descent step goes against the gradient: w − step·∇f(w)."),
    ])


EX_ISTA_CODE = Exercise(
    key="code-ista-step",
    question=("Write `ista_step(w, X, y, alpha, step)`: one proximal-gradient step on "
              "(1/2n)‖y − Xw‖² + α‖w‖₁ (a gradient step on the smooth part, then soft thresholding)."),
    checker=_check_ista,
    solution=("```python\ndef ista_step(w, X, y, alpha, step):\n    grad = -X.T @ (y - X @ w) / len(y)\n"
              "    return soft_threshold_fn(w - step * grad, step * alpha)\n```\n\n"
              "The threshold is step·α because the step minimises "
              "$\\frac{1}{2\\,\\mathrm{step}}\\|w - v\\|^2 + \\alpha\\|w\\|_1$ with $v$ the gradient step."),
)
check_ista_step = EX_ISTA_CODE.check


# --- 6. a coordinate-descent lasso --------------------------------------------------------------------

def _lasso_summary(X, y, alpha, w):
    """What the lasso determines uniquely: the objective value, then the coefficients with the weights of
    identical columns summed (a duplicated column's split between its copies is not unique)."""
    w = np.asarray(w, dtype=float).ravel()
    obj = 0.5 * np.mean((y - X @ w) ** 2) + alpha * np.abs(w).sum()
    groups: dict = {}
    for j in range(X.shape[1]):
        groups.setdefault(X[:, j].tobytes(), []).append(j)
    return np.concatenate([[obj], [w[g].sum() for g in groups.values()]])


def _summarised(fn):
    def wrapped(X, y, alpha, n_sweeps=1000):
        return _lasso_summary(X, y, alpha, fn(X, y, alpha, n_sweeps))
    return wrapped


def _check_lasso_cd(fn) -> tuple[bool, str]:
    cases, labels = _lasso_cases()
    ok, msg = compare_function(_summarised(fn), _summarised(lasso_cd_reference), cases, labels=labels,
                               name="your lasso_cd (objective, then w with a duplicated pair summed)",
                               rtol=1e-4, atol=1e-4, traps=[
        (_summarised(lambda X, y, alpha, n_sweeps=1000: _lasso_cd_sketch(X, y, alpha, n_sweeps, normalise=False)),
         "divide the soft-thresholded value by ‖x_j‖²/n: the diabetes columns have ‖x_j‖² = 1, so ‖x_j‖²/n = 1/442, not 1."),
        (_summarised(lambda X, y, alpha, n_sweeps=1000: _lasso_cd_sketch(X, y, alpha, n_sweeps, scale_threshold=False)),
         "with the 1/n in x_jᵀr/n the threshold is α itself (the objective is (1/2n)‖y − Xw‖² + α‖w‖₁)."),
    ])
    if not ok and "duplicated" in msg:
        msg += (" (With two identical columns only the objective and w₁ + w₂ are determined; any split of the "
                "same sign is accepted, so check the objective value and the sum over the pair.)")
    return ok, msg


EX_LASSO_CD = Exercise(
    key="code-lasso-cd",
    question=("Write `lasso_cd(X, y, alpha, n_sweeps=1000)`: cyclic coordinate descent from w = 0 for "
              "(1/2n)‖y − Xw‖² + α‖w‖₁ (scikit-learn's `Lasso`, no intercept). Keep the residual r = y − Xw up "
              "to date; the update of coordinate j is a soft threshold. The checker compares with scikit-learn "
              "on the diabetes data, at and above α_max, and with a duplicated column (there it compares the "
              "objective value and the sum of the two copies' weights: the split is not unique)."),
    checker=_check_lasso_cd,
    solution=("Minimising over $w_j$ alone with the others fixed: with $u_j = x_j^\\top r / n + c_j w_j$ and "
              "$c_j = \\|x_j\\|^2/n$ the minimiser is $S(u_j, \\alpha) / c_j$.\n\n"
              "```python\ndef lasso_cd(X, y, alpha, n_sweeps=1000):\n    n, d = X.shape\n    w = np.zeros(d)\n"
              "    r = y.astype(float).copy()\n    c = (X ** 2).sum(axis=0) / n\n    for _ in range(n_sweeps):\n"
              "        for j in range(d):\n            u = X[:, j] @ r / n + c[j] * w[j]\n"
              "            new = soft_threshold_fn(u, alpha) / c[j]\n            r -= X[:, j] * (new - w[j])\n"
              "            w[j] = new\n    return w\n```\n\n"
              "From α_max on, every u_j at w = 0 is at most α in size: nothing ever leaves 0. With a duplicated "
              "column the lasso has many solutions: any same-sign split of the weight between the copies has the "
              "same objective. Cyclic descent from 0 happens to put it all on the first copy (a reverse sweep "
              "puts it on the second); the checker accepts any same-sign split."),
)
check_lasso_cd = EX_LASSO_CD.check


# --- 7. α_max as a function, checked on two data sets ---------------------------------------------------

def _check_alpha_max_code(fn) -> tuple[bool, str]:
    X, y, _ = diabetes_data()
    X2, y2 = _second_data_set()
    cases = [(X, y), (X2, y2), (X2[:, :1], -y2)]
    labels = ["the diabetes data", "a second data set (80 × 6)", "one column and a flipped target"]
    return compare_function(fn, alpha_max, cases, labels=labels, name="your alpha_max_fn", rtol=1e-10, traps=[
        (lambda X, y: float(np.abs(X.T @ y).max()), "scikit-learn's Lasso divides the loss by n: divide by n too."),
        (lambda X, y: float((X.T @ y).max() / len(y)), "take |x_jᵀy|: a negative correlation leaves 0 just as late."),
        (lambda X, y: float(np.abs(X.T @ y).max() / (2 * len(y))),
         "the loss carries 1/(2n), so its gradient at 0 carries 1/n: no factor 1/2."),
    ])


EX_ALPHA_MAX_CODE = Exercise(
    key="code-alpha-max",
    question=("Write `alpha_max_fn(X, y)` (centred y, no intercept): the smallest α for which the lasso of "
              "Exercise 6 is all zero. Derive it from the subgradient condition at w = 0."),
    checker=_check_alpha_max_code,
    solution=("At w = 0 the subgradient of $\\frac{1}{2n}\\|y - Xw\\|^2 + \\alpha\\|w\\|_1$ contains 0 iff "
              "$|x_j^\\top y| / n \\le \\alpha$ for every j:\n\n"
              "```python\ndef alpha_max_fn(X, y):\n    return float(np.abs(X.T @ y).max() / len(y))\n```"),
)
check_alpha_max_code = EX_ALPHA_MAX_CODE.check


# --- 8. prediction: the sparsity map and the correlation ------------------------------------------------
MAP_CHOICES = {
    "grows": ("Not with two standardised features: the wedges are c + H⁻¹N(c), and H⁻¹ maps the diamond's "
              "normals (1, ±1) to multiples of themselves, since they are H's eigenvectors."),
    "shrinks": "Not with two standardised features: (1, ±1) are H's eigenvectors, so H⁻¹ only rescales the normals.",
    "unchanged": ("Right: the normals (1, 1) and (1, −1) of the diamond are the eigenvectors of "
                  "H = [[1, r], [r, 1]], so H⁻¹ maps each wedge's edges onto themselves. The map is "
                  "||w*₁| − |w*₂|| ≥ t whatever r; it moves only once the features' scales differ."),
}


def _check_map(answer) -> tuple[bool, str]:
    return compare_choice(answer, "unchanged", MAP_CHOICES, name="the shaded region")


EX_MAP_PREDICTION = Exercise(
    key="map-correlation",
    question=("Prediction, before you move the slider: with both feature scales 1 and t = 1, does the shaded "
              "region of the sparsity map ('grows', 'shrinks' or 'unchanged') when the correlation goes from 0 to 0.9?"),
    checker=_check_map,
    solution=("**'unchanged'**. The corner $(t, 0)$ is optimal iff $w^* \\in (t, 0) + H^{-1}N$, with "
              "$N$ spanned by $(1, 1)$ and $(1, -1)$. For $H = \\begin{pmatrix}1 & r\\\\ r & 1\\end{pmatrix}$ "
              "these are eigenvectors: $H^{-1}(1, \\pm 1) = (1, \\pm 1)/(1 \\pm r)$, the same directions. So the "
              "wedges are $|w^*_1| - |w^*_2| \\ge t$ and $|w^*_2| - |w^*_1| \\ge t$ for every r. Set the std of "
              "feature 2 to 2 and the correlation moves the wedges: scaling, not correlation alone, tilts them."),
)
check_map_prediction = EX_MAP_PREDICTION.check

CODING_EXERCISES = (EX_SOFT_CODE, EX_ISTA_CODE, EX_LASSO_CD, EX_ALPHA_MAX_CODE, EX_MAP_PREDICTION)
