"""Lecture exercises of ``course_utils.kg``: each checker accepts what its solution gives and hints at typical mistakes."""
import numpy as np
import pytest
from exercise_support import assert_solutions_accepted, assert_trap
from sklearn.metrics import average_precision_score

from course_utils import kg
from course_utils.kg import exercises as lecture
from course_utils.kg.rescal import _r_step

SOLUTIONS = {"rescal-parameters": 625_000, "auc-pr-by-hand": 0.7556, "filtered-rank": 3, "world-assumption": "closed",
             "code-r-step": lecture.r_step_reference, "code-filtered-rank": lecture.filtered_rank_reference,
             "code-average-precision": lecture.average_precision_reference}

TRAPS = [
    ("rescal-parameters", 502_500, "every one of the K"),
    ("auc-pr-by-hand", 0.6, "last threshold"),
    ("filtered-rank", 1 / 3, "reciprocal"),
    ("filtered-rank", 0.333, "reciprocal"),
    ("code-r-step", lecture._r_step_no_ridge, "you ignore λ"),
    ("code-r-step", lecture._r_step_shrink_once, "s_i s_j / (s_i² s_j² + λ)"),
    ("code-filtered-rank", lecture._rank_raw, "did not filter"),
    ("code-filtered-rank", lecture._rank_ties_pessimistic, "counts half a place"),
    ("code-filtered-rank", lecture._rank_ties_optimistic, "ties are not free"),
    ("code-average-precision", lecture._ap_ignore_ties, "one threshold"),
    ("code-average-precision", lecture._ap_trapezoid, "trapezoid"),
]


def test_every_exercise_accepts_the_value_its_solution_text_gives(capsys):
    assert_solutions_accepted(lecture.EXERCISES, SOLUTIONS, capsys, value_not_in_text=("rescal-parameters",))


@pytest.mark.parametrize("key, wrong, fragment", TRAPS)
def test_checkers_give_the_hint_of_each_typical_mistake(key, wrong, fragment, capsys):
    assert_trap(lecture.EXERCISES, key, wrong, fragment, capsys)


def test_stubs_that_raise_get_a_hint_not_a_traceback(capsys):
    def stub(*args):
        raise NotImplementedError
    for check in (kg.check_r_step, kg.check_filtered_rank, kg.check_average_precision):
        assert not check(stub)
        assert "Not yet" in capsys.readouterr().out


def test_r_step_reference_is_the_course_r_step():
    """The checker compares with the course's R step (rescal._r_step, the one ALS uses)."""
    for A, X, lam in lecture._r_cases():
        U, s, Vt = np.linalg.svd(A, full_matrices=False)
        np.testing.assert_allclose(lecture.r_step_reference(A, X, lam), _r_step([U.T @ X @ U], s, Vt, lam)[0],
                                   rtol=1e-10, atol=1e-12)


def test_r_step_reference_solves_the_ridge_normal_equations():
    """The R step is argmin_R ‖X − A R Aᵀ‖² + λ‖R‖²: the gradient vanishes (A of full column rank)."""
    rng = np.random.default_rng(1)
    A, X, lam = rng.standard_normal((7, 3)), rng.standard_normal((7, 7)), 0.7
    R = lecture.r_step_reference(A, X, lam)
    grad = -A.T @ (X - A @ R @ A.T) @ A + lam * R
    np.testing.assert_allclose(grad, 0, atol=1e-10)


def test_filtered_rank_reference_agrees_with_the_course_filtered_rank():
    for scores, target, known in lecture.RANK_CASES:
        assert lecture.filtered_rank_reference(scores, target, known) == kg.filtered_rank(scores, target, known, tie_rtol=0)


def test_average_precision_reference_agrees_with_scikit_learn():
    """The checker compares with scikit-learn's `average_precision_score` on five cases."""
    assert len(lecture.AP_CASES) == 5
    for scores, labels in lecture.AP_CASES:
        assert lecture.average_precision_reference(scores, labels) == pytest.approx(
            average_precision_score(labels, scores), abs=1e-12)
