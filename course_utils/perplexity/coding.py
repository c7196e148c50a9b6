"""Lecture 3 — coding exercises: the student writes the function, ``check_*`` compares it with ours.

In the notebook::

    def perplexity_from_logprobs(tokens, logprobs):
        raise NotImplementedError
    check_perplexity_from_logprobs(perplexity_from_logprobs)
    EX_PP_LOGPROBS.reveal()
"""
from __future__ import annotations

import math

import numpy as np

from course_utils.core.exercises import Exercise, compare_function
from course_utils.perplexity.counts import BOS
from course_utils.perplexity.ngram import NGramModel


# --------------------------------------------------------------------------- 1. perplexity from log-probabilities
def perplexity_from_logprobs(tokens: list[str], logprobs: list[float]) -> float:
    """PP from natural-log probabilities of a padded token sequence; ``<s>`` is given, never predicted."""
    logp = [lp for t, lp in zip(tokens, logprobs) if t != BOS]
    return math.exp(-sum(logp) / len(logp))


def _pp_counting_bos(tokens, logprobs):
    return math.exp(-sum(lp for t, lp in zip(tokens, logprobs) if t != BOS) / len(tokens))


def _pp_without_eos(tokens, logprobs):
    logp = [lp for t, lp in zip(tokens, logprobs) if t not in (BOS, "</s>")]
    return math.exp(-sum(logp) / len(logp))


def _pp_base2(tokens, logprobs):
    logp = [lp for t, lp in zip(tokens, logprobs) if t != BOS]
    return 2 ** (-sum(logp) / len(logp))


_PP_CASES = [
    (["<s>", "a", "</s>"], [0.0, math.log(0.5), math.log(0.5)]),
    (["<s>", "the", "cat", "sat", "</s>"], [0.0, math.log(0.2), math.log(0.01), math.log(0.3), math.log(0.6)]),
    (["<s>", "x", "</s>", "<s>", "y", "z", "</s>"], [0.0, -1.0, -0.5, 0.0, -2.0, -3.0, -0.1]),
    (["<s>", "<s>", "a", "b", "</s>"], [0.0, 0.0, -1.2, -0.7, -0.2]),
]
EX_PP_LOGPROBS = Exercise(
    key="perplexity-from-logprobs",
    question=("Write `perplexity_from_logprobs(tokens, logprobs)`: `tokens` is a padded sequence of one or more "
              "sentences (`['<s>', 'the', 'cat', '</s>', '<s>', ...]`), `logprobs[i]` the natural log of "
              "P(tokens[i] | history) (0.0 at each `<s>`, which is given, not predicted). Return the perplexity."),
    checker=lambda f: compare_function(f, perplexity_from_logprobs, _PP_CASES, rtol=1e-9,
                                       name="your perplexity_from_logprobs",
                                       labels=["one short sentence", "one sentence", "two sentences",
                                               "a trigram's two <s>"],
                                       traps=[(_pp_counting_bos, "You divided by all tokens, <s> included: <s> is "
                                                                 "never predicted, so N counts words and </s> only."),
                                              (_pp_without_eos, "</s> is predicted by the model and counts in N "
                                                                "(and its log-probability in the sum)."),
                                              (_pp_base2, "The log-probabilities are natural logs: exp, not 2**.")]),
    solution=("```python\ndef perplexity_from_logprobs(tokens, logprobs):\n"
              "    logp = [lp for t, lp in zip(tokens, logprobs) if t != '<s>']   # </s> stays\n"
              "    return math.exp(-sum(logp) / len(logp))\n```\n"
              "N counts every predicted token: the words and each `</s>`, never `<s>`."),
)
check_perplexity_from_logprobs = EX_PP_LOGPROBS.check


# --------------------------------------------------------------------------- 2. add-k bigram probabilities
def add_k_bigram(counts: np.ndarray, k: float) -> np.ndarray:
    """P[h, w] = (c(h w) + k) / (c(h) + k V) from a (contexts × V) count matrix; each row sums to 1."""
    counts = np.asarray(counts, dtype=float)
    return (counts + k) / (counts.sum(axis=1, keepdims=True) + k * counts.shape[1])


def _add_k_plus_k(counts, k):
    counts = np.asarray(counts, dtype=float)
    return (counts + k) / (counts.sum(axis=1, keepdims=True) + k)


def _add_k_column_sums(counts, k):
    counts = np.asarray(counts, dtype=float)
    return (counts + k) / (counts.sum(axis=0, keepdims=True) + k * counts.shape[0])


_ADD_K_CASES = [
    (np.array([[3, 1, 0], [0, 0, 2]]), 1.0),
    (np.array([[3, 1, 0, 0], [0, 0, 2, 5], [1, 1, 1, 1]]), 0.5),
    (np.array([[0, 0, 0, 0, 0], [10, 0, 0, 0, 1]]), 0.01),
    (np.array([[40, 3, 0, 0, 7, 1]]), 1e-6),
]
EX_ADD_K = Exercise(
    key="add-k-bigram",
    question=("Write `add_k_bigram(counts, k)`: `counts[h, w]` is how often word w followed context h in training "
              "(a numpy array, one row per context, one column per vocabulary word). Return the matrix of add-k "
              "probabilities P(w | h), and check yourself that every row sums to 1 — also a row of zeros (a "
              "context never seen)."),
    checker=lambda f: compare_function(f, add_k_bigram, _ADD_K_CASES, name="your add_k_bigram",
                                       labels=["Laplace, 2 contexts", "k = 0.5", "an unseen context (a row of zeros)",
                                               "tiny k"],
                                       traps=[(_add_k_plus_k, "The denominator gets + k·V (one pseudo-count for each "
                                                              "of the V possible next words), not + k: rows must sum to 1."),
                                              (_add_k_column_sums, "c(h) is the sum of a row (all words after h), not "
                                                                   "of a column.")]),
    solution=("```python\ndef add_k_bigram(counts, k):\n    counts = np.asarray(counts, dtype=float)\n"
              "    V = counts.shape[1]\n"
              "    return (counts + k) / (counts.sum(axis=1, keepdims=True) + k * V)\n```\n"
              "Each row sums to (c(h) + kV) / (c(h) + kV) = 1; an unseen context gets the uniform 1/V."),
)
check_add_k_bigram = EX_ADD_K.check


