"""Lecture 1 — FAVOR+ in cache-sized row blocks (what :func:`course_utils.performer.favor_attention` runs).

The textbook formula D⁻¹Q′(K′ᵀV) is in :mod:`course_utils.performer.attention` (``_favor_from_features``);
this module computes the same output without holding all of Q′ or K′, spreads the blocks over the BLAS
threads, and does the causal prefix sums as batched contiguous products (see ``_favor_blockwise``).
"""
from __future__ import annotations

import numpy as np


def _normalise(num: np.ndarray) -> np.ndarray:
    """Split [numerator, D] and divide; positive features give D > 0, guard only exact underflow (0/0)."""
    den = num[:, -1:]
    den = np.where(den == 0, np.finfo(num.dtype).tiny, den)
    return num[:, :-1] / den


#: rows of Q and K processed at a time by favor_attention: a (block × r) feature block stays in cache
BLOCK_ROWS = 1024


class _FeatureMap:
    """Stabilised FAVOR+ features of one block of rows (the same maps as :func:`favor_features`).

    ``queries(X)`` gives Q′ with each row divided by its own largest feature; ``keys(X, c)`` gives
    K′·e^(−c) for a shared constant c ≥ the block's largest log-feature (``key_log_max(X)``).
    Constant factors per query row and one shared factor for all keys cancel in D⁻¹Q′(K′ᵀV).
    """

    def __init__(self, omega: np.ndarray, kind: str, d: int, dtype) -> None:
        self.kind = kind
        scale = d ** -0.25
        if kind in ("trig", "relu"):
            self.W = (scale * omega).astype(dtype, copy=False)
            self.half = 0.5 * scale**2
            return
        # One matrix product gives the log-features ±ωᵀx·d^(−¼) − ‖x‖²/(2√d): [X, ‖x‖²] @ [±d^(−¼)ω, −1/(2√d)]ᵀ
        signs = (1.0,) if kind == "positive" else (1.0, -1.0)
        self.W = np.concatenate([np.concatenate([sg * scale * omega, np.full((omega.shape[0], 1), -0.5 * scale**2)],
                                                axis=1) for sg in signs], axis=0).astype(dtype, copy=False)

    def _log(self, X: np.ndarray) -> np.ndarray:
        X_aug = np.empty((X.shape[0], X.shape[1] + 1), dtype=X.dtype)
        X_aug[:, :-1] = X
        X_aug[:, -1] = np.einsum("ij,ij->i", X, X)
        return X_aug @ self.W.T

    def _trig(self, X: np.ndarray) -> np.ndarray:
        p = X @ self.W.T
        return np.concatenate([np.sin(p), np.cos(p)], axis=1)

    def _relu(self, X: np.ndarray) -> np.ndarray:
        p = X @ self.W.T
        return np.maximum(p, 0, out=p)

    def queries(self, X: np.ndarray) -> np.ndarray:
        if self.kind == "relu":
            return self._relu(X)
        if self.kind == "trig":
            return self._trig(X)  # the factor e^(‖q‖²/2) is per row: dropped
        # −‖q‖²/(2√d) is the same for every feature of a row: the row maximum removes it, so skip it
        logf = X @ self.W[:, :-1].T
        logf -= logf.max(axis=1, keepdims=True)
        return np.exp(logf, out=logf)

    def key_log_max(self, X: np.ndarray) -> tuple[float, np.ndarray]:
        """The block's largest log-feature and what ``keys`` needs again (no second matrix product)."""
        if self.kind == "relu":
            return 0.0, None  # no exponential: nothing to stabilise
        if self.kind == "trig":
            half_sq = self.half * np.einsum("ij,ij->i", X, X)
            return float(half_sq.max()), half_sq
        logf = self._log(X)
        return float(logf.max()), logf

    def keys(self, X: np.ndarray, pre: np.ndarray, c: float) -> np.ndarray:
        if self.kind == "relu":
            return self._relu(X)
        if self.kind == "trig":
            return np.exp(pre - c)[:, None] * self._trig(X)
        pre -= c
        return np.exp(pre, out=pre)


_CONTROLLER = None


def _blas_threads() -> int:
    """The BLAS thread count now in force (threadpoolctl; its controller is built once)."""
    global _CONTROLLER
    from threadpoolctl import ThreadpoolController

    if _CONTROLLER is None:
        _CONTROLLER = ThreadpoolController()
    counts = [lib.num_threads for lib in _CONTROLLER.select(user_api="blas").lib_controllers]
    return max(counts, default=1)


def _map(fn, items, workers: int) -> list:
    """``[fn(x) for x in items]``, on ``workers`` threads when > 1 (NumPy releases the GIL in BLAS and exp)."""
    if workers <= 1 or len(items) <= 1:
        return [fn(x) for x in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(fn, items))


