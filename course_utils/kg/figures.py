"""Lecture 4 — the committed figures (``python -m course_utils.tools.figures``).
"""
from __future__ import annotations

from matplotlib.figure import Figure

from course_utils.kg.experiments import MOVIE_LAMBDA, MOVIE_RANK, compute_planted_scale, compute_rescal_fit
from course_utils.kg.graph import load_movies
from course_utils.kg.plots import (
    STAR_TREK_FILMS,
    draw_embeddings,
    draw_fit_history,
    draw_graph,
    draw_planted_slice,
    draw_tensor_slices,
    neighbourhood,
)

# ---------------------------------------------------------------------------------------------
# Committed figures
# ---------------------------------------------------------------------------------------------

def figure_movie_graph() -> Figure:
    kg = load_movies()
    ax = draw_graph(kg, neighbourhood(kg, STAR_TREK_FILMS))
    ax.set_title("The Star Trek corner of the course's movie graph")
    return ax.figure


def figure_tensor_slices() -> Figure:
    import matplotlib.pyplot as plt

    kg = load_movies()
    fig, axes = plt.subplots(2, 3, figsize=(12, 8))
    draw_tensor_slices(kg, axes=axes)
    fig.suptitle(f"The movie graph as a tensor: {kg.n_relations} slices of {kg.n_entities} x {kg.n_entities}")
    return fig


def figure_rescal_fit() -> Figure:
    import matplotlib.pyplot as plt

    kg = load_movies()
    fig, axes = plt.subplots(1, 2, figsize=(13, 5))
    hist = {f"rank {r}": compute_rescal_fit(r, MOVIE_LAMBDA).history for r in (5, 20, 40, 60)}
    draw_fit_history(hist, ax=axes[0])
    axes[0].set_title(f"ALS on the movie graph (λ = {MOVIE_LAMBDA:g})")
    draw_embeddings(kg, compute_rescal_fit().model.A, ax=axes[1])
    axes[1].set_title(f"Film embeddings (rank {MOVIE_RANK}, 2-D PCA)")
    return fig


def figure_planted_groups() -> Figure:
    import matplotlib.pyplot as plt

    r = compute_planted_scale(800)
    fig, axes = plt.subplots(1, 2, figsize=(11, 5.5))
    draw_planted_slice(r, ax=axes[0], sort=False)
    draw_planted_slice(r, ax=axes[1], sort=True)
    fig.suptitle(f"Planted groups recovered by RESCAL (adjusted Rand index {r.ari:.2f})")
    return fig


FIGURES = {
    "04_movie_graph": figure_movie_graph,
    "04_tensor_slices": figure_tensor_slices,
    "04_rescal_fit": figure_rescal_fit,
    "04_planted_groups": figure_planted_groups,
}
