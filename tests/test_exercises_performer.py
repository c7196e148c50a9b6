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
    "performer-stable-keys": lecture.stable_key_features_solution, "performer-qr-bias": -1,
}

TRAPS = [
    ("performer-crossover", 256, "four"),
    ("performer-trig-mse", 0.0, "positive"),
    ("performer-trig-mse", 3.587, "too large"),  # the first edition's solution value: the checker must refuse it
    ("performer-causal", lecture._wrong_bidirectional, "bidirectional"),
    ("performer-causal", lecture._wrong_strict_prefix, "j ≤ i"),
    ("performer-causal", lecture._wrong_unnormalised, "normalised"),
    ("performer-stable-keys", lecture._wrong_rowwise, "one constant for all keys"),
    ("performer-stable-keys", lecture._wrong_no_norm, "‖x‖²/2"),
    ("performer-qr-bias", 1.0, "wrong sign"),
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
