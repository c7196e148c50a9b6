"""Lecture 1 — exercises with checkers, hints and solutions (see :mod:`course_utils.core.exercises`)."""
from __future__ import annotations

import math

import numpy as np

from course_utils.core.exercises import Exercise, compare_array, compare_choice, compare_function, compare_value

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
              f"QΩᵀ, KΩᵀ, K′ᵀV and Q′(K′ᵀV) (4·L·m·d). For d = {CROSSOVER_D} and m = {CROSSOVER_M}, at which "
              "sequence length L do the two counts cross (FAVOR+ is cheaper above it)?"),
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
        (math.exp(2.0) * (1 - math.exp(-4.0)), "MSE(trig) is too large: Lemma 2 has a factor ½ in front, and the bracket (1 − exp(−‖x−y‖²)) is squared."),
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
    "a": "Right: exp(ωᵀq − max) ≤ 1 never overflows and its largest entry is 1, so a row cannot underflow to 0; the per-row factor exp(−max) cancels between the "
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
              "why is it done? (a) to keep the exponentials in floating-point range; the factor cancels in the row normalisation; (b) to reduce "
              "the variance of the estimator; (c) to make the features orthogonal; (d) to make the features positive."),
    checker=lambda answer: compare_choice(answer, "a", STABILISE_CHOICES, name="your choice"),
    solution=STABILISE_CHOICES["a"] + " Without it, large inputs (‖x‖ ≳ 50) make every exp(ωᵀx − ‖x‖²/2) of a row "
                                      "underflow to 0, and the row becomes 0/0 = NaN. Overflow happens only if "
                                      "exp(ωᵀx) is computed apart from the norm term exp(−‖x‖²/2).",
)
check_stabilise = EX_STABILISE.check

# ----------------------------------------------------------------------------- 5: causal FAVOR+ by prefix sums (coding)
def _causal_reference(Q, K, V, omega):
    from course_utils.performer.attention import favor_attention

    return favor_attention(Q, K, V, omega=omega, causal=True)


def _causal_cases():
    rng = np.random.default_rng(11)
    cases, labels = [], []
    for L, d, dv, m, what in ((1, 2, 1, 3, "a single token (L = 1)"), (6, 3, 2, 4, "L = 6, d = 3, d_v = 2, m = 4"),
                              (40, 8, 5, 16, "L = 40, d = 8, d_v = 5, m = 16"), (9, 4, 4, 2, "m = 2 features only")):
        Q, K = (0.7 * rng.standard_normal((L, d)) for _ in range(2))
        cases.append((Q, K, rng.standard_normal((L, dv)), rng.standard_normal((m, d))))
        labels.append(what)
    return cases, labels


def _wrong_bidirectional(Q, K, V, omega):
    from course_utils.performer.attention import favor_attention

    return favor_attention(Q, K, V, omega=omega, causal=False)


def _wrong_strict_prefix(Q, K, V, omega):
    """Prefix sums over j < i (the token itself left out); the first row falls back to 0."""
    from course_utils.performer.attention import favor_features

    Qp, Kp = favor_features(Q, K, omega)
    kv = np.cumsum(Kp[:, :, None] * V[:, None, :], axis=0)
    k1 = np.cumsum(Kp, axis=0)
    kv = np.concatenate([np.zeros_like(kv[:1]), kv[:-1]])
    k1 = np.concatenate([np.zeros_like(k1[:1]), k1[:-1]])
    num = np.einsum("ir,irv->iv", Qp, kv)
    den = np.einsum("ir,ir->i", Qp, k1)[:, None]
    return num / np.where(den == 0, 1.0, den)


def _wrong_unnormalised(Q, K, V, omega):
    from course_utils.performer.attention import favor_features

    Qp, Kp = favor_features(Q, K, omega)
    return np.einsum("ir,irv->iv", Qp, np.cumsum(Kp[:, :, None] * V[:, None, :], axis=0))


def _check_causal(func):
    cases, labels = _causal_cases()
    return compare_function(func, _causal_reference, cases, labels=labels, rtol=1e-7, atol=1e-9,
                            name="your causal_favor", traps=[
        (_wrong_bidirectional, "Every query sees every key: that is bidirectional FAVOR+. Row i may use only "
                               "keys j ≤ i: a running sum G_i = Σ_{j≤i} K′_jᵀ[V_j, 1]."),
        (_wrong_strict_prefix, "Your prefix sums stop at j < i: token i must also attend to itself (j ≤ i). "
                               "Add K′_iᵀ[V_i, 1] before you use G_i."),
        (_wrong_unnormalised, "Rows are not normalised: divide Q′_i G_i^V by Q′_i G_i^1 (the last column of "
                              "the prefix sum of K′_jᵀ[V_j, 1])."),
    ])


