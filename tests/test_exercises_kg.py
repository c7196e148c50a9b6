"""Lecture exercises of ``course_utils.kg``: each checker accepts what its solution gives and hints at typical mistakes."""
import pytest
from exercise_support import assert_solutions_accepted, assert_trap

from course_utils.kg import exercises as lecture

SOLUTIONS = {"rescal-parameters": 625_000, "auc-pr-by-hand": 0.7556, "filtered-rank": 3, "world-assumption": "closed"}

TRAPS = [
    ("rescal-parameters", 502_500, "every one of the K"),
    ("auc-pr-by-hand", 0.6, "last threshold"),
    ("filtered-rank", 1 / 3, "reciprocal"),
    ("filtered-rank", 0.333, "reciprocal"),
]


def test_every_exercise_accepts_the_value_its_solution_text_gives(capsys):
    assert_solutions_accepted(lecture.EXERCISES, SOLUTIONS, capsys, value_not_in_text=("rescal-parameters",))


@pytest.mark.parametrize("key, wrong, fragment", TRAPS)
def test_checkers_give_the_hint_of_each_typical_mistake(key, wrong, fragment, capsys):
    assert_trap(lecture.EXERCISES, key, wrong, fragment, capsys)
