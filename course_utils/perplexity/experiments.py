"""Lecture 3 — the lecture's n-gram experiments: model tables, vocabulary sweep, add-k curves.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from course_utils.core.validation import as_finite_array, check_bool, check_choice, check_float, check_instance
from course_utils.perplexity.corpus import Corpus
from course_utils.perplexity.counts import SMOOTHINGS, TopOrderCounts, check_int
from course_utils.perplexity.metrics import perplexity
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
        lines = [f"{'n':>2} {'smoothing':<13} {'train PP':>9} {'test PP':>8}  tuned (never on test)"]
        for r in self.rows:
            lines.append(f"{r['n']:>2} {r['smoothing']:<13} {r['train_pp']:>9.1f} {r['test_pp']:>8.1f}  {r.get('tuned', '')}")
        return "\n".join(lines)


def _check_ints(values: Sequence[int], name: str) -> list[int]:
    """A non-empty sequence of integers >= 1 (n-gram orders, min_counts)."""
    if isinstance(values, str) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a sequence of integers >= 1, got {type(values).__name__}")
    out = [check_int(v, f"{name}[{i}]") for i, v in enumerate(values)]
    if not out:
        raise ValueError(f"{name} must contain at least one integer >= 1, got an empty sequence")
    return out


#: The lower clip of :func:`~course_utils.perplexity.counts.estimate_discount` (its ``lo``).
DISCOUNT_CLIP = 0.05

#: The grid of add-k's k searched on the dev set (0.05 decades from 1e-9 to 10).
K_GRID = np.logspace(-9, 1, 201)


def tune_k(model: NGramModel, dev: Sequence[Sequence[str]], ks: np.ndarray = K_GRID) -> float:
    """The k of ``ks`` with the lowest add-k perplexity on ``dev`` (vectorised over the grid)."""
    check_instance(model, "model", NGramModel, what="a fitted NGramModel")
    ks = as_finite_array(ks, "ks", ndim=1)
    return float(ks[int(np.argmin(model.top_order_counts(dev).add_k_perplexity(ks)))])


def tuning_note(model: NGramModel) -> str:
    """What was tuned, on what: the table's last column."""
    if model.smoothing == "add-k":
        if not getattr(model, "k_tuned", False):
            return f"k = {model.k:.2g} (fixed)"
        lowest = model.k == K_GRID[0]  # with <unk> every unigram is seen: maximum likelihood is optimal
        return f"k = {model.k:.2g} (dev" + ("; grid's lowest, i.e. ML)" if lowest else ")")
    if model.smoothing == "interpolated":
        return "λ on dev"
    d = ", ".join(f"{x:.2f}" for x in model.discounts)
    if not isinstance(model.discount, str):
        return f"D = {d} (fixed)"
    if model.n == 1 and model.discounts[0] == DISCOUNT_CLIP:
        return f"D = {d} (clip; n1 = 0 after <unk>)"
    return f"D = {d} (n1/(n1+2n2), train)"


def fit_model(corpus: Corpus, n: int, smoothing: str, *, k: float | None = None, min_count: int = 2,
              discount: float | str = "estimate") -> NGramModel:
    """Fit one model on ``corpus.train``; tune on ``corpus.dev`` (if it has any) what is to be tuned.

    Interpolation weights are always tuned on dev; add-k's k is tuned on dev (grid :data:`K_GRID`)
    when ``k`` is None; Kneser–Ney's discounts come from the training counts with
    ``discount="estimate"`` (D = n₁/(n₁ + 2 n₂) per order) or are the fixed ``discount``.
    The test set is never looked at.
    """
    check_instance(corpus, "corpus", Corpus, what="a Corpus (load_python_docs(), load_text_file(path))")
    model = NGramModel(n, smoothing=smoothing, k=1.0 if k is None else k, min_count=min_count,
                       discount=discount).fit(corpus.train)
    model.k_tuned = False
    if smoothing == "interpolated" and corpus.dev:
        model.tune_lambdas(corpus.dev)
    if smoothing == "add-k" and k is None and corpus.dev:
        model.k, model.k_tuned = tune_k(model, corpus.dev), True
    return model


