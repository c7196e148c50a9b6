"""The exercise mechanism: specific hints, never a traceback, solutions hidden until asked for."""
import math

import numpy as np
import pytest

from course_utils.core.exercises import Exercise, compare_array, compare_choice, compare_function, compare_value


@pytest.mark.parametrize(
    "answer, fragment",
    [
        (8.0, "twice"),
        (2.0, "half"),
        (-4.0, "wrong sign"),
        (400.0, "10^2"),
        (0.04, "10^-2"),
        (5.0, "too large"),
        (3.0, "too small"),
        (float("nan"), "nan"),
        (math.inf, "inf"),
        ("four", "should be a number"),
        ([4.0, 4.0], "single number"),
        (True, "not a boolean"),
    ],
)
def test_compare_value_gives_specific_hints(answer, fragment):
    ok, message = compare_value(answer, 4.0, name="x")
    assert not ok
    assert fragment in message


def test_compare_value_accepts_within_tolerance():
    assert compare_value(4.0 * (1 + 1e-8), 4.0)[0]
    assert compare_value(np.float32(4.0), 4.0)[0]
    assert compare_value(np.array([4.0]), 4.0)[0]
    assert not compare_value(4.1, 4.0, rtol=1e-3)[0]
    assert compare_value(4.1, 4.0, rtol=0.05)[0]
    assert compare_value(1e-12, 0.0, atol=1e-9)[0]


def test_compare_array_shape_transpose_values_and_nan():
    expected = np.arange(6.0).reshape(2, 3)
    assert compare_array(expected.copy(), expected)[0]
    ok, message = compare_array(expected.T, expected)
    assert not ok and "transposed" in message and "(3, 2)" in message
    ok, message = compare_array(np.zeros(3), expected)
    assert not ok and "shape (3,)" in message
    wrong = expected.copy()
    wrong[1, 2] = 99
    ok, message = compare_array(wrong, expected)
    assert not ok and "1 of 6" in message and "(1, 2)" in message
    ok, message = compare_array(np.full((2, 3), np.nan), expected)
    assert not ok and "NaN" in message
    ok, message = compare_array(-expected[:, 1:] - 1, expected[:, 1:] + 1)
    assert not ok and "wrong sign" in message


def test_compare_choice():
    choices = {"a": "a is wrong because ...", "b": "b is right because ..."}
    assert compare_choice("B ", "b", choices)[0]
    ok, message = compare_choice("a", "b", choices)
    assert not ok and message == "a is wrong because ..."
    ok, message = compare_choice("z", "b", choices)
    assert not ok and "not an option" in message
    assert not compare_choice(3, "b", choices)[0]


def make_exercise():
    return Exercise("ex", "What is 2 + 2?", lambda a: compare_value(a, 4.0, name="2 + 2"), "It is **4**.")


def test_check_prints_one_line_and_never_raises(capsys):
    ex = make_exercise()
    assert ex.check(4) is True
    assert capsys.readouterr().out.strip() == "[ex] Correct: 2 + 2 = 4 is right."
    assert ex.check(None) is False
    assert "No answer yet" in capsys.readouterr().out
    assert ex.check(...) is False
    assert ex.check(8) is False
    assert "twice" in capsys.readouterr().out

    def broken(answer):
        raise KeyError("boom")

    bad = Exercise("bad", "q", broken, "s")
    assert bad.check(1) is False
    out = capsys.readouterr().out
    assert "could not check" in out and "Traceback" not in out


def test_solution_is_hidden_until_revealed():
    ex = make_exercise()
    box = ex.reveal()
    button, out = box.children
    assert button.value is False and out.outputs == ()
    assert "4" in ex.solution_markdown()
    button.value = True
    assert button.description == "Hide solution"
    button.value = False
    assert button.description == "Show solution" and out.outputs == ()


# --------------------------------------------------------------------------- traps: typical wrong answers
def test_compare_value_traps_give_their_hint():
    traps = [(6.0, "arithmetic mean"), (0.25, "inverse")]
    ok, message = compare_value(6.0, 4.0, name="PP", traps=traps)
    assert not ok and message == "arithmetic mean"
    ok, message = compare_value(6.003, 4.0, name="PP", traps=traps)      # a rounded trap value still matches
    assert not ok and message == "arithmetic mean"
    ok, message = compare_value(0.1 + 0.15, 4.0, name="PP", traps=traps)  # floats compared with a tolerance
    assert not ok and message == "inverse"
    assert compare_value(4.0, 4.0, traps=traps)[0]                        # the right answer passes
    ok, message = compare_value(8.0, 4.0, name="PP", traps=traps)         # no trap: the generic hints
    assert not ok and "twice" in message
    assert not compare_value(6.0, 4.0, traps=traps, trap_rtol=0, trap_atol=0)[0]
    assert "arithmetic" not in compare_value(6.1, 4.0, traps=traps, trap_rtol=0)[1]


def test_compare_array_traps():
    expected = np.array([2.0, 0.0])
    traps = [(np.array([1.5, -0.25]), "ridge shrinkage")]
    assert compare_array([2.0, 0.0], expected, traps=traps)[0]
    ok, message = compare_array([1.5, -0.25], expected, traps=traps)
    assert not ok and message == "ridge shrinkage"
    ok, message = compare_array([1.5, -0.25, 0.0], expected, traps=traps)
    assert not ok and "shape" in message


def _soft(x, a):
    return np.sign(x) * np.maximum(np.abs(x) - a, 0.0)


SOFT_CASES = [(np.array([3.0, -0.5, 1.2, -2.0]), 1.0), (np.zeros(3), 0.5), ((np.array([1.0, 2.0]),), {"a": 5.0})]


def test_compare_function_accepts_the_reference_and_names_the_failing_case():
    assert compare_function(_soft, _soft, SOFT_CASES)[0]
    ok, message = compare_function(lambda x, a: np.maximum(x - a, 0), _soft, SOFT_CASES,
                                   labels=["mixed signs", "zeros", "a large threshold"])
    assert not ok and "mixed signs" in message
    assert "-1" not in message and "expected -1" not in message  # never the expected value


def test_compare_function_traps_stubs_and_bugs():
    ridge = (lambda x, a: x / (1 + a), "that is ridge shrinkage")
    assert compare_function(ridge[0], _soft, SOFT_CASES, traps=[ridge]) == (False, "that is ridge shrinkage")

    def stub(x, a):
        raise NotImplementedError

    assert "not written yet" in compare_function(stub, _soft, SOFT_CASES)[1]
    assert "forget the `return`" in compare_function(lambda x, a: None, _soft, SOFT_CASES)[1]
    assert "raised IndexError" in compare_function(lambda x, a: x[5], _soft, SOFT_CASES)[1]
    assert "should be a function" in compare_function(3, _soft, SOFT_CASES)[1]
    assert "shape" in compare_function(lambda x, a: np.ones(7), _soft, SOFT_CASES)[1]


def test_compare_function_gives_each_case_a_fresh_copy():
    def in_place(x, a):
        x -= a  # modifies the caller's array
        return x

    cases = [(np.array([1.0, 2.0]), 1.0)]
    compare_function(in_place, lambda x, a: x - a, cases)
    np.testing.assert_array_equal(cases[0][0], [1.0, 2.0])
    with pytest.raises(ValueError, match="labels"):
        compare_function(_soft, _soft, SOFT_CASES, labels=["one"])
