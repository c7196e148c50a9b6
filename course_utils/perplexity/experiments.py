"""Lecture 3 — the lecture's n-gram experiments: model tables, vocabulary sweep, add-k curves.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from course_utils.core.validation import as_finite_array, check_bool, check_choice, check_float, check_instance
from course_utils.perplexity.corpus import Corpus
from course_utils.perplexity.counts import SMOOTHINGS, TopOrderCounts, check_int
from course_utils.perplexity.ngram import NGramModel


# --------------------------------------------------------------------------- n-gram models (section 5)
@dataclass
class ModelTable:
    """Train and test perplexity of n-gram models by order and smoothing (section 5).

    Attributes
    ----------
    rows : list of dict
        One per model: ``n``, ``smoothing``, ``train_pp``, ``test_pp``, ``vocab_size``.
    models : dict (n, smoothing) -> NGramModel
        The fitted models (interpolation weights tuned on the dev set).
    corpus_name : str
    """

    rows: list[dict]
    models: dict = field(repr=False)
    corpus_name: str = ""

    def get(self, n: int, smoothing: str, key: str = "test_pp") -> float:
        """One number of the table, e.g. ``table.get(3, "kneser-ney")``."""
        for row in self.rows:
            if row["n"] == n and row["smoothing"] == smoothing:
                return row[key]
        raise ValueError(f"no model with n={n}, smoothing={smoothing!r} in this table")

    def format(self) -> str:
        """The table as aligned plain text."""
        lines = [f"{'n':>2} {'smoothing':<13} {'V':>6} {'train PP':>9} {'test PP':>9}"]
        for r in self.rows:
            lines.append(f"{r['n']:>2} {r['smoothing']:<13} {r['vocab_size']:>6} {r['train_pp']:>9.1f} {r['test_pp']:>9.1f}")
        return "\n".join(lines)


def _check_ints(values: Sequence[int], name: str) -> list[int]:
    """A non-empty sequence of integers >= 1 (n-gram orders, min_counts)."""
    if isinstance(values, str) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a sequence of integers >= 1, got {type(values).__name__}")
    out = [check_int(v, f"{name}[{i}]") for i, v in enumerate(values)]
    if not out:
        raise ValueError(f"{name} must contain at least one integer >= 1, got an empty sequence")
    return out


def fit_model(corpus: Corpus, n: int, smoothing: str, *, k: float = 1.0, min_count: int = 2) -> NGramModel:
    """Fit one model on ``corpus.train`` (interpolation weights tuned on ``corpus.dev`` if it has any)."""
    check_instance(corpus, "corpus", Corpus, what="a Corpus (load_python_docs(), load_text_file(path))")
    model = NGramModel(n, smoothing=smoothing, k=k, min_count=min_count).fit(corpus.train)
    if smoothing == "interpolated" and corpus.dev:
        model.tune_lambdas(corpus.dev)
    return model


def compute_model_table(corpus: Corpus, orders: Sequence[int] = (1, 2, 3), smoothings: Sequence[str] = SMOOTHINGS,
                        *, k: float = 1.0, min_count: int = 2, progress: bool = False) -> ModelTable:
    """Fit every (order, smoothing) pair on the training set; perplexity on train and test.

    Parameters
    ----------
    corpus : Corpus
    orders : sequence of int
    smoothings : sequence of str
    k : float
        Pseudo-count of the add-k models.
    min_count : int
        Vocabulary: training words seen at least this often (the rest are ``<unk>``).
    progress : bool
        Show a ``tqdm`` progress bar.
    """
    check_instance(corpus, "corpus", Corpus, what="a Corpus (load_python_docs(), load_text_file(path))")
    orders = _check_ints(orders, "orders")
    smoothings = [check_choice(s, "smoothings[i]", SMOOTHINGS) for s in smoothings]
    k = check_float(k, "k", gt=0)
    progress = check_bool(progress, "progress")
    pairs = [(n, s) for s in smoothings for n in orders]
    if progress:
        from tqdm.auto import tqdm

        pairs = tqdm(pairs, desc="fitting n-gram models")
    rows, models = [], {}
    for n, smoothing in pairs:
        model = fit_model(corpus, n, smoothing, k=k, min_count=min_count)
        models[(n, smoothing)] = model
        rows.append({"n": n, "smoothing": smoothing, "vocab_size": model.vocab_size,
                     "train_pp": model.perplexity(corpus.train), "test_pp": model.perplexity(corpus.test)})
    return ModelTable(rows=rows, models=models, corpus_name=corpus.name)


@dataclass(frozen=True)
class VocabularySweep:
    """Test perplexity against vocabulary size (section 5).

    Attributes
    ----------
    min_counts : array of int, shape (M,)
    vocab_size : array of int, shape (M,)
        V for each ``min_count`` (rarer words become ``<unk>``).
    orders : tuple of int, length R
    test_pp : array, shape (R, M)
    smoothing : str
    """

    min_counts: np.ndarray
    vocab_size: np.ndarray
    orders: tuple
    test_pp: np.ndarray
    smoothing: str


def compute_vocabulary_sweep(corpus: Corpus, min_counts: Sequence[int] = (1, 2, 3, 5, 10, 20, 50),
                             orders: Sequence[int] = (1, 2, 3), smoothing: str = "kneser-ney") -> VocabularySweep:
    """Test perplexity for vocabularies of training words seen at least ``min_count`` times."""
    check_instance(corpus, "corpus", Corpus, what="a Corpus (load_python_docs(), load_text_file(path))")
    min_counts = np.asarray(_check_ints(min_counts, "min_counts"), dtype=int)
    orders = _check_ints(orders, "orders")
    smoothing = check_choice(smoothing, "smoothing", SMOOTHINGS)
    pp = np.zeros((len(orders), len(min_counts)))
    sizes = np.zeros(len(min_counts), dtype=int)
    for j, mc in enumerate(min_counts):
        for i, n in enumerate(orders):
            model = fit_model(corpus, n, smoothing, min_count=int(mc))
            sizes[j] = model.vocab_size
            pp[i, j] = model.perplexity(corpus.test)
    return VocabularySweep(min_counts=min_counts, vocab_size=sizes, orders=tuple(orders), test_pp=pp,
                           smoothing=smoothing)


@dataclass(frozen=True)
class AddKCurve:
    """Train and test perplexity of the add-k model of order ``n`` over a grid of k (section 5).

    Attributes
    ----------
    n : int
    ks : array, shape (M,)
    train_pp, test_pp : array, shape (M,)
    k : float
        The selected k; ``train_at_k`` and ``test_at_k`` are its perplexities.
    """

    n: int
    ks: np.ndarray
    train_pp: np.ndarray
    test_pp: np.ndarray
    k: float
    train_at_k: float
    test_at_k: float


def compute_add_k_curve(train_counts: TopOrderCounts, test_counts: TopOrderCounts, n: int, k: float,
                        ks: np.ndarray | None = None) -> AddKCurve:
    """Add-k perplexity curves from precomputed counts (:meth:`NGramModel.top_order_counts`).

    Vectorised over k: a whole curve costs a few numpy operations, so a slider can move k live.
    """
    check_instance(train_counts, "train_counts", TopOrderCounts, what="a TopOrderCounts (model.top_order_counts(...))")
    check_instance(test_counts, "test_counts", TopOrderCounts, what="a TopOrderCounts (model.top_order_counts(...))")
    n = check_int(n, "n")
    k = check_float(k, "k", gt=0)
    ks = np.logspace(-4, 1, 41) if ks is None else as_finite_array(ks, "ks", ndim=1)
    return AddKCurve(n=n, ks=ks, train_pp=train_counts.add_k_perplexity(ks), test_pp=test_counts.add_k_perplexity(ks),
                     k=float(k), train_at_k=train_counts.add_k_perplexity(k), test_at_k=test_counts.add_k_perplexity(k))
