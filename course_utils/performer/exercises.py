"""Lecture 1 — exercises with checkers, hints and solutions (see :mod:`course_utils.core.exercises`)."""
from __future__ import annotations

import math

import numpy as np

from course_utils.core.exercises import Exercise, compare_array, compare_choice, compare_value

# ----------------------------------------------------------------------------- 1: the crossover length
CROSSOVER_D, CROSSOVER_M = 64, 256


def _check_crossover(answer):
    return compare_value(answer, 2 * CROSSOVER_M, rtol=1e-9, name="the crossover L", traps=[
        (CROSSOVER_M, f"the crossover L = {CROSSOVER_M} is half the right value. Count the FAVOR+ products again: "
                      "there are four L·m·d products (QΩᵀ, KΩᵀ, K′ᵀV, Q′(K′ᵀV))."),
    ])


EX_CROSSOVER = Exercise(
    key="performer-crossover",
    question=(f"Count only matrix-product multiply-adds. Exact attention does QKᵀ and AV (2·L²·d); FAVOR+ does "
              f"QΩᵀ, KΩᵀ, K′ᵀV and Q′(K′ᵀV) (4·L·m·d). For d = {CROSSOVER_D} and m = {CROSSOVER_M}, from which "
              "sequence length L on is FAVOR+ cheaper?"),
    checker=_check_crossover,
    solution=("2·L²·d = 4·L·m·d ⇔ L = 2m = **512** (independent of d). Above L = 512 FAVOR+ does fewer "
              "multiply-adds; the benchmark shows where it is actually faster on this machine."),
)
check_crossover = EX_CROSSOVER.check

# ----------------------------------------------------------------------------- 2: Lemma 2 at x = −y
TRIG_M = 1
TRIG_MSE_SOLUTION = 0.5 * math.exp(2.0) * (1 - math.exp(-4.0)) ** 2  # ‖x+y‖ = 0, SM = e^{-1}, ‖x−y‖² = 4


def _check_trig_mse(answer):
    return compare_value(answer, TRIG_MSE_SOLUTION, rtol=1e-3, name="MSE(trig)", traps=[
        (0.0, "MSE(trig) = 0 is too small: zero is the MSE of the *positive* features at x = −y; "
              "the trigonometric one is not zero."),
        (math.exp(2.0) * (1 - math.exp(-4.0)), "MSE(trig) is too large: the bracket (1 − exp(−‖x−y‖²)) is squared."),
    ], trap_atol=1e-12)


EX_TRIG_MSE = Exercise(
    key="performer-trig-mse",
    question=("Take ‖x‖ = 1 and y = −x, so SM(x, y) = e⁻¹ (a small attention weight). Using Lemma 2, what is the "
              "MSE of the trigonometric estimator with m = 1? (And what is the MSE of the positive one?)"),
    checker=_check_trig_mse,
    solution=("‖x+y‖² = 0, SM⁻² = e², ‖x−y‖² = 4, so MSE(trig) = ½ · 1 · e² · (1 − e⁻⁴)² ≈ **3.560** — an RMSE "
              "about 5 times the value e⁻¹ ≈ 0.37 being estimated. MSE(+) = e⁰ · e⁻² · (1 − e⁰) = **0**: positive "
              "features are exact at x = −y. Check: `kernel_estimator_mse(x, -x, 1, 'trig')`."),
)
check_trig_mse = EX_TRIG_MSE.check

# ----------------------------------------------------------------------------- 3: the QR sign fix
QR_EXERCISE_SEED = 2021


def qr_exercise_matrix() -> np.ndarray:
    """The 4×4 Gaussian matrix G of exercise 3 (fixed seed)."""
    return np.random.default_rng(QR_EXERCISE_SEED).standard_normal((4, 4))


def _haar_q(G: np.ndarray) -> np.ndarray:
    q, r = np.linalg.qr(G)
    return q * np.sign(np.diag(r))


def _check_haar_q(answer):
    G = qr_exercise_matrix()
    expected = _haar_q(G)
    raw_q, raw_r = np.linalg.qr(G)
    return compare_array(answer, expected, rtol=1e-8, atol=1e-10, name="your Q", traps=[
        (raw_q, "This is np.linalg.qr's raw Q: multiply its columns by sign(diag(R)) to make it Haar-uniform."),
        (raw_q * np.diag(raw_r), "You multiplied by diag(R) itself: use only its signs, np.sign(np.diag(r)), so Q stays orthogonal."),
        (np.sign(np.diag(raw_r))[:, None] * raw_q,
         "You flipped the rows; flip the columns: q * np.sign(np.diag(r)) (broadcast over the last axis)."),
    ], trap_rtol=1e-5)


EX_HAAR_Q = Exercise(
    key="performer-haar-q",
    question=("`G = qr_exercise_matrix()` is a 4×4 Gaussian matrix. Compute the Haar-distributed orthogonal matrix Q "
              "that the QR decomposition of G should give (the sign-fixed one)."),
    checker=_check_haar_q,
    solution=("```python\nq, r = np.linalg.qr(G)\nQ = q * np.sign(np.diag(r))   # column i times sign(r_ii)\n```\n"
              "Then G = Q·R′ with R′ having a positive diagonal: this QR is unique, and since G's distribution is "
              "invariant under rotations, so is Q's (Mezzadri 2007)."),
)
check_haar_q = EX_HAAR_Q.check

# ----------------------------------------------------------------------------- 4: why stabilise
STABILISE_CHOICES = {
    "a": "Right: exp(ωᵀq − max) ≤ 1 never overflows, and the per-row factor exp(−max) cancels between the "
         "numerator Q′(K′ᵀV) and the denominator Q′(K′ᵀ1).",
    "b": "No: the shift is a constant per row, it does not change which features are large relative to each other, "
         "so the estimator's variance is the same.",
    "c": "No: subtracting a constant inside exp multiplies the whole row by exp(−c); the output is unchanged only "
         "because that factor cancels in the normalisation, not because features become orthogonal.",
    "d": "No: the unstabilised features are positive too; the shift only rescales them.",
}

EX_STABILISE = Exercise(
    key="performer-stabilise",
    question=("FAVOR+ subtracts max_i ωᵢᵀq from every exponent of query q's features. Why is this allowed and "
              "why is it done? (a) to avoid overflow; the factor cancels in the row normalisation; (b) to reduce "
              "the variance of the estimator; (c) to make the features orthogonal; (d) to make the features positive."),
    checker=lambda answer: compare_choice(answer, "a", STABILISE_CHOICES, name="your choice"),
    solution=STABILISE_CHOICES["a"] + " Without it, entries qᵀk/√d of about 50 give exp(50·…) overflow to inf and "
                                      "inf/inf = NaN outputs.",
)
check_stabilise = EX_STABILISE.check

EXERCISES = [EX_CROSSOVER, EX_TRIG_MSE, EX_HAAR_Q, EX_STABILISE]

#: The answers the solutions give (used by the tests).
SOLUTIONS = {
    "performer-crossover": 2 * CROSSOVER_M,
    "performer-trig-mse": TRIG_MSE_SOLUTION,
    "performer-haar-q": None,  # computed: _haar_q(qr_exercise_matrix())
    "performer-stabilise": "a",
}
