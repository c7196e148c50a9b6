"""Lecture 3 — n-gram counting helpers: input checks, counts of the top order, mixture weights.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Iterable

import numpy as np

from course_utils.core import validation
from course_utils.core.validation import as_finite_array

BOS, EOS, UNK = "<s>", "</s>", "<unk>"
SMOOTHINGS = ("add-k", "interpolated", "kneser-ney")


def check_int(value: object, name: str, minimum: int = 1, hint: str = "") -> int:
    """:func:`course_utils.core.validation.check_int` with the lecture's default ``minimum = 1``.

    A non-integer raises :class:`~course_utils.core.validation.NotAnIntegerError` (a TypeError that
    is also the ValueError this function raised before the checks were unified).
    """
    return validation.check_int(value, name, minimum=minimum,
                                allowed=f"be an integer >= {minimum}{hint}" if hint else None)


def default_lambdas(n: int) -> np.ndarray:
    """Fixed Jelinek–Mercer weights (λ_0 for the uniform 1/V, λ_1 unigram, …, λ_n), shape (n + 1,).

    λ_0 = 0.01 and the rest proportional to 1, 2, 4, … (higher orders trusted more).
    """
    n = check_int(n, "n")
    rest = 2.0 ** np.arange(n)
    return np.concatenate([[0.01], 0.99 * rest / rest.sum()])


def estimate_discount(counts: np.ndarray, lo: float = 0.05, hi: float = 0.95) -> float:
    """Kneser–Ney's discount from counts-of-counts: D = n₁ / (n₁ + 2 n₂).

    ``n₁`` and ``n₂`` are the numbers of n-grams seen exactly once and twice (for Kneser–Ney's lower
    orders: with continuation count 1 and 2). Ney, Essen & Kneser (1994), eq. (1) of Chen & Goodman
    (1999) section 3. Clipped to [lo, hi] so that it stays a valid discount on tiny corpora.
    """
    counts = np.asarray(counts)
    n1, n2 = int(np.sum(counts == 1)), int(np.sum(counts == 2))
    if n1 + 2 * n2 == 0:
        return 0.75  # no singletons and no doubletons: the conventional value
    return float(min(max(n1 / (n1 + 2 * n2), lo), hi))


def check_discount(discount: object, n: int) -> tuple[object, np.ndarray | None]:
    """Kneser–Ney's ``discount`` argument: ("estimate", None), (D, [D] * n) or (tuple, per-order array)."""
    if isinstance(discount, str):
        return validation.check_choice(discount, "discount", ("estimate",), what="discount rule"), None
    if np.ndim(discount) == 0:
        d = validation.check_float(discount, "discount", gt=0, lt=1)
        return d, np.full(n, d)
    d = as_finite_array(discount, "discount", ndim=1)
    if d.shape != (n,) or np.any(d <= 0) or np.any(d >= 1):
        raise ValueError(f"discount must have n = {n} entries in (0, 1) (unigram first), got {d.tolist()}")
    return tuple(d.tolist()), d.copy()


def check_sentences(sentences: object, name: str = "sentences") -> list[list[str]]:
    """Validate a list of tokenised sentences (lists of str); raise a helpful error otherwise."""
    if isinstance(sentences, str) or not isinstance(sentences, Iterable):
        raise TypeError(f"{name} must be a list of sentences, each a list of words (use corpus.tokenize), "
                        f"got {type(sentences).__name__}")
    out = list(sentences)
    if not all(isinstance(sentence, (list, tuple)) for sentence in out):
        i, bad = next((i, s) for i, s in enumerate(out) if not isinstance(s, (list, tuple)))
        raise TypeError(f"{name}[{i}] must be a list of words, got {type(bad).__name__} "
                        f"(split text with corpus.tokenize first)")
    if not set(map(type, chain.from_iterable(out))) <= {str}:  # fast path; str subclasses take the slow one
        for i, sentence in enumerate(out):
            if not all(isinstance(w, str) for w in sentence):
                raise TypeError(f"{name}[{i}] must contain only str words")
    if not out:
        raise ValueError(f"{name} is empty: need at least one sentence")
    return out


def _maximise_mixture_weights(P: np.ndarray, M: np.ndarray, max_iter: int = 1000, tol: float = 1e-12) -> np.ndarray:
    """Weights λ on the simplex maximising mean log( P λ / M λ ) (held-out log-likelihood of the
    renormalised interpolation).

    Parameters
    ----------
    P : array, shape (N, K)
        Component probabilities of each held-out token (0 where the component is unavailable).
    M : array, shape (N, K)
        1 where the component is available (its context was seen), else 0; column 0 is all ones.

    Returns
    -------
    array, shape (K,)
        λ >= 0 summing to 1 (λ = softmax(θ); gradient descent on θ with Armijo backtracking).
    """
    def loss_grad(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        lam = np.exp(theta - theta.max())
        lam /= lam.sum()
        a, b = P @ lam, M @ lam
        loss = float(-np.mean(np.log(a) - np.log(b)))
        g_lam = -np.mean(P / a[:, None] - M / b[:, None], axis=0)
        return loss, lam * (g_lam - lam @ g_lam), lam

    theta = np.zeros(P.shape[1])
    loss, grad, lam = loss_grad(theta)
    step = 1.0
    for _ in range(max_iter):
        while True:
            new_loss, new_grad, new_lam = loss_grad(theta - step * grad)
            if new_loss <= loss - 1e-4 * step * float(grad @ grad) or step < 1e-12:
                break
            step *= 0.5
        if step < 1e-12 or loss - new_loss < tol:
            if new_loss < loss:
                lam = new_lam
            break
        theta, loss, grad, lam = theta - step * grad, new_loss, new_grad, new_lam
        step *= 2.0
    return lam


@dataclass(frozen=True)
class TopOrderCounts:
    """Training counts behind every target token of some sentences, for a fast add-k sweep.

    Attributes
    ----------
    joint : array, shape (N,)
        c(h w) of each of the N target tokens (``</s>`` included) at the model's order.
    context : array, shape (N,)
        c(h) of its context.
    vocab_size : int
        V.
    """

    joint: np.ndarray
    context: np.ndarray
    vocab_size: int

    def add_k_perplexity(self, k: float | np.ndarray) -> float | np.ndarray:
        """Perplexity of the add-k model for one k or an array of k (vectorised over k)."""
        ks = as_finite_array(k, "k")
        if np.any(ks <= 0):
            raise ValueError(f"k must be finite and > 0, got {k!r}")
        kk = ks.reshape(-1, 1)
        logp = np.log2(self.joint + kk) - np.log2(self.context + kk * self.vocab_size)
        pp = 2.0 ** (-logp.mean(axis=1))
        return float(pp[0]) if ks.ndim == 0 else pp.reshape(ks.shape)
