"""Shared assertions of the per-lecture exercise tests (``tests/test_exercises_<lecture>.py``).

Each lecture's test file gives, for every exercise of its ``EXERCISES``, the answer its solution text gives
(``SOLUTIONS``) and typical wrong answers with a fragment of the hint they must get (``TRAPS``). A coding
exercise's "answer" is the reference implementation (or the solution's code), and its traps are wrong
implementations.
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np


def assert_solutions_accepted(exercises: Iterable, solutions: dict[str, Any], capsys, *, value_not_in_text=()) -> None:
    """Every exercise has a solution here, each checker accepts it, and a scalar answer appears in the solution text."""
    exercises = list(exercises)
    assert {ex.key for ex in exercises} == set(solutions)
    for ex in exercises:
        answer = solutions[ex.key]
        if not isinstance(answer, str) and not callable(answer) and np.ndim(answer) == 0 and ex.key not in value_not_in_text:
            shown = str(answer).rstrip("0").rstrip(".").replace("_", "")
            assert shown in ex.solution.replace(",", "").replace("_", ""), f"{ex.key}: {answer} is not in the solution text"
        assert ex.check(answer), f"{ex.key} rejects its solution {answer!r}: {capsys.readouterr().out}"


def assert_trap(exercises: Iterable, key: str, wrong: Any, fragment: str, capsys) -> None:
    """The checker of ``key`` rejects ``wrong`` with a hint containing ``fragment``."""
    ex = next(e for e in exercises if e.key == key)
    capsys.readouterr()
    assert not ex.check(wrong)
    assert fragment in capsys.readouterr().out
