"""Lecture 1 — Performer kernels: softmax attention, random features and FAVOR+.

Pure computation only (no plotting). Everything follows Choromanski et al.,
*Rethinking Attention with Performers* (ICLR 2021, arXiv 2009.14794):

* :func:`softmax_kernel` — SM(x, y) = exp(xᵀy)                               (section 4)
* :func:`gaussian_random_matrix` — i.i.d. or Haar-orthogonal ω's, rows ~ N(0, I_d)  (section 5)
* :func:`random_features` — trigonometric, positive and hyperbolic feature maps   (section 4)
* :func:`kernel_estimator_mse` — Lemma 2's closed forms; :func:`orthogonal_mse_bound` — Theorem 2
* :func:`exact_attention`, :func:`favor_attention` — O(L²) and O(L·m·d) attention   (sections 1, 6)
* :func:`rff_features`, :func:`polynomial_features` — classic kernel-trick examples (sections 2, 3)

Conventions: attention weights are exp(qᵀk/√d), i.e. SM(q/d^¼, k/d^¼). ``m`` is always the
number of random vectors ω; trigonometric and hyperbolic maps have 2m features each.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: The feature kinds understood by :func:`random_features` and :func:`favor_attention`.
KINDS: tuple[str, ...] = ("trig", "positive", "hyperbolic")


# ----------------------------------------------------------------------------- validation
def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown feature kind {kind!r}; allowed kinds are {KINDS}")


def _check_m(m: int, name: str = "m") -> int:
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(m).__name__}")
    if m < 1:
        raise ValueError(f"{name} must be at least 1 (the number of random features), got {m}")
    return int(m)


def _as_finite(X, name: str, ndim: int | tuple[int, ...]) -> np.ndarray:
    arr = np.asarray(X)
    if not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    ndims = (ndim,) if isinstance(ndim, int) else ndim
    if arr.ndim not in ndims:
        raise ValueError(f"{name} must have {' or '.join(map(str, ndims))} dimension(s), got shape {arr.shape}")
    if arr.size and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite entries; all inputs must be finite")
    return arr


def _check_rng(rng) -> np.random.Generator:
    if rng is None:
        raise TypeError("rng is required: pass np.random.default_rng(seed) for reproducible features")
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator or an int seed, got {type(rng).__name__}")
    return rng


# ----------------------------------------------------------------------------- kernels
def softmax_kernel(x, y) -> np.ndarray | float:
    """The softmax kernel SM(x, y) = exp(xᵀy).

    Parameters
    ----------
    x : array, shape (d,) or (n, d)
    y : array, shape (d,) or (p, d)

    Returns
    -------
    float if both are vectors, else array of shape (n,), (p,) or (n, p): exp(x yᵀ).
    """
    x = _as_finite(x, "x", (1, 2))
    y = _as_finite(y, "y", (1, 2))
    if x.shape[-1] != y.shape[-1]:
        raise ValueError(f"x and y must have the same last dimension d, got {x.shape} and {y.shape}")
    out = np.exp(x @ y.T)
    return float(out) if out.ndim == 0 else out


def gaussian_kernel(X, Y, sigma: float = 1.0) -> np.ndarray:
    """Gaussian (RBF) kernel matrix exp(−‖x−y‖²/(2σ²)), shape (n, p) for X (n, d), Y (p, d)."""
    X = _as_finite(X, "X", 2)
    Y = _as_finite(Y, "Y", 2)
    if sigma <= 0:
        raise ValueError(f"sigma must be positive, got {sigma}")
    sq = (X * X).sum(1)[:, None] + (Y * Y).sum(1)[None, :] - 2 * X @ Y.T
    return np.exp(-np.maximum(sq, 0.0) / (2 * sigma**2))


def polynomial_features(X) -> np.ndarray:
    """Explicit feature map of the degree-2 kernel k(x, y) = (xᵀy)²  (section 2).

    φ(x) = vec(x xᵀ), so φ(x)ᵀφ(y) = Σ_ij x_i x_j y_i y_j = (xᵀy)².

    Parameters
    ----------
    X : array, shape (n, d)

    Returns
    -------
    array, shape (n, d²)
    """
    X = _as_finite(X, "X", 2)
    return (X[:, :, None] * X[:, None, :]).reshape(X.shape[0], -1)


def rff_features(X, omega, b) -> np.ndarray:
    """Random Fourier features of Rahimi & Recht (2007) for the Gaussian kernel exp(−‖x−y‖²/2).

    φ(x) = √(2/m) cos(Ωx + b), so E[φ(x)ᵀφ(y)] = exp(−‖x−y‖²/2).

    Parameters
    ----------
    X : array, shape (n, d)
    omega : array, shape (m, d), rows ~ N(0, I_d)
    b : array, shape (m,), uniform on [0, 2π)

    Returns
    -------
    array, shape (n, m)
    """
    X = _as_finite(X, "X", 2)
    omega = _as_finite(omega, "omega", 2)
    b = _as_finite(b, "b", 1)
    if omega.shape[1] != X.shape[1] or b.shape[0] != omega.shape[0]:
        raise ValueError(f"shapes do not match: X {X.shape}, omega {omega.shape}, b {b.shape}; "
                         "need omega (m, d) and b (m,)")
    return np.sqrt(2.0 / omega.shape[0]) * np.cos(X @ omega.T + b)


# ----------------------------------------------------------------------------- random matrices
def gaussian_random_matrix(m: int, d: int, *, orthogonal: bool, rng: np.random.Generator,
                           sign_fix: bool = True) -> np.ndarray:
    """m random vectors ω ∈ ℝᵈ as rows, each marginally N(0, I_d).

    Parameters
    ----------
    m : int ≥ 1
        Number of rows (random features).
    d : int ≥ 1
        Dimension.
    orthogonal : bool
        False: i.i.d. Gaussian rows. True: blocks of d exactly orthogonal rows (Haar-random
        orthonormal blocks from a QR decomposition, stacked ⌈m/d⌉ times, last block partial),
        each row rescaled to the norm of an independent N(0, I_d) vector (χ_d-distributed).
    rng : numpy Generator (or int seed)
    sign_fix : bool, default True
        Multiply the columns of Q by sign(diag(R)) so Q is Haar-distributed. ``False``
        reproduces the pitfall of the public reference implementations (LAPACK's sign
        convention makes Q non-uniform and the estimator biased); for teaching only.

    Returns
    -------
    array, shape (m, d)
    """
    m = _check_m(m)
    d = _check_m(d, "d")
    rng = _check_rng(rng)
    if not orthogonal:
        return rng.standard_normal((m, d))
    return _orthogonal_gaussian_batch(1, m, d, rng, sign_fix)[0]


def _orthogonal_gaussian_batch(n: int, m: int, d: int, rng: np.random.Generator, sign_fix: bool) -> np.ndarray:
    """n independent orthogonal Gaussian matrices (n, m, d), with one batched QR call."""
    n_blocks = -(-m // d)
    q, r = np.linalg.qr(rng.standard_normal((n * n_blocks, d, d)))
    if sign_fix:
        # Haar fix (Mezzadri 2007): multiply column i of q by sign(r_ii)
        q = q * np.sign(np.diagonal(r, axis1=1, axis2=2))[:, None, :]
    # rows = columns of q (as the reference code does); stack the blocks and keep m rows
    directions = np.swapaxes(q, 1, 2).reshape(n, n_blocks * d, d)[:, :m]
    norms = np.linalg.norm(rng.standard_normal((n, m, d)), axis=2)
    return directions * norms[:, :, None]


# ----------------------------------------------------------------------------- feature maps
def _log_positive_parts(X: np.ndarray, omega: np.ndarray, kind: str) -> np.ndarray:
    """log of the unnormalised positive/hyperbolic features: ±ωᵀx − ‖x‖²/2, shape (n, m or 2m)."""
    proj = X @ omega.T
    half_sq = 0.5 * np.einsum("ij,ij->i", X, X)[:, None]
    if kind == "positive":
        return proj - half_sq
    return np.concatenate([proj - half_sq, -proj - half_sq], axis=1)


def random_features(X, omega, kind: str) -> np.ndarray:
    """Random feature map φ with E[φ(x)ᵀφ(y)] = SM(x, y) = exp(xᵀy)  (Lemma 1, section 4).

    * ``"trig"``: φ(x) = exp(‖x‖²/2)/√m · (sin Ωx, cos Ωx)                       (2m features)
    * ``"positive"``: φ(x) = exp(−‖x‖²/2)/√m · exp(Ωx)                            (m features)
    * ``"hyperbolic"``: φ(x) = exp(−‖x‖²/2)/√(2m) · (exp(Ωx), exp(−Ωx))          (2m features)

    No stabilisation here (this is the textbook formula); :func:`favor_attention` stabilises.

    Parameters
    ----------
    X : array, shape (n, d) or (d,)
    omega : array, shape (m, d)
    kind : {"trig", "positive", "hyperbolic"}

    Returns
    -------
    array, shape (n, m) or (n, 2m) (a vector if X was a vector)
    """
    _check_kind(kind)
    X = _as_finite(X, "X", (1, 2))
    omega = _as_finite(omega, "omega", 2)
    vector = X.ndim == 1
    X2 = X[None, :] if vector else X
    if omega.shape[1] != X2.shape[1]:
        raise ValueError(f"omega must have shape (m, d) with d = {X2.shape[1]} (the last dimension of X), "
                         f"got {omega.shape}")
    m = omega.shape[0]
    if kind == "trig":
        proj = X2 @ omega.T
        h = np.exp(0.5 * np.einsum("ij,ij->i", X2, X2))[:, None] / np.sqrt(m)
        out = h * np.concatenate([np.sin(proj), np.cos(proj)], axis=1)
    else:
        scale = np.sqrt(m) if kind == "positive" else np.sqrt(2 * m)
        out = np.exp(_log_positive_parts(X2, omega, kind)) / scale
    return out[0] if vector else out


def kernel_estimate(x, y, omega, kind: str) -> float:
    """One random-feature estimate φ(x)ᵀφ(y) of SM(x, y), for vectors x, y of shape (d,)."""
    return float(random_features(x, omega, kind) @ random_features(y, omega, kind))


# ----------------------------------------------------------------------------- Lemma 2, Theorem 2
def kernel_estimator_mse(x, y, m: int, kind: str) -> float:
    """Mean squared error of the m-feature estimator of SM(x, y) with i.i.d. ω (Lemma 2).

    * trig:       1/(2m) · exp(‖x+y‖²) · SM⁻² · (1 − exp(−‖x−y‖²))²
    * positive:   1/m · exp(‖x+y‖²) · SM² · (1 − exp(−‖x+y‖²))
    * hyperbolic: ½ (1 − exp(−‖x+y‖²)) · MSE(positive)

    Parameters
    ----------
    x, y : array, shape (d,)
    m : int ≥ 1
    kind : {"trig", "positive", "hyperbolic"}
    """
    _check_kind(kind)
    m = _check_m(m)
    x = _as_finite(x, "x", 1)
    y = _as_finite(y, "y", 1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape (d,), got {x.shape} and {y.shape}")
    s = x + y
    dif = x - y
    sum_sq = float(s @ s)
    dif_sq = float(dif @ dif)
    log_sm = float(x @ y)
    if kind == "trig":
        return float(np.exp(sum_sq - 2 * log_sm) * (-np.expm1(-dif_sq)) ** 2 / (2 * m))
    pos = float(np.exp(sum_sq + 2 * log_sm) * (-np.expm1(-sum_sq)) / m)
    if kind == "positive":
        return pos
    return float(0.5 * (-np.expm1(-sum_sq)) * pos)


def orthogonal_mse_bound(x, y, m: int) -> float:
    """Theorem 2's upper bound on the MSE of orthogonal positive features (m ≤ d).

    MSE(ort+) ≤ MSE(+) − 2(m−1)/(m(d+2)) · (SM(x,y) − exp(−(‖x‖²+‖y‖²)/2))².
    """
    x = _as_finite(x, "x", 1)
    m = _check_m(m)
    if m > x.shape[0]:
        raise ValueError(f"Theorem 2 holds for m ≤ d; got m = {m} > d = {x.shape[0]}")
    d = x.shape[0]
    y = _as_finite(y, "y", 1)
    gap = math.exp(float(x @ y)) - math.exp(-0.5 * float(x @ x + y @ y))
    return kernel_estimator_mse(x, y, m, "positive") - 2 * (m - 1) / (m * (d + 2)) * gap**2


@dataclass
class MonteCarloMSE:
    """Monte-Carlo estimates of SM(x, y): ``estimates`` (n_trials,), their mean and MSE."""

    estimates: np.ndarray
    true_value: float
    mean: float
    mse: float
    mse_stderr: float


def monte_carlo_mse(x, y, m: int, kind: str, *, orthogonal: bool = False, n_trials: int = 2000,
                    rng: np.random.Generator, sign_fix: bool = True) -> MonteCarloMSE:
    """Draw ``n_trials`` independent feature sets and measure bias and MSE of φ(x)ᵀφ(y).

    Parameters
    ----------
    x, y : array, shape (d,)
    m : int, number of random vectors per estimate
    kind : feature kind
    orthogonal, sign_fix : passed to :func:`gaussian_random_matrix`
    n_trials : int, number of independent estimates
    rng : numpy Generator
    """
    _check_kind(kind)
    m = _check_m(m)
    n_trials = _check_m(n_trials, "n_trials")
    rng = _check_rng(rng)
    x = _as_finite(x, "x", 1)
    y = _as_finite(y, "y", 1)
    d = x.shape[0]
    if orthogonal:
        omegas = _orthogonal_gaussian_batch(n_trials, m, d, rng, sign_fix)
    else:
        omegas = rng.standard_normal((n_trials, m, d))
    flat = omegas.reshape(-1, d)
    fx = random_features(x[None, :], flat, kind)[0]
    fy = random_features(y[None, :], flat, kind)[0]
    # the features were normalised by 1/√(n_trials·m); each trial's estimate needs 1/√m
    pair = fx * fy
    if kind != "positive":  # (sin, cos) or (exp(+), exp(−)) halves: add them per ω
        pair = pair[: flat.shape[0]] + pair[flat.shape[0]:]
    prod = pair.reshape(n_trials, m).sum(1) * n_trials
    true = math.exp(float(x @ y))
    sq = (prod - true) ** 2
    return MonteCarloMSE(prod, true, float(prod.mean()), float(sq.mean()), float(sq.std(ddof=1) / np.sqrt(n_trials)))


# ----------------------------------------------------------------------------- attention
def _check_qkv(Q, K, V) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    Q = _as_finite(Q, "Q", 2)
    K = _as_finite(K, "K", 2)
    V = _as_finite(V, "V", 2)
    if Q.shape[1] != K.shape[1]:
        raise ValueError(f"Q and K must share the feature dimension d: Q {Q.shape}, K {K.shape}")
    if K.shape[0] != V.shape[0]:
        raise ValueError(f"K and V must have the same number of rows (keys): K {K.shape}, V {V.shape}")
    if min(Q.shape[0], K.shape[0], Q.shape[1]) < 1:
        raise ValueError(f"empty input: Q {Q.shape}, K {K.shape}, V {V.shape}")
    dtype = np.result_type(Q, K, V)
    return Q.astype(dtype, copy=False), K.astype(dtype, copy=False), V.astype(dtype, copy=False)


def exact_attention(Q, K, V, *, causal: bool = False, block_rows: int | None = None) -> np.ndarray:
    """Exact softmax attention softmax(QKᵀ/√d) V in O(L²·d) time  (section 1).

    Parameters
    ----------
    Q : array, shape (L, d)
    K : array, shape (L_k, d)
    V : array, shape (L_k, d_v)
    causal : bool
        Query i only attends to keys j ≤ i (needs L = L_k).
    block_rows : int, optional
        Process this many query rows at a time: same result, memory O(block_rows·L_k)
        instead of the full L×L_k score matrix (the default, the textbook algorithm).

    Returns
    -------
    array, shape (L, d_v)
    """
    Q, K, V = _check_qkv(Q, K, V)
    L = Q.shape[0]
    if causal and L != K.shape[0]:
        raise ValueError(f"causal attention needs as many queries as keys, got {L} and {K.shape[0]}")
    if block_rows is None:
        block_rows = L
    block_rows = _check_m(block_rows, "block_rows")
    scale = 1.0 / math.sqrt(Q.shape[1])
    out = np.empty((L, V.shape[1]), dtype=Q.dtype)
    cols = np.arange(K.shape[0])
    for start in range(0, L, block_rows):
        stop = min(L, start + block_rows)
        S = Q[start:stop] @ K.T  # the (rows × L_k) score block: O(L²) memory when unblocked
        S *= scale
        if causal:
            for r0 in range(0, stop - start, 1024):  # mask in slices: no extra L×L boolean array
                r1 = min(stop - start, r0 + 1024)
                rows = np.arange(start + r0, start + r1)
                np.putmask(S[r0:r1], cols[None, :] > rows[:, None], -np.inf)
        S -= S.max(axis=1, keepdims=True)
        np.exp(S, out=S)
        S /= S.sum(axis=1, keepdims=True)
        out[start:stop] = S @ V
        del S
    return out


def attention_matrix(Q, K, *, causal: bool = False) -> np.ndarray:
    """The exact attention weights softmax(QKᵀ/√d), shape (L, L_k) — for small L (plots)."""
    Q, K, _ = _check_qkv(Q, K, np.zeros((np.shape(K)[0], 1), dtype=np.float32))
    return exact_attention(Q, K, np.eye(K.shape[0], dtype=Q.dtype), causal=causal)


def favor_features(Q, K, omega, kind: str = "positive") -> tuple[np.ndarray, np.ndarray]:
    """Stabilised feature matrices Q′, K′ used by FAVOR+ (section 6).

    Inputs are scaled by d^(−¼) so that φ(q)ᵀφ(k) estimates exp(qᵀk/√d). Stabilisation
    multiplies each row of Q′ by its own positive constant and all of K′ by one constant;
    both cancel in D⁻¹(Q′(K′ᵀV)), so the attention output is the same as with the plain
    features, but exp never overflows:

    * positive / hyperbolic: subtract max over features of (±ωᵀq − ‖q‖²/2) per query row,
      and the max over all keys and features of (±ωᵀk − ‖k‖²/2) for the keys;
    * trig: the factor exp(‖q‖²/2) is dropped per query row, and exp(‖k‖²/2 − max_j ‖k_j‖²/2)
      is kept for the keys.

    Parameters
    ----------
    Q : array, shape (L, d)
    K : array, shape (L_k, d)
    omega : array, shape (m, d)
    kind : {"trig", "positive", "hyperbolic"}

    Returns
    -------
    Qp : array, shape (L, r), Kp : array, shape (L_k, r) with r = m or 2m.
    """
    _check_kind(kind)
    Q, K, _ = _check_qkv(Q, K, np.zeros((np.shape(K)[0], 1), dtype=np.float32))
    omega = _as_finite(omega, "omega", 2)
    if omega.shape[1] != Q.shape[1]:
        raise ValueError(f"omega must have shape (m, d) with d = {Q.shape[1]}, got {omega.shape}")
    omega = omega.astype(Q.dtype, copy=False)
    scale = Q.shape[1] ** -0.25
    if kind == "trig":
        Qs, Ks = Q * scale, K * scale
        pq = Qs @ omega.T
        Qp = np.concatenate([np.sin(pq), np.cos(pq)], axis=1)
        pk = Ks @ omega.T
        half_sq = 0.5 * np.einsum("ij,ij->i", Ks, Ks)
        Kp = np.exp(half_sq - half_sq.max())[:, None] * np.concatenate([np.sin(pk), np.cos(pk)], axis=1)
        return Qp, Kp
    # One matrix product gives the log-features ±ωᵀx·d^(−¼) − ‖x‖²/(2√d):
    # [X, ‖x‖²] @ [±d^(−¼)ω, −1/(2√d)]ᵀ  (no separate pass for the norms)
    signs = (1.0,) if kind == "positive" else (1.0, -1.0)
    W = np.concatenate([np.concatenate([sg * scale * omega, np.full((omega.shape[0], 1), -0.5 * scale**2, dtype=Q.dtype)],
                                       axis=1) for sg in signs], axis=0)
    feats = []
    for X, per_row in ((Q, True), (K, False)):
        X_aug = np.empty((X.shape[0], X.shape[1] + 1), dtype=X.dtype)
        X_aug[:, :-1] = X
        X_aug[:, -1] = np.einsum("ij,ij->i", X, X)
        logf = X_aug @ W.T
        logf -= logf.max(axis=1, keepdims=True) if per_row else logf.max()
        np.exp(logf, out=logf)
        feats.append(logf)
    return feats[0], feats[1]


def _favor_from_features(Qp: np.ndarray, Kp: np.ndarray, V: np.ndarray, causal: bool, chunk: int) -> np.ndarray:
    """D⁻¹ Q′(K′ᵀ[V, 1]) (bidirectional) or its causal prefix-sum version."""
    Vx = np.concatenate([V, np.ones((V.shape[0], 1), dtype=V.dtype)], axis=1)  # [V, 1]: numerator and D at once
    if not causal:
        num = Qp @ (Kp.T @ Vx)  # (L, r) @ (r, d_v+1): never an L×L array
    else:
        L = Qp.shape[0]
        num = np.empty((L, Vx.shape[1]), dtype=Qp.dtype)
        state = np.zeros((Kp.shape[1], Vx.shape[1]), dtype=Qp.dtype)  # G = Σ_{j before chunk} K′_jᵀ[V_j, 1]
        for s in range(0, L, chunk):
            e = min(L, s + chunk)
            q, k, v = Qp[s:e], Kp[s:e], Vx[s:e]
            within = np.tril(q @ k.T)  # (chunk × chunk): terms j ≤ i inside this chunk
            num[s:e] = q @ state + within @ v
            state += k.T @ v  # advance the prefix sum by one chunk
    den = num[:, -1:]
    out = num[:, :-1]
    tiny = np.finfo(out.dtype).tiny
    # positive features give den > 0; guard only against exact underflow to 0 (0/0)
    den = np.where(den == 0, tiny, den)
    return out / den


def favor_attention(Q, K, V, *, m: int = 256, kind: str = "positive", orthogonal: bool = True,
                    causal: bool = False, rng: np.random.Generator | int | None = None,
                    omega: np.ndarray | None = None, chunk_size: int = 128) -> np.ndarray:
    """FAVOR+ approximation of softmax attention in O(L·m·d) time  (section 6).

    Att ≈ D⁻¹ Q′(K′ᵀV), D = diag(Q′(K′ᵀ1)); causal: row i uses the prefix sum
    G_i = Σ_{j≤i} K′_jᵀ[V_j, 1], computed chunk by chunk (a running m×(d_v+1) state plus a
    chunk×chunk triangle inside each chunk). Extra memory O(L·m + m·d + chunk²); no L×L array.

    Parameters
    ----------
    Q : array, shape (L, d)
    K : array, shape (L_k, d)
    V : array, shape (L_k, d_v)
    m : int ≥ 1, default 256
        Number of random vectors ω (features: m for "positive", 2m otherwise).
    kind : {"positive", "hyperbolic", "trig"}
    orthogonal : bool, default True
        Orthogonal random features (Haar-correct) instead of i.i.d.
    causal : bool
        Query i attends to keys j ≤ i only (needs L = L_k).
    rng : numpy Generator or int seed
        Required unless ``omega`` is given.
    omega : array, shape (m', d), optional
        Use these random vectors (then ``m``, ``orthogonal`` and ``rng`` are ignored).
    chunk_size : int, default 128
        Rows per chunk of the causal prefix sum.

    Returns
    -------
    array, shape (L, d_v)
    """
    _check_kind(kind)
    Q, K, V = _check_qkv(Q, K, V)
    chunk_size = _check_m(chunk_size, "chunk_size")
    if causal and Q.shape[0] != K.shape[0]:
        raise ValueError(f"causal attention needs as many queries as keys, got {Q.shape[0]} and {K.shape[0]}")
    if omega is None:
        m = _check_m(m)
        omega = gaussian_random_matrix(m, Q.shape[1], orthogonal=orthogonal, rng=_check_rng(rng))
    Qp, Kp = favor_features(Q, K, omega, kind)
    return _favor_from_features(Qp, Kp, V, causal, chunk_size)


def favor_attention_matrix(Q, K, omega, kind: str = "positive", *, causal: bool = False) -> np.ndarray:
    """The L×L_k matrix D⁻¹ Q′K′ᵀ that FAVOR+ implicitly applies to V — for small L (plots)."""
    Qp, Kp = favor_features(Q, K, omega, kind)
    A = Qp @ Kp.T
    if causal:
        A = np.tril(A)
    den = A.sum(axis=1, keepdims=True)
    return A / np.where(den == 0, np.finfo(A.dtype).tiny, den)


def relative_error(approx, exact) -> float:
    """‖approx − exact‖_F / ‖exact‖_F."""
    approx = np.asarray(approx, dtype=float)
    exact = np.asarray(exact, dtype=float)
    if approx.shape != exact.shape:
        raise ValueError(f"shapes differ: {approx.shape} vs {exact.shape}")
    return float(np.linalg.norm(approx - exact) / np.linalg.norm(exact))


def format_mean_se(mean: float, stderr: float, sig: int = 2) -> str:
    """``"mean ± stderr"`` with the standard error to ``sig`` significant digits and the mean to the same decimals.

    A Monte-Carlo mean is only known to about its standard error: digits beyond it are noise.
    A zero standard error (an exact value) prints the mean with four decimals.
    """
    mean, stderr = float(mean), float(stderr)
    if not (math.isfinite(mean) and math.isfinite(stderr)) or stderr < 0:
        raise ValueError(f"mean and stderr must be finite and stderr >= 0, got {mean!r}, {stderr!r}")
    sig = _check_m(sig, "sig")
    if stderr == 0:
        return f"{mean:.4f} ± 0"
    decimals = max(0, sig - 1 - math.floor(math.log10(stderr)))
    return f"{mean:.{decimals}f} ± {stderr:.{decimals}f}"


def attention_flops(L: int, d: int, m: int | None = None) -> float:
    """Floating-point operations of the matrix products (2 per multiply-add).

    Exact (m=None): QKᵀ and AV, 4·L²·d. FAVOR+ (bidirectional, positive): QΩᵀ, KΩᵀ, K′ᵀV, Q′(K′ᵀV),
    8·L·m·d (the +1 column for D and the exp's are not counted).
    """
    if m is None:
        return 4.0 * L * L * d
    return 8.0 * L * m * d


# ============================================================================ lecture computations
# The compute_* functions below feed the notebook's figures and widgets (course_utils.performer_plots).

@dataclass
class PolynomialDemo:
    """Section 2: the kernel (xᵀy)² computed directly and through its explicit feature map."""

    kernel: np.ndarray          # (n, n) (xᵀy)²
    via_features: np.ndarray    # (n, n) φ(x)ᵀφ(y)
    n_features: int             # d²
    max_abs_difference: float


def compute_polynomial_demo(n: int = 5, d: int = 3, *, rng: np.random.Generator) -> PolynomialDemo:
    """Compare (xᵀy)² with φ(x)ᵀφ(y), φ(x) = vec(xxᵀ), on n random points of ℝᵈ."""
    rng = _check_rng(rng)
    X = rng.standard_normal((_check_m(n, "n"), _check_m(d, "d")))
    kernel = (X @ X.T) ** 2
    phi = polynomial_features(X)
    via = phi @ phi.T
    return PolynomialDemo(kernel, via, phi.shape[1], float(np.abs(kernel - via).max()))


@dataclass
class RFFError:
    """Section 3: relative Frobenius error of the random-Fourier-feature kernel matrix vs m."""

    m_values: np.ndarray      # (k,)
    errors: np.ndarray        # (k,) mean over trials of ‖K̂ − K‖_F / ‖K‖_F
    errors_std: np.ndarray    # (k,) standard deviation over trials
    errors_stderr: np.ndarray  # (k,) standard error of the mean: sample std (ddof=1) / √n_trials
    trial_errors: np.ndarray  # (n_trials, k) the error of every trial
    X: np.ndarray             # (n, d) the points
    exact: np.ndarray         # (n, n) Gaussian kernel matrix
    omegas: np.ndarray        # (n_trials, m_max, d)
    phases: np.ndarray        # (n_trials, m_max)


def compute_rff_error(m_values=tuple(2**k for k in range(12)), *, n: int = 40, d: int = 3, n_trials: int = 8,
                      seed: int = 0) -> RFFError:
    """Kernel-matrix error of random Fourier features for each m (the first m of m_max features)."""
    m_values = np.asarray(m_values)
    if m_values.ndim != 1 or m_values.size == 0 or np.any(m_values < 1) or not np.issubdtype(m_values.dtype, np.integer):
        raise ValueError(f"m_values must be a non-empty 1-d sequence of integers ≥ 1, got {m_values!r}")
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(_check_m(n, "n"), _check_m(d, "d")))
    exact = gaussian_kernel(X, X)
    m_max = int(m_values.max())
    omegas = rng.standard_normal((n_trials, m_max, d))
    phases = rng.uniform(0, 2 * np.pi, size=(n_trials, m_max))
    errs = np.empty((n_trials, m_values.size))
    for t in range(n_trials):
        Z = np.cos(X @ omegas[t].T + phases[t])  # (n, m_max); √(2/m) applied per m below
        for i, m in enumerate(m_values):
            approx = (2.0 / m) * Z[:, :m] @ Z[:, :m].T
            errs[t, i] = np.linalg.norm(approx - exact) / np.linalg.norm(exact)
    stderr = errs.std(0, ddof=1) / math.sqrt(n_trials) if n_trials > 1 else np.full(m_values.size, np.nan)
    return RFFError(m_values, errs.mean(0), errs.std(0), stderr, errs, X, exact, omegas, phases)


def rff_loglog_slope(result: RFFError, m_min: int = 16) -> tuple[float, float]:
    """Slope of log(error) against log(m) for m ≥ ``m_min``: mean over trials and its standard error.

    Each trial's errors get their own least-squares line; the slopes are independent across
    trials, so their sample std (ddof=1) / √n_trials is the standard error of the mean slope.
    1/√m convergence means a slope of −1/2.
    """
    keep = result.m_values >= m_min
    if keep.sum() < 2:
        raise ValueError(f"need at least two m values ≥ m_min = {m_min}, got {result.m_values.tolist()}")
    logm = np.log(result.m_values[keep])
    slopes = np.array([np.polyfit(logm, np.log(e[keep]), 1)[0] for e in result.trial_errors])
    se = float(slopes.std(ddof=1) / math.sqrt(slopes.size)) if slopes.size > 1 else math.nan
    return float(slopes.mean()), se


def rff_kernel_matrix(result: RFFError, m: int, trial: int = 0) -> np.ndarray:
    """The RFF approximation K̂ (n, n) with the first m features of one trial of ``result``."""
    m = _check_m(m)
    if m > result.omegas.shape[1]:
        raise ValueError(f"m = {m} exceeds the {result.omegas.shape[1]} precomputed features")
    phi = rff_features(result.X, result.omegas[trial, :m], result.phases[trial, :m])
    return phi @ phi.T


@dataclass
class SoftmaxMSECurves:
    """Section 4: Lemma 2 against Monte Carlo, as a function of the kernel value SM(x, y)."""

    kernel_values: np.ndarray          # (k,) SM(x, y) for each pair
    theory: dict[str, np.ndarray]      # kind -> (k,) Lemma 2 MSE
    monte_carlo: dict[str, np.ndarray]  # kind -> (k,) measured MSE
    monte_carlo_stderr: dict[str, np.ndarray]  # kind -> (k,) standard error of the measured MSE
    m: int
    radius: float
    n_trials: int                      # Monte-Carlo draws per point


def compute_softmax_mse_curves(*, m: int = 16, d: int = 16, radius: float = 1.0, n_points: int = 9,
                               n_trials: int = 2000, seed: int = 0) -> SoftmaxMSECurves:
    """MSE of the three estimators of SM(x, y) for ‖x‖ = ‖y‖ = radius and angles from 0 to π.

    SM(x, y) = exp(r² cos θ) then sweeps from near exp(r²) down to near exp(−r²) (small = small attention
    weight); the angles are ``n_points`` interior points of [0, π].
    """
    rng = np.random.default_rng(seed)
    d = _check_m(d, "d")
    if d < 2:
        raise ValueError("d must be at least 2 to vary the angle between x and y")
    thetas = np.linspace(0, np.pi, n_points + 2)[1:-1]  # endpoints excluded: there one MSE is exactly 0
    u = np.zeros(d)
    u[0] = 1
    w = np.zeros(d)
    w[1] = 1
    theory = {k: np.empty(n_points) for k in KINDS}
    mc = {k: np.empty(n_points) for k in KINDS}
    mc_se = {k: np.empty(n_points) for k in KINDS}
    values = np.empty(n_points)
    for i, th in enumerate(thetas):
        x = radius * u
        y = radius * (np.cos(th) * u + np.sin(th) * w)
        values[i] = math.exp(float(x @ y))
        for kind in KINDS:
            theory[kind][i] = kernel_estimator_mse(x, y, m, kind)
            r = monte_carlo_mse(x, y, m, kind, n_trials=n_trials, rng=rng)
            mc[kind][i], mc_se[kind][i] = r.mse, r.mse_stderr
    return SoftmaxMSECurves(values, theory, mc, mc_se, m, radius, int(n_trials))


@dataclass
class QRSignPitfall:
    """Section 5: the orthogonal estimator of SM(x, y) with and without the QR sign fix."""

    true_value: float
    mean_without_fix: float
    stderr_without_fix: float
    mean_with_fix: float
    stderr_with_fix: float
    mean_iid: float
    stderr_iid: float
    frac_negative_without_fix: float   # fraction of draws whose first row has ω₁₁ < 0
    frac_negative_with_fix: float
    estimates_without_fix: np.ndarray  # (n_trials,)
    estimates_with_fix: np.ndarray     # (n_trials,)
    stderr_frac_negative_with_fix: float  # standard error of that share (Haar: exactly 1/2)
    n_sign_draws: int                  # draws behind the two shares


def compute_qr_sign_pitfall(*, d: int = 4, m: int = 4, x_norm: float = 0.5, n_trials: int = 20000,
                            seed: int = 0) -> QRSignPitfall:
    """Mean of the orthogonal positive-feature estimator of SM(x, x), x = x_norm·e₁, d = m = 4.

    Without the sign fix, ``np.linalg.qr`` returns Q whose first column always has a
    negative first entry (LAPACK's Householder convention), so the first random vector
    always points away from e₁ and the estimator is biased low.
    """
    rng = np.random.default_rng(seed)
    x = np.zeros(_check_m(d, "d"))
    x[0] = x_norm
    res = {}
    neg = {}
    n_sign = 2000
    for fix in (False, True):
        r = monte_carlo_mse(x, x, m, "positive", orthogonal=True, n_trials=n_trials, rng=rng, sign_fix=fix)
        res[fix] = r
        neg[fix] = (_orthogonal_gaussian_batch(n_sign, m, d, rng, fix)[:, 0, 0] < 0).astype(float)
    iid = monte_carlo_mse(x, x, m, "positive", orthogonal=False, n_trials=n_trials, rng=rng)
    se = {f: float(res[f].estimates.std(ddof=1) / math.sqrt(n_trials)) for f in res}
    return QRSignPitfall(res[True].true_value, res[False].mean, se[False], res[True].mean, se[True], iid.mean,
                         float(iid.estimates.std(ddof=1) / math.sqrt(n_trials)), float(neg[False].mean()),
                         float(neg[True].mean()), res[False].estimates, res[True].estimates,
                         float(neg[True].std(ddof=1) / math.sqrt(n_sign)), n_sign)


@dataclass
class OrthogonalGain:
    """Section 5: MSE of i.i.d. vs orthogonal positive features (m ≤ d) and Theorem 2's bound."""

    m_values: np.ndarray
    mse_iid: np.ndarray
    mse_orthogonal: np.ndarray
    stderr_iid: np.ndarray
    stderr_orthogonal: np.ndarray
    lemma2: np.ndarray
    theorem2_bound: np.ndarray
    n_trials: int                  # Monte-Carlo draws per m and estimator


def compute_orthogonal_gain(*, d: int = 16, m_values=(2, 4, 8, 16), x_norm: float = 0.5, n_trials: int = 8000,
                            seed: int = 0) -> OrthogonalGain:
    """Monte-Carlo MSE of i.i.d. and orthogonal positive features for x, y at 60°, ‖x‖ = ‖y‖ = x_norm.

    Theorem 2 bounds the *true* orthogonal MSE; a Monte-Carlo estimate may exceed the bound by a
    few standard errors (``stderr_orthogonal``). For small m the bound is barely below Lemma 2.
    """
    rng = np.random.default_rng(seed)
    x = np.zeros(d)
    x[0] = x_norm
    y = np.zeros(d)
    y[0], y[1] = x_norm * 0.5, x_norm * math.sqrt(3) / 2
    cols = {k: [] for k in ("iid", "ort", "se_iid", "se_ort", "lem", "thm")}
    for m in m_values:
        a = monte_carlo_mse(x, y, m, "positive", orthogonal=False, n_trials=n_trials, rng=rng)
        b = monte_carlo_mse(x, y, m, "positive", orthogonal=True, n_trials=n_trials, rng=rng)
        cols["iid"].append(a.mse)
        cols["ort"].append(b.mse)
        cols["se_iid"].append(a.mse_stderr)
        cols["se_ort"].append(b.mse_stderr)
        cols["lem"].append(kernel_estimator_mse(x, y, m, "positive"))
        cols["thm"].append(orthogonal_mse_bound(x, y, m))
    arr = {k: np.array(v) for k, v in cols.items()}
    return OrthogonalGain(np.asarray(m_values), arr["iid"], arr["ort"], arr["se_iid"], arr["se_ort"], arr["lem"],
                          arr["thm"], int(n_trials))


def demo_qkv(L: int = 32, d: int = 16, *, sharpness: float = 0.7, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Small Q, K, V with a readable attention pattern (a band around the diagonal plus noise).

    q_i and k_j share sinusoidal position codes, so qᵀk is large when |i − j| is small;
    ``sharpness`` scales Q and K (larger: more peaked attention, smaller weights elsewhere).
    """
    rng = np.random.default_rng(seed)
    L, d = _check_m(L, "L"), _check_m(d, "d")
    pos = np.arange(L)[:, None]
    freqs = 1.0 / (L / 4) ** (np.arange(d // 2) / max(1, d // 2))
    codes = np.zeros((L, d))
    codes[:, 0:2 * (d // 2):2] = np.cos(pos * freqs)
    codes[:, 1:2 * (d // 2):2] = np.sin(pos * freqs)
    Q = sharpness * (codes + 0.3 * rng.standard_normal((L, d)))
    K = sharpness * (codes + 0.3 * rng.standard_normal((L, d)))
    V = rng.standard_normal((L, d))
    return Q, K, V


@dataclass
class FavorDemo:
    """Section 6: exact and FAVOR+ attention matrices for a small L, and the errors."""

    exact_matrix: np.ndarray   # (L, L)
    approx_matrix: np.ndarray  # (L, L)
    output_error: float        # ‖FAVOR+ output − exact output‖_F / ‖exact output‖_F
    matrix_error: float        # same for the attention matrices
    m: int
    kind: str
    orthogonal: bool
    causal: bool


def compute_favor_demo(m: int = 16, kind: str = "positive", orthogonal: bool = True, causal: bool = False, *,
                       seed: int = 0, L: int = 32, d: int = 16) -> FavorDemo:
    """Exact vs FAVOR+ attention on :func:`demo_qkv` data with m random vectors drawn from ``seed``."""
    _check_kind(kind)
    m = _check_m(m)
    Q, K, V = demo_qkv(L, d)
    omega = gaussian_random_matrix(m, d, orthogonal=orthogonal, rng=np.random.default_rng(seed))
    exact_A = attention_matrix(Q, K, causal=causal)
    approx_A = favor_attention_matrix(Q, K, omega, kind, causal=causal)
    out_exact = exact_A @ V
    out_approx = favor_attention(Q, K, V, omega=omega, kind=kind, causal=causal)
    return FavorDemo(exact_A, approx_A, relative_error(out_approx, out_exact), relative_error(approx_A, exact_A),
                     m, kind, orthogonal, causal)


@dataclass
class FavorErrorCurve:
    """Section 6: mean relative output error of FAVOR+ vs m (over seeds)."""

    m_values: np.ndarray
    errors: np.ndarray   # (k,) median over seeds
    n_seeds: int
    kind: str
    orthogonal: bool
    causal: bool
    lower_quartile: np.ndarray  # (k,) 25 % quantile over seeds: the spread of the error from draw to draw
    upper_quartile: np.ndarray  # (k,) 75 % quantile over seeds


def compute_favor_error_curve(kind: str = "positive", orthogonal: bool = True, causal: bool = False, *,
                              m_values=(1, 2, 4, 8, 16, 32, 64, 128, 256), n_seeds: int = 9, L: int = 32,
                              d: int = 16) -> FavorErrorCurve:
    """Median and quartiles (over ``n_seeds`` feature draws, seeds 0..n_seeds−1) of FAVOR+'s relative output error.

    The median, not the mean: with trigonometric features and small m a draw can make the
    normaliser D̂ nearly 0 and the error huge, which would dominate a mean.
    """
    n_seeds = _check_m(n_seeds, "n_seeds")
    errs = np.array([[compute_favor_demo(int(m), kind, orthogonal, causal, seed=s, L=L, d=d).output_error
                      for s in range(n_seeds)] for m in m_values])
    q25, q75 = np.quantile(errs, [0.25, 0.75], axis=1)
    return FavorErrorCurve(np.asarray(m_values), np.median(errs, axis=1), n_seeds, kind, orthogonal, causal, q25, q75)


# ----------------------------------------------------------------------------- cost measurements
@dataclass
class AttentionCost:
    """Sections 1 and 7: median wall time and the bytes of the largest intermediate arrays."""

    L_values: np.ndarray
    exact_seconds: np.ndarray
    favor_seconds: np.ndarray | None
    exact_bytes: np.ndarray       # analytic: the L×L score matrix (8 bytes per float64)
    favor_bytes: np.ndarray       # analytic: Q′ and K′ (2·L·m) plus m×(d+1) and L×(d+1)
    d: int
    m: int
    exact_peak_bytes: np.ndarray | None = None  # measured: tracemalloc peak of one call (inputs excluded)
    favor_peak_bytes: np.ndarray | None = None


def attention_bytes(L: int, d: int, m: int | None = None, itemsize: int = 8) -> int:
    """Bytes of the largest intermediate arrays: L² for exact (m=None); 2Lm + m(d+1) + L(d+1) for FAVOR+."""
    if m is None:
        return int(L) * int(L) * itemsize
    return (2 * L * m + m * (d + 1) + L * (d + 1)) * itemsize


def median_time(fn, repeats: int = 3, warmup: int = 1) -> float:
    """Median wall-clock seconds of ``fn()`` over ``repeats`` runs after ``warmup`` runs."""
    import time

    for _ in range(warmup):
        fn()
    times = []
    for _ in range(_check_m(repeats, "repeats")):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def measure_attention_cost(L_values, *, d: int = 64, m: int = 256, repeats: int = 3, favor: bool = True,
                           rng: np.random.Generator, progress: bool = False, threads: int | None = None) -> AttentionCost:
    """Time exact (and FAVOR+) attention for each L in ``L_values`` (timings are machine-dependent).

    ``threads`` limits the BLAS thread pool during the measurement (``None``: leave it as it is);
    one thread gives steadier timings on a shared machine.
    """
    if threads is not None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=_check_m(threads, "threads")):
            return measure_attention_cost(L_values, d=d, m=m, repeats=repeats, favor=favor, rng=rng,
                                          progress=progress)
    rng = _check_rng(rng)
    L_values = np.asarray(L_values, dtype=int)
    iterator = L_values
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(L_values, desc="timing attention")
    omega = gaussian_random_matrix(m, d, orthogonal=True, rng=rng)
    exact_t, favor_t, exact_mem, favor_mem = [], [], [], []
    for L in iterator:
        Q, K, V = (0.5 * rng.standard_normal((int(L), d)) for _ in range(3))
        warmup = 1 if L < 2048 else 0  # large calls need no warm-up (and take long)
        exact_t.append(median_time(lambda: exact_attention(Q, K, V), repeats, warmup))
        exact_mem.append(peak_allocated_bytes(lambda: exact_attention(Q, K, V)))
        if favor:
            favor_t.append(median_time(lambda: favor_attention(Q, K, V, omega=omega), repeats, warmup))
            favor_mem.append(peak_allocated_bytes(lambda: favor_attention(Q, K, V, omega=omega)))
    return AttentionCost(L_values, np.array(exact_t), np.array(favor_t) if favor else None,
                         np.array([attention_bytes(L, d) for L in L_values]),
                         np.array([attention_bytes(L, d, m) for L in L_values]), d, m,
                         np.array(exact_mem), np.array(favor_mem) if favor else None)


def peak_allocated_bytes(fn) -> int:
    """Peak bytes allocated (NumPy reports its buffers to ``tracemalloc``) during one call of ``fn``.

    Memory that existed before the call (the inputs) is not counted. If ``tracemalloc`` was
    already running, it is left running.
    """
    import tracemalloc

    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    fn()
    peak = tracemalloc.get_traced_memory()[1] - start
    if not was_tracing:
        tracemalloc.stop()
    return int(peak)
