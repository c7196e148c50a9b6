"""Lecture 1 — exact softmax attention and FAVOR+ (bidirectional and causal), and their cost model.
"""
from __future__ import annotations

import math

import numpy as np

from course_utils.core.validation import as_finite_array, check_bool, check_choice, check_int, check_rng
from course_utils.performer.blockwise import BLOCK_ROWS, _favor_blockwise, _nonzero, _normalise
from course_utils.performer.features import KINDS, _check_m, gaussian_random_matrix

#: Feature kinds of FAVOR+: the three softmax estimators and the generalised ReLU kernel (not softmax)
FAVOR_KINDS: tuple[str, ...] = KINDS + ("relu",)


def _check_favor_kind(kind: str) -> str:
    return check_choice(kind, "kind", FAVOR_KINDS, what="feature kind")


# ----------------------------------------------------------------------------- attention
def _check_qkv(Q, K, V) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    Q = as_finite_array(Q, "Q", ndim=2, dtype=None)
    K = as_finite_array(K, "K", ndim=2, dtype=None)
    V = as_finite_array(V, "V", ndim=2, dtype=None)
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
    causal = check_bool(causal, "causal")
    L = Q.shape[0]
    if causal and L != K.shape[0]:
        raise ValueError(f"causal attention needs as many queries as keys, got {L} and {K.shape[0]}")
    causal = check_bool(causal, "causal")
    block_rows = L if block_rows is None else check_int(block_rows, "block_rows", minimum=1)
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
    causal = check_bool(causal, "causal")
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
    kind : {"trig", "positive", "hyperbolic", "relu"}
        ``"relu"``: φ(x) = max(0, Ωx·d^(−¼)) (generalised attention of the paper): positive, cheap,
        but it estimates a different kernel, not softmax.

    Returns
    -------
    Qp : array, shape (L, r), Kp : array, shape (L_k, r) with r = m or 2m.
    """
    _check_favor_kind(kind)
    Q, K, _ = _check_qkv(Q, K, np.zeros((np.shape(K)[0], 1), dtype=np.float32))
    omega = as_finite_array(omega, "omega", ndim=2, dtype=None)
    if omega.shape[1] != Q.shape[1]:
        raise ValueError(f"omega must have shape (m, d) with d = {Q.shape[1]}, got {omega.shape}")
    omega = omega.astype(Q.dtype, copy=False)
    scale = Q.shape[1] ** -0.25
    if kind == "relu":
        return np.maximum(Q @ (scale * omega).T, 0), np.maximum(K @ (scale * omega).T, 0)
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
    """D⁻¹ Q′(K′ᵀ[V, 1]) (bidirectional) or its causal prefix-sum version, from ready feature matrices.

    The reference path (plain, readable); :func:`favor_attention` uses the blockwise one below,
    which never holds all of Q′ or K′ at once. Both give the same output up to rounding.
    """
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
    return _normalise(num)


def favor_attention(Q, K, V, *, m: int = 256, kind: str = "positive", orthogonal: bool = True,
                    causal: bool = False, rng: np.random.Generator | int | None = None,
                    omega: np.ndarray | None = None, chunk_size: int = 64,
                    block_rows: int = BLOCK_ROWS) -> np.ndarray:
    """FAVOR+ approximation of softmax attention in O(L·m·d) time  (section 6).

    Att ≈ D⁻¹ Q′(K′ᵀV), D = diag(Q′(K′ᵀ1)); causal: row i uses the prefix sum
    G_i = Σ_{j≤i} K′_jᵀ[V_j, 1], computed chunk by chunk (a running m×(d_v+1) state plus a
    chunk×chunk triangle inside each chunk). Extra memory O(block_rows·m + m·d) bidirectional,
    O(L·m) causal (the key features are kept for the second pass); never an L×L array.

    Parameters
    ----------
    Q : array, shape (L, d)
    K : array, shape (L_k, d)
    V : array, shape (L_k, d_v)
    m : int ≥ 1, default 256
        Number of random vectors ω (features: m for "positive", 2m otherwise).
    kind : {"positive", "hyperbolic", "trig", "relu"}
        ``"relu"`` is the generalised kernel max(0, ωᵀq)·max(0, ωᵀk): not an estimate of softmax.
    orthogonal : bool, default True
        Orthogonal random features (Haar-correct) instead of i.i.d.
    causal : bool
        Query i attends to keys j ≤ i only (needs L = L_k).
    rng : numpy Generator or int seed
        Required unless ``omega`` is given.
    omega : array, shape (m', d), optional
        Use these random vectors (then ``m``, ``orthogonal`` and ``rng`` are ignored).
    chunk_size : int, default 64
        Rows per chunk of the causal prefix sum (the masked chunk × chunk products cost
        2·L·chunk·(r + d_v) extra FLOPs, but smaller chunks make many small, inefficient BLAS calls).
    block_rows : int, default 1024
        Rows of Q and K whose features are computed and used at a time (cache-sized blocks;
        same output for every value up to rounding).

    The computation runs in the dtype of the inputs: float32 inputs give a float32 FAVOR+
    (about twice as fast, with relative rounding errors around 1e-6 instead of 1e-15).

    Returns
    -------
    array, shape (L, d_v)
    """
    _check_favor_kind(kind)
    Q, K, V = _check_qkv(Q, K, V)
    chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
    causal = check_bool(causal, "causal")
    if causal and Q.shape[0] != K.shape[0]:
        raise ValueError(f"causal attention needs as many queries as keys, got {Q.shape[0]} and {K.shape[0]}")
    if omega is None:
        m = _check_m(m)
        omega = gaussian_random_matrix(m, Q.shape[1], orthogonal=orthogonal, rng=check_rng(rng, allow_seed=True))
    omega = as_finite_array(omega, "omega", ndim=2, dtype=None)
    if omega.shape[1] != Q.shape[1]:
        raise ValueError(f"omega must have shape (m, d) with d = {Q.shape[1]}, got {omega.shape}")
    block_rows = check_int(block_rows, "block_rows", minimum=1)
    return _favor_blockwise(Q, K, V, omega.astype(Q.dtype, copy=False), kind, causal, chunk_size, block_rows)


def favor_attention_matrix(Q, K, omega, kind: str = "positive", *, causal: bool = False) -> np.ndarray:
    """The L×L_k matrix D⁻¹ Q′K′ᵀ that FAVOR+ implicitly applies to V — for small L (plots)."""
    causal = check_bool(causal, "causal")
    Qp, Kp = favor_features(Q, K, omega, kind)
    A = Qp @ Kp.T
    if causal:
        A = np.tril(A)
    return A / _nonzero(A.sum(axis=1, keepdims=True))


def relative_error(approx, exact) -> float:
    """‖approx − exact‖_F / ‖exact‖_F (``inf`` if the approximation overflowed; NaN is refused)."""
    exact = as_finite_array(exact, "exact")
    approx = np.asarray(approx)
    if approx.dtype.kind not in "iuf":
        raise TypeError(f"approx must be a real numeric array, got dtype {approx.dtype}")
    approx = approx.astype(float)
    if np.isnan(approx).any():
        raise ValueError("approx contains NaN values; a NaN error would be silent")
    if approx.shape != exact.shape:
        raise ValueError(f"shapes differ: {approx.shape} vs {exact.shape}")
    return float(np.linalg.norm(approx - exact) / np.linalg.norm(exact))


# the cost model lives in course_utils.performer.cost (re-exported here)
from course_utils.performer.cost import attention_bytes, attention_flops  # noqa: E402,F401
