"""Lecture 2 — descent trajectories with a step size (GD, subgradient, ISTA, FISTA) and cached contours.

``trajectory`` adds FISTA (Beck & Teboulle 2009) to :func:`~course_utils.regularization.descent_path`
and takes the step as a multiple of ``1/L``. ``level_segments`` turns a grid into contour line
segments once (cached by the caller's key), so a widget changes a ``LineCollection``'s data instead
of making a new contour set on every move.
"""
from __future__ import annotations

from typing import Literal

import numpy as np

from course_utils.core.validation import as_finite_array, check_choice, check_float, check_int
from course_utils.regularization.constrained import descent_path
from course_utils.regularization.norms import _check_quadratic, _soft

DESCENT_METHODS = ("gd", "subgradient", "ista", "fista")


def lipschitz_constant(H, lam: float = 0.0, method: str = "ista") -> float:
    """``L`` of the smooth part's gradient: ``2 λ_max(H)`` (+ ``2 lam`` for GD on the L2 penalty)."""
    H, _ = _check_quadratic(H, np.zeros(2))
    lam = check_float(lam, "the penalty lam", ge=0)
    method = check_choice(method, "method", DESCENT_METHODS)
    return 2 * float(np.linalg.eigvalsh(H)[-1]) + (2 * lam if method == "gd" else 0.0)


def trajectory(H, w_star, lam: float, *, method: Literal["gd", "subgradient", "ista", "fista"] = "ista",
               w0=(0.0, 0.0), step_factor: float = 1.0, n_steps: int = 60) -> np.ndarray:
    """Iterates ``(n_steps + 1, 2)`` of ``method`` on ``f + lam pen`` with step ``step_factor / L``.

    ``"gd"`` is gradient descent on ``f + lam ||w||²``, i.e. the *weight-decay* update
    ``w <- (1 - 2 η lam) w - η ∇f(w)``; ``"fista"`` is ISTA with Nesterov's momentum
    (``t_{k+1} = (1 + sqrt(1 + 4 t_k²)) / 2``). Gradient descent converges for ``step_factor < 2``.
    """
    H, w_star = _check_quadratic(H, w_star)
    lam = check_float(lam, "the penalty lam", ge=0)
    method = check_choice(method, "method", DESCENT_METHODS)
    step_factor = check_float(step_factor, "step_factor", gt=0)
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    step = step_factor / lipschitz_constant(H, lam, method)
    if method != "fista":
        path = descent_path(H, w_star, lam, method=method, w0=w0, step=step, n_steps=n_steps)
    else:
        w = as_finite_array(w0, "w0", shape=(2,)).copy()
        path = np.empty((n_steps + 1, 2))
        path[0] = w
        v, tk = w.copy(), 1.0
        for k in range(1, n_steps + 1):
            w_new = _soft(v - step * 2 * H @ (v - w_star), step * lam)
            t_new = (1 + np.sqrt(1 + 4 * tk * tk)) / 2
            v = w_new + ((tk - 1) / t_new) * (w_new - w)
            w, tk = w_new, t_new
            path[k] = w
    # a divergent run (step_factor >= 2) is clipped far outside the picture: finite for drawing
    return np.clip(path, -1e6, 1e6)


def level_segments(grid, values, levels) -> list[np.ndarray]:
    """Contour line segments of ``values`` on ``grid`` (shape (m, m, 2)) at ``levels``: a list of (k, 2) arrays."""
    import contourpy

    grid = as_finite_array(grid, "grid")
    values = as_finite_array(values, "values")
    gen = contourpy.contour_generator(grid[..., 0], grid[..., 1], values, line_type="Separate")
    segs: list[np.ndarray] = []
    for level in np.atleast_1d(levels):
        segs.extend(np.asarray(s) for s in gen.lines(float(level)))
    return segs
