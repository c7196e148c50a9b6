"""Lecture 3 — sampling sentences from an n-gram model (mixed into :class:`~course_utils.perplexity.ngram.NGramModel`).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from course_utils.core.validation import check_rng
from course_utils.perplexity.counts import check_int


class SamplingMixin:
    """``generate``: word-by-word sampling from ``_distribution_ids`` (the model's P(· | context))."""

    # ------------------------------------------------------------------ sampling
    def generate(self, rng: np.random.Generator, max_len: int = 30, context: Sequence[str] = ()) -> list[str]:
        """Sample one sentence word by word until ``</s>`` or ``max_len`` words.

        Parameters
        ----------
        rng : numpy Generator
        max_len : int
            Maximum number of words (>= 1).
        context : list of str
            Optional words the sentence starts with (not repeated in the output).

        Returns
        -------
        list of str
            The sampled words, without markers (``<unk>`` shows up as itself).
        """
        self._check_fitted()
        rng = check_rng(rng)
        max_len = check_int(max_len, "max_len")
        ctx = self._context_ids(context)
        words: list[str] = []
        for _ in range(max_len):
            p = self._distribution_ids(ctx)
            w = int(np.searchsorted(np.cumsum(p), rng.random() * p.sum(), side="right"))
            w = min(w, len(p) - 1)
            if w == self.eos_id:
                break
            words.append(self.vocab[w])
            ctx = (ctx + [w])[1:]
        return words

