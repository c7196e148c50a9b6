"""Printing a measured number with its uncertainty, the same way in every lecture."""
from __future__ import annotations

import math

from course_utils.core.validation import check_float, check_int


def format_mean_spread(mean: float, spread: float, sig: int = 2, *, spread_name: str = "spread",
                       exact_format: str = ".4f") -> str:
    """``"mean ± spread"``: the spread to ``sig`` significant digits, the mean to the same decimals.

    A mean is known only to about its spread (a standard error, a standard deviation over folds):
    digits beyond it are noise. The spread is rounded first, so 0.00997 with two digits is 0.010.

    Parameters
    ----------
    mean : float, finite
    spread : float, finite and >= 0
    sig : int >= 1, significant digits of the spread
    spread_name : str, the spread's name in error messages (``"stderr"``, ``"std"``)
    exact_format : str, format of the mean when the spread is 0 (an exact value), e.g. ``".4f"`` or ``"g"``

    >>> format_mean_spread(0.266019, 0.070023)
    '0.266 ± 0.070'
    >>> format_mean_spread(0.9381, 0.00997)
    '0.938 ± 0.010'
    """
    mean = check_float(mean, "mean")
    spread = check_float(spread, spread_name, ge=0, allowed=f"be a finite number, {spread_name} >= 0")
    sig = check_int(sig, "sig", minimum=1)
    if spread == 0:
        return f"{mean:{exact_format}} ± 0"
    rounded = float(f"{spread:.{sig - 1}e}")
    decimals = max(0, sig - 1 - math.floor(math.log10(rounded)))
    return f"{mean:.{decimals}f} ± {spread:.{decimals}f}"