def compute_model_table(corpus: Corpus, orders: Sequence[int] = (1, 2, 3), smoothings: Sequence[str] = SMOOTHINGS,
                        *, k: float | None = None, min_count: int = 2, discount: float | str = "estimate",
                        progress: bool = False) -> ModelTable:
    """Fit every (order, smoothing) pair on the training set, tuned on dev; perplexity on train and test.

    Parameters
    ----------
    corpus : Corpus
    orders : sequence of int
    smoothings : sequence of str
    k : float or None
        Pseudo-count of the add-k models; None (default): tuned on the dev set.
    discount : float or "estimate"
        Kneser–Ney's discount; "estimate" (default): D = n₁/(n₁ + 2 n₂) per order from training counts.
    min_count : int
        Vocabulary: training words seen at least this often (the rest are ``<unk>``).
    progress : bool
        Show a ``tqdm`` progress bar.
    """
    check_instance(corpus, "corpus", Corpus, what="a Corpus (load_python_docs(), load_text_file(path))")
    orders = _check_ints(orders, "orders")
    smoothings = [check_choice(s, "smoothings[i]", SMOOTHINGS) for s in smoothings]
    k = None if k is None else check_float(k, "k", gt=0)
    progress = check_bool(progress, "progress")
    pairs = [(n, s) for s in smoothings for n in orders]
    if progress:
        from tqdm.auto import tqdm

        pairs = tqdm(pairs, desc="fitting n-gram models")
    rows, models = [], {}
    for n, smoothing in pairs:
        model = fit_model(corpus, n, smoothing, k=k, min_count=min_count, discount=discount)
        models[(n, smoothing)] = model
        rows.append({"n": n, "smoothing": smoothing, "vocab_size": model.vocab_size,
                     "train_pp": model.perplexity(corpus.train), "dev_pp": model.perplexity(corpus.dev) if corpus.dev
                     else float("nan"), "test_pp": model.perplexity(corpus.test), "tuned": tuning_note(model)})
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
    ks = np.logspace(-9, 1, 41) if ks is None else as_finite_array(ks, "ks", ndim=1)
    return AddKCurve(n=n, ks=ks, train_pp=train_counts.add_k_perplexity(ks), test_pp=test_counts.add_k_perplexity(ks),
                     k=float(k), train_at_k=train_counts.add_k_perplexity(k), test_at_k=test_counts.add_k_perplexity(k))


# --------------------------------------------------------------------------- <unk> selection effect (section 5)
@dataclass(frozen=True)
class UnkSelection:
    """Why the unigram finds held-out text easier than its training text (section 5).

    The vocabulary is selected on the training counts (seen >= ``min_count`` times). Words that just
    made the cut are, by that selection, over-represented in training (a Good–Turing effect): on
    held-out text they are rarer, and more of its tokens are ``<unk>``. Shares are of word tokens
    (``</s>`` not counted); perplexities are of the unigram over all tokens and over non-``<unk>`` ones.

    Attributes
    ----------
    parts : tuple of str
        ``("train", "dev", "test")``.
    unk_share, rare_share : array, shape (3,)
        Share of word tokens that are ``<unk>``; share of word tokens whose training count is in
        ``[min_count, rare_max]`` (the words just above the cut).
    pp_all, pp_known : array, shape (3,)
    min_count, rare_max : int
    """

    parts: tuple
    unk_share: np.ndarray
    rare_share: np.ndarray
    pp_all: np.ndarray
    pp_known: np.ndarray
    min_count: int
    rare_max: int


def compute_unk_selection(corpus: Corpus, unigram: NGramModel, rare_max: int = 3) -> UnkSelection:
    """:class:`UnkSelection` of a unigram model fitted on ``corpus.train`` (e.g. the table's Kneser–Ney unigram)."""
    check_instance(corpus, "corpus", Corpus, what="a Corpus (load_python_docs(), load_text_file(path))")
    check_instance(unigram, "unigram", NGramModel, what="a fitted unigram NGramModel")
    if unigram.n != 1:
        raise ValueError(f"unigram must be a unigram model (n = 1), got n = {unigram.n}")
    rare_max = check_int(rare_max, "rare_max")
    counts: dict[str, int] = {}
    for sent in corpus.train:
        for w in sent:
            counts[w] = counts.get(w, 0) + 1
    parts = ("train", "dev", "test")
    unk, rare, pp_all, pp_known = [], [], [], []
    for part in parts:
        sents = getattr(corpus, part)
        words = [w for s in sents for w in s]
        unk.append(np.mean([w not in unigram.index for w in words]))
        rare.append(np.mean([unigram.min_count <= counts.get(w, 0) <= rare_max for w in words]))
        probs = unigram.token_probs(sents)
        known = np.array([w in unigram.index for s in sents for w in s + ["</s>"]])
        pp_all.append(perplexity(probs))
        pp_known.append(perplexity(probs[known]))
    return UnkSelection(parts=parts, unk_share=np.array(unk), rare_share=np.array(rare), pp_all=np.array(pp_all),
                        pp_known=np.array(pp_known), min_count=unigram.min_count, rare_max=rare_max)
