"""Lecture 3 — perplexity, cross-entropy and entropy; dice; the branching factor; underflow.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from course_utils.core.validation import NotAnIntegerError, check_float, check_probability, describe
from course_utils.perplexity.counts import check_int

#: Jurafsky & Martin, SLP3 ch. 3: WSJ, 38 M training words, 19,979-word vocabulary,
#: 1.5 M-word test set (perplexity by n-gram order).
SLP3_WSJ: dict[int, int] = {1: 962, 2: 170, 3: 109}
#: The setting of those numbers: training words, vocabulary size and test words (SLP3 ch. 3).
SLP3_WSJ_SETUP: dict[str, int] = {"train_words": 38_000_000, "vocab_size": 19_979, "test_words": 1_500_000}

DIST_ATOL = 1e-6  # tolerance for "sums to 1"


# --------------------------------------------------------------------------- metrics
def check_probabilities(probs: object, name: str = "probs") -> np.ndarray:
    """Validate per-token probabilities: a non-empty 1-D array of numbers in [0, 1].

    Returns the probabilities as a float array, shape (N,). Raises ``ValueError`` for an empty
    test set, NaN, or values outside [0, 1]; ``TypeError`` for non-numbers.
    """
    try:
        p = np.asarray(probs, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be numbers (probabilities in [0, 1]), got {describe(probs)}") from exc
    if isinstance(probs, str) or np.asarray(probs).dtype.kind == "b":
        raise TypeError(f"{name} must be numbers (probabilities in [0, 1]), got {describe(probs)}")
    if p.ndim > 1:
        raise ValueError(f"{name} must be 1-D (one probability per test token), got shape {p.shape}")
    p = p.reshape(-1)
    if p.size == 0:
        raise ValueError(f"{name} is empty: the test set needs at least one token")
    bad = ~((p >= 0) & (p <= 1))  # also catches NaN
    if bad.any():
        raise ValueError(f"{name} must lie in [0, 1]; got {p[bad][0]!r} at index {int(np.argmax(bad))}")
    return p


def check_distribution(dist: object, name: str = "dist", atol: float = DIST_ATOL) -> np.ndarray:
    """Validate a categorical distribution: 1-D, entries in [0, 1], summing to 1 within ``atol``."""
    p = check_probabilities(dist, name)
    atol = check_float(atol, "atol", ge=0)
    total = float(p.sum())
    if not math.isclose(total, 1.0, rel_tol=0.0, abs_tol=atol):
        raise ValueError(f"{name} must sum to 1 (tolerance {atol:g}), got sum {total:.6g}")
    return p


def _log_base(base: float) -> float:
    allowed = "be a positive number other than 1 (2 for bits, e for nats)"
    base = check_float(base, "base", gt=0, allowed=allowed)
    if base == 1:
        raise ValueError(f"base must {allowed}, got {describe(base)}")
    return math.log(base)


def cross_entropy(probs: object, base: float = 2) -> float:
    """H = −(1/N) Σ log P(w_i | history) from the per-token probabilities, shape (N,).

    In bits for ``base=2``. Returns ``inf`` if any probability is 0 (the model calls an observed
    token impossible).
    """
    p = check_probabilities(probs)
    scale = _log_base(base)
    if np.any(p == 0):
        return math.inf
    return float(-np.mean(np.log(p)) / scale)


def perplexity(probs: object) -> float:
    """PP = (Π p_i)^(−1/N) computed in log space as exp(−mean log p_i).

    Parameters
    ----------
    probs : array, shape (N,)
        Probability the model gave to each of the N test tokens (in [0, 1]).

    Returns
    -------
    float
        Perplexity, >= 1. ``inf`` if any probability is 0: a model that calls a test token
        impossible has infinite perplexity (this is why language models need ``<unk>`` and
        smoothing). Equal to ``2 ** cross_entropy(probs, base=2)``.
    """
    p = check_probabilities(probs)
    if np.any(p == 0):
        return math.inf
    return float(np.exp(-np.mean(np.log(p))))


def naive_perplexity(probs: object) -> float:
    """PP from the plain product of the probabilities, as the formula reads (for comparison only).

    The product of a few hundred word probabilities underflows to 0.0 in float64, and then
    this returns ``inf`` although the true perplexity is finite. Use :func:`perplexity`.
    """
    p = check_probabilities(probs)
    product = math.prod(p.tolist())
    return math.inf if product == 0.0 else float(product ** (-1.0 / p.size))


def entropy(dist: object, base: float = 2) -> float:
    """H(p) = −Σ_x p(x) log p(x) of a categorical distribution, shape (K,) (0 log 0 = 0).

    In bits for ``base=2``. 2^H(p) is the perplexity of ``p`` on a test set drawn from ``p``
    itself (in the limit of a long test set): its "effective number of choices".
    """
    p = check_distribution(dist)
    scale = _log_base(base)
    nz = p[p > 0]
    return float(max(0.0, -np.sum(nz * np.log(nz)) / scale))


def sequence_perplexity(model_probs: object, outcomes: object) -> float:
    """Perplexity of a categorical model (e.g. a die) on a sequence of observed outcomes.

    Parameters
    ----------
    model_probs : array, shape (K,)
        The model's distribution over outcomes 0 … K−1 (sums to 1).
    outcomes : array of int, shape (N,)
        Observed outcomes, each in 0 … K−1 (a die's faces 1–6 are outcomes 0–5).

    Returns
    -------
    float
        PP >= 1; ``inf`` if an observed outcome has model probability 0.
    """
    p = check_distribution(model_probs, "model_probs")
    o = np.asarray(outcomes)
    if o.ndim != 1:
        raise ValueError(f"outcomes must be a 1-D sequence, got shape {o.shape}")
    if o.size == 0:
        raise ValueError("outcomes is empty: the test set needs at least one outcome")
    if not np.issubdtype(o.dtype, np.integer):
        raise NotAnIntegerError(f"outcomes must be integers 0 … {p.size - 1}, got dtype {o.dtype}")
    outside = (o < 0) | (o >= p.size)
    if outside.any():
        raise ValueError(f"outcome {int(o[outside][0])} is outside the model's outcomes 0 … {p.size - 1}")
    return perplexity(p[o])


# --------------------------------------------------------------------------- dice (section 4)
def die_probs(p_six: float, faces: int = 6) -> np.ndarray:
    """A die that shows its last face with probability ``p_six`` and the others equally often.

    Returns shape (faces,). ``p_six = 1/faces`` is the fair die.
    """
    faces = check_int(faces, "faces", minimum=2)
    p_six = check_probability(p_six, "p_six")
    p = np.full(faces, (1.0 - p_six) / (faces - 1))
    p[-1] = p_six
    return p


def die_rolls(n_rolls: int, six_share: float, faces: int = 6) -> np.ndarray:
    """A fixed test set: ``round(six_share · n_rolls)`` rolls of the last face, the rest cycling
    through the other faces in order. Outcomes 0 … faces−1, shape (n_rolls,).
    """
    n_rolls = check_int(n_rolls, "n_rolls")
    six_share = check_probability(six_share, "six_share")
    faces = check_int(faces, "faces", minimum=2)
    n_six = int(round(six_share * n_rolls))
    others = np.arange(n_rolls - n_six) % (faces - 1)
    return np.concatenate([others, np.full(n_six, faces - 1)]).astype(int)


@dataclass(frozen=True)
class DieResult:
    """Perplexity of a die model on a test set of rolls (section 4).

    Attributes
    ----------
    model_probs : array, shape (K,)
    test_freqs : array, shape (K,)
        Share of each face in the test set.
    outcomes : array of int, shape (N,)
    perplexity : float
        Of the model on the test set (``inf`` if a rolled face has probability 0).
    cross_entropy_bits : float
        H(test, model) = log₂ perplexity.
    test_entropy_bits : float
        H(test): the smallest cross-entropy a model that ignores the order of the rolls (one
        distribution for every roll) can reach on them; a model with memory can go lower.
    model_entropy_bits : float
        H(model): its own uncertainty; 2^H is its perplexity on a matching test set.
    """

    model_probs: np.ndarray
    test_freqs: np.ndarray
    outcomes: np.ndarray
    perplexity: float
    cross_entropy_bits: float
    test_entropy_bits: float
    model_entropy_bits: float


def compute_die(p_six: float = 7 / 12, six_share: float = 7 / 12, n_rolls: int = 12, faces: int = 6) -> DieResult:
    """The die example: a model with P(six) = ``p_six`` scored on ``n_rolls`` rolls with a share
    ``six_share`` of sixes (:func:`die_probs`, :func:`die_rolls`)."""
    p = die_probs(p_six, faces)
    rolls = die_rolls(n_rolls, six_share, faces)
    freqs = np.bincount(rolls, minlength=faces) / rolls.size
    pp = sequence_perplexity(p, rolls)
    return DieResult(model_probs=p, test_freqs=freqs, outcomes=rolls, perplexity=pp,
                     cross_entropy_bits=math.log2(pp), test_entropy_bits=entropy(freqs),
                     model_entropy_bits=entropy(p))


@dataclass(frozen=True)
class BranchingResult:
    """Perplexity against the number of outcomes (section 4).

    Attributes
    ----------
    k : array of int, shape (M,)
        Number of outcomes 1 … k_max.
    uniform : array, shape (M,)
        Perplexity of the uniform model over k outcomes (= k).
    skewed : array, shape (M,)
        2^H of the Zipf-like model p_i ∝ i^(−skew), i = 1 … k: its perplexity on a test set
        that matches it. Always <= k.
    skew : float
    """

    k: np.ndarray
    uniform: np.ndarray
    skewed: np.ndarray
    skew: float


def zipf_probs(k: int, skew: float) -> np.ndarray:
    """p_i ∝ i^(−skew), i = 1 … k, shape (k,). ``skew = 0`` is uniform."""
    k = check_int(k, "k")
    skew = check_float(skew, "skew", ge=0)
    w = np.arange(1, k + 1, dtype=float) ** (-skew)
    return w / w.sum()


def compute_branching(k_max: int = 20, skew: float = 1.0) -> BranchingResult:
    """Perplexity of uniform and Zipf-like models over k = 1 … ``k_max`` outcomes."""
    k_max = check_int(k_max, "k_max")
    skew = check_float(skew, "skew", ge=0)
    ks = np.arange(1, k_max + 1)
    skewed = np.array([2.0 ** entropy(zipf_probs(int(k), skew)) for k in ks])
    return BranchingResult(k=ks, uniform=ks.astype(float), skewed=skewed, skew=float(skew))


@dataclass(frozen=True)
class UnderflowResult:
    """The naive product against log space on growing prefixes of a test set (section 2).

    Attributes
    ----------
    lengths : array of int, shape (M,)
    product : array, shape (M,)
        Π p_i over the first ``length`` tokens in float64 (becomes 0.0).
    log10_product : array, shape (M,)
        Σ log₁₀ p_i: the same number, never underflowing.
    naive_pp, log_pp : array, shape (M,)
        Perplexity from the product (``inf`` after underflow) and from log space.
    underflow_at : int
        Number of tokens after which the running float64 product is exactly 0.0 (0 if never).
    """

    lengths: np.ndarray
    product: np.ndarray
    log10_product: np.ndarray
    naive_pp: np.ndarray
    log_pp: np.ndarray
    underflow_at: int


def compute_underflow(probs: object, lengths: Sequence[int]) -> UnderflowResult:
    """Compare the naive product with log space on the first ``lengths`` tokens of ``probs``."""
    p = check_probabilities(probs)
    raw = np.asarray(lengths)
    if raw.dtype.kind not in "iu":
        raise NotAnIntegerError(f"lengths must be integers in 1 … {p.size}, got {describe(lengths)}")
    lengths = raw.astype(int)
    if lengths.ndim != 1 or lengths.size == 0 or lengths.min() < 1 or lengths.max() > p.size:
        raise ValueError(f"lengths must be integers in 1 … {p.size}, got {lengths.tolist()}")
    product = np.array([math.prod(p[:m].tolist()) for m in lengths])
    log10 = np.array([float(np.sum(np.log10(p[:m]))) if np.all(p[:m] > 0) else -math.inf for m in lengths])
    running, underflow_at = 1.0, 0
    for i, value in enumerate(p.tolist(), start=1):
        running *= value
        if running == 0.0:
            underflow_at = i
            break
    return UnderflowResult(lengths=lengths, product=product, log10_product=log10,
                           naive_pp=np.array([naive_perplexity(p[:m]) for m in lengths]),
                           log_pp=np.array([perplexity(p[:m]) for m in lengths]), underflow_at=underflow_at)
