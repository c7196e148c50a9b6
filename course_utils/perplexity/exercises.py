"""Lecture 3 — exercises with specific hints and revealable solutions.

In the notebook::

    answer = None  # your answer
    check_unfair_die(answer)
    EX_UNFAIR_DIE.reveal()
"""
from __future__ import annotations

import math

from course_utils.core.exercises import Exercise, compare_choice, compare_value
from course_utils.perplexity.coding import CODING_EXERCISES

# Exact answers (the tests check them against course_utils.perplexity).
UNFAIR_DIE_PP = 0.05 ** -0.5                 # (0.5^5 · 0.1^5)^(-1/10) = 1/sqrt(0.05) ≈ 4.472
BITS = 7.41
BITS_PP = 2.0 ** BITS                        # ≈ 170.1, SLP3's WSJ bigram
ADD_ONE_V, ADD_ONE_CONTEXT, ADD_ONE_PAIR = 1727, 40, 3          # V: the lecture corpus (tested)
ADD_ONE_P = (ADD_ONE_PAIR + 1) / (ADD_ONE_CONTEXT + ADD_ONE_V)   # 4 / 1767 ≈ 0.002264


EX_UNFAIR_DIE = Exercise(
    key="unfair-die",
    question=("A die model gives P(six) = 1/2 and P = 1/10 to each other face. The test set is 10 rolls: "
              "five sixes and each of the faces 1–5 once. What is the model's perplexity on it?"),
    checker=lambda answer: compare_value(answer, UNFAIR_DIE_PP, rtol=0.005, name="the perplexity", traps=[
        (6.0, "6 is the arithmetic mean of 1/p over the rolls (5·2 + 5·10)/10. Perplexity is the "
              "*geometric* mean of 1/p: (Π p_i)^(-1/N)."),
        (1 / UNFAIR_DIE_PP, "That is (Π p_i)^(+1/N), the geometric mean probability. Perplexity is its inverse."),
        (0.05 ** -1, "20 = 1/(0.5 · 0.1): you multiplied one six and one other face; take all 10 rolls "
                     "and the 10th root."),
    ]),
    solution=("$$PP = (0.5^5 \\cdot 0.1^5)^{-1/10} = (0.05^5)^{-1/10} = 0.05^{-1/2} = \\sqrt{20} \\approx 4.47.$$\n\n"
              "In code: `sequence_perplexity([.1, .1, .1, .1, .1, .5], [5] * 5 + [0, 1, 2, 3, 4])`. "
              "The test set matches the model, so this is also $2^{H(p)}$ with "
              "$H(p) = 0.5 \\cdot 1 + 0.5 \\log_2 10 \\approx 2.16$ bits: fewer than 6 effective faces."),
)
check_unfair_die = EX_UNFAIR_DIE.check

EX_BITS = Exercise(
    key="bits-to-perplexity",
    question=(f"A bigram model has a cross-entropy of {BITS} bits per word on a test set. "
              "What is its perplexity?"),
    checker=lambda answer: compare_value(answer, BITS_PP, rtol=0.005, name="the perplexity", traps=[
        (math.exp(BITS), "You used e^H: H is in bits, so PP = 2^H."),
        (10 ** BITS, "You used 10^H: H is in bits, so PP = 2^H."),
        (BITS, "That is the cross-entropy itself; perplexity is 2 to the power of it."),
        (math.log2(BITS), "You took log₂ of H; perplexity is 2^H."),
    ]),
    solution=(f"$PP = 2^H = 2^{{{BITS}}} \\approx {BITS_PP:.0f}$, about SLP3's WSJ bigram (170). "
              "Each extra bit of cross-entropy doubles the perplexity."),
)
check_bits = EX_BITS.check

