"""Lecture exercises of ``course_utils.performer``: each checker accepts what its solution gives and hints at typical mistakes."""
import numpy as np
import pytest
from exercise_support import assert_solutions_accepted, assert_trap

from course_utils.performer import exercises as lecture

_G = lecture.qr_exercise_matrix()
_q, _r = np.linalg.qr(_G)

#: the answer each solution text gives
SOLUTIONS = {
    "performer-crossover": 512, "performer-trig-mse": 3.560, "performer-haar-q": _q * np.sign(np.diag(_r)),
    "performer-stabilise": "a",
}

TRAPS = [
    ("performer-crossover", 256, "four"),
    ("performer-trig-mse", 0.0, "positive"),
]


def test_every_exercise_accepts_the_value_its_solution_text_gives(capsys):
    assert_solutions_accepted(lecture.EXERCISES, SOLUTIONS, capsys)


@pytest.mark.parametrize("key, wrong, fragment", TRAPS)
def test_checkers_give_the_hint_of_each_typical_mistake(key, wrong, fragment, capsys):
    assert_trap(lecture.EXERCISES, key, wrong, fragment, capsys)
