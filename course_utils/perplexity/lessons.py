"""Lecture 3 — small computations behind single slides: Kneser–Ney's continuation counts on the
corpus, ``<unk>`` pairs, sample sentences, and a die model that knows the order of the rolls.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from course_utils.core.validation import check_float, check_instance, check_probability, check_rng
from course_utils.perplexity.corpus import Corpus
from course_utils.perplexity.counts import BOS, check_int
from course_utils.perplexity.metrics import die_rolls, entropy
from course_utils.perplexity.ngram import NGramModel


# --------------------------------------------------------------------------- Kneser–Ney's intuition
@dataclass(frozen=True)
class Continuation:
    """Occurrences against distinct left neighbours of a word in the training text.

    ``count`` c(w); ``predecessors`` N₁₊(• w), the number of distinct words (or ``<s>``) before it;
    ``p_ml`` = c(w) / N with N the training tokens *including* ``</s>`` (the denominator of the
    models' unigram counts) and ``p_continuation`` = N₁₊(• w) / N₁₊(• •); ``top_predecessors`` the
    most frequent words before it with their counts.
    """

    word: str
    count: int
    predecessors: int
    p_ml: float
    p_continuation: float
    top_predecessors: tuple


def compute_continuation(corpus: Corpus, words: Sequence[str]) -> list[Continuation]:
    """:class:`Continuation` of each word in ``words`` from the training bigrams (words as they are)."""
    check_instance(corpus, "corpus", Corpus, what="a Corpus (load_python_docs(), load_text_file(path))")
    before: dict[str, Counter] = {}
    counts: Counter = Counter()
    for sent in corpus.train:
        for prev, w in zip([BOS] + sent[:-1], sent):
            before.setdefault(w, Counter())[prev] += 1
            counts[w] += 1
    n_tokens = sum(counts.values()) + len(corpus.train)  # + one </s> per sentence, as in the models' unigram counts
    n_types = sum(len(c) for c in before.values())  # N1+(• •): distinct bigram types
    out = []
    for w in words:
        prev = before.get(w, Counter())
        out.append(Continuation(word=w, count=counts[w], predecessors=len(prev), p_ml=counts[w] / n_tokens,
                                p_continuation=len(prev) / n_types, top_predecessors=tuple(prev.most_common(3))))
    return out


def most_diverse_partner(corpus: Corpus, word: str, tolerance: float = 0.2) -> str:
    """A word about as frequent as ``word`` (within ``tolerance``) with the most distinct left neighbours."""
    check_instance(corpus, "corpus", Corpus, what="a Corpus (load_python_docs(), load_text_file(path))")
    target = compute_continuation(corpus, [word])[0].count
    counts = Counter(w for s in corpus.train for w in s)
    near = sorted(w for w, c in counts.items() if abs(c - target) <= tolerance * target and w != word)
    stats = compute_continuation(corpus, near)
    return max(stats, key=lambda s: (s.predecessors, s.word)).word


# --------------------------------------------------------------------------- sampling
def sample_sentences(model: NGramModel, rng: np.random.Generator, n_samples: int = 3, min_words: int = 6,
                     max_words: int = 20, max_draws: int = 1000) -> list[list[str]]:
    """The first ``n_samples`` sampled sentences with ``min_words`` to ``max_words`` words.

    Sentences are drawn with :meth:`NGramModel.generate` until ``</s>``; shorter and longer ones
    are skipped (so the slide shows sentences of a readable length, not one-word draws).
    """
    check_instance(model, "model", NGramModel, what="a fitted NGramModel")
    rng = check_rng(rng)
    n_samples, min_words, max_words = (check_int(v, name) for v, name in
                                       ((n_samples, "n_samples"), (min_words, "min_words"), (max_words, "max_words")))
    out: list[list[str]] = []
    for _ in range(check_int(max_draws, "max_draws")):
        s = model.generate(rng, max_len=max_words + 1)
        if min_words <= len(s) <= max_words:
            out.append(s)
            if len(out) == n_samples:
                break
    return out


# --------------------------------------------------------------------------- a die with memory
@dataclass(frozen=True)
class DieBigramResult:
    """An order-blind die model against a bigram die model on the same test rolls.

    ``best_unigram_pp`` = 2^H(test frequencies), the lowest perplexity of any model that ignores
    the order of the rolls; ``bigram_pp`` the perplexity of a bigram model trained (add-k) on other
    rolls from the same rule; ``unigram_pp`` that of the unigram (add-k) model trained on them.
    """

    best_unigram_pp: float
    unigram_pp: float
    bigram_pp: float
    train_rolls: int
    test_rolls: int


def compute_die_bigram(six_share: float = 7 / 12, n_rolls: int = 12, n_train: int = 60, k: float = 0.1,
                       faces: int = 6) -> DieBigramResult:
    """Train on ``die_rolls(n_train, six_share)``, test on ``die_rolls(n_rolls, six_share)`` (cyclic rolls)."""
    six_share = check_probability(six_share, "six_share")
    k = check_float(k, "k", gt=0)
    train = die_rolls(check_int(n_train, "n_train", minimum=2), six_share, faces)
    test = die_rolls(n_rolls, six_share, faces)
    uni = (np.bincount(train, minlength=faces) + k) / (train.size + faces * k)
    C = np.zeros((faces, faces))
    np.add.at(C, (train[:-1], train[1:]), 1)
    P = (C + k) / (C.sum(axis=1, keepdims=True) + faces * k)
    logp = np.log2(np.r_[uni[test[0]], P[test[:-1], test[1:]]])
    freqs = np.bincount(test, minlength=faces) / test.size
    return DieBigramResult(best_unigram_pp=float(2 ** entropy(freqs)),
                           unigram_pp=float(2 ** -np.mean(np.log2(uni[test]))),
                           bigram_pp=float(2 ** -logp.mean()), train_rolls=int(train.size), test_rolls=int(test.size))


# --------------------------------------------------------------------------- sampling error of a test perplexity
@dataclass(frozen=True)
class BootstrapResult:
    """Test perplexities with their bootstrap standard error over test sentences.

    ``names``: the models; ``pp`` their test perplexity; ``stderr`` the standard deviation of the
    perplexity over ``n_boot`` resamples of the test sentences (with replacement); ``diff`` and
    ``diff_stderr`` the same for ``pp[0] - pp[1]`` on the *same* resamples (paired), and
    ``share_first_better`` the share of resamples in which the first model has the lower perplexity.
    """

    names: tuple
    pp: np.ndarray
    stderr: np.ndarray
    diff: float
    diff_stderr: float
    share_first_better: float
    n_boot: int


def compute_bootstrap(models: dict, sentences: Sequence[Sequence[str]], rng: np.random.Generator,
                      n_boot: int = 1000) -> BootstrapResult:
    """Paired bootstrap over sentences of the test perplexity of two or more fitted models."""
    rng = check_rng(rng)
    n_boot = check_int(n_boot, "n_boot", minimum=2)
    names = tuple(models)
    if len(names) < 2 or not all(isinstance(m, NGramModel) for m in models.values()):
        raise ValueError("models must map at least two names to fitted NGramModels")
    lengths = np.array([len(s) + 1 for s in sentences])
    ends = np.cumsum(lengths)
    # bits of each sentence under each model, shape (M, S)
    bits = np.array([np.add.reduceat(-np.log2(m.token_probs(sentences)), ends - lengths) for m in models.values()])
    idx = rng.integers(0, len(sentences), size=(n_boot, len(sentences)))
    boot = 2.0 ** (bits[:, idx].sum(axis=2) / lengths[idx].sum(axis=1))  # (M, n_boot)
    pp = 2.0 ** (bits.sum(axis=1) / lengths.sum())
    d = boot[0] - boot[1]
    return BootstrapResult(names=names, pp=pp, stderr=boot.std(axis=1, ddof=1), diff=float(pp[0] - pp[1]),
                           diff_stderr=float(d.std(ddof=1)), share_first_better=float(np.mean(d < 0)), n_boot=n_boot)
