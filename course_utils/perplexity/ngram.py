"""N-gram language models with add-k, Jelinek–Mercer interpolation and Kneser–Ney smoothing.

Lecture 3, section 5. A model sees a sentence as ``<s> … <s> w_1 … w_T </s>`` (``n - 1`` start
markers) and predicts every ``w_i`` and the final ``</s>`` from the ``n - 1`` tokens before it.
It never predicts ``<s>``. The vocabulary is fixed when the model is fitted: training words seen
at least ``min_count`` times, plus ``</s>`` and ``<unk>``; every other word is read as ``<unk>``.
So perplexities of models with the same vocabulary are comparable, and no test word has
probability zero.

Smoothing (``V`` = vocabulary size, ``c`` = training counts, ``h`` = the last ``n - 1`` tokens):

* ``"add-k"``:        P(w | h) = (c(h w) + k) / (c(h) + k V)                (Laplace for k = 1)
* ``"interpolated"``: Jelinek–Mercer, P = Σ_j λ_j P_ML(w | last j-1 tokens) + λ_0 / V;
  orders whose context was never seen drop out and the other weights are renormalised.
  λ fixed by default (``default_lambdas``) or tuned on held-out text (:meth:`NGramModel.tune_lambdas`).
* ``"kneser-ney"``:   interpolated Kneser–Ney with a discount D_j per order j (one fixed value,
  default 0.75, or ``discount="estimate"``: D_j = n₁/(n₁ + 2 n₂) from the counts-of-counts of
  order j, Ney, Essen & Kneser 1994; Chen & Goodman 1999):
  P(w | h) = max(c(h w) − D, 0) / c(h) + D N₁₊(h •) / c(h) · P_lower(w | h'), where the lower
  orders count *continuations* N₁₊(• h' w) instead of occurrences, ending in the uniform 1/V.
  Lower-order n-grams that start with ``<s>`` have no left context to continue, so they keep
  their raw counts (as SRILM does; ``bos_raw_counts=False`` gives them continuation counts).

Implementation: words become integer ids, and an n-gram of ids one int64 code in base V + 1
(the extra digit is ``<s>``). Fitting is ``np.unique`` over the codes of all orders; scoring a
test set is one vectorised ``np.searchsorted`` per order, so nothing loops over tokens in Python
except the word-to-id look-up. ``benchmarks/bench_perplexity.py`` compares this with plain
:class:`collections.Counter` code.
"""
from __future__ import annotations

import math
from collections import Counter
from itertools import chain
from typing import Iterable, Sequence

import numpy as np

from course_utils.core.validation import as_finite_array, check_bool, check_choice, check_float
from course_utils.perplexity.counts import (
    BOS,
    EOS,
    SMOOTHINGS,
    UNK,
    TopOrderCounts,
    _maximise_mixture_weights,
    check_discount,
    check_int,
    check_sentences,
    default_lambdas,
    estimate_discount,
)
from course_utils.perplexity.sampling import SamplingMixin


