"""Lecture 2 — drawing the second edition's evidence: CV with its spread, the ridge U-curve, two bases.
"""
from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from course_utils.core.plotting import PALETTE, get_ax
from course_utils.regularization.evidence import CVSpread


def draw_cv_spread(cv: CVSpread, ax: Axes | None = None) -> Axes:
    """Per-fold CV curves (thin), their mean ± 1 SE (band), the best α and the one-SE α."""
    ax = get_ax(ax)
    for k in range(cv.fold_mse.shape[1]):
        ax.semilogx(cv.alphas, cv.fold_mse[:, k], color="0.6", lw=1, label="one fold" if k == 0 else None)
    ax.fill_between(cv.alphas, cv.mean - cv.se, cv.mean + cv.se, color=PALETTE["blue"], alpha=0.25,
                    label="mean ± 1 SE")
    ax.semilogx(cv.alphas, cv.mean, color=PALETTE["blue"], lw=2.5, label="mean over 5 folds")
    ax.axvline(cv.best_alpha, color="0.2", ls=":", lw=2, label=f"best α ({cv.best_nnz} features)")
    ax.axvline(cv.one_se_alpha, color=PALETTE["vermillion"], ls="--", lw=2, label=f"one-SE α ({cv.one_se_nnz} features)")
    ax.axhline(cv.baseline_mse, color=PALETTE["black"], ls="-.", lw=1.5, label="predict the mean")
    ax.set_xlabel("α (Lasso)")
    ax.set_ylabel("CV mean squared error")
    ax.invert_xaxis()
    ax.legend(fontsize=12, loc="upper center", ncol=3, framealpha=1)
    ax.set_ylim(0.6 * float(cv.fold_mse.min()), 1.6 * cv.baseline_mse)
    return ax


def draw_u_curve(curve, ax: Axes | None = None, *, lam: float | None = None) -> Axes:
    """Train and test MSE of the ridge fit against λ (log-log), with the leave-one-out choice marked."""
    from course_utils.regularization.plots import C_L1, C_L2, _light_log_axis

    ax = get_ax(ax)
    lams, train, test, cv_lam = curve
    ax.loglog(lams, np.maximum(train, 1e-6), "o-", ms=3, color=C_L2, label="train")
    ax.loglog(lams, test, "s-", ms=3, color=C_L1, label="test")
    ax.axvline(cv_lam, color="0.2", ls=":", lw=2, label="λ chosen by CV")
    if lam is not None:
        ax.axvline(lam, color="0.5", lw=1.5)
    ax.set_ylim(1e-2, 1e4)
    _light_log_axis(ax, "y", numticks=4)
    _light_log_axis(ax, "x", numticks=4)
    ax.set_xlabel("ridge λ")
    ax.set_ylabel("mean squared error")
    ax.legend(fontsize=12, loc="upper right")
    return ax


def draw_two_bases(mono: np.ndarray, leg: np.ndarray, ax: Axes | None = None) -> Axes:
    """|coefficient| of one polynomial in the monomial and in the Legendre basis (log scale)."""
    ax = get_ax(ax)
    k = np.arange(mono.size)
    ax.bar(k - 0.2, np.abs(mono), width=0.4, color=PALETTE["purple"], label="monomials $x^k$")
    ax.bar(k + 0.2, np.abs(leg), width=0.4, color=PALETTE["green"], hatch="//", label="Legendre $P_k(x)$")
    ax.set_yscale("log")
    ax.set_xlabel("index k")
    ax.set_ylabel("|coefficient|")
    ax.set_title("the same fitted polynomial, two bases")
    ax.legend(fontsize=12)
    return ax
