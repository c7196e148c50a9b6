"""Lecture 3 — a bridge to today's language models: one test text, two tokenisations.

Today's models predict sub-word tokens, so their perplexities are per *token* of their own
tokeniser and cannot be compared across tokenisers. What can be compared is the cost of the same
text: bits per character (bpc). Here the same test sentences are modelled as words (the lecture's
n-gram models, vocabulary with ``<unk>``) and as characters (an n-gram model over characters).

* Characters of a sentence: its words joined by single spaces, then ``</s>`` (the end of the
  sentence, one character: a newline). A character model predicts each of them, so its
  cross-entropy in bits per token *is* its bpc.
* A word model predicts ``len(words) + 1`` tokens for the same characters. Its ``<unk>`` does not
  say *which* rare word came, so to pay for the whole text each ``<unk>`` word is also spelled out,
  letter by letter, by a character trigram model of the rare training words (those that are
  ``<unk>`` in training). bpc = (bits of the words + bits of the spellings) / characters.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from course_utils.core.validation import check_instance
from course_utils.perplexity.corpus import Corpus
from course_utils.perplexity.counts import check_int
from course_utils.perplexity.ngram import NGramModel


def char_sentences(sentences: Sequence[Sequence[str]]) -> list[list[str]]:
    """Each sentence as its list of characters: the words joined by single spaces."""
    return [list(" ".join(s)) for s in sentences]


def n_characters(sentences: Sequence[Sequence[str]]) -> int:
    """Characters of the text: words, the spaces between them and one end-of-sentence each."""
    return int(sum(len(" ".join(s)) + 1 for s in sentences))


@dataclass(frozen=True)
class TokenisationResult:
    """Test perplexity per token and bits per character, words and characters (section 7).

    Attributes
    ----------
    orders : tuple of int
    word_pp, char_pp : array, shape (R,)
        Perplexity per token of the word and the character models (Kneser–Ney, estimated discounts).
    word_bpc, char_bpc : array, shape (R,)
        Bits per character of the same test text.
    word_bits, spelling_bits : array, shape (R,) and float
        Total bits of the test words (``</s>`` included) and of spelling out its ``<unk>`` words.
    n_chars, n_word_tokens : int
        Characters of the test text (= character tokens) and word tokens (words + ``</s>``).
    """

    orders: tuple
    word_pp: np.ndarray
    char_pp: np.ndarray
    word_bpc: np.ndarray
    char_bpc: np.ndarray
    word_bits: np.ndarray
    spelling_bits: float
    n_chars: int
    n_word_tokens: int


def spelling_bits(corpus: Corpus, test_words: Sequence[str], vocab: set, n: int = 3) -> float:
    """Bits to spell out the test words that are not in ``vocab``, letter by letter.

    The speller is a character ``n``-gram (Kneser–Ney) trained on the spellings of the training
    word tokens outside ``vocab`` (the words the word model calls ``<unk>``); each spelling ends
    with ``</s>``.
    """
    rare_train = [list(w) for s in corpus.train for w in s if w not in vocab]
    rare_test = [list(w) for w in test_words if w not in vocab]
    if not rare_test:
        return 0.0
    speller = NGramModel(n, smoothing="kneser-ney", discount="estimate", min_count=1).fit(rare_train)
    return float(-np.log2(speller.token_probs(rare_test)).sum())


def compute_tokenisations(corpus: Corpus, orders: Sequence[int] = (1, 2, 3, 4, 5),
                          min_count: int = 2) -> TokenisationResult:
    """Word and character n-gram models of the same text: perplexity per token and bits per character.

    Both are fitted on ``corpus.train`` with interpolated Kneser–Ney and D = n₁/(n₁ + 2 n₂)
    per order (nothing tuned on test); scored on ``corpus.test``.
    """
    check_instance(corpus, "corpus", Corpus, what="a Corpus (load_python_docs(), load_text_file(path))")
    orders = tuple(check_int(n, "orders[i]") for n in orders)
    n_chars = n_characters(corpus.test)
    train_chars, test_chars = char_sentences(corpus.train), char_sentences(corpus.test)
    word_pp, char_pp, word_bits = [], [], []
    spell = None
    for n in orders:
        words = NGramModel(n, smoothing="kneser-ney", discount="estimate", min_count=min_count).fit(corpus.train)
        p = words.token_probs(corpus.test)
        word_bits.append(float(-np.log2(p).sum()))
        word_pp.append(float(2 ** (word_bits[-1] / p.size)))
        if spell is None:
            spell = spelling_bits(corpus, [w for s in corpus.test for w in s], set(words.index))
            n_word_tokens = int(p.size)
        chars = NGramModel(n, smoothing="kneser-ney", discount="estimate", min_count=min_count).fit(train_chars)
        char_pp.append(chars.perplexity(test_chars))
    word_bits = np.array(word_bits)
    char_pp = np.array(char_pp)
    return TokenisationResult(orders=orders, word_pp=np.array(word_pp), char_pp=char_pp,
                              word_bpc=(word_bits + spell) / n_chars, char_bpc=np.log2(char_pp),
                              word_bits=word_bits, spelling_bits=float(spell), n_chars=n_chars,
                              n_word_tokens=n_word_tokens)