def _favor_blockwise(Q, K, V, omega, kind, causal, chunk, block):
    """FAVOR+ in row blocks of cache size: features are made and used block by block.

    Phase 1, per key block b: K′_b·e^(−c_b) with c_b the block's largest log-feature, and its sum
    K′_bᵀ[V_b, 1] (causal: per chunk of ``chunk`` rows). The blocks are then put on one scale
    c = max_b c_b by the factors e^(c_b − c) ≤ 1 (as in streaming softmax). Phase 2, per query
    block: Q′_b (each row divided by its largest feature) times S = Σ_b K′_bᵀ[V_b, 1]
    (bidirectional) or, causal, times the prefix sum of the blocks and chunks before it, plus the
    j ≤ i terms inside each chunk from a masked chunk × chunk product. Blocks are independent in
    each phase: with n BLAS threads they run on n threads of one BLAS thread each (many small
    products on a shared thread pool wait for each other). Never an L × L array.
    """
    fmap = _FeatureMap(omega, kind, Q.shape[1], Q.dtype)
    L, dv, dtype = Q.shape[0], V.shape[1], Q.dtype
    r = fmap.W.shape[0] * (2 if kind == "trig" else 1)
    if causal:
        block = max(chunk, block // chunk * chunk)
    blocks = [(s, min(L, s + block)) for s in range(0, K.shape[0], block)]
    threads = _blas_threads()
    workers = threads if len(blocks) > 1 else 1

    def keys(se):
        s, e = se
        cb, pre = fmap.key_log_max(K[s:e])
        Kp = fmap.keys(K[s:e], pre, cb)
        if not causal:  # K′ᵀV and K′ᵀ1 apart: an inner size d_v + 1 = 65 slows BLAS down by a quarter
            return cb, (Kp.T @ V[s:e], Kp.sum(0)), None
        n = e - s
        nc = -(-n // chunk)
        Vb = V[s:e]
        if nc * chunk != n:  # zero rows: no contribution to the sums, their outputs are dropped
            pad = ((0, nc * chunk - n), (0, 0))
            Kp, Vb = np.pad(Kp, pad), np.pad(Vb, pad)
        # K′ᵀ of each chunk as a contiguous (nc, r, chunk) array, copied once: both batched products below
        # (K′ᵀV per chunk and the chunk × chunk triangle) then read contiguous memory
        kT = np.ascontiguousarray(np.swapaxes(Kp.reshape(nc, chunk, r), 1, 2))
        v = np.ascontiguousarray(Vb).reshape(nc, chunk, dv)
        kv = kT @ v  # (nc, r, d_v): each chunk's K′ᵀV
        k1 = kT.sum(2)  # (nc, r): each chunk's K′ᵀ1
        return cb, (kv.sum(0), k1.sum(0)), (kT, v, kv, k1)

    def run():
        key_parts = _map(keys, blocks, workers)
        c = max(p[0] for p in key_parts)
        scales = [float(np.exp(p[0] - c)) for p in key_parts]
        out = np.empty((L, V.shape[1]), dtype=dtype)
        if not causal:
            S = sum(sc * p[1][0] for sc, p in zip(scales, key_parts))
            s1 = sum(sc * p[1][1] for sc, p in zip(scales, key_parts))

            def queries(se):
                s, e = se
                Qp = fmap.queries(Q[s:e])
                den = Qp @ s1
                den[den == 0] = np.finfo(dtype).tiny  # positive features: only an exact underflow gives 0
                np.divide(Qp @ S, den[:, None], out=out[s:e])
            _map(queries, blocks, workers)
            return out
        carried = [(np.zeros((r, dv), dtype=dtype), np.zeros(r, dtype=dtype))]  # blocks before b, common scale
        for sc, p in zip(scales[:-1], key_parts[:-1]):
            carried.append((carried[-1][0] + sc * p[1][0], carried[-1][1] + sc * p[1][1]))

        def queries(b):
            s, e = blocks[b]
            kT, v, kv, k1 = key_parts[b][2]
            sc, nc = scales[b], kT.shape[0]
            Qp = fmap.queries(Q[s:e])
            if nc * chunk != e - s:
                Qp = np.pad(Qp, ((0, nc * chunk - (e - s)), (0, 0)))
            q = Qp.reshape(nc, chunk, r)
            before, before1 = np.empty_like(kv), np.empty_like(k1)  # the chunks before each chunk in the block
            before[0], before1[0] = 0, 0
            if nc > 1:
                np.cumsum(kv[:-1], axis=0, out=before[1:])
                np.cumsum(k1[:-1], axis=0, out=before1[1:])
            before *= sc
            before += carried[b][0]
            before1 *= sc
            before1 += carried[b][1]
            num = q @ before  # (nc, chunk, d_v)
            den = (q @ before1[:, :, None])[..., 0]  # (nc, chunk)
            within = q @ kT  # (nc, chunk, chunk)
            within *= mask
            num += sc * (within @ v)
            den += sc * within.sum(2)
            den[den == 0] = np.finfo(dtype).tiny
            num /= den[..., None]
            out[s:e] = num.reshape(nc * chunk, dv)[: e - s]
        mask = np.tril(np.ones((chunk, chunk), dtype=dtype))
        _map(queries, list(range(len(blocks))), workers)
        return out

    if threads <= 1:
        return run()
    # small products on a shared BLAS pool wait for each other (worst on a loaded machine): one BLAS
    # thread per block, and the blocks spread over the threads instead
    with _CONTROLLER.limit(limits=1, user_api="blas"):
        return run()


