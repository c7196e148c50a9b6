"""Lecture 1 — FAVOR+ experiments (section 6 and 7): demo inputs, errors against exact attention and
against the mean-of-V baseline, the kinds of features as the logits sharpen, the QR-sign bias at
realistic sizes, and the scaling fit.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from course_utils.core.validation import check_bool, check_float, check_int, check_rng
from course_utils.performer.attention import (
    _check_favor_kind,
    attention_matrix,
    exact_attention,
    favor_attention,
    favor_attention_matrix,
    relative_error,
)
from course_utils.performer.features import (
    _check_m,
    _orthogonal_gaussian_batch,
    gaussian_random_matrix,
    random_features,
)


def _check_m_values(m_values) -> np.ndarray:
    arr = np.asarray(m_values)
    if arr.dtype.kind not in "iu" or arr.ndim != 1 or arr.size == 0 or np.any(arr < 1):
        raise ValueError(f"m_values must be a non-empty 1-d sequence of integers ≥ 1, got {m_values!r}")
    return arr


# ----------------------------------------------------------------------------- inputs and baselines
def demo_qkv(L: int = 32, d: int = 16, *, sharpness: float = 0.7, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Small Q, K, V with a band around the diagonal plus noise (the widget's data).

    q_i and k_j share sinusoidal position codes, so qᵀk is largest when |i − j| is small;
    ``sharpness`` scales Q and K, i.e. the logits (larger: more peaked attention, smaller
    weights elsewhere). At the default 0.7 the band is weak: the largest weight of a row is
    only a few times 1/L.
    """
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    L, d = check_int(L, "L", minimum=1), check_int(d, "d", minimum=1)
    sharpness = check_float(sharpness, "sharpness", ge=0)
    pos = np.arange(L)[:, None]
    freqs = 1.0 / (L / 4) ** (np.arange(d // 2) / max(1, d // 2))
    codes = np.zeros((L, d))
    codes[:, 0:2 * (d // 2):2] = np.cos(pos * freqs)
    codes[:, 1:2 * (d // 2):2] = np.sin(pos * freqs)
    Q = sharpness * (codes + 0.3 * rng.standard_normal((L, d)))
    K = sharpness * (codes + 0.3 * rng.standard_normal((L, d)))
    V = rng.standard_normal((L, d))
    return Q, K, V


def independent_qkv(L: int = 512, d: int = 16, *, scale: float = 0.5, seed: int = 4) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Three independent matrices Q, K, V with entries scale·N(0, 1), drawn in turn from one generator.

    (Not three generators with the same seed: those would give Q = K = V.)
    """
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    L, d = check_int(L, "L", minimum=1), check_int(d, "d", minimum=1)
    scale = check_float(scale, "scale", ge=0)
    return tuple(scale * rng.standard_normal((L, d)) for _ in range(3))


def mean_value_baseline(V, *, causal: bool = False) -> np.ndarray:
    """The output of uniform attention: every row the mean of V (causal: the mean of V_1 … V_i)."""
    V = np.asarray(V, dtype=float)
    if V.ndim != 2:
        raise ValueError(f"V must be a 2-d array, got shape {V.shape}")
    if check_bool(causal, "causal"):
        return np.cumsum(V, axis=0) / np.arange(1, V.shape[0] + 1)[:, None]
    return np.broadcast_to(V.mean(0), V.shape).copy()


# ----------------------------------------------------------------------------- the L = 32 demo
@dataclass
class FavorDemo:
    """Section 6: exact and FAVOR+ attention matrices for a small L, the errors and the baseline."""

    exact_matrix: np.ndarray   # (L, L)
    approx_matrix: np.ndarray  # (L, L)
    output_error: float        # ‖FAVOR+ output − exact output‖_F / ‖exact output‖_F
    matrix_error: float        # same for the attention matrices
    m: int
    kind: str
    orthogonal: bool
    causal: bool
    baseline_error: float = math.nan   # relative error of the mean-of-V output (uniform attention)
    sharpness: float = 0.7
    negative_share: float = 0.0        # share of approximate weights < 0


def compute_favor_demo(m: int = 16, kind: str = "positive", orthogonal: bool = True, causal: bool = False, *,
                       seed: int = 0, L: int = 32, d: int = 16, sharpness: float = 0.7) -> FavorDemo:
    """Exact vs FAVOR+ attention on :func:`demo_qkv` data with m random vectors drawn from ``seed``."""
    _check_favor_kind(kind)
    m = _check_m(m)
    orthogonal, causal = check_bool(orthogonal, "orthogonal"), check_bool(causal, "causal")
    seed = check_int(seed, "seed", minimum=0)
    Q, K, V = demo_qkv(L, d, sharpness=sharpness)
    omega = gaussian_random_matrix(m, d, orthogonal=orthogonal, rng=np.random.default_rng(seed))
    exact_A = attention_matrix(Q, K, causal=causal)
    approx_A = favor_attention_matrix(Q, K, omega, kind, causal=causal)
    out_exact = exact_A @ V
    out_approx = favor_attention(Q, K, V, omega=omega, kind=kind, causal=causal)
    return FavorDemo(exact_A, approx_A, relative_error(out_approx, out_exact), relative_error(approx_A, exact_A),
                     m, kind, orthogonal, causal, relative_error(mean_value_baseline(V, causal=causal), out_exact),
                     float(sharpness), float(np.mean(approx_A < 0)))


@dataclass
class FavorErrorCurve:
    """Section 6: median relative output error of FAVOR+ vs m (over seeds), with the baseline."""

    m_values: np.ndarray
    errors: np.ndarray   # (k,) median over seeds
    n_seeds: int
    kind: str
    orthogonal: bool
    causal: bool
    lower_quartile: np.ndarray  # (k,) 25 % quantile over seeds
    upper_quartile: np.ndarray  # (k,) 75 % quantile over seeds
    baseline_error: float = math.nan
    sharpness: float = 0.7


def compute_favor_error_curve(kind: str = "positive", orthogonal: bool = True, causal: bool = False, *,
                              m_values=(1, 2, 4, 8, 16, 32, 64, 128, 256), n_seeds: int = 9, L: int = 32,
                              d: int = 16, sharpness: float = 0.7) -> FavorErrorCurve:
    """Median and quartiles (over ``n_seeds`` feature draws, seeds 0..n_seeds−1) of FAVOR+'s relative output error.

    The median, not the mean: with trigonometric features and small m a draw can make the
    normaliser D̂ nearly 0 and the error huge, which would dominate a mean.
    """
    _check_favor_kind(kind)
    orthogonal, causal = check_bool(orthogonal, "orthogonal"), check_bool(causal, "causal")
    n_seeds = check_int(n_seeds, "n_seeds", minimum=1)
    m_values = _check_m_values(m_values)
    Q, K, V = demo_qkv(L, d, sharpness=sharpness)
    exact = exact_attention(Q, K, V, causal=causal)
    errs = np.array([[relative_error(favor_attention(Q, K, V, omega=gaussian_random_matrix(
        int(m), d, orthogonal=orthogonal, rng=np.random.default_rng(s)), kind=kind, causal=causal), exact)
        for s in range(n_seeds)] for m in m_values.tolist()])
    q25, q75 = np.quantile(errs, [0.25, 0.75], axis=1)
    base = relative_error(mean_value_baseline(V, causal=causal), exact)
    return FavorErrorCurve(np.asarray(m_values), np.median(errs, axis=1), n_seeds, kind, orthogonal, causal, q25, q75,
                           base, float(sharpness))


@dataclass
class KindComparison:
    """When does which kind win: median output error vs the logit scale (sharpness), fixed m."""

    sharpness: np.ndarray          # (s,)
    errors: dict[str, np.ndarray]  # kind -> (s,) median over seeds
    baseline: np.ndarray           # (s,) mean-of-V error
    row_max: np.ndarray            # (s,) median over rows of the largest exact weight
    logit_std: np.ndarray          # (s,) std of qᵀk/√d
    negative_share: np.ndarray     # (s,) trig: mean share of negative approximate weights
    m: int
    n_seeds: int
    L: int


def compute_kind_comparison(sharpness_values=(0.25, 0.5, 0.7, 1.0, 1.5, 2.0), *, m: int = 64,
                            kinds=("trig", "positive", "relu"), n_seeds: int = 9, causal: bool = False,
                            L: int = 32, d: int = 16) -> KindComparison:
    """Median relative output error of each kind on :func:`demo_qkv` data for each sharpness."""
    m = _check_m(m)
    sh = np.asarray(sharpness_values, dtype=float)
    errors = {k: np.empty(sh.size) for k in kinds}
    base, row_max, logit_std, neg = (np.empty(sh.size) for _ in range(4))
    for i, s in enumerate(sh):
        Q, K, V = demo_qkv(L, d, sharpness=float(s))
        A = attention_matrix(Q, K, causal=causal)
        exact = A @ V
        base[i] = relative_error(mean_value_baseline(V, causal=causal), exact)
        row_max[i] = float(np.median(A.max(1)))
        logit_std[i] = float(np.std(Q @ K.T / math.sqrt(d)))
        negs = []
        for kind in kinds:
            e = []
            for seed in range(n_seeds):
                omega = gaussian_random_matrix(m, d, orthogonal=True, rng=np.random.default_rng(seed))
                e.append(relative_error(favor_attention(Q, K, V, omega=omega, kind=kind, causal=causal), exact))
                if kind == "trig":
                    negs.append(float(np.mean(favor_attention_matrix(Q, K, omega, "trig", causal=causal) < 0)))
            errors[kind][i] = float(np.median(e))
        neg[i] = float(np.mean(negs)) if negs else math.nan
    return KindComparison(sh, errors, base, row_max, logit_std, neg, m, int(n_seeds), L)


# ----------------------------------------------------------------------------- section 6 checks
@dataclass
class FavorTable:
    """FAVOR+ on independent Q, K, V: errors vs m (mean ± SE over feature draws) and the baselines."""

    m_values: np.ndarray
    errors: dict[bool, np.ndarray]   # causal -> (k,) mean over draws
    stderr: dict[bool, np.ndarray]   # causal -> (k,)
    baseline: dict[bool, float]      # causal -> mean-of-V error
    logit_std: float
    row_max_median: float
    n_draws: int
    L: int


def compute_favor_table(m_values=(16, 64, 256, 1024), *, L: int = 512, d: int = 16, scale: float = 0.5,
                        n_draws: int = 5, seed: int = 4) -> FavorTable:
    """Relative output error of FAVOR+ (positive, orthogonal) on :func:`independent_qkv` inputs."""
    m_values = _check_m_values(m_values)
    n_draws = check_int(n_draws, "n_draws", minimum=2)
    Q, K, V = independent_qkv(L, d, scale=scale, seed=seed)
    errors, stderr, base = {}, {}, {}
    for causal in (False, True):
        exact = exact_attention(Q, K, V, causal=causal)
        base[causal] = relative_error(mean_value_baseline(V, causal=causal), exact)
        e = np.array([[relative_error(favor_attention(Q, K, V, m=int(m), causal=causal, rng=100 + r), exact)
                       for r in range(n_draws)] for m in m_values.tolist()])
        errors[causal], stderr[causal] = e.mean(1), e.std(1, ddof=1) / math.sqrt(n_draws)
    A = attention_matrix(Q, K)
    return FavorTable(np.asarray(m_values), errors, stderr, base, float(np.std(Q @ K.T / math.sqrt(d))),
                      float(np.median(A.max(1))), n_draws, L)


@dataclass
class LargeLogitCheck:
    """Stabilisation on logits far beyond exp's range: finite, but how accurate?"""

    underflowed_rows: int        # textbook features: rows whose sum underflowed to 0
    all_finite: bool             # stabilised FAVOR+
    relative_error: float        # stabilised FAVOR+ output vs exact
    baseline_error: float        # mean of V vs exact
    argmax_agreement: float      # share of rows whose largest approximate weight is on the exact argmax
    n_rows: int
    max_logit: float


def compute_large_logit_check(*, L: int = 64, d: int = 16, m: int = 32, logit: float = 2000.0, seed: int = 6) -> LargeLogitCheck:
    """Q = K with ‖q‖² = logit·√d (so qᵀq/√d = ``logit``), orthogonal positive features."""
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    Qb = rng.standard_normal((L, d))
    Qb *= math.sqrt(logit * math.sqrt(d)) / np.linalg.norm(Qb, axis=1, keepdims=True)
    V = rng.standard_normal((L, d))
    omega = gaussian_random_matrix(m, d, orthogonal=True, rng=np.random.default_rng(seed + 1))
    feats = random_features(Qb / d**0.25, omega, "positive")
    underflow = int(np.sum((feats @ feats.T).sum(1) == 0))
    out = favor_attention(Qb, Qb, V, omega=omega)
    exact = exact_attention(Qb, Qb, V)
    Aap = favor_attention_matrix(Qb, Qb, omega)
    Aex = attention_matrix(Qb, Qb)
    agree = float(np.mean(Aap.argmax(1) == Aex.argmax(1)))
    return LargeLogitCheck(underflow, bool(np.all(np.isfinite(out))), relative_error(out, exact),
                           relative_error(mean_value_baseline(V), exact), agree, L, float(logit))


# ----------------------------------------------------------------------------- practice
@dataclass
class ErrorVsM:
    """How large m? FAVOR+ error vs m at d = 64 (mean ± SE over draws), with d·ln d marked."""

    m_values: np.ndarray
    errors: np.ndarray
    stderr: np.ndarray
    baseline: float
    d: int
    n_draws: int


def compute_error_vs_m(m_values=(16, 32, 64, 128, 266, 512, 1024), *, L: int = 256, d: int = 64, scale: float = 1.0,
                       n_draws: int = 4, seed: int = 8) -> ErrorVsM:
    """Relative output error of FAVOR+ (positive, orthogonal) on independent inputs; ``scale`` ≈ the logit std."""
    m_values = _check_m_values(m_values)
    Q, K, V = independent_qkv(L, d, scale=math.sqrt(scale), seed=seed)
    exact = exact_attention(Q, K, V)
    e = np.array([[relative_error(favor_attention(Q, K, V, m=int(m), rng=200 + r), exact) for r in range(n_draws)]
                  for m in m_values.tolist()])
    return ErrorVsM(np.asarray(m_values), e.mean(1), e.std(1, ddof=1) / math.sqrt(n_draws),
                    relative_error(mean_value_baseline(V), exact), d, n_draws)


@dataclass
class QRSignBias:
    """Relative bias of the orthogonal positive estimator of SM(x, x) without the QR sign fix."""

    d: int
    m: int
    x_norm: float
    true_value: float
    mean_without_fix: float
    stderr_without_fix: float
    mean_with_fix: float
    stderr_with_fix: float
    n_trials: int

    @property
    def relative_bias(self) -> float:
        return self.mean_without_fix / self.true_value - 1

    @property
    def relative_bias_stderr(self) -> float:
        return self.stderr_without_fix / self.true_value


@functools.lru_cache(maxsize=4)
def compute_qr_sign_bias(*, d: int = 64, m: int = 256, x_norm: float = 0.5, n_trials: int = 4000,
                         seed: int = 0) -> QRSignBias:
    """Mean of the orthogonal positive estimator of SM(x, x), x = x_norm·e₁, with and without the sign fix."""
    rng = check_rng(np.random.default_rng(check_int(seed, "seed", minimum=0)))
    d, m = check_int(d, "d", minimum=1), _check_m(m)
    x_norm = check_float(x_norm, "x_norm", gt=0)
    n_trials = check_int(n_trials, "n_trials", minimum=2)
    x = np.zeros(d)
    x[0] = x_norm
    res = {}
    for fix in (False, True):
        est = np.empty(n_trials)
        for s in range(0, n_trials, 500):
            e = min(n_trials, s + 500)
            om = _orthogonal_gaussian_batch(e - s, m, d, rng, fix)  # (n, m, d)
            proj = om[:, :, 0] * x_norm
            est[s:e] = np.exp(2 * proj - x_norm**2).mean(1)  # φ(x)ᵀφ(x) = (1/m) Σ e^{2ωᵀx − ‖x‖²}
        res[fix] = (float(est.mean()), float(est.std(ddof=1) / math.sqrt(n_trials)))
    return QRSignBias(d, m, x_norm, math.exp(x_norm**2), *res[False], *res[True], n_trials)



# ----------------------------------------------------------------------------- ReLU features: the m → ∞ limit
def relu_kernel_attention(Q, K, V, *, causal: bool = False) -> np.ndarray:
    """The m → ∞ limit of ReLU-feature attention: the arc-cosine kernel of order 1 replaces exp.

    E[max(0, ωᵀq)·max(0, ωᵀk)] = ‖q‖‖k‖(sin θ + (π − θ) cos θ)/(2π) for ω ~ N(0, I) (Cho & Saul 2009); the scale
    d^(−¼) and 1/m cancel in the row normalisation.
    """
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    nq, nk = np.linalg.norm(Q, axis=1), np.linalg.norm(K, axis=1)
    cos = np.clip((Q @ K.T) / np.outer(nq, nk), -1.0, 1.0)
    theta = np.arccos(cos)
    W = np.outer(nq, nk) * (np.sin(theta) + (np.pi - theta) * cos) / (2 * np.pi)
    if causal:
        W = np.tril(W)
    return (W @ V) / W.sum(axis=1, keepdims=True)


def relu_limit_error(sharpness: float = 0.7, *, causal: bool = False, L: int = 32, d: int = 16) -> float:
    """Relative output error against softmax of ReLU features with infinitely many features (demo_qkv data)."""
    Q, K, V = demo_qkv(L, d, sharpness=float(sharpness))
    return relative_error(relu_kernel_attention(Q, K, V, causal=causal), exact_attention(Q, K, V, causal=causal))