EX_CAUSAL = Exercise(
    key="performer-causal",
    question=("Write `causal_favor(Q, K, V, omega)`: causal FAVOR+ by prefix sums. Get the features with "
              "`Qp, Kp = performer.favor_features(Q, K, omega)`, then for each i use "
              "G_i = Σ_{j≤i} K′_jᵀ[V_j, 1] (a running sum, `np.cumsum`), output row i = Q′_i G_i^V / Q′_i G_i^1. "
              "No L × L matrix. It is checked against `favor_attention(..., causal=True)` on several shapes."),
    checker=_check_causal,
    solution=("```python\ndef causal_favor(Q, K, V, omega):\n"
              "    Qp, Kp = performer.favor_features(Q, K, omega)          # (L, r) each\n"
              "    Vx = np.concatenate([V, np.ones((len(V), 1))], axis=1)  # [V, 1]: numerator and D together\n"
              "    G = np.cumsum(Kp[:, :, None] * Vx[:, None, :], axis=0)  # G_i = sum_{j<=i} K'_j^T [V_j, 1]\n"
              "    num = np.einsum('ir,irv->iv', Qp, G)                   # Q'_i G_i\n"
              "    return num[:, :-1] / num[:, -1:]\n```\n"
              "This holds all L prefix sums (memory L·r·(d_v+1)); the course's code carries one G from chunk "
              "to chunk instead and does the j ≤ i terms inside a chunk with a small masked product."),
)
check_causal = EX_CAUSAL.check


def causal_favor_solution(Q, K, V, omega):
    """The solution of exercise 5 (also what the test feeds to the checker)."""
    from course_utils.performer.attention import favor_features

    Qp, Kp = favor_features(Q, K, omega)
    Vx = np.concatenate([V, np.ones((len(V), 1))], axis=1)
    G = np.cumsum(Kp[:, :, None] * Vx[:, None, :], axis=0)
    num = np.einsum("ir,irv->iv", Qp, G)
    return num[:, :-1] / num[:, -1:]


# ----------------------------------------------------------------------------- 6: stabilised key features (coding)
def _stable_keys_reference(X, omega):
    log_f = X @ omega.T - 0.5 * np.sum(X * X, axis=1, keepdims=True)
    return np.exp(log_f - log_f.max())


def _stable_cases():
    rng = np.random.default_rng(12)
    cases, labels = [], []
    for n, d, m, norm, what in ((5, 3, 4, 1.0, "moderate inputs (‖x‖ = 1)"),
                                (8, 4, 6, 100.0, "large inputs (‖x‖ = 50 to 100: the textbook features underflow to 0)"),
                                (6, 16, 8, 12.0, "d = 16, ‖x‖ = 12"), (1, 2, 1, 5.0, "one key, one feature")):
        X = rng.standard_normal((n, d))
        X *= norm / np.linalg.norm(X, axis=1, keepdims=True) * rng.uniform(0.5, 1.0, (n, 1))
        cases.append((X, rng.standard_normal((m, d))))
        labels.append(what)
    return cases, labels


def _wrong_rowwise(X, omega):
    log_f = X @ omega.T - 0.5 * np.sum(X * X, axis=1, keepdims=True)
    return np.exp(log_f - log_f.max(axis=1, keepdims=True))


def _wrong_no_norm(X, omega):
    log_f = X @ omega.T
    return np.exp(log_f - log_f.max())


def _check_stable(func):
    cases, labels = _stable_cases()
    return compare_function(func, _stable_keys_reference, cases, labels=labels, rtol=1e-9, atol=1e-300,
                            name="your stable_key_features", traps=[
        (_wrong_rowwise, "You subtracted each row's own maximum. For the keys that changes their weights relative "
                         "to each other (it does not cancel): use one constant for all keys, the largest "
                         "exponent over all rows and features."),
        (_wrong_no_norm, "The −‖x‖²/2 of each key is missing: it differs from key to key, so it does not cancel."),
    ])


