"""Lecture 2 — the sparsity map: which unconstrained optima w* give an exact zero on the L1 ball.

For the loss ``(w - w*)ᵀ H (w - w*)`` and the constraint ``||w||₁ <= t`` in 2-D, the constrained
optimum is the corner ``c`` exactly when ``-∇f(c) = 2H(w* - c)`` lies in the normal cone ``N(c)`` of
the ball at ``c``, i.e. when ``w* ∈ c + H⁻¹ N(c)``. At the corner ``σ t e_i`` the normal cone is
spanned by ``σ e_i + e_j`` and ``σ e_i - e_j`` (the normals of its two edges), so each region is a
wedge with apex ``c`` spanned by ``H⁻¹(σ e_i ± e_j)``.

``project_l1_ball`` and ``projected_gradient_l1`` are an independent, scipy-free check of the map.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from course_utils.core.validation import as_finite_array, check_float, check_int, freeze
from course_utils.regularization.norms import _check_quadratic


def scaled_hessian(corr: float, scale2: float = 1.0) -> np.ndarray:
    """``H = D C D`` with ``C = [[1, corr], [corr, 1]]`` and ``D = diag(1, scale2)``.

    Two features with correlation ``corr`` whose standard deviations are 1 and ``scale2``.
    """
    corr = check_float(corr, "corr", gt=-1, lt=1, allowed="lie strictly between -1 and 1 (a feature correlation)")
    scale2 = check_float(scale2, "scale2", gt=0)
    return np.array([[1.0, corr * scale2], [corr * scale2, scale2 ** 2]])


def _corners(t: float) -> np.ndarray:
    return t * np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])


def corner_cone_directions(H) -> np.ndarray:
    """Shape (4, 2, 2): for each corner (+e1, +e2, -e1, -e2) the two edge directions ``H⁻¹(σ e_i ± e_j)``."""
    H, _ = _check_quadratic(H, np.zeros(2))
    Hinv = np.linalg.inv(H)
    out = np.empty((4, 2, 2))
    for k, (i, s) in enumerate(((0, 1.0), (1, 1.0), (0, -1.0), (1, -1.0))):
        for m, sign in enumerate((1.0, -1.0)):
            n = np.zeros(2)
            n[i] = s
            n[1 - i] = sign
            out[k, m] = Hinv @ n
    return out


def corner_region_polygons(H, t: float, *, reach: float = 60.0, n_arc: int = 17) -> np.ndarray:
    """Shape (4, n_arc + 1, 2): the four wedges ``c + H⁻¹ N(c)`` as polygons (the apex, then an arc).

    Each wedge (opening below 180°: H⁻¹ is positive definite and N(c) is a right angle) is cut at
    radius ``reach`` around its apex: the apex and ``n_arc`` points on the arc from one edge to the
    other. Clipped to any plot window within about ``reach / 2`` of the corners it is the wedge.
    """
    t = check_float(t, "the budget t", ge=0)
    reach = check_float(reach, "reach", gt=0)
    n_arc = check_int(n_arc, "n_arc", minimum=2)
    dirs = corner_cone_directions(H)
    apex = _corners(t)
    out = np.empty((4, n_arc + 1, 2))
    for k in range(4):
        a1 = np.arctan2(dirs[k, 0, 1], dirs[k, 0, 0])
        a2 = np.arctan2(dirs[k, 1, 1], dirs[k, 1, 0])
        delta = (a2 - a1 + np.pi) % (2 * np.pi) - np.pi        # the short way round: the wedge's inside
        ang = a1 + delta * np.linspace(0.0, 1.0, n_arc)
        out[k, 0] = apex[k]
        out[k, 1:] = apex[k] + reach * np.stack([np.cos(ang), np.sin(ang)], axis=1)
    return out


def corner_of(H, w_star, t: float, *, margin: float = 0.0) -> int:
    """Index (0..3: +e1, +e2, -e1, -e2) of the corner that is the constrained optimum, or -1.

    The test is the KKT condition ``σ g_i >= |g_j| + margin·(|g_i| + |g_j|)`` with ``g = H(w* - c)``;
    a positive ``margin`` only accepts points well inside a wedge, a negative one also those near it.
    For ``t = 0`` every w* maps to the corner 0 (the ball is a point): returns 0.
    """
    H, w_star = _check_quadratic(H, w_star)
    t = check_float(t, "the budget t", ge=0)
    if t == 0:
        return 0
    for k, c in enumerate(_corners(t)):
        g = H @ (w_star - c)
        i = 0 if c[0] != 0 else 1
        s = 1.0 if c[i] > 0 else -1.0
        if s * g[i] >= abs(g[1 - i]) + margin * (abs(g[i]) + abs(g[1 - i])):
            return k
    return -1


def sparse_mask(H, t: float, grid) -> np.ndarray:
    """Boolean array over ``grid`` (shape (..., 2) of w* values): True where the L1 optimum is a corner."""
    H, _ = _check_quadratic(H, np.zeros(2))
    t = check_float(t, "the budget t", ge=0)
    grid = as_finite_array(grid, "grid")
    if grid.shape[-1] != 2:
        raise ValueError(f"grid must have shape (..., 2), got {grid.shape}")
    mask = np.zeros(grid.shape[:-1], dtype=bool)
    if t == 0:
        return ~mask                      # the ball is the point 0: both coordinates are 0
    for c in _corners(t):
        g = (grid - c) @ H.T
        i = 0 if c[0] != 0 else 1
        s = 1.0 if c[i] > 0 else -1.0
        mask |= s * g[..., i] >= np.abs(g[..., 1 - i])
    return mask


def project_l1_ball(v, t: float) -> np.ndarray:
    """Euclidean projection of a vector onto ``{||w||₁ <= t}`` (sort-based, Duchi et al. 2008)."""
    v = as_finite_array(v, "v")
    t = check_float(t, "the budget t", ge=0)
    if np.abs(v).sum() <= t:
        return v.copy()
    if t == 0:
        return np.zeros_like(v)
    u = np.sort(np.abs(v))[::-1]
    css = np.cumsum(u)
    k = np.arange(1, u.size + 1)
    rho = int(np.nonzero(u * k > css - t)[0][-1])
    theta = (css[rho] - t) / (rho + 1)
    return np.sign(v) * np.maximum(np.abs(v) - theta, 0.0)


def _project_rows_2d(V: np.ndarray, t: float) -> np.ndarray:
    """Row-wise projection of (m, 2) points onto the 2-D L1 ball (closed form of the sort-based rule)."""
    a = np.abs(V)
    hi, lo = a.max(axis=1), a.min(axis=1)
    theta = np.where(hi - lo >= t, hi - t, (hi + lo - t) / 2)
    theta = np.where(a.sum(axis=1) <= t, 0.0, theta)
    return np.sign(V) * np.maximum(a - theta[:, None], 0.0)


def projected_gradient_l1(H, w_star, t: float, *, n_iter: int = 3000) -> np.ndarray:
    """``min (w - w*)ᵀH(w - w*)`` on the L1 ball by projected gradient (step 1/L), from w = 0.

    ``w_star`` of shape (2,) or (m, 2): many problems at once (rows), the same H and t.
    """
    H, _ = _check_quadratic(H, np.zeros(2))
    W = as_finite_array(w_star, "w_star")
    if W.shape[-1] != 2 or W.ndim > 2:
        raise ValueError(f"w_star must have shape (2,) or (m, 2), got {W.shape}")
    t = check_float(t, "the budget t", ge=0)
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    step = 1.0 / (2 * float(np.linalg.eigvalsh(H)[-1]))
    Ws = np.atleast_2d(W)
    w = np.zeros_like(Ws)
    for _ in range(n_iter):
        w = _project_rows_2d(w - step * 2 * (w - Ws) @ H.T, t)
    return w.reshape(W.shape)


@dataclass
class SparsityMap:
    """The sparsity map of the L1 ball in a window ``[-half, half]²`` of w* values."""

    H: np.ndarray
    t: float
    polygons: np.ndarray      # (4, 3, 2)
    fraction: float           # share of the window (grid points) whose optimum is a corner


_MAP_1D = np.linspace(-3.5, 3.5, 140)   # an even count: no grid point sits exactly on a wedge edge
_MAP_GRID = np.stack(np.meshgrid(_MAP_1D, _MAP_1D), axis=-1)


def compute_sparsity_map(t: float = 1.0, corr: float = 0.5, scale2: float = 1.0) -> SparsityMap:
    """The four corner wedges for ``H = scaled_hessian(corr, scale2)`` and the sparse share of [-3.5, 3.5]²."""
    t = check_float(t, "the budget t", ge=0)
    corr = check_float(corr, "corr")
    scale2 = check_float(scale2, "scale2")
    return _sparsity_map(float(t), float(corr), float(scale2))


@lru_cache(maxsize=1024)
def _sparsity_map(t: float, corr: float, scale2: float) -> SparsityMap:
    H = scaled_hessian(corr, scale2)
    polygons = corner_region_polygons(H, t)
    return SparsityMap(freeze(H), t, freeze(polygons), float(sparse_mask(H, t, _MAP_GRID).mean()))


def sparse_share(t: float, corr: float = 0.0, scale2: float = 1.0, *, half: float = 3.5, n: int = 1200) -> float:
    """Share of the window ``[-half, half]²`` of w* whose L1 optimum has an exact zero, by the midpoint rule
    on an ``n × n`` grid of cell centres (error well below 0.1 percentage point at n = 1200). For
    ``H = I`` it is exactly ``(1 - t/half)²`` (``t <= half``), see ``sparse_share_identity``."""
    t = check_float(t, "the budget t", ge=0)
    half = check_float(half, "half", gt=0)
    h = 2 * half / n
    g1 = np.linspace(-half + h / 2, half - h / 2, n)
    H = scaled_hessian(check_float(corr, "corr"), check_float(scale2, "scale2"))
    total = 0
    for row in np.array_split(g1, 8):                  # blocks: bounded memory
        grid = np.stack(np.meshgrid(g1, row), axis=-1)
        total += int(sparse_mask(H, t, grid).sum())
    return total / (n * n)


def sparse_share_identity(t: float, half: float = 3.5) -> float:
    """Exact share for ``H = I``: the map is ``||w*₁| − |w*₂|| ≥ t``, in each quadrant of the window two
    triangles of legs ``half − t``: share ``(1 − t/half)²``."""
    t = check_float(t, "the budget t", ge=0)
    return max(1.0 - t / half, 0.0) ** 2


def _one_zero(view, t: float) -> bool:
    from course_utils.regularization.constrained import constrained_least_squares

    w = constrained_least_squares(view.H, view.w_star, t, view.norm, l1_ratio=view.l1_ratio).w
    return bool(np.any(w == 0.0) and np.any(w != 0.0))


def sparse_budget_intervals(view, n_bisect: int = 30) -> list[tuple[float, float]]:
    """Budget intervals on which exactly one coordinate of the constrained optimum is 0: runs of the path
    grid, each edge refined by bisection between its two grid neighbours (the shading ends where the
    zero really ends, not half-way to the next grid point)."""
    ts, ws = view.path_t, view.path_w
    sparse = np.any(ws == 0.0, axis=1) & np.any(ws != 0.0, axis=1)
    out = []
    i = 0
    while i < len(ts):
        if not sparse[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(ts) and sparse[j + 1]:
            j += 1
        edges = []
        for inside, outside in ((i, i - 1), (j, j + 1)):
            if outside < 0 or outside >= len(ts):
                edges.append(float(ts[inside]))
                continue
            a, b = float(ts[inside]), float(ts[outside])      # a: sparse, b: not
            for _ in range(n_bisect):
                m = 0.5 * (a + b)
                a, b = (m, b) if _one_zero(view, m) else (a, m)
            edges.append(a)
        out.append((edges[0], edges[1]))
        i = j + 1
    return out