EX_ADD_ONE = Exercise(
    key="add-one",
    question=(f"Add-one (Laplace) smoothing, vocabulary V = {ADD_ONE_V}. The context h was seen "
              f"c(h) = {ADD_ONE_CONTEXT} times in training and the word w followed it {ADD_ONE_PAIR} times. "
              "What is P(w | h)?"),
    checker=lambda answer: compare_value(answer, ADD_ONE_P, rtol=0.01, name="P(w | h)", traps=[
        (ADD_ONE_PAIR / ADD_ONE_CONTEXT, "That is the unsmoothed maximum-likelihood estimate c(h w)/c(h). "
                                         "Add 1 to the count and V to the denominator."),
        ((ADD_ONE_PAIR + 1) / (ADD_ONE_CONTEXT + 1), "The denominator gets + V (one pseudo-count for each of "
                                                     "the V possible next words), not + 1."),
        (ADD_ONE_PAIR / (ADD_ONE_CONTEXT + ADD_ONE_V), "Add 1 to the numerator too."),
    ]),
    solution=(f"$$P(w\\mid h) = \\frac{{c(hw)+1}}{{c(h)+V}} = \\frac{{{ADD_ONE_PAIR + 1}}}{{{ADD_ONE_CONTEXT + ADD_ONE_V}}} "
              f"\\approx {ADD_ONE_P:.5f}$$\n\nMaximum likelihood would give {ADD_ONE_PAIR}/{ADD_ONE_CONTEXT} = "
              f"{ADD_ONE_PAIR / ADD_ONE_CONTEXT:.3f}: add-one moves more than 95 % of the probability mass of a "
              "context seen 40 times to words never seen after it, which is why add-1 n-gram models have such a high test perplexity."),
)
check_add_one = EX_ADD_ONE.check

MLE_CHOICES = {
    "lower": "No: the test set contains bigrams never seen in training; maximum likelihood gives them probability 0.",
    "finite": "No: a single test token with probability 0 makes the product 0, so P(W)^(-1/N) is infinite.",
    "infinite": ("Right: more than a quarter of our test bigrams never occur in training, each gets probability 0, "
                 "and one zero is enough: PP = ∞. Hence smoothing and <unk>."),
}
EX_MLE = Exercise(
    key="unsmoothed-test",
    question=("A bigram model with no smoothing at all (maximum likelihood, but with `<unk>` for rare words) "
              "is evaluated on our test set. Its perplexity is: `'lower'` (than on the training set), "
              "`'finite'` (but higher than on training) or `'infinite'`?"),
    checker=lambda answer: compare_choice(answer, "infinite", MLE_CHOICES, name="your choice"),
    solution=("`'infinite'`. Count it: `NGramModel(2, min_count=2).fit(train).unseen_fraction(test)` is the share of test "
              "bigrams with zero training count; any positive share gives $P(W) = 0$ and $PP = \\infty$. "
              "With add-k the perplexity stays finite for every k > 0, and it is not monotone in k: the dev-tuned "
              "k ≈ 0.016 gives the bigram a test perplexity of about 173 (Laplace's k = 1: about 451); below that it "
              "climbs again, slowly at first (about 475 at k = $10^{-4}$), then without bound: about 14,700 for the "
              "bigram and 60,500 for the trigram at k = $10^{-9}$, the left end of the widget's slider. "
              "As k → 0 it tends to maximum likelihood's infinite perplexity."),
)
check_unsmoothed = EX_MLE.check

VOCAB_CHOICES = {
    "A": "No: A predicts among 500 words, B among 5000; a smaller vocabulary lowers perplexity by itself.",
    "B": "No: the higher perplexity does not make B better either.",
    "cannot tell": ("Right: perplexities are comparable only with the same vocabulary and tokenisation. Shrinking V "
                    "(more words mapped to <unk>) lowers perplexity without a better model."),
}
EX_VOCAB = Exercise(
    key="compare-vocabularies",
    question=("Model A has test perplexity 80 with a 500-word vocabulary; model B has 120 with a 5,000-word "
              "vocabulary (both map other words to `<unk>`). Which is the better language model: "
              "`'A'`, `'B'` or `'cannot tell'`?"),
    checker=lambda answer: compare_choice(answer, "cannot tell", VOCAB_CHOICES, name="your choice"),
    solution=("`'cannot tell'`. Look at the perplexity-against-vocabulary plot: the same model family on the same "
              "text goes from hundreds to about ten just by mapping more words to `<unk>`. Compare models on the "
              "same vocabulary (or use a vocabulary-free measure such as bits per character)."),
)
check_vocabulary = EX_VOCAB.check

EXERCISES = [EX_UNFAIR_DIE, EX_BITS, EX_ADD_ONE, EX_MLE, EX_VOCAB, *CODING_EXERCISES]
