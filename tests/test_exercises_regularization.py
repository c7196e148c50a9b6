"""Lecture exercises of ``course_utils.regularization``: each checker accepts what its solution gives and hints at typical mistakes."""
import pytest
from exercise_support import assert_solutions_accepted, assert_trap

from course_utils.regularization import exercises as lecture

SOLUTIONS = {"soft-threshold": [2, 0, 0.2, -1], "alpha-max": 2.1480, "l1-corner": [1, 0], "map-prior": "laplace"}

TRAPS = [
    ("soft-threshold", [1.5, -0.25, 0.6, -1.0], "ridge"),
    ("alpha-max", 2.1480435755 * 442, "n = 442"),
    ("l1-corner", [0.970, 0.243], "L2 ball"),
]


def test_every_exercise_accepts_the_value_its_solution_text_gives(capsys):
    assert_solutions_accepted(lecture.EXERCISES, SOLUTIONS, capsys)


@pytest.mark.parametrize("key, wrong, fragment", TRAPS)
def test_checkers_give_the_hint_of_each_typical_mistake(key, wrong, fragment, capsys):
    assert_trap(lecture.EXERCISES, key, wrong, fragment, capsys)
