"""Lecture exercises of ``course_utils.regularization``: each checker accepts what its solution gives and hints at typical mistakes."""
import numpy as np
import pytest
from exercise_support import assert_solutions_accepted, assert_trap

from course_utils.regularization import coding_exercises as code
from course_utils.regularization import exercises as lecture
from course_utils.regularization import soft_threshold


def _soft(z, tau):
    z = np.asarray(z, dtype=float)
    return np.sign(z) * np.maximum(np.abs(z) - tau, 0.0)


def _ista_step(w, X, y, alpha, step):          # the solution text's code
    grad = -X.T @ (y - X @ w) / len(y)
    return _soft(w - step * grad, step * alpha)


def _lasso_cd(X, y, alpha, n_sweeps=1000):     # the solution text's code
    n, d = X.shape
    w = np.zeros(d)
    r = y.astype(float).copy()
    c = (X ** 2).sum(axis=0) / n
    for _ in range(n_sweeps):
        for j in range(d):
            rho = X[:, j] @ r / n + c[j] * w[j]
            new = _soft(rho, alpha) / c[j]
            r -= X[:, j] * (new - w[j])
            w[j] = new
    return w


def _alpha_max(X, y):
    return float(np.abs(X.T @ y).max() / len(y))


SOLUTIONS = {"soft-threshold": [2, 0, 0.2, -1], "alpha-max": 45.16, "l1-corner": [1, 0], "map-prior": 8,
             "code-soft-threshold": _soft, "code-ista-step": _ista_step, "code-lasso-cd": _lasso_cd,
             "code-alpha-max": _alpha_max, "map-correlation": "unchanged"}

TRAPS = [
    ("soft-threshold", [1.5, -0.25, 0.6, -1.0], "ridge"),
    ("alpha-max", 45.16003002 * 442, "n = 442"),
    ("alpha-max", 2.1480435755, "unit-norm columns"),
    ("map-prior", 4, "σ²/b"),
    ("l1-corner", [0.970, 0.243], "L2 ball"),
    ("code-soft-threshold", lambda z, tau: np.where(np.abs(z) > tau, z, 0.0), "hard thresholding"),
    ("code-soft-threshold", lambda z, tau: z - tau * np.sign(z), "clip at 0"),
    ("code-ista-step", lambda w, X, y, a, s: _soft(w - s * (-X.T @ (y - X @ w) / len(y)), a), "step·α"),
    ("code-ista-step", lambda w, X, y, a, s: _soft(w - s * (-X.T @ (y - X @ w)), s * a), "1/n"),
    ("code-lasso-cd", lambda X, y, a, n_sweeps=1000: code._lasso_cd_sketch(X, y, a, n_sweeps, normalise=False),
     "‖x_j‖²/n"),
    ("code-alpha-max", lambda X, y: float(np.abs(X.T @ y).max()), "divide by n"),
    ("code-alpha-max", lambda X, y: float((X.T @ y).max() / len(y)), "|x_jᵀy|"),
    ("map-correlation", "grows", "eigenvectors"),
]


def test_every_exercise_accepts_the_value_its_solution_text_gives(capsys):
    assert_solutions_accepted(lecture.EXERCISES, SOLUTIONS, capsys)


@pytest.mark.parametrize("key, wrong, fragment", TRAPS)
def test_checkers_give_the_hint_of_each_typical_mistake(key, wrong, fragment, capsys):
    assert_trap(lecture.EXERCISES, key, wrong, fragment, capsys)


def test_a_stub_and_a_wrong_function_get_hints_without_the_expected_numbers(capsys):
    def stub(z, tau):
        raise NotImplementedError

    assert not code.check_soft_threshold_code(stub)
    assert "not written yet" in capsys.readouterr().out
    assert not code.check_lasso_cd(lambda X, y, alpha, n_sweeps=1000: np.zeros(X.shape[1]))
    out = capsys.readouterr().out
    assert "diabetes, α = 1" in out and "[" not in out.split("wrong on")[-1]


def test_the_reference_lasso_agrees_with_ours_and_the_duplicated_column_case_is_well_posed():
    """With a duplicated column, cyclic descent from 0 and scikit-learn put all the weight on the first copy."""
    from course_utils.regularization import lasso

    cases, _ = code._lasso_cases()
    for X, y, a in cases:
        ref = code.lasso_cd_reference(X, y, a)
        np.testing.assert_allclose(_lasso_cd(X, y, a), ref, rtol=1e-5, atol=1e-5)
        if a > 0.2 or X.shape[1] != 3:
            np.testing.assert_allclose(lasso(X, y, a, tol=1e-12), ref, rtol=1e-5, atol=1e-5)
    X, y, _ = cases[4]
    w = code.lasso_cd_reference(X, y, 0.5)
    assert abs(w[1]) < 1e-9 and abs(w[0]) > 1.0
    np.testing.assert_allclose(soft_threshold([1.0, -3.0], 1.0), [0.0, -2.0])


def _lasso_cd_reverse(X, y, alpha, n_sweeps=1000):
    n, d = X.shape
    w, r, c = np.zeros(d), y.astype(float).copy(), (X ** 2).sum(axis=0) / n
    for _ in range(n_sweeps):
        for j in reversed(range(d)):
            u = X[:, j] @ r / n + c[j] * w[j]
            new = _soft(u, alpha) / c[j]
            r -= X[:, j] * (new - w[j])
            w[j] = new
    return w


def test_a_correct_reverse_sweep_passes_the_duplicated_column_case(capsys):
    """Solution of Exercise 6: "the checker accepts any same-sign split" — a correct coordinate descent that
    sweeps in reverse puts the duplicated weight on the second copy and must pass."""
    X, y, _ = lecture.diabetes_data()
    dup = np.column_stack([X[:, 2], X[:, 2], X[:, 8]])
    w = _lasso_cd_reverse(dup, y, 0.5)
    assert abs(w[0]) < 1e-9 < w[1]                      # a different split from scikit-learn's
    assert code.check_lasso_cd(_lasso_cd_reverse)
