"""Lecture 2, section 5 — the lasso and ridge paths on the diabetes data: ``draw_*(result, ax=None)``.
"""
from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from course_utils.core.plotting import PALETTE, get_ax
from course_utils.regularization.experiments import DiabetesPaths
from course_utils.regularization.plots import C_DATA, C_L1, C_L2, _light_log_axis

#: one (colour, line style) per diabetes feature: no yellow, each colour at most twice and then with another style
FEATURE_STYLES = [(PALETTE["blue"], "-"), (PALETTE["orange"], "--"), (PALETTE["green"], "-"), (PALETTE["vermillion"], "-."),
                  (PALETTE["sky"], "--"), (PALETTE["purple"], "-"), (PALETTE["black"], ":"), ("0.55", "-"),
                  (PALETTE["blue"], ":"), (PALETTE["green"], "--")]
#: the five labelled diabetes path lines (distinct colour AND line style); the other five are thin grey
PATH_STYLES = [(PALETTE["blue"], "-"), (PALETTE["vermillion"], "--"), (PALETTE["green"], "-."), (PALETTE["purple"], ":"),
               (PALETTE["black"], (0, (7, 2, 1, 2, 1, 2)))]
C_OTHER = "0.6"


def labelled_features(res: DiabetesPaths, k: int = 5) -> list[int]:
    """Indices of the k largest |w_j| on the ridge path at its smallest λ (≈ least squares), largest first."""
    w0 = np.abs(res.ridge_coefs[int(np.argmin(res.ridge_lams))])
    return [int(j) for j in np.argsort(-w0, kind="stable")[:k]]


def path_styles(res: DiabetesPaths, k: int = 5) -> list[tuple]:
    """(colour, line style, line width, legend label) per feature: the k largest at λ → 0 each in its own
    colour and style, the others thin grey with one legend entry "other n features" (≤ 6 legend entries)."""
    top = labelled_features(res, k)
    styles, other_seen = [], False
    for j, name in enumerate(res.names):
        if j in top:
            c, ls = PATH_STYLES[top.index(j)]
            styles.append((c, ls, 2.4, name))
        else:
            styles.append((C_OTHER, "-", 1.2, "_nolegend_" if other_seen else f"other {len(res.names) - k} features"))
            other_seen = True
    return styles


def draw_lasso_path(res: DiabetesPaths, ax: Axes | None = None, *, alpha: float | None = None,
                    legend: bool = False) -> Axes:
    """Lasso coefficients (ours, solid; scikit-learn, dots) against α (sklearn Lasso scaling)."""
    ax = get_ax(ax)
    for j, (c, ls, lw, label) in enumerate(path_styles(res)):
        ax.semilogx(res.alphas, res.lasso_coefs[:, j], linestyle=ls, color=c, lw=lw, label=label)
        ax.semilogx(res.alphas[::4], res.sklearn_coefs[::4, j], ".", color=c, ms=6 if lw > 2 else 4)
    ax.axvline(res.cv_alpha, color="0.3", ls=":", lw=1.5)
    if alpha is not None:
        ax.axvline(alpha, color=C_DATA, lw=1.5)
    _light_log_axis(ax, "x")
    ax.set_xlabel("α (Lasso)")
    ax.set_ylabel("coefficient")
    ax.set_title("lasso path (dots: scikit-learn)")
    ax.invert_xaxis()
    if legend:
        ax.legend(fontsize=12, ncol=2, loc="lower left", handlelength=2.4)
    return ax


def draw_ridge_path(res: DiabetesPaths, ax: Axes | None = None) -> Axes:
    """Ridge coefficients against λ (sklearn Ridge scaling): they shrink but never reach 0."""
    ax = get_ax(ax)
    for j, (c, ls, lw, label) in enumerate(path_styles(res)):
        ax.semilogx(res.ridge_lams, res.ridge_coefs[:, j], linestyle=ls, color=c, lw=lw, label=label)
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xlabel("λ (Ridge)")
    ax.set_ylabel("coefficient")
    ax.set_title("ridge path")
    ax.invert_xaxis()
    return ax


def draw_nonzeros(res: DiabetesPaths, ax: Axes | None = None) -> Axes:
    """Number of non-zero lasso coefficients against α, and LassoCV's choice."""
    ax = get_ax(ax)
    ax.semilogx(res.alphas, res.n_nonzero, drawstyle="steps-mid", color=C_L1, lw=2.2)
    ax.axvline(res.cv_alpha, color="0.3", ls=":", lw=1.5, label=f"LassoCV α = {res.cv_alpha:.3g}")
    ax.set_xlabel("α (Lasso)")
    ax.set_ylabel("non-zero coefficients")
    ax.set_ylim(-0.3, 10.5)
    ax.invert_xaxis()
    ax.legend(fontsize=12, loc="upper left")
    return ax


def draw_cv_curve(res: DiabetesPaths, ax: Axes | None = None) -> Axes:
    """Mean 5-fold cross-validated MSE against α."""
    ax = get_ax(ax)
    ax.semilogx(res.cv_alphas, res.cv_mse, color=C_L2)
    ax.axvline(res.cv_alpha, color="0.3", ls=":", lw=1.5, label=f"best α = {res.cv_alpha:.3g}")
    ax.set_xlabel("α (Lasso)")
    ax.set_ylabel("CV mean squared error")
    ax.invert_xaxis()
    ax.legend(fontsize=12)
    return ax
