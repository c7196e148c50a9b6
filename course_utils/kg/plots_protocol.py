"""Lecture 4 — drawings of the second edition's protocol: the λ collapse, Nations / UMLS next to published numbers."""
from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from course_utils.core.plotting import PALETTE, get_ax
from course_utils.kg.datasets import PUBLISHED_AUC_PR
from course_utils.kg.protocol import BenchmarkResult, LambdaSweep


def draw_lambda_sweep(result: LambdaSweep, ax: Axes | None = None) -> Axes:
    """Validation MRR (left axis) and ‖A‖_F (right axis, log) against λ: where the fit collapses to zero."""
    ax = get_ax(ax, figsize=(9, 4.5))
    ax.plot(result.lams, result.valid_mrr, "o-", color=PALETTE["blue"], lw=2, label="validation MRR")
    ax.set_xscale("log")
    ax.set_xlabel("λ = λ_A = λ_R")
    ax.set_ylabel("validation MRR", color=PALETTE["blue"])
    ax.set_ylim(0, max(0.5, float(np.max(result.valid_mrr)) * 1.1))
    ax2 = ax.twinx()
    ax2.semilogy(result.lams, result.norm_A, "s--", color=PALETTE["vermillion"], lw=2, label="‖A‖_F")
    ax2.set_ylabel("‖A‖_F (log scale)", color=PALETTE["vermillion"])
    ax2.grid(False)
    lines = ax.get_lines() + ax2.get_lines()
    ax.legend(lines, [ln.get_label() for ln in lines], loc="lower left")
    ax.set_title(f"rank {result.rank}: past the collapse every score is < 1e-6", fontsize=13)
    return ax


def draw_benchmarks(results: dict[str, BenchmarkResult], ax: Axes | None = None) -> Axes:
    """10-fold AUC-PR (mean ± std over folds) of RESCAL and path features per data set, the base rate and the
    published RESCAL value."""
    ax = get_ax(ax, figsize=(9, 4.5))
    names = list(results)
    x = np.arange(len(names))
    w = 0.25
    styles = {"RESCAL": (PALETTE["blue"], ""), "path features": (PALETTE["orange"], "//")}
    for d, (m, (c, hatch)) in enumerate(styles.items()):
        means = [results[n].kfold[m].mean for n in names]
        stds = [results[n].kfold[m].std for n in names]
        ax.bar(x + (d - 0.5) * w, means, w, yerr=stds, color=c, hatch=hatch, edgecolor="black", label=f"{m} (ours)",
               capsize=4)
    pub = [PUBLISHED_AUC_PR[n] for n in names]
    ax.plot(x - 0.5 * w, pub, "k*", ms=16, label="RESCAL, published")
    base = [results[n].kfold["RESCAL"].labels.mean() for n in names]
    ax.plot(x, base, "v", color=PALETTE["black"], mfc="white", ms=12, mew=2, ls="none", label="base rate (random)")
    ax.set_xticks(x, [n.upper() if n == "umls" else n.capitalize() for n in names])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("AUC-PR, 10 folds over entries")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def draw_relation_matrices(result, axes=None):
    """The K matrices R_k of a small-rank fit (one diverging colour scale, with a colour bar) and, first, the mean
    |a_i| of each entity type on each latent dimension: which types a dimension stands for."""
    import matplotlib.pyplot as plt

    from course_utils.core.plotting import DIVERGING_CMAP

    K = len(result.relations)
    if axes is None:
        _, axes = plt.subplots(1, K + 1, figsize=(14, 3.4))
    axes = list(np.ravel(axes))
    r = result.rank
    dims = [f"d{i + 1}" for i in range(r)]
    im0 = axes[0].imshow(result.loadings, cmap="Greys", aspect="auto")
    axes[0].set_yticks(range(len(result.types)), result.types, fontsize=12)
    axes[0].set_xticks(range(r), dims, fontsize=11)
    axes[0].set_title("mean |a_i| by type", fontsize=12)
    axes[0].figure.colorbar(im0, ax=axes[0], fraction=0.08, pad=0.04)
    vmax = float(np.max(np.abs(result.R)))
    for k, ax in enumerate(axes[1:K + 1]):
        im = ax.imshow(result.R[k], cmap=DIVERGING_CMAP, vmin=-vmax, vmax=vmax)
        ax.set_title(result.relations[k], fontsize=12)
        ax.set_xticks(range(r), dims, fontsize=10)
        ax.set_yticks(range(r), dims if k == 0 else [], fontsize=10)
        ax.grid(False)
    axes[0].grid(False)
    axes[0].figure.colorbar(im, ax=axes[1:K + 1], fraction=0.02, pad=0.02, label="R_k entry")
    return axes
