"""Lecture 2 — exercises with specific hints and revealable solutions.

In the notebook::

    answer = None  # your answer
    check_soft_threshold(answer)
    EX_SOFT_THRESHOLD.reveal()
"""
from __future__ import annotations

import numpy as np

from course_utils.core.exercises import Exercise, compare_array, compare_value
from course_utils.regularization.coding_exercises import CODING_EXERCISES
from course_utils.regularization.constrained import constrained_least_squares
from course_utils.regularization.experiments import diabetes_data
from course_utils.regularization.norms import soft_threshold
from course_utils.regularization.solvers import alpha_max

# --- 1. soft thresholding on an orthonormal design -------------------------------------------------
SOFT_Z = np.array([3.0, -0.5, 1.2, -2.0])
SOFT_THRESHOLD = 1.0


def _soft_expected() -> np.ndarray:
    return soft_threshold(SOFT_Z, SOFT_THRESHOLD)


def _check_soft(answer) -> tuple[bool, str]:
    return compare_array(answer, _soft_expected(), rtol=1e-9, atol=1e-9, name="the lasso coefficients", traps=[
        (SOFT_Z / (1 + SOFT_THRESHOLD), "that is ridge's uniform shrinkage z/(1+λ); the lasso subtracts the threshold instead."),
        (SOFT_Z - SOFT_THRESHOLD, "subtract the threshold from |z| and keep the sign: S(z, t) = sign(z) max(|z| - t, 0)."),
        (np.where(np.abs(SOFT_Z) > SOFT_THRESHOLD, SOFT_Z, 0.0),
         "that is hard thresholding (keep or kill); the lasso also shrinks the survivors by t."),
    ], trap_atol=1e-3)


EX_SOFT_THRESHOLD = Exercise(
    key="soft-threshold",
    question=("Orthonormal design, sklearn `Lasso` scaling with threshold 1: the least-squares coefficients are "
              "z = (3, -0.5, 1.2, -2). Give the lasso coefficients as a list of 4 numbers."),
    checker=_check_soft,
    solution=("With orthonormal columns the lasso separates into one 1-D problem per coefficient, solved by "
              "soft thresholding $S(z, t) = \\operatorname{sign}(z)\\max(|z| - t, 0)$:\n\n"
              "```python\nsoft_threshold([3, -0.5, 1.2, -2], 1.0)   # -> [2, 0, 0.2, -1]\n```\n\n"
              "The coefficient -0.5 is *exactly* 0 because |z| <= t; ridge would give z/2 = (1.5, -0.25, 0.6, -1)."),
)
check_soft_threshold = EX_SOFT_THRESHOLD.check


# --- 2. alpha_max on the diabetes data ---------------------------------------------------------------

def _alpha_max_expected() -> float:
    X, y, _ = diabetes_data()
    return alpha_max(X * np.sqrt(X.shape[0]), y)        # columns rescaled to standard deviation 1


def _check_alpha_max(answer) -> tuple[bool, str]:
    expected = _alpha_max_expected()
    X, y, _ = diabetes_data()
    n = X.shape[0]
    shipped = alpha_max(X, y)
    return compare_value(answer, expected, rtol=1e-4, name="alpha_max", traps=[
        (shipped, f"{shipped:.6g} is α_max of the shipped unit-norm columns: multiplying every column by c "
                  "multiplies x_jᵀy, hence α_max, by c (here c = √n)."),
        (expected * n, f"{expected * n:.6g} is n = {n} times too large: scikit-learn's Lasso divides the loss by n."),
        (expected * 2, f"{expected * 2:.6g} is twice the answer: the loss carries a factor 1/(2n), the gradient 1/n."),
    ], trap_rtol=1e-4)


EX_ALPHA_MAX = Exercise(
    key="alpha-max",
    question=("Standardise the diabetes columns to standard deviation 1 (`Xs = X * np.sqrt(len(y))` with "
              "`X, y, names = diabetes_data()`). What is the smallest `alpha` for which scikit-learn's `Lasso` "
              "on (Xs, y) returns all-zero coefficients? Derive it from the subgradient condition at w = 0 "
              "and compute it from Xs and y (no solver)."),
    checker=_check_alpha_max,
    solution=("At w = 0 the subgradient condition of $\\frac{1}{2n}\\|y - Xw\\|^2 + \\alpha\\|w\\|_1$ reads "
              "$|x_j^\\top y| / n \\le \\alpha$ for every j, so\n\n"
              "```python\nXs = X * np.sqrt(len(y))\nalpha_max = np.abs(Xs.T @ y).max() / len(y)     # 45.16\n```\n\n"
              "It is √442 times the shipped scaling's value: α_max scales with the columns, which is why "
              "α is only meaningful together with the scaling. `Lasso(alpha=alpha_max, fit_intercept=False)` "
              "gives exactly 0."),
)
check_alpha_max = EX_ALPHA_MAX.check


