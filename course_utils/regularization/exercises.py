"""Lecture 2 — exercises with specific hints and revealable solutions.

In the notebook::

    answer = None  # your answer
    check_soft_threshold(answer)
    EX_SOFT_THRESHOLD.reveal()
"""
from __future__ import annotations

import numpy as np

from course_utils.core.exercises import Exercise, compare_array, compare_choice, compare_value
from course_utils.regularization.coding_exercises import (  # noqa: F401  (re-exported)
    CODING_EXERCISES,
    EX_ALPHA_MAX_CODE,
    EX_ISTA_CODE,
    EX_LASSO_CD,
    EX_MAP_PREDICTION,
    EX_SOFT_CODE,
    check_alpha_max_code,
    check_ista_step,
    check_lasso_cd,
    check_map_prediction,
    check_soft_threshold_code,
)
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
    return alpha_max(X, y)


def _check_alpha_max(answer) -> tuple[bool, str]:
    expected = _alpha_max_expected()
    n = diabetes_data()[0].shape[0]
    return compare_value(answer, expected, rtol=1e-4, name="alpha_max", traps=[
        (expected * n, f"{expected * n:.6g} is n = {n} times too large: scikit-learn's Lasso divides the loss by n."),
        (expected * 2, f"{expected * 2:.6g} is twice the answer: the loss carries a factor 1/(2n), the gradient 1/n."),
    ], trap_rtol=1e-4)


EX_ALPHA_MAX = Exercise(
    key="alpha-max",
    question=("On the diabetes data with centred y (`X, y, names = diabetes_data()`), what is the smallest "
              "`alpha` for which scikit-learn's `Lasso` returns all-zero coefficients? Compute it from X and y "
              "(no solver)."),
    checker=_check_alpha_max,
    solution=("At w = 0 the subgradient condition of $\\frac{1}{2n}\\|y - Xw\\|^2 + \\alpha\\|w\\|_1$ reads "
              "$|x_j^\\top y| / n \\le \\alpha$ for every j, so\n\n"
              "```python\nalpha_max = np.abs(X.T @ y).max() / len(y)     # 2.1480\n```\n\n"
              "`Lasso(alpha=alpha_max, fit_intercept=False)` gives exactly 0 (and so does our `lasso`)."),
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


# --- 4. which prior ----------------------------------------------------------------------------------
PRIOR_CHOICES = {
    "gaussian": "A Gaussian prior gives ridge: its MAP shrinks z to z·τ²/(τ² + σ²), never to exactly 0.",
    "laplace": ("Right: −log of the Laplace density is |w|/b, an L1 penalty, and its MAP is the soft "
                "threshold S(z, σ²/b), exactly 0 when |z| <= σ²/b."),
    "uniform": "A flat prior adds no penalty: the MAP is least squares itself, z.",
}


def _check_prior(answer) -> tuple[bool, str]:
    return compare_choice(answer, "laplace", PRIOR_CHOICES, name="the prior")


EX_PRIOR = Exercise(
    key="map-prior",
    question=("One coefficient, one observation z ~ N(w, σ²). Which prior on w ('gaussian', 'laplace' or "
              "'uniform') gives a MAP estimate that is exactly 0 for all small enough |z|?"),
    checker=_check_prior,
    solution=("**'laplace'**. The MAP minimises $\\frac{(z - w)^2}{2\\sigma^2} - \\log p(w)$. With "
              "$p(w) \\propto e^{-|w|/b}$ this is the 1-D lasso, solved by $S(z, \\sigma^2 / b)$, exactly 0 "
              "for $|z| \\le \\sigma^2/b$. A Gaussian prior gives $z\\,\\tau^2/(\\tau^2 + \\sigma^2)$ (ridge), "
              "zero only when z = 0. Note that the Laplace posterior *mean* is not sparse: only the mode is."),
)
check_prior = EX_PRIOR.check

EXERCISES = (EX_SOFT_THRESHOLD, EX_ALPHA_MAX, EX_L1_CORNER, EX_PRIOR, *CODING_EXERCISES)
