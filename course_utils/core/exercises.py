"""Exercises: check a student's answer, give a specific hint, reveal the solution on demand.

Every lecture builds its exercises from :class:`Exercise`::

    EX_COST = Exercise(
        key="performer-cost",
        question="How many multiply-adds does exact attention need for L=1000, d=64?",
        checker=lambda answer: compare_value(answer, 2 * 1000**2 * 64, rtol=0.01,
                                             name="the number of multiply-adds"),
        solution="Two L×L×d products: ``2 * L**2 * d``.",
    )
    check_cost = EX_COST.check          # what the notebook calls: check_cost(my_answer)

``check`` never raises on a wrong or malformed answer: it prints one line that says what
is wrong (type, shape, NaN, off by a factor, ...) and returns ``False``. The solution stays
out of sight until the student asks for it with ``EX_COST.reveal()`` (a button in
JupyterLab) or ``EX_COST.show_solution()``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence, Tuple

import numpy as np

#: A checker returns (is_correct, message). The message is shown as it is.
Checker = Callable[[Any], "tuple[bool, str]"]

#: Typical wrong answers and the hint each one gets: ``[(wrong_value, hint), ...]``.
Traps = Sequence[Tuple[Any, str]]


def _trap_tolerances(rtol: float, atol: float, trap_rtol: float | None, trap_atol: float | None) -> tuple[float, float]:
    """A trap matches within ``trap_rtol`` (default ``max(rtol, 1e-3)``: a student's rounded value of the
    typical mistake still gets its hint) and ``trap_atol`` (default ``atol``). The right answer is checked
    first, so a trap never hides it."""
    return (max(rtol, 1e-3) if trap_rtol is None else trap_rtol), (atol if trap_atol is None else trap_atol)

NO_ANSWER_HINT = "No answer yet: replace the `None` (or `...`) with your answer and run the cell again."


def _as_float_array(answer: Any, name: str) -> tuple[np.ndarray | None, str]:
    """Convert ``answer`` to a float array, or return (None, hint) saying why it cannot be."""
    try:
        arr = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return None, f"{name} should be a number or an array of numbers, got {type(answer).__name__} {answer!r:.60}."
    return arr, ""


def compare_value(
    answer: Any,
    expected: float,
    *,
    rtol: float = 1e-6,
    atol: float = 0.0,
    name: str = "your answer",
    traps: Traps = (),
    trap_rtol: float | None = None,
    trap_atol: float | None = None,
) -> tuple[bool, str]:
    """Compare a scalar answer with the expected value and explain a mismatch.

    Hints are specific: not a number, NaN/inf, a known typical mistake (``traps``), wrong sign,
    off by a power of ten, a factor of 2, or simply too large / too small.

    Parameters
    ----------
    answer : object
        The student's answer.
    expected : float
        The right value; ``answer`` is right if ``math.isclose(answer, expected, rel_tol=rtol, abs_tol=atol)``.
    rtol, atol : float
        Tolerances of the right answer.
    name : str
        What the answer is, in the messages ("the perplexity").
    traps : sequence of (float, str)
        Typical wrong answers and the hint each one gets, e.g. ``[(6.0, "that is the arithmetic mean ...")]``.
        Compared with a tolerance (never ``==``): ``trap_rtol`` (default ``max(rtol, 1e-3)``) and
        ``trap_atol`` (default ``atol``). A matching trap's hint is the whole message.
    """
    if isinstance(answer, bool):
        return False, f"{name} should be a number, not a boolean."
    arr, hint = _as_float_array(answer, name)
    if arr is None:
        return False, hint
    if arr.size != 1:
        return False, f"{name} should be a single number, got an array of shape {arr.shape}."
    value = float(arr.reshape(()))
    if not math.isfinite(value):
        return False, f"{name} is {value}: look for a division by zero or a log of 0."
    if math.isclose(value, expected, rel_tol=rtol, abs_tol=atol):
        return True, f"{name} = {value:.6g} is right."
    t_rtol, t_atol = _trap_tolerances(rtol, atol, trap_rtol, trap_atol)
    for wrong, hint in traps:
        if math.isclose(value, float(wrong), rel_tol=t_rtol, abs_tol=t_atol):
            return False, hint
    if expected != 0 and math.isclose(-value, expected, rel_tol=rtol, abs_tol=atol):
        return False, f"{name} has the wrong sign."
    if expected != 0 and value != 0:
        ratio = value / expected
        for factor, label in ((2.0, "twice"), (0.5, "half")):
            if math.isclose(ratio, factor, rel_tol=max(rtol, 1e-9)):
                return False, f"{name} = {value:.6g} is {label} the right value: check for a missing or extra factor of 2."
        log_ratio = math.log10(abs(ratio))
        if abs(log_ratio - round(log_ratio)) < 1e-6 and round(log_ratio) != 0:
            return False, f"{name} = {value:.6g} is off by a factor 10^{round(log_ratio)}: check your units or scaling."
    direction = "too large" if value > expected else "too small"
    return False, f"{name} = {value:.6g} is {direction}."


def compare_array(
    answer: Any,
    expected: Any,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    name: str = "your array",
    traps: Traps = (),
    trap_rtol: float | None = None,
    trap_atol: float | None = None,
) -> tuple[bool, str]:
    """Compare an array answer with the expected array: shape first, then values.

    ``traps`` are typical wrong arrays with their hints, ``[(wrong_array, hint), ...]``, matched with
    ``np.allclose`` and the tolerances ``trap_rtol`` (default ``max(rtol, 1e-3)``), ``trap_atol``
    (default ``atol``), as in :func:`compare_value`.
    """
    expected = np.asarray(expected, dtype=float)
    arr, hint = _as_float_array(answer, name)
    if arr is None:
        return False, hint
    if arr.shape != expected.shape:
        hint = ""
        if arr.shape == expected.shape[::-1] and arr.ndim == 2:
            hint = " (it looks transposed)"
        return False, f"{name} has shape {arr.shape}, expected {expected.shape}{hint}."
    if not np.all(np.isfinite(arr)):
        bad = int(np.sum(~np.isfinite(arr)))
        return False, f"{name} has {bad} NaN or infinite entries: compute in log space or guard divisions."
    close = np.isclose(arr, expected, rtol=rtol, atol=atol)
    if close.all():
        return True, f"{name} is right."
    t_rtol, t_atol = _trap_tolerances(rtol, atol, trap_rtol, trap_atol)
    for wrong, hint in traps:
        wrong = np.asarray(wrong, dtype=float)
        if wrong.shape == arr.shape and np.allclose(arr, wrong, rtol=t_rtol, atol=t_atol):
            return False, hint
    if np.allclose(-arr, expected, rtol=rtol, atol=atol):
        return False, f"{name} has the wrong sign everywhere."
    first = tuple(int(i) for i in np.argwhere(~close)[0])
    return False, (
        f"{name}: {int((~close).sum())} of {arr.size} entries are off; first at index {first}: "
        f"got {arr[first]:.6g}, expected {expected[first]:.6g}."
    )


def compare_choice(answer: Any, expected: str, choices: dict[str, str], *, name: str = "your choice") -> tuple[bool, str]:
    """Compare a multiple-choice answer; ``choices`` maps each option to the hint shown if it is picked."""
    if not isinstance(answer, str):
        return False, f"{name} should be one of {sorted(choices)} as a string, got {answer!r}."
    key = answer.strip().lower()
    lowered = {k.lower(): (k, v) for k, v in choices.items()}
    if key not in lowered:
        return False, f"{name} {answer!r} is not an option; choose one of {sorted(choices)}."
    if lowered[key][0] == expected:
        return True, f"{name} {answer!r} is right. {choices[expected]}".strip()
    return False, lowered[key][1]


#: A test case of a coding exercise: ``(args, kwargs)`` or just a tuple of positional args.
Case = Any

#: Typical wrong implementations and the hint each one gets: ``[(wrong_function, hint), ...]``.
FunctionTraps = Sequence[Tuple[Callable[..., Any], str]]


def _call(func: Callable[..., Any], case: Case) -> Any:
    args, kwargs = (case if (isinstance(case, tuple) and len(case) == 2 and isinstance(case[1], dict)
                             and isinstance(case[0], tuple)) else (tuple(case) if isinstance(case, tuple) else (case,), {}))
    import copy

    return func(*copy.deepcopy(args), **copy.deepcopy(kwargs))


def _describe(case: Case, labels: Sequence[str] | None, index: int) -> str:
    return labels[index] if labels is not None else f"case {index + 1}"


def compare_function(
    func: Any,
    reference: Callable[..., Any],
    cases: Sequence[Case],
    *,
    rtol: float = 1e-7,
    atol: float = 1e-10,
    name: str = "your function",
    labels: Sequence[str] | None = None,
    traps: FunctionTraps = (),
) -> tuple[bool, str]:
    """Check a student's function against the course's reference implementation on several cases.

    Each case is run on a deep copy of its arguments (a function that modifies its input in place is not
    rewarded for it). The first case that fails is named in the hint; the expected values are never printed.

    Parameters
    ----------
    func : callable
        The student's function.
    reference : callable
        The course's implementation; ``reference(*args, **kwargs)`` is the right output of each case.
    cases : sequence
        Each case is a tuple of positional arguments, or ``(args_tuple, kwargs_dict)``. Put the edge
        cases (empty input, a tie, a zero, a large value) here.
    rtol, atol : float
        Tolerances of :func:`compare_array` on each output.
    name : str
        What the function is, in the messages ("your soft_threshold").
    labels : sequence of str, optional
        A short description of each case for the hints ("a tie at the top", "alpha above alpha_max").
    traps : sequence of (callable, str)
        Typical wrong implementations and their hints: if the student's outputs match a trap's outputs on
        every case, that hint is the message.

    Returns
    -------
    (bool, str)
        Whether every case is right, and a one-line message.
    """
    if not callable(func):
        return False, f"{name} should be a function (def ...), got {type(func).__name__}."
    if labels is not None and len(labels) != len(cases):
        raise ValueError(f"labels has {len(labels)} entries for {len(cases)} cases")
    outputs = []
    for i, case in enumerate(cases):
        where = _describe(case, labels, i)
        try:
            got = _call(func, case)
        except NotImplementedError:
            return False, f"{name} is not written yet: replace the `raise NotImplementedError` with your code."
        except Exception as exc:  # a student's bug must give a hint, never a traceback
            return False, f"{name} raised {type(exc).__name__} on {where}: {exc}"
        if got is None:
            return False, f"{name} returned None on {where}: did you forget the `return`?"
        outputs.append(got)
    first_bad = None
    for i, (case, got) in enumerate(zip(cases, outputs)):
        expected = _call(reference, case)
        ok, message = compare_array(got, expected, rtol=rtol, atol=atol, name="the output")
        if not ok:
            first_bad = (i, message)
            break
    if first_bad is None:
        return True, f"{name} agrees with the reference on all {len(cases)} cases."
    for wrong, hint in traps:
        try:
            if all(np.shape(got) == np.shape(w) and np.allclose(np.asarray(got, float), np.asarray(w, float),
                                                                 rtol=max(rtol, 1e-6), atol=atol)
                   for got, w in zip(outputs, (_call(wrong, c) for c in cases))):
                return False, hint
        except Exception:  # a trap that cannot be evaluated on a case simply does not match
            continue
    i, message = first_bad
    detail = message.split(": got ")[0].rstrip(".")  # where and how, never the expected numbers
    return False, f"{name} is wrong on {_describe(cases[i], labels, i)}: {detail}."


@dataclass
class Exercise:
    """One exercise: a question, a checker with hints, and a hidden solution.

    Parameters
    ----------
    key : str
        Short identifier, e.g. ``"perplexity-die"``.
    question : str
        The task in one or two sentences (Markdown).
    checker : callable
        ``checker(answer) -> (ok, message)``; build it from :func:`compare_value`,
        :func:`compare_array` or :func:`compare_choice`.
    solution : str
        Markdown shown only when the student asks for it.
    """

    key: str
    question: str
    checker: Checker
    solution: str

    def check(self, answer: Any) -> bool:
        """Print whether ``answer`` is right, with a specific hint if not. Never raises."""
        if answer is None or answer is Ellipsis:
            print(f"[{self.key}] {NO_ANSWER_HINT}")
            return False
        try:
            ok, message = self.checker(answer)
        except Exception as exc:  # a malformed answer must give a hint, never a traceback
            ok, message = False, f"could not check this answer ({type(exc).__name__}: {exc}); look at its type and shape."
        mark = "Correct" if ok else "Not yet"
        print(f"[{self.key}] {mark}: {message}")
        return bool(ok)

    def solution_markdown(self) -> str:
        """The solution as Markdown text."""
        return f"**Solution ({self.key})**\n\n{self.solution}"

    def show_solution(self) -> None:
        """Display the solution now (Markdown in a notebook, plain text elsewhere)."""
        from IPython.display import Markdown, display

        display(Markdown(self.solution_markdown()))

    def reveal(self):
        """A toggle button that shows the solution only when clicked (an ipywidgets VBox)."""
        import ipywidgets as widgets
        from IPython.display import Markdown, display

        button = widgets.ToggleButton(value=False, description="Show solution", icon="eye")
        out = widgets.Output()

        def on_toggle(change: dict) -> None:
            out.clear_output()
            button.description = "Hide solution" if change["new"] else "Show solution"
            if change["new"]:
                with out:
                    display(Markdown(self.solution_markdown()))

        button.observe(on_toggle, names="value")
        return widgets.VBox([button, out])