EX_STABLE_KEYS = Exercise(
    key="performer-stable-keys",
    question=("Write `stable_key_features(X, omega)` for keys X (n, d) and ω (m, d): the positive features "
              "exp(ωᵢᵀx − ‖x‖²/2) of every key, all multiplied by one constant e^(−c) with c the largest exponent "
              "over all keys and features (so the largest entry is 1: nothing overflows, and not every entry can underflow to 0). Leave out the 1/√m."),
    checker=_check_stable,
    solution=("```python\ndef stable_key_features(X, omega):\n"
              "    log_f = X @ omega.T - 0.5 * np.sum(X * X, axis=1, keepdims=True)\n"
              "    return np.exp(log_f - log_f.max())   # ONE constant for all keys\n```\n"
              "One factor e^(−c) on all of K′ cancels between Q′(K′ᵀV) and Q′(K′ᵀ1). A per-row factor is allowed "
              "only for the queries (it cancels in each row's own normalisation), not for the keys."),
)
check_stable_keys = EX_STABLE_KEYS.check


def stable_key_features_solution(X, omega):
    """The solution of exercise 6."""
    return _stable_keys_reference(X, omega)


# ----------------------------------------------------------------------------- 7: the QR-sign bias at d = 64 (measure)
QR_BIAS_D, QR_BIAS_M, QR_BIAS_X = 32, 128, 0.5


def qr_bias_analytic(d: int = QR_BIAS_D, m: int = QR_BIAS_M) -> float:
    """The QR-sign bias in per cent at x = ½e₁: one direction in d is biased, each by 2Φ(−1) − 1.

    ω₁ᵀx·2 = r·u₁ with r·u₁ ~ N(0, 1) for Haar directions, but −|N(0, 1)| without the sign fix, so that feature's
    expected contribution E e^(−|g|)/E e^(g) = 2Φ(−1); (m/d) biased directions out of m give (1/d)(2Φ(−1) − 1).
    """
    return 100 * (m / d) / m * (2 * 0.5 * math.erfc(1 / math.sqrt(2)) - 1)


def _check_qr_bias(answer):
    ref = qr_bias_analytic()
    return compare_value(answer, ref, rtol=0, atol=0.7, name="the bias in per cent", traps=[
        (-ref, "Right size, wrong sign: without the fix the first direction of each block points away from "
               "e₁, so the estimate of SM(x, x) comes out too small (a negative bias)."),
        (ref / 100, "That looks like a fraction: give the bias in per cent (× 100)."),
    ], trap_rtol=0.5, trap_atol=0.01)


EX_QR_BIAS = Exercise(
    key="performer-qr-bias",
    question=(f"Measure the bias of the QR-sign pitfall at a realistic size: d = {QR_BIAS_D}, m = {QR_BIAS_M}, "
              f"x = {QR_BIAS_X}·e₁. Draw ω with `performer.gaussian_random_matrix(m, d, orthogonal=True, rng=rng, "
              "sign_fix=False)` about 2,000 times, estimate SM(x, x) = e^(‖x‖²) each time with "
              "`performer.kernel_estimate(x, x, omega, 'positive')`, and give (mean / true − 1) in per cent. "
              "(Your standard error should be about 0.2 percentage points; the checker grades against the exact bias, "
              "accepting ± 0.7.)"),
    checker=_check_qr_bias,
    solution=("```python\nd, m = 32, 128\nx = np.zeros(d); x[0] = 0.5\nrng = np.random.default_rng(0)\n"
              "est = [performer.kernel_estimate(x, x, performer.gaussian_random_matrix(m, d, orthogonal=True, "
              "rng=rng, sign_fix=False), 'positive') for _ in range(2000)]\n"
              "print(100 * (np.mean(est) / np.exp(0.25) - 1))   # about -2 per cent\n```\n"
              "About **−2 %** (exactly (1/d)(2Φ(−1) − 1) = −2.13 %): each of the m/d = 4 blocks has one biased direction in "
              "32 (4 of 128 in all), each losing 1 − 2Φ(−1) ≈ 68 % of its expected contribution; at d = m = 4 the same "
              "pitfall costs far more."),
)
check_qr_bias = EX_QR_BIAS.check

EXERCISES = [EX_CROSSOVER, EX_TRIG_MSE, EX_HAAR_Q, EX_STABILISE, EX_CAUSAL, EX_STABLE_KEYS, EX_QR_BIAS]

#: The answers the solutions give (used by the tests).
SOLUTIONS = {
    "performer-crossover": 2 * CROSSOVER_M,
    "performer-trig-mse": TRIG_MSE_SOLUTION,
    "performer-haar-q": None,  # computed: _haar_q(qr_exercise_matrix())
    "performer-stabilise": "a",
    "performer-causal": causal_favor_solution,
    "performer-stable-keys": stable_key_features_solution,
    "performer-qr-bias": None,  # measured: about -1 (per cent)
}
