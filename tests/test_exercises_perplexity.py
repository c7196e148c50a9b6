"""Lecture exercises of ``course_utils.perplexity``: each checker accepts what its solution gives and hints at typical mistakes."""
import pytest
from exercise_support import assert_solutions_accepted, assert_trap

from course_utils.perplexity import exercises as lecture

SOLUTIONS = {"unfair-die": 4.47, "bits-to-perplexity": 170, "add-one": 0.00226, "unsmoothed-test": "infinite",
             "compare-vocabularies": "cannot tell"}

TRAPS = [
    ("unfair-die", 6.0, "geometric"),
]


def test_every_exercise_accepts_the_value_its_solution_text_gives(capsys):
    assert_solutions_accepted(lecture.EXERCISES, SOLUTIONS, capsys)


@pytest.mark.parametrize("key, wrong, fragment", TRAPS)
def test_checkers_give_the_hint_of_each_typical_mistake(key, wrong, fragment, capsys):
    assert_trap(lecture.EXERCISES, key, wrong, fragment, capsys)
