"""Lecture exercises of ``course_utils.performer``: each checker accepts what its solution gives and hints at typical mistakes."""
import numpy as np
import pytest
from exercise_support import assert_solutions_accepted, assert_trap

from course_utils.performer import exercises as lecture

_G = lecture.qr_exercise_matrix()
_q, _r = np.linalg.qr(_G)

#: the answer each solution text gives (coding exercises: the solution's function)
SOLUTIONS = {
    "performer-crossover": 512, "performer-trig-mse": 3.560, "performer-haar-q": _q * np.sign(np.diag(_r)),
    "performer-stabilise": "a", "performer-causal": lecture.causal_favor_solution,
    "performer-stable-keys": lecture.stable_key_features_solution, "performer-qr-bias": -2,
}

TRAPS = [
    ("performer-crossover", 256, "four"),
    ("performer-trig-mse", 0.0, "positive"),
    ("performer-trig-mse", 3.587, "too large"),
    ("performer-trig-mse", float(np.exp(2) * (1 - np.exp(-4))), "factor ½"),  # the first edition's solution value: the checker must refuse it
    ("performer-causal", lecture._wrong_bidirectional, "bidirectional"),
    ("performer-causal", lecture._wrong_strict_prefix, "j ≤ i"),
    ("performer-causal", lecture._wrong_unnormalised, "normalised"),
    ("performer-stable-keys", lecture._wrong_rowwise, "one constant for all keys"),
    ("performer-stable-keys", lecture._wrong_no_norm, "‖x‖²/2"),
    ("performer-qr-bias", 2.0, "wrong sign"),
    ("performer-qr-bias", -0.01, "per cent"),
]


def test_every_exercise_accepts_the_value_its_solution_text_gives(capsys):
    assert_solutions_accepted(lecture.EXERCISES, SOLUTIONS, capsys)


@pytest.mark.parametrize("key, wrong, fragment", TRAPS)
def test_checkers_give_the_hint_of_each_typical_mistake(key, wrong, fragment, capsys):
    assert_trap(lecture.EXERCISES, key, wrong, fragment, capsys)


def test_trig_mse_solution_is_the_closed_form():
    """Exercise 2's solution: ½e²(1 − e⁻⁴)² = 3.5604 (the first edition printed 3.587)."""
    assert lecture.TRIG_MSE_SOLUTION == pytest.approx(0.5 * np.exp(2) * (1 - np.exp(-4)) ** 2)
    assert round(lecture.TRIG_MSE_SOLUTION, 4) == 3.5604
    assert "3.560" in lecture.EX_TRIG_MSE.solution and "3.587" not in lecture.EX_TRIG_MSE.solution


def test_causal_solution_text_runs_and_matches_the_reference():
    """The code shown in exercise 5's solution is the function the test feeds to the checker."""
    from course_utils import performer

    code = lecture.EX_CAUSAL.solution.split("```python\n")[1].split("```")[0]
    ns = {"np": np, "performer": performer}
    exec(code, ns)  # noqa: S102 - our own solution text
    for case in lecture._causal_cases()[0]:
        np.testing.assert_allclose(ns["causal_favor"](*case), lecture._causal_reference(*case), rtol=1e-9, atol=1e-12)


def test_qr_bias_exercise_grades_against_the_analytic_bias():
    """Exercise 7: "About −2 % (exactly (1/d)(2Φ(−1) − 1) = −2.13 %): each of the m/d = 4 blocks has one biased
    direction in 32 (4 of 128 in all)" — the analytic value agrees with a seeded Monte-Carlo measurement."""
    from scipy.stats import norm

    from course_utils.performer.favor_experiments import compute_qr_sign_bias

    assert round(lecture.qr_bias_analytic(), 2) == -2.13
    assert lecture.qr_bias_analytic(64, 256) == pytest.approx(100 * (2 * norm.cdf(-1) - 1) / 64)
    assert round(lecture.qr_bias_analytic(64, 256), 3) == -1.067
    b = compute_qr_sign_bias(d=32, m=128, x_norm=0.5, n_trials=2000, seed=0)
    assert abs(100 * b.relative_bias - lecture.qr_bias_analytic()) < 3 * 100 * b.relative_bias_stderr


def test_stable_keys_large_case_breaks_the_textbook_formula():
    """Exercise 6 "is checked on inputs with large norms (‖x‖ ≳ 50), where every textbook feature of a key
    underflows to 0": the textbook features of that case are all 0, the stabilised ones are not."""
    cases, labels = lecture._stable_cases()
    X, omega = cases[labels.index(next(lab for lab in labels if "underflow" in lab))]
    textbook = np.exp(X @ omega.T - 0.5 * np.sum(X * X, axis=1, keepdims=True))
    assert np.all(textbook == 0) and np.isfinite(np.exp(X @ omega.T)).all()
    assert np.linalg.norm(X, axis=1).min() >= 50
    assert lecture.stable_key_features_solution(X, omega).max() == 1.0
    assert not lecture._check_stable(lambda X, omega: np.exp(X @ omega.T - 0.5 * np.sum(X * X, axis=1, keepdims=True)))[0]


def test_stabilise_solution_underflow_not_overflow():
    """Exercise 4's solution: "large inputs (‖x‖ ≳ 50) make every exp(ωᵀx − ‖x‖²/2) of a row underflow to 0, and
    the row becomes 0/0 = NaN. Overflow happens only if exp(ωᵀx) is computed apart from the norm term." Also: logits
    of about 50 (L = 64, d = 16, m = 64) overflow nothing (the first edition claimed inf/inf)."""
    from course_utils import performer

    rng = np.random.default_rng(0)
    d, m = 16, 64
    omega = rng.standard_normal((m, d))
    # logits q^T q / sqrt(d) = 50: ||q||^2 = 200
    Q = rng.standard_normal((64, d))
    Q *= np.sqrt(50 * np.sqrt(d)) / np.linalg.norm(Q, axis=1, keepdims=True) / d ** 0.25
    with np.errstate(all="raise"):
        f = np.exp(Q @ omega.T - 0.5 * np.sum(Q * Q, axis=1, keepdims=True))
    assert np.isfinite(f).all() and (f.sum(axis=1) > 0).all()
    # ||x|| = 50: every feature of the row underflows to 0 -> 0/0
    X = 50.0 * Q / np.linalg.norm(Q, axis=1, keepdims=True)
    f = np.exp(X @ omega.T - 0.5 * np.sum(X * X, axis=1, keepdims=True))
    assert (f.sum(axis=1) == 0).all()
    with np.errstate(invalid="ignore"):
        assert np.isnan(f @ np.ones(m) / f.sum(axis=1)).all()
    # apart from the norm term: exp(omega^T x) overflows only at much larger norms (exponent <= ||omega|| ||x||)
    assert np.isfinite(np.exp(X @ omega.T)).all()
    assert "underflow" in lecture.EX_STABILISE.solution and "inf/inf" not in lecture.EX_STABILISE.solution
    assert performer is not None
