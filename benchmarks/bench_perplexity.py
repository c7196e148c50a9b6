"""Benchmark for Lecture 3: n-gram fit and evaluation throughput, and the notebook's LM section.

Usage::

    .venv/bin/python benchmarks/bench_perplexity.py           # full (a minute or so)
    .venv/bin/python benchmarks/bench_perplexity.py --quick   # reduced, < 30 s

Throughput is in tokens per second on the whole corpus (train + dev + test of the Python
language reference, every predicted token incl. </s>). The baseline is the plainest correct
code: a ``collections.Counter`` of n-gram tuples for fitting, and maximum-likelihood look-ups
``c(h w) / c(h)`` in two Counters for evaluation (no smoothing, so no zero-probability
handling; it is evaluated on its own training text, where nothing is unseen).
Timings are medians of repeats after one warm-up run; on a shared 2-core machine they are noisy
(the section's CPU time, also printed, is steadier than its wall time).
"""
from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections import Counter

import numpy as np

from course_utils.perplexity import (
    SMOOTHINGS,
    NGramModel,
    compute_model_table,
    compute_vocabulary_sweep,
    load_python_docs,
)


def median_time(fn, repeats: int, clock=time.perf_counter) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times)


def counter_fit(sentences, n):
    grams: Counter = Counter()
    for s in sentences:
        padded = ["<s>"] * (n - 1) + s + ["</s>"]
        grams.update(zip(*(padded[i:] for i in range(n))))
    contexts: Counter = Counter()
    for gram, c in grams.items():
        contexts[gram[:-1]] += c
    return grams, contexts


def counter_perplexity(sentences, n, grams, contexts):
    total, count = 0.0, 0
    for s in sentences:
        padded = ["<s>"] * (n - 1) + s + ["</s>"]
        for gram in zip(*(padded[i:] for i in range(n))):
            total += math.log2(grams[gram] / contexts[gram[:-1]])
            count += 1
    return 2.0 ** (-total / count)


def lm_section(corpus_loader=load_python_docs):
    """What sections 5 and 6 of the notebook compute (without drawing)."""
    from course_utils.perplexity import add_k_data, compute_tokenisations, sample_sentences

    corpus = corpus_loader()
    table = compute_model_table(corpus)  # k tuned on dev, discounts estimated, lambdas tuned on dev
    for n in (1, 2, 3):
        sample_sentences(table.models[(n, "kneser-ney")], np.random.default_rng(n), n_samples=3)
    compute_vocabulary_sweep(corpus, min_counts=(1, 2, 5, 20, 50))
    add_k_data(corpus)
    compute_tokenisations(corpus)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one timed run each (< 30 s)")
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else 7
    corpus = load_python_docs()
    sentences = corpus.sentences
    n_tokens = sum(len(s) + 1 for s in sentences)  # words + </s>
    print(f"corpus: {corpus.name}, {len(sentences)} sentences, {n_tokens} predicted tokens (words + </s>)")
    print(f"median of {repeats} runs after a warm-up; shared machine, timings are noisy\n")

    print("Fit throughput (tokens/s)")
    header = f"{'n':>2}  {'Counter baseline':>16}  " + "  ".join(f"{s:>14}" for s in SMOOTHINGS) + "  ratio (KN / Counter)"
    print(header)
    for n in (1, 2, 3):
        base = n_tokens / median_time(lambda: counter_fit(sentences, n), repeats)
        rates = {s: n_tokens / median_time(lambda: NGramModel(n, smoothing=s).fit(sentences), repeats) for s in SMOOTHINGS}
        print(f"{n:>2}  {base:>16,.0f}  " + "  ".join(f"{rates[s]:>14,.0f}" for s in SMOOTHINGS)
              + f"  {rates['kneser-ney'] / base:>20.2f}")

    print("\nEvaluation throughput (tokens/s, perplexity of the whole corpus)")
    print(header)
    for n in (1, 2, 3):
        grams, contexts = counter_fit(sentences, n)
        base = n_tokens / median_time(lambda: counter_perplexity(sentences, n, grams, contexts), repeats)
        rates = {}
        for s in SMOOTHINGS:
            model = NGramModel(n, smoothing=s).fit(sentences)
            rates[s] = n_tokens / median_time(lambda: model.perplexity(sentences), repeats)
        print(f"{n:>2}  {base:>16,.0f}  " + "  ".join(f"{rates[s]:>14,.0f}" for s in SMOOTHINGS)
              + f"  {rates['kneser-ney'] / base:>20.2f}")

    section_repeats = 1 if args.quick else 3
    t = median_time(lm_section, section_repeats)
    cpu = median_time(lm_section, section_repeats, clock=time.process_time)
    print("\nNotebook sections 5-6 (load corpus, 9 models tuned on dev, fitted and scored, samples, vocabulary sweep, "
          "add-k widget data, word and character models; no drawing)")
    print(f"{'wall time (s)':>13}  {'CPU time (s)':>12}  {'target (s)':>10}  {'met':>4}")
    print(f"{t:>13.2f}  {cpu:>12.2f}  {5.0:>10.1f}  {'yes' if t < 5.0 else 'no':>4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