# --------------------------------------------------------------------------- 3. Kneser–Ney by hand
TOY_CORPUS = [["i", "am", "sam"], ["sam", "i", "am"], ["i", "do", "not", "like", "green", "eggs", "and", "ham"],
              ["sam", "likes", "green", "ham"]]


def kneser_ney_bigram_prob(word: str, prev: str, sentences: list[list[str]], D: float = 0.75) -> float:
    """Interpolated Kneser–Ney P(word | prev) of a bigram model (vocabulary: every training word, ``</s>``, ``<unk>``)."""
    return NGramModel(2, smoothing="kneser-ney", discount=D, min_count=1).fit(sentences).prob(word, [prev])


def _kn_raw_unigram(word, prev, sentences, D=0.75):
    """The typical mistake: the lower order uses raw unigram counts instead of continuation counts."""
    vocab = sorted({w for s in sentences for w in s}) + ["</s>", "<unk>"]
    V = len(vocab)
    uni = {w: 0 for w in vocab}
    big: dict = {}
    for s in sentences:
        for a, b in zip(["<s>"] + s, s + ["</s>"]):
            uni[b] += 1
            big[(a, b)] = big.get((a, b), 0) + 1
    N, types = sum(uni.values()), sum(1 for c in uni.values() if c > 0)
    p1 = max(uni[word] - D, 0) / N + D * types / N / V
    c_h = sum(c for (a, _), c in big.items() if a == prev)
    if c_h == 0:
        return p1
    n_h = sum(1 for (a, _) in big if a == prev)
    return max(big.get((prev, word), 0) - D, 0) / c_h + D * n_h / c_h * p1


_KN_CASES = [(("sam", "am", TOY_CORPUS), {}), (("ham", "green", TOY_CORPUS), {}), (("am", "i", TOY_CORPUS), {}),
             (("eggs", "i", TOY_CORPUS), {}), (("</s>", "ham", TOY_CORPUS), {}), (("i", "<s>", TOY_CORPUS), {"D": 0.5})]
EX_KN = Exercise(
    key="kneser-ney-by-hand",
    question=("Write `kneser_ney_bigram_prob(word, prev, sentences, D=0.75)`: interpolated Kneser–Ney for a bigram "
              "model trained on `sentences` (vocabulary: every training word, plus `</s>` and `<unk>`; "
              "each sentence starts after `<s>` and ends with `</s>`). The unigram level uses the same D and "
              "continuation counts — N₁₊(• w) / N₁₊(• •), where `<s>` counts as a left neighbour — and is "
              "interpolated with the uniform 1/V. It is checked against `NGramModel(2, smoothing='kneser-ney', "
              "discount=D, min_count=1)` on the toy corpus `TOY_CORPUS`."),
    checker=lambda f: compare_function(f, kneser_ney_bigram_prob, _KN_CASES, rtol=1e-9,
                                       name="your kneser_ney_bigram_prob",
                                       labels=["P(sam | am)", "P(ham | green)", "P(am | i)",
                                               "P(eggs | i): never seen after i", "P(</s> | ham)", "P(i | <s>), D = 0.5"],
                                       traps=[(_kn_raw_unigram, "Your lower order counts occurrences c(w). Kneser–Ney's "
                                                                "lower order counts distinct left neighbours N₁₊(• w) "
                                                                "(the 'Francisco' effect), normalised by N₁₊(• •).")]),
    solution=("$$P_1(w) = \\frac{\\max(N_{1+}(\\bullet w) - D, 0)}{N_{1+}(\\bullet\\bullet)} + "
              "\\frac{D\\,|\\{w: N_{1+}(\\bullet w) > 0\\}|}{N_{1+}(\\bullet\\bullet)}\\,\\frac1V,\\qquad "
              "P(w\\mid h) = \\frac{\\max(c(hw) - D, 0)}{c(h)} + \\frac{D\\,N_{1+}(h\\bullet)}{c(h)}\\,P_1(w)$$\n\n"
              "```python\ndef kneser_ney_bigram_prob(word, prev, sentences, D=0.75):\n"
              "    vocab = sorted({w for s in sentences for w in s}) + ['</s>', '<unk>']\n"
              "    bigrams = Counter((a, b) for s in sentences for a, b in zip(['<s>'] + s, s + ['</s>']))\n"
              "    left = Counter(b for (a, b) in bigrams)            # N1+(. w): distinct left neighbours\n"
              "    n_types = len(bigrams)                              # N1+(. .)\n"
              "    p1 = max(left[word] - D, 0) / n_types + D * len(left) / n_types / len(vocab)\n"
              "    c_h = sum(c for (a, b), c in bigrams.items() if a == prev)\n"
              "    if c_h == 0:\n        return p1\n"
              "    n_h = sum(1 for (a, b) in bigrams if a == prev)     # N1+(h .)\n"
              "    return max(bigrams[(prev, word)] - D, 0) / c_h + D * n_h / c_h * p1\n```"),
)
check_kneser_ney = EX_KN.check

CODING_EXERCISES = [EX_PP_LOGPROBS, EX_ADD_K, EX_KN]
