"""Lecture 3 — the committed figures (``python -m course_utils.tools.figures``).
"""
from __future__ import annotations

from matplotlib.figure import Figure

from course_utils.perplexity.corpus import load_python_docs
from course_utils.perplexity.experiments import compute_vocabulary_sweep
from course_utils.perplexity.metrics import compute_branching, compute_die
from course_utils.perplexity.plots import (
    _default_table,
    draw_branching,
    draw_die,
    draw_model_table,
    draw_vocabulary_sweep,
)


# --------------------------------------------------------------------------- committed figures
def figure_die() -> Figure:
    """Fair die (PP 6) and the unfair die of the lecture on a matching test set (PP ≈ 3.86)."""
    fig = Figure(figsize=(12, 4.5), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    fair = compute_die(p_six=1 / 6, six_share=1 / 6, n_rolls=12)
    unfair = compute_die()
    draw_die(fair, ax=axes[0], title=f"fair die: perplexity {fair.perplexity:.2f}")
    draw_die(unfair, ax=axes[1], title=f"P(six) = 7/12: perplexity {unfair.perplexity:.2f}")
    return fig


def figure_branching() -> Figure:
    fig = Figure(figsize=(9, 4.5), layout="constrained")
    draw_branching(compute_branching(k_max=20, skew=1.0), ax=fig.subplots(), k=6)
    return fig


def figure_model_table() -> Figure:
    fig = Figure(figsize=(11, 5), layout="constrained")
    draw_model_table(_default_table(), ax=fig.subplots())
    return fig


def figure_vocabulary() -> Figure:
    fig = Figure(figsize=(9, 5), layout="constrained")
    draw_vocabulary_sweep(compute_vocabulary_sweep(load_python_docs(), min_counts=(1, 2, 5, 20, 50)), ax=fig.subplots())
    return fig


FIGURES = {
    "03_die_perplexity": figure_die,
    "03_branching_factor": figure_branching,
    "03_ngram_perplexity": figure_model_table,
    "03_perplexity_vs_vocabulary": figure_vocabulary,
}