# --- 3. a corner of the L1 ball ----------------------------------------------------------------------
CORNER_H = np.eye(2)
CORNER_W_STAR = np.array([2.0, 0.5])
CORNER_T = 1.0


def _corner_expected() -> np.ndarray:
    return constrained_least_squares(CORNER_H, CORNER_W_STAR, CORNER_T, "l1").w


def _check_corner(answer) -> tuple[bool, str]:
    return compare_array(answer, _corner_expected(), rtol=1e-9, atol=1e-9, name="the constrained optimum", traps=[
        (CORNER_W_STAR / np.linalg.norm(CORNER_W_STAR),
         "that is the projection onto the L2 ball (w*/||w*||₂); the ball here is the L1 diamond."),
        (CORNER_W_STAR / np.abs(CORNER_W_STAR).sum(), "rescaling w* onto the diamond is feasible but not the closest point: "
                                                      "the closest point of the diamond is a corner here."),
    ], trap_atol=1e-3)


EX_L1_CORNER = Exercise(
    key="l1-corner",
    question=("With H = I (circular contours), w* = (2, 0.5) and the L1 ball of radius t = 1, where is the "
              "minimiser of (w - w*)ᵀH(w - w*) on the ball? Give it as [w1, w2]."),
    checker=_check_corner,
    solution=("With H = I we want the Euclidean projection of w* onto the diamond $|w_1| + |w_2| \\le 1$. "
              "On the edge $w_1 + w_2 = 1$ the closest point is $w^* - \\tau(1, 1)$ with "
              "$\\tau = (2 + 0.5 - 1)/2 = 0.75$, i.e. (1.25, -0.25), which is *outside* the edge; the best "
              "point of the edge is therefore its end, the corner **(1, 0)**. Check the KKT conditions: "
              "$-\\nabla f = 2(w^* - w) = (2, 1)$ and $\\lambda = 2$ with subgradient $(1, 0.5)$, "
              "$|0.5| \\le 1$. So $w_2 = 0$ exactly — sparsity from geometry.\n\n"
              "```python\nconstrained_least_squares(np.eye(2), [2, 0.5], 1.0, 'l1').w   # [1, 0]\n```"),
)
check_l1_corner = EX_L1_CORNER.check


# --- 4. the Laplace prior's threshold -----------------------------------------------------------------
PRIOR_SIGMA, PRIOR_B = 2.0, 0.5


def _check_prior(answer) -> tuple[bool, str]:
    s2, b = PRIOR_SIGMA ** 2, PRIOR_B
    return compare_value(answer, s2 / b, rtol=1e-6, name="the threshold", traps=[
        (PRIOR_SIGMA / b, "the likelihood term is (z − w)²/(2σ²): the threshold is σ²/b, not σ/b."),
        (b / s2, "upside down: the penalty |w|/b weighs against (z − w)²/(2σ²), threshold σ²/b."),
        (1 / b, "σ = 2 here, not 1: the threshold is σ²/b."),
    ], trap_rtol=1e-6)


EX_PRIOR = Exercise(
    key="map-prior",
    question=("Laplace prior p(w) ∝ exp(−|w|/b) with b = 0.5, one observation z ~ N(w, σ²) with σ = 2. Up to "
              "which |z| is the MAP estimate exactly 0? Derive it (do not read it off a plot)."),
    checker=_check_prior,
    solution=("**8**. The MAP minimises $\\frac{(z - w)^2}{2\\sigma^2} + |w|/b$; multiplied by $\\sigma^2$ this is "
              "$\\frac12(z - w)^2 + (\\sigma^2/b)|w|$, the 1-D lasso, solved by $S(z, \\sigma^2/b)$: exactly 0 "
              "for $|z| \\le \\sigma^2/b = 4/0.5 = 8$. A Gaussian prior would give $z\\,\\tau^2/(\\tau^2 + \\sigma^2)$, "
              "zero only at z = 0; the Laplace posterior *mean* is not sparse: only the mode is."),
)
check_prior = EX_PRIOR.check

EXERCISES = (EX_SOFT_THRESHOLD, EX_ALPHA_MAX, EX_L1_CORNER, EX_PRIOR, *CODING_EXERCISES)
