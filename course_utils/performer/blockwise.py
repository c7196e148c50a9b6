"""Lecture 1 — FAVOR+ in cache-sized row blocks (what :func:`course_utils.performer.favor_attention` runs).

The textbook formula D⁻¹Q′(K′ᵀV) is in :mod:`course_utils.performer.attention` (``_favor_from_features``);
this module computes the same output without holding all of Q′ or K′, spreads the blocks over the BLAS
threads, and walks the causal prefix sums chunk by chunk with a running state (see ``_favor_blockwise``).
"""
from __future__ import annotations

import numpy as np


def _nonzero(den: np.ndarray) -> np.ndarray:
    """``den`` with exact zeros replaced by the smallest normal number (in place where it can be):
    positive features give D > 0, so only an exact underflow (0/0) needs the guard."""
    den[den == 0] = np.finfo(den.dtype).tiny
    return den


def _normalise(num: np.ndarray) -> np.ndarray:
    """Split [numerator, D] and divide."""
    return num[:, :-1] / _nonzero(num[:, -1:].copy())


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


def _controller():
    """threadpoolctl's controller of the loaded thread pools (built once: it inspects every library)."""
    global _CONTROLLER
    from threadpoolctl import ThreadpoolController

    if _CONTROLLER is None:
        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER


def _blas_threads() -> int:
    """The BLAS thread count now in force."""
    counts = [lib.num_threads for lib in _controller().select(user_api="blas").lib_controllers]
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

    Phase 1, per key block b: K′_b·e^(−c_b) with c_b the block's largest log-feature (bidirectional:
    and its sum K′_bᵀ[V_b, 1]). The blocks are then put on one scale c = max_b c_b by the factors
    e^(c_b − c) ≤ 1 (as in streaming softmax). Phase 2, bidirectional, per query block: Q′_b (each
    row divided by its largest feature) times S = Σ_b K′_bᵀ[V_b, 1]. Causal: the blocks in one
    contiguous group per worker, each group walked chunk by chunk with a running prefix state
    (see the comment in ``run``); a later group adds the earlier groups' state at the end. With n
    BLAS threads the blocks (groups) run on n threads of one BLAS thread each (many small products
    on a shared thread pool wait for each other). Never an L × L array; extra memory O(block·r·n)
    bidirectional, O(L·r) causal (the key features are kept from phase 1 to phase 2).
    """
    fmap = _FeatureMap(omega, kind, Q.shape[1], Q.dtype)
    L, dv, dtype = Q.shape[0], V.shape[1], Q.dtype
    r = fmap.W.shape[0] * (2 if kind == "trig" else 1)
    blocks = [(s, min(L, s + block)) for s in range(0, K.shape[0], block)]
    threads = _blas_threads()
    workers = threads if len(blocks) > 1 else 1

    def keys(se):
        s, e = se
        cb, pre = fmap.key_log_max(K[s:e])
        Kp = fmap.keys(K[s:e], pre, cb)
        if not causal:  # K′ᵀV and K′ᵀ1 apart: an inner size d_v + 1 = 65 slows BLAS down by a quarter
            return cb, (Kp.T @ V[s:e], Kp.sum(0)), None
        return cb, None, Kp  # causal: the features, put on the common scale and used by the second pass

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
                np.divide(Qp @ S, _nonzero(Qp @ s1)[:, None], out=out[s:e])
            _map(queries, blocks, workers)
            return out
        # causal: the blocks split into `workers` contiguous groups. Each group walks its chunks in
        # order with a running state (S, s1) = Σ_{j before} K′_jᵀ[V_j, 1] that stays in cache: per chunk
        # Q′_c·S (everything before the chunk) + tril(Q′_c K′_cᵀ)·V_c (the terms j ≤ i inside it), then
        # S += K′_cᵀV_c. The first group starts from S = 0 and is done; a later group starts from 0
        # too and, once the groups before it are done, adds Q′·(their S) to its numerators and
        # denominators (both are linear in S). The price: one more Q′·S product for the rows of the later
        # groups, (n−1)/n of a full Q′S, and their Q′ kept until the end -- instead of a first pass that
        # computes every block's K′ᵀV before the walk (as costly, and no gain on one thread).
        mask = np.tril(np.ones((chunk, chunk), dtype=dtype))
        n_groups = min(workers, len(blocks))
        bounds = np.linspace(0, len(blocks), n_groups + 1).round().astype(int)
        den_all = np.empty(L, dtype=dtype)

        def walk(g):
            S, s1 = np.zeros((r, dv), dtype=dtype), np.zeros(r, dtype=dtype)
            kept = []
            for b in range(bounds[g], bounds[g + 1]):
                s, e = blocks[b]
                Kp = key_parts[b][2]
                Kp *= scales[b]  # onto the common scale (used only here from now on)
                Qp = fmap.queries(Q[s:e])
                for c0 in range(0, e - s, chunk):
                    c1 = min(e - s, c0 + chunk)
                    q, k, v = Qp[c0:c1], Kp[c0:c1], V[s + c0:s + c1]
                    within = q @ k.T
                    within *= mask[: c1 - c0, : c1 - c0]
                    num = q @ S
                    num += within @ v
                    den = q @ s1
                    den += within.sum(1)
                    if g == 0:
                        np.divide(num, _nonzero(den)[:, None], out=out[s + c0:s + c1])
                    else:  # finished once the groups before this one are known
                        out[s + c0:s + c1], den_all[s + c0:s + c1] = num, den
                    S += k.T @ v
                    s1 += k.sum(0)
                if g > 0:
                    kept.append((s, e, Qp))
            return S, s1, kept

        walked = _map(walk, list(range(n_groups)), workers)
        late = []
        S_before, s1_before = walked[0][0], walked[0][1]   # the groups before group g, summed
        for S_g, s1_g, kept in walked[1:]:
            late += [(s, e, Qp, S_before, s1_before) for s, e, Qp in kept]
            S_before, s1_before = S_before + S_g, s1_before + s1_g   # new arrays: the ones in `late` stay

        def finish(item):
            s, e, Qp, S_b, s1_b = item
            out[s:e] += Qp @ S_b
            out[s:e] /= _nonzero(den_all[s:e] + Qp @ s1_b)[:, None]

        _map(finish, late, workers)
        return out

    if threads <= 1:
        return run()
    # small products on a shared BLAS pool wait for each other (worst on a loaded machine): one BLAS
    # thread per block, and the blocks spread over the threads instead
    with _controller().limit(limits=1, user_api="blas"):
        return run()