class NGramModel(SamplingMixin):
    """An n-gram language model over a fixed vocabulary with ``<s>``, ``</s>`` and ``<unk>``.

    Parameters
    ----------
    n : int
        Order: 1 unigram, 2 bigram, 3 trigram, … (>= 1).
    smoothing : {"add-k", "interpolated", "kneser-ney"}
    k : float
        Pseudo-count of add-k smoothing (> 0; k = 1 is Laplace). Can be changed after fitting.
    discount : float, sequence of n floats, or "estimate"
        Kneser–Ney's absolute discount D in (0, 1): one for every order, one per order
        (unigram first), or ``"estimate"``: D_j = n₁/(n₁ + 2 n₂) per order from the fitted counts
        (:func:`course_utils.perplexity.counts.estimate_discount`).
    bos_raw_counts : bool
        Kneser–Ney only: lower-order n-grams starting with ``<s>`` keep raw counts (SRILM, default).
    lambdas : array, shape (n + 1,), optional
        Interpolation weights (uniform, unigram, …, n-gram), non-negative, summing to 1, with
        λ_0 > 0. Default :func:`default_lambdas`; :meth:`tune_lambdas` fits them on held-out text.
    min_count : int
        Training words seen fewer times become ``<unk>`` (ignored if ``vocab`` is given).
    vocab : iterable of str, optional
        A fixed vocabulary to use instead (``</s>`` and ``<unk>`` are added).

    Examples
    --------
    >>> m = NGramModel(2, smoothing="kneser-ney").fit([["a", "b"], ["a", "c"]])
    >>> round(float(m.distribution(["a"]).sum()), 6)
    1.0
    """

    def __init__(self, n: int, *, smoothing: str = "add-k", k: float = 1.0,
                 discount: float | Sequence[float] | str = 0.75, lambdas: Sequence[float] | None = None,
                 min_count: int = 1, vocab: Iterable[str] | None = None, bos_raw_counts: bool = True):
        n = check_int(n, "n", hint=" (1 = unigram)")
        smoothing = check_choice(smoothing, "smoothing", SMOOTHINGS, what="smoothing")
        self.bos_raw_counts = check_bool(bos_raw_counts, "bos_raw_counts")
        discount, self.discounts = check_discount(discount, n)
        min_count = check_int(min_count, "min_count")
        if vocab is not None:
            if isinstance(vocab, str):
                raise TypeError("vocab must be a list of str words, got a str")
            vocab = list(vocab)
            if not all(isinstance(w, str) for w in vocab):
                raise TypeError("vocab must be a list of str words, got a non-str entry")
        self.n = n
        self.smoothing = smoothing
        self.k = k
        self.discount = discount
        self.lambdas = default_lambdas(self.n) if lambdas is None else lambdas
        self.min_count = min_count
        self._fixed_vocab = None if vocab is None else sorted(set(vocab) - {BOS, EOS, UNK})
        self._fitted = False

    # ------------------------------------------------------------------ parameters
    @property
    def k(self) -> float:
        """Add-k pseudo-count (> 0)."""
        return self._k

    @k.setter
    def k(self, value: float) -> None:
        self._k = check_float(value, "k", gt=0,
                              allowed="be a finite number > 0 (use e.g. 1e-9 to approach maximum likelihood)")

    @property
    def lambdas(self) -> np.ndarray:
        """Interpolation weights, shape (n + 1,): uniform, unigram, …, n-gram."""
        return self._lambdas.copy()

    @lambdas.setter
    def lambdas(self, value: Sequence[float]) -> None:
        lam = as_finite_array(value, "lambdas")
        if lam.shape != (self.n + 1,):
            raise ValueError(f"lambdas must have n + 1 = {self.n + 1} entries (uniform, unigram, …), got shape {lam.shape}")
        if not np.all(np.isfinite(lam)) or np.any(lam < 0) or not math.isclose(lam.sum(), 1.0, abs_tol=1e-6):
            raise ValueError(f"lambdas must be non-negative and sum to 1, got {lam.tolist()}")
        if lam[0] <= 0:
            raise ValueError("lambdas[0] (weight of the uniform distribution) must be > 0, "
                             "or unseen words get probability 0")
        self._lambdas = lam / lam.sum()

    # ------------------------------------------------------------------ fitting
    def fit(self, sentences: Iterable[Sequence[str]]) -> "NGramModel":
        """Count n-grams of all orders 1…n in ``sentences`` (lists of words); returns ``self``."""
        sentences = check_sentences(sentences)
        if self._fixed_vocab is not None:
            words = self._fixed_vocab
        else:
            word_counts = Counter(chain.from_iterable(sentences))
            words = sorted(w for w, c in word_counts.items() if c >= self.min_count and w not in (BOS, EOS, UNK))
        self.vocab: list[str] = words + [EOS, UNK]
        self.index: dict[str, int] = {w: i for i, w in enumerate(self.vocab)}
        self.eos_id, self.unk_id = len(words), len(words) + 1
        # An n-gram of ids is stored as one int64 "code" in base B = V + 1 (digit V is <s>).
        self._base = len(self.vocab) + 1
        if self._base ** self.n > 2 ** 62:
            raise ValueError(f"a vocabulary of {len(self.vocab)} words is too large for {self.n}-gram codes "
                             "(V + 1)^n <= 2^62: raise min_count or lower n")

        n, B = self.n, self._base
        windows = self._windows(sentences)
        self.n_train_tokens = len(windows)
        # keys[j]: sorted codes of the distinct j-grams; counts[j]: their counts (occurrences, or for
        # Kneser-Ney's lower orders the number of distinct words seen before them).
        self._keys: dict[int, np.ndarray] = {}
        self._counts: dict[int, np.ndarray] = {}
        for j in range(n, 0, -1):
            if self.smoothing == "kneser-ney" and j < n:
                codes = self._keys[j + 1] % B ** j  # drop the first word of each distinct (j+1)-gram
                keys, counts = np.unique(codes, return_counts=True)
                if j >= 2 and self.bos_raw_counts:  # j-grams "<s> …" have no left context: raw counts
                    raw_keys, raw_counts = np.unique(self._codes(windows, j), return_counts=True)
                    raw = raw_keys // B ** (j - 1) == B - 1
                    keep = keys // B ** (j - 1) != B - 1
                    keys = np.concatenate([keys[keep], raw_keys[raw]])
                    counts = np.concatenate([counts[keep], raw_counts[raw]])
                    order = np.argsort(keys, kind="stable")
                    keys, counts = keys[order], counts[order]
                self._keys[j] = keys
            else:
                self._keys[j], counts = np.unique(self._codes(windows, j), return_counts=True)
            self._counts[j] = counts.astype(float)
        if self.smoothing == "kneser-ney" and isinstance(self.discount, str):
            self.discounts = np.array([estimate_discount(self._counts[j]) for j in range(1, n + 1)])
        # Per context h of order j: c(h) = Σ_w c(h w) and N1+(h •) = number of distinct w.
        self._ctx_keys, self._ctx_total, self._ctx_types = {}, {}, {}
        for j in range(1, n + 1):
            self._ctx_keys[j], inverse = np.unique(self._keys[j] // B, return_inverse=True)
            self._ctx_total[j] = np.bincount(inverse, weights=self._counts[j])
            self._ctx_types[j] = np.bincount(inverse).astype(float)
        self._fitted = True
        return self

    def _windows(self, sentences: list[list[str]]) -> np.ndarray:
        """Every predicted token with its history: ids of (n-1 context tokens, target), shape (N, n)."""
        n, get, unk, bos = self.n, self.index.get, self.unk_id, self._base - 1
        word_ids = np.array([get(w, unk) for w in chain.from_iterable(sentences)], dtype=np.int64)
        lengths = np.array([len(s) for s in sentences], dtype=np.int64)
        # padded layout per sentence: n-1 times <s>, its words, </s>
        starts = np.concatenate([[0], np.cumsum(lengths + n)[:-1]]) + (n - 1)
        ids = np.full(int(lengths.sum() + n * len(sentences)), bos, dtype=np.int64)
        position_in_sentence = np.arange(word_ids.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        ids[np.repeat(starts, lengths) + position_in_sentence] = word_ids
        ids[starts + lengths] = self.eos_id
        targets = np.flatnonzero(ids != bos)
        return ids[targets[:, None] + np.arange(1 - n, 1)]

    def _codes(self, windows: np.ndarray, j: int, context_only: bool = False) -> np.ndarray:
        """Codes of the last ``j`` tokens of each window (or of their first j-1, the context)."""
        cols = windows[:, windows.shape[1] - j:windows.shape[1] - 1 if context_only else None]
        code = np.zeros(len(windows), dtype=np.int64)
        for col in cols.T:
            code = code * self._base + col
        return code

    @staticmethod
    def _lookup(keys: np.ndarray, values: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """values at ``codes`` in the sorted ``keys`` (0 where absent), and whether each was found."""
        idx = np.minimum(np.searchsorted(keys, codes), len(keys) - 1)
        found = keys[idx] == codes
        return np.where(found, values[idx], 0.0), found

    def _check_fitted(self) -> None:
        if not self._fitted:
            raise ValueError("the model is not fitted yet: call .fit(train_sentences) first")

    @property
    def vocab_size(self) -> int:
        """V: number of words the model predicts (incl. ``</s>`` and ``<unk>``)."""
        self._check_fitted()
        return len(self.vocab)

    # ------------------------------------------------------------------ probabilities
    def _context_ids(self, context: Sequence[str]) -> list[int]:
        """The last n-1 tokens of ``context`` as ids, left-padded with <s>."""
        if isinstance(context, str):
            raise TypeError("context must be a list of words (e.g. tokenize('for dinner')), not a str")
        context = list(context)
        if not all(isinstance(w, str) for w in context):
            raise TypeError(f"context must be a list of str words, got {context!r:.60}")
        bos = self._base - 1
        if self.n == 1:
            return []
        ids = [bos if w == BOS else self.index.get(w, self.unk_id) for w in list(context)[-(self.n - 1):]]
        return [bos] * (self.n - 1 - len(ids)) + ids

    def _probs(self, windows: np.ndarray) -> np.ndarray:
        """P(target | context) for every row of ``windows``, shape (N, n) -> (N,). Vectorised over N."""
        V, n = len(self.vocab), self.n
        if self.smoothing == "add-k":
            c, _ = self._lookup(self._keys[n], self._counts[n], self._codes(windows, n))
            total, _ = self._lookup(self._ctx_keys[n], self._ctx_total[n], self._codes(windows, n, context_only=True))
            return (c + self._k) / (total + self._k * V)
        p = np.full(len(windows), 1.0 / V)
        lam, cum = self._lambdas, self._lambdas[0]
        for j in range(1, n + 1):
            D = self.discounts[j - 1] if self.smoothing == "kneser-ney" else 0.0
            ctx = self._codes(windows, j, context_only=True)
            total, seen = self._lookup(self._ctx_keys[j], self._ctx_total[j], ctx)
            if not seen.any():
                break  # longer contexts are unseen too
            c, _ = self._lookup(self._keys[j], self._counts[j], self._codes(windows, j))
            safe = np.where(seen, total, 1.0)
            if self.smoothing == "interpolated":
                new = (lam[j] * c / safe + cum * p) / (cum + lam[j])
                cum += lam[j]  # rows with an unseen context keep their lower-order p from here on
            else:
                types, _ = self._lookup(self._ctx_keys[j], self._ctx_types[j], ctx)
                new = np.maximum(c - D, 0.0) / safe + D * types / safe * p
            p = np.where(seen, new, p)
        return p

    def prob(self, word: str, context: Sequence[str] = ()) -> float:
        """P(word | context).

        Parameters
        ----------
        word : str
            A word (unknown words are ``<unk>``) or ``"</s>"``; ``"<s>"`` is never predicted.
        context : list of str
            The words before ``word``; only the last ``n - 1`` are used. A shorter context is
            taken to start the sentence (padded with ``<s>``); ``"<s>"`` may appear in it.
        """
        self._check_fitted()
        if not isinstance(word, str):
            raise TypeError(f"word must be a str, got {type(word).__name__}")
        if word == BOS:
            raise ValueError("'<s>' is a context marker and is never predicted; ask for a word or '</s>'")
        window = np.array([self._context_ids(context) + [self.index.get(word, self.unk_id)]], dtype=np.int64)
        return float(self._probs(window)[0])

    def _distribution_ids(self, ctx: list[int]) -> np.ndarray:
        """P(· | ctx) over the vocabulary for a context of n-1 ids, shape (V,)."""
        V, n, B = len(self.vocab), self.n, self._base

        def followers(j: int) -> tuple[float, float, np.ndarray, np.ndarray]:
            code = 0
            for t in ctx[n - j:]:
                code = code * B + t
            total, seen = self._lookup(self._ctx_keys[j], self._ctx_total[j], np.array([code]))
            types, _ = self._lookup(self._ctx_keys[j], self._ctx_types[j], np.array([code]))
            lo, hi = np.searchsorted(self._keys[j], [code * B, (code + 1) * B])
            return (float(total[0]) if seen[0] else 0.0, float(types[0]),
                    self._keys[j][lo:hi] % B, self._counts[j][lo:hi])

        if self.smoothing == "add-k":
            total, _, ids, counts = followers(n)
            p = np.full(V, self._k)
            p[ids] += counts
            return p / (total + self._k * V)
        p = np.full(V, 1.0 / V)
        lam, cum = self._lambdas, self._lambdas[0]
        for j in range(1, n + 1):
            D = self.discounts[j - 1] if self.smoothing == "kneser-ney" else 0.0
            total, types, ids, counts = followers(j)
            if total == 0:
                break
            if self.smoothing == "interpolated":
                ml = np.zeros(V)
                ml[ids] = counts / total
                p = (lam[j] * ml + cum * p) / (cum + lam[j])
                cum += lam[j]
            else:
                new = D * types / total * p
                new[ids] += np.maximum(counts - D, 0.0) / total
                p = new
        return p

    def distribution(self, context: Sequence[str] = ()) -> np.ndarray:
        """P(· | context) over the vocabulary, shape (V,), in the order of ``self.vocab``; sums to 1."""
        self._check_fitted()
        return self._distribution_ids(self._context_ids(context))

    def top_next(self, context: Sequence[str] = (), k: int = 5) -> list[tuple[str, float]]:
        """The ``k`` most probable next words after ``context`` as (word, probability), best first."""
        k = check_int(k, "k")
        p = self.distribution(context)
        order = np.lexsort((np.arange(len(p)), -p))[:k]  # ties: vocabulary order
        return [(self.vocab[i], float(p[i])) for i in order]

    # ------------------------------------------------------------------ evaluation
    def token_probs(self, sentences: Iterable[Sequence[str]]) -> np.ndarray:
        """P(w_i | history) of every predicted token (words and each ``</s>``), shape (N,)."""
        self._check_fitted()
        return self._probs(self._windows(check_sentences(sentences, "test sentences")))

    def cross_entropy(self, sentences: Iterable[Sequence[str]]) -> float:
        """H = −(1/N) Σ log₂ P(w_i | history), in bits per token."""
        return float(-np.mean(np.log2(self.token_probs(sentences))))

    def perplexity(self, sentences: Iterable[Sequence[str]]) -> float:
        """PP = P(w_1 … w_N)^(−1/N) = 2^H over all predicted tokens (``</s>`` counts, ``<s>`` does not)."""
        return float(2.0 ** self.cross_entropy(sentences))

    def top_order_counts(self, sentences: Iterable[Sequence[str]]) -> TopOrderCounts:
        """Training counts c(h w) and c(h) behind each token of ``sentences`` (for fast add-k sweeps)."""
        self._check_fitted()
        windows = self._windows(check_sentences(sentences, "test sentences"))
        n = self.n  # the top order counts occurrences for every smoothing (Kneser-Ney changes only lower orders)
        joint, _ = self._lookup(self._keys[n], self._counts[n], self._codes(windows, n))
        context, _ = self._lookup(self._ctx_keys[n], self._ctx_total[n], self._codes(windows, n, context_only=True))
        return TopOrderCounts(joint, context, len(self.vocab))

    def unseen_fraction(self, sentences: Iterable[Sequence[str]]) -> float:
        """Share of the tokens whose n-gram never occurred in training (probability 0 without smoothing)."""
        counts = self.top_order_counts(sentences)
        return float(np.mean(counts.joint == 0))

    def tune_lambdas(self, held_out: Iterable[Sequence[str]]) -> "NGramModel":
        """Set the interpolation weights that maximise the likelihood of ``held_out`` text.

        Minimises the held-out cross-entropy over the simplex (softmax parametrisation, gradient
        descent with backtracking from equal weights; deterministic, see
        :func:`_maximise_mixture_weights`). Only for ``smoothing="interpolated"``. Returns ``self``.
        """
        self._check_fitted()
        if self.smoothing != "interpolated":
            raise ValueError(f"tune_lambdas is for smoothing='interpolated', this model uses {self.smoothing!r}")
        windows = self._windows(check_sentences(held_out, "held-out sentences"))
        P, M = np.zeros((len(windows), self.n + 1)), np.zeros((len(windows), self.n + 1))
        P[:, 0], M[:, 0] = 1.0 / len(self.vocab), 1.0
        for j in range(1, self.n + 1):  # component j: P_ML of order j, available where its context was seen
            total, M[:, j] = self._lookup(self._ctx_keys[j], self._ctx_total[j], self._codes(windows, j, context_only=True))
            c, _ = self._lookup(self._keys[j], self._counts[j], self._codes(windows, j))
            P[:, j] = np.where(M[:, j] > 0, c / np.where(M[:, j] > 0, total, 1.0), 0.0)
        lam = _maximise_mixture_weights(P, M)  # renormalised over the available components
        lam[0] = max(lam[0], 1e-12)  # keep every word possible even if held-out text never needs the uniform part
        self.lambdas = lam / lam.sum()
        return self


    def __repr__(self) -> str:
        extra = {"add-k": f"k={self._k:g}", "interpolated": f"lambdas={np.round(self._lambdas, 3).tolist()}",
                 "kneser-ney": "discount=" + (f"{self.discount:g}" if isinstance(self.discount, float) else
                                              str(np.round(self.discounts, 3).tolist()) if self.discounts is not None
                                              else repr(self.discount))}[self.smoothing]
        state = f"V={len(self.vocab)}, trained on {self.n_train_tokens} tokens" if self._fitted else "not fitted"
        return f"NGramModel(n={self.n}, smoothing={self.smoothing!r}, {extra}; {state})"
