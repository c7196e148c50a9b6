"""Input checks shared by every lecture: one rule for types, one for values, one message format.

Every public function of a lecture validates its arguments through this module. The rules:

* a wrong **type** raises :class:`TypeError` (a string where a number is needed, a float where an
  integer is needed, a bool where a number is needed: bools are not numbers here);
* a wrong **value** of the right type raises :class:`ValueError` (out of range, NaN, wrong shape,
  not one of the choices);
* the message names the argument, shows what was given and says what is allowed::

      m must be an integer >= 1, got 2.5 (float)
      tol must be a finite number > 0, got nan (float)
      kind must be one of ('trig', 'positive', 'hyperbolic'), got 'relu' (str)

* never a silent NaN: NaN and infinities are rejected unless a function explicitly allows ``inf``.

A non-integer number where an integer is needed raises :class:`NotAnIntegerError`, a subclass of
both ``TypeError`` and ``ValueError``: it is a wrong type, and catching ``ValueError`` (what
lectures 2–4 raised for it before the checks were unified) keeps working.

Arrays: :func:`as_finite_array` returns float64 by default (ints, bools-free real arrays and
float32 are converted). Passing ``dtype=None`` keeps float32 and float64 as given (anything else
still becomes float64): the Performer lecture does this because FAVOR+ in float32 is one of its
points.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Callable, Iterable, Sequence, TypeVar

import numpy as np

__all__ = [
    "NotAnIntegerError",
    "as_finite_array",
    "check_bool",
    "check_choice",
    "check_float",
    "check_instance",
    "check_int",
    "check_probability",
    "check_rng",
    "describe",
    "freeze",
]

T = TypeVar("T")


class NotAnIntegerError(TypeError, ValueError):
    """A non-integer (e.g. ``2.5``) where an integer is needed: a ``TypeError`` that is also a ``ValueError``."""


def describe(value: Any, width: int = 60) -> str:
    """``value`` as it appears in an error message: its repr (shortened) and its type, ``2.5 (float)``."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > width:
        text = text[: width - 1] + "…"
    return f"{text} ({type(value).__name__})"


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_real(value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and value.dtype.kind in "iuf"
    return isinstance(value, numbers.Real)


def _range_text(ge=None, gt=None, le=None, lt=None) -> str:
    """' >= 1', ' in [0, 1]', ' in (0, 1]', ... ('' without bounds)."""
    low = ge if gt is None else gt
    high = le if lt is None else lt
    if low is not None and high is not None:
        return f" in {'(' if gt is not None else '['}{low:g}, {high:g}{')' if lt is not None else ']'}"
    if low is not None:
        return f" {'>' if gt is not None else '>='} {low:g}"
    if high is not None:
        return f" {'<' if lt is not None else '<='} {high:g}"
    return ""


def check_int(value: Any, name: str, *, minimum: int | None = None, maximum: int | None = None,
              allowed: str | None = None) -> int:
    """Return ``value`` as an ``int`` if it is an integer in ``[minimum, maximum]``.

    Parameters
    ----------
    value : object
        Python ``int`` or NumPy integer (``bool`` and ``2.0`` are not integers).
    name : str
        The argument's name, used in the message.
    minimum, maximum : int, optional
        Inclusive bounds.
    allowed : str, optional
        The requirement in words, as it follows "``name`` must" in the message of an out-of-range
        value, e.g. ``"be at least 1 (the number of random features)"`` (default:
        ``"be an integer >= minimum"``, ``"be an integer in [minimum, maximum]"``).

    Returns
    -------
    int

    Raises
    ------
    NotAnIntegerError
        ``value`` is a number but not an integer (a ``TypeError`` and a ``ValueError``).
    TypeError
        ``value`` is not a number at all (or is a bool).
    ValueError
        ``value`` is out of range.
    """
    spec = "an integer" + _range_text(ge=minimum, le=maximum)
    if not _is_int(value):
        cls = NotAnIntegerError if _is_real(value) else TypeError
        raise cls(f"{name} must be {spec}, got {describe(value)}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must {allowed or 'be ' + spec}, got {describe(value)}")
    return int(value)


def check_float(value: Any, name: str, *, ge: float | None = None, gt: float | None = None,
                le: float | None = None, lt: float | None = None, allow_inf: bool = False,
                allowed: str | None = None) -> float:
    """Return ``value`` as a finite ``float`` within the given bounds.

    Parameters
    ----------
    value : object
        A real number (int, float, NumPy scalar or 0-d array; not a bool, not a string).
    name : str
        The argument's name.
    ge, gt, le, lt : float, optional
        Bounds: ``value >= ge``, ``> gt``, ``<= le``, ``< lt``.
    allow_inf : bool, default False
        Accept ``±inf`` (still subject to the bounds). NaN is never accepted.
    allowed : str, optional
        The requirement in words, after "``name`` must", for the message of a wrong value
        (default: ``"be a finite number >= 0"``, ``"be a finite number in (0, 1]"``, ...).

    Raises
    ------
    TypeError
        Not a real number.
    ValueError
        NaN, an infinity (unless allowed) or out of bounds.
    """
    spec = ("a number" if allow_inf else "a finite number") + _range_text(ge, gt, le, lt)
    if not _is_real(value):
        raise TypeError(f"{name} must be {spec}, got {describe(value)}")
    v = float(value)
    bad = math.isnan(v) or (math.isinf(v) and not allow_inf)
    bad = bad or (ge is not None and not v >= ge) or (gt is not None and not v > gt)
    bad = bad or (le is not None and not v <= le) or (lt is not None and not v < lt)
    if bad:
        raise ValueError(f"{name} must {allowed or 'be ' + spec}, got {describe(value)}")
    return v


def check_probability(value: Any, name: str, *, allow_zero: bool = True, allow_one: bool = True,
                      allowed: str | None = None) -> float:
    """A probability in ``[0, 1]`` (``(0, 1]``, ``[0, 1)``, ``(0, 1)`` with ``allow_zero/allow_one=False``)."""
    return check_float(value, name, ge=0.0 if allow_zero else None, gt=None if allow_zero else 0.0,
                       le=1.0 if allow_one else None, lt=None if allow_one else 1.0,
                       allowed=allowed or "be a probability" + _range_text(ge=0.0 if allow_zero else None,
                                                                         gt=None if allow_zero else 0.0,
                                                                         le=1.0 if allow_one else None,
                                                                         lt=None if allow_one else 1.0))


def check_bool(value: Any, name: str) -> bool:
    """``value`` if it is a bool (Python or NumPy); TypeError otherwise (``0``/``1`` are not flags)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(value)}")
    return bool(value)


def check_choice(value: Any, name: str, choices: Iterable[T], *, key: Callable[[Any], Any] | None = None,
                 what: str | None = None, allowed: str | None = None) -> T:
    """Return the element of ``choices`` that ``value`` names.

    Parameters
    ----------
    value : object
    name : str
        The argument's name.
    choices : iterable
        The allowed values (strings, usually).
    key : callable, optional
        Normalise ``value`` before the comparison, e.g. ``str.lower``.
    what : str, optional
        What a choice is, for the message: ``"unknown feature kind 'relu': kind must be one of (...)"``.
    allowed : str, optional
        The requirement in words, after "``name`` must" (default ``"be one of (...)"``).

    Raises
    ------
    TypeError
        All choices are strings and ``value`` is not one.
    ValueError
        ``value`` is not one of the choices.
    """
    options = tuple(choices)
    spec = allowed or f"be one of {options}"
    prefix = f"unknown {what} {value!r}: " if what else ""
    if all(isinstance(c, str) for c in options) and not isinstance(value, str):
        raise TypeError(f"{prefix}{name} must {spec}, got {describe(value)}")
    probe = key(value) if key is not None else value
    for option in options:
        if probe == option:
            return option
    raise ValueError(f"{prefix}{name} must {spec}, got {describe(value)}")


def check_rng(rng: Any, name: str = "rng", *, allow_seed: bool = False,
              allow_none: bool = False) -> np.random.Generator | None:
    """A ``numpy.random.Generator`` (an int seed too if ``allow_seed``; ``None`` if ``allow_none``).

    Returns the generator (a new one for a seed), or None. Raises TypeError otherwise, saying how
    to make one: ``np.random.default_rng(seed)``.
    """
    if rng is None:
        if allow_none:
            return None
        raise TypeError(f"{name} is required: pass a numpy Generator, np.random.default_rng(seed)"
                        + (", or an int seed" if allow_seed else ""))
    if isinstance(rng, np.random.Generator):
        return rng
    if allow_seed and _is_int(rng):
        if rng < 0:
            raise ValueError(f"{name} as a seed must be an integer >= 0, got {describe(rng)}")
        return np.random.default_rng(int(rng))
    spec = "a numpy Generator (np.random.default_rng(seed))" + (" or an int seed" if allow_seed else "")
    if allow_none:
        spec += " or None"
    raise TypeError(f"{name} must be {spec}, got {describe(rng)}")


def _shape_text(shape: Sequence[int | None]) -> str:
    parts = ["n" if s is None else str(s) for s in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def as_finite_array(a: Any, name: str, *, ndim: int | Sequence[int] | None = None,
                    shape: Sequence[int | None] | None = None, dtype: Any = np.float64) -> np.ndarray:
    """``a`` as a real array with only finite entries.

    Parameters
    ----------
    a : array_like
        Real numbers (ints or floats; not bools, strings or complex numbers).
    name : str
        The argument's name.
    ndim : int or sequence of int, optional
        Allowed numbers of dimensions.
    shape : sequence of int or None, optional
        Required shape; ``None`` entries match any length.
    dtype : numpy dtype or None, default float64
        The dtype returned. ``None`` keeps float32 and float64 as given and converts any other
        real dtype to float64 (the rule for callers that want to preserve single precision).

    Raises
    ------
    TypeError
        Not an array of real numbers.
    ValueError
        Wrong number of dimensions or shape, or a NaN or infinite entry.
    """
    arr = np.asarray(a)
    if arr.dtype.kind == "O":
        if not all(_is_real(x) for x in arr.flat):
            raise TypeError(f"{name} must be a real numeric array (numbers only), got {describe(a)}")
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a real numeric array, got {describe(a)}") from None
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a real numeric array (numbers only), got dtype {arr.dtype}"
                        + ("" if isinstance(a, np.ndarray) else f" from {describe(a)}"))
    if dtype is None:
        if arr.dtype not in (np.float32, np.float64):
            arr = arr.astype(np.float64)
    elif arr.dtype != dtype:
        arr = arr.astype(dtype)
    if ndim is not None:
        ndims = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in ndims:
            raise ValueError(f"{name} must have {' or '.join(map(str, ndims))} dimension(s), got shape {arr.shape}")
    if shape is not None:
        ok = arr.ndim == len(shape) and all(s is None or s == t for s, t in zip(shape, arr.shape))
        if not ok:
            raise ValueError(f"{name} must have shape {_shape_text(shape)}, got shape {arr.shape}")
    if arr.size and not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} contains NaN or infinite values ({bad} of {arr.size} entries); "
                         "only finite numbers are allowed")
    return arr


def freeze(arrays: T) -> T:
    """Make NumPy arrays read-only (``setflags(write=False)``) and return them.

    For results that a cache hands out to every caller: a student who writes into one would
    otherwise change what the next caller gets. ``arrays`` is one array or a tuple/list of them
    (other items are left alone). Copy an array (``arr.copy()``) to modify it.
    """
    items = arrays if isinstance(arrays, (tuple, list)) else (arrays,)
    for a in items:
        if isinstance(a, np.ndarray):
            a.setflags(write=False)
    return arrays


def check_instance(value: Any, name: str, types: type | tuple[type, ...], *, what: str | None = None) -> Any:
    """``value`` if it is an instance of ``types``; TypeError naming ``what`` is expected otherwise.

    >>> check_instance("abc", "text", str)
    'abc'
    """
    if isinstance(value, (bool, np.bool_)) and bool not in (types if isinstance(types, tuple) else (types,)):
        ok = False
    else:
        ok = isinstance(value, types)
    if not ok:
        if what is None:
            names = [t.__name__ for t in (types if isinstance(types, tuple) else (types,))]
            what = "a " + " or a ".join(names)
        raise TypeError(f"{name} must be {what}, got {describe(value)}")
    return value
