"""Lecture 2 — the committed figures (``python -m course_utils.tools.figures``).
"""
from __future__ import annotations

import math

from matplotlib.figure import Figure

from course_utils.regularization.experiments import compute_constrained_view, compute_diabetes_paths
from course_utils.regularization.plots import NORM_LABELS, draw_constrained_view, draw_lp_ball, draw_shrinkage
from course_utils.regularization.plots_diabetes import (
    draw_lasso_path,
    draw_nonzeros,
    draw_ridge_path,
    labelled_features,
)

# ---------------------------------------------------------------------------------------------
# committed figures
# ---------------------------------------------------------------------------------------------

def figure_lp_balls() -> Figure:
    """Unit balls for p = 0.5, 1, 2, ∞."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 4, figsize=(16, 4.4))
    for ax, p in zip(axes, (0.5, 1.0, 2.0, math.inf)):
        draw_lp_ball(p, ax, references=False)
    return fig


def figure_constrained_l1_l2() -> Figure:
    """The same loss and budget: L1 touches on a corner (w₂ = 0 exactly), L2 does not."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 6.6))
    for ax, norm in zip(axes, ("l1", "l2")):
        view = compute_constrained_view(1.0, 2.0, 0.6, 0.5, norm)
        draw_constrained_view(view, ax)
        w = view.solution.w
        ax.set_title(f"{NORM_LABELS[norm]}: w = ({w[0]:.2f}, {w[1]:.2f})")
    return fig


def figure_shrinkage() -> Figure:
    """Soft thresholding vs uniform shrinkage (orthonormal design)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 6.5))
    draw_shrinkage(1.0, 1.0, ax)
    return fig


def figure_diabetes_paths() -> Figure:
    """Lasso path, ridge path and number of non-zeros on the diabetes data."""
    import matplotlib.pyplot as plt

    res = compute_diabetes_paths()
    fig, axes = plt.subplots(1, 3, figsize=(12, 5.0))
    draw_lasso_path(res, axes[0])
    draw_ridge_path(res, axes[1])
    draw_nonzeros(res, axes[2])
    handles, labels = axes[0].get_legend_handles_labels()
    # the five largest |w| at λ → 0 first (largest first), then the grey "other 5 features"
    top = [res.names[j] for j in labelled_features(res)]
    order = sorted(range(len(labels)), key=lambda i: top.index(labels[i]) if labels[i] in top else len(top))
    fig.legend([handles[i] for i in order], [labels[i] for i in order], loc="outside lower center", ncol=6,
               fontsize=13, handlelength=2.8)
    return fig


def figure_sparsity_map() -> Figure:
    """The sparsity map of the L1 ball (t = 1): equal scales at two correlations, then unequal scales."""
    import matplotlib.pyplot as plt

    from course_utils.regularization.sparsity import compute_sparsity_map

    fig, axes = plt.subplots(1, 3, figsize=(15, 5.6))
    for ax, (corr, s2) in zip(axes, ((0.0, 1.0), (0.9, 1.0), (0.9, 2.0))):
        view = compute_constrained_view(1.0, 2.0, 0.6, corr, "l1", scale2=s2)
        smap = compute_sparsity_map(1.0, corr, s2)
        draw_constrained_view(view, ax, sparsity=smap, legend=ax is axes[0])
        ax.set_title(f"r = {corr:g}, std₂ = {s2:g}: {100 * smap.fraction:.0f} % shaded")
    return fig


FIGURES = {
    "02_sparsity_map": figure_sparsity_map,
    "02_lp_balls": figure_lp_balls,
    "02_constrained_l1_vs_l2": figure_constrained_l1_l2,
    "02_shrinkage": figure_shrinkage,
    "02_diabetes_paths": figure_diabetes_paths,
}
