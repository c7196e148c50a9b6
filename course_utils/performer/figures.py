"""Lecture 1 — the committed figures (``python -m course_utils.tools.figures``).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from course_utils.performer.experiments import compute_qr_sign_pitfall, compute_softmax_mse_curves
from course_utils.performer.favor_experiments import compute_favor_demo
from course_utils.performer.plots import (
    draw_attention_pair,
    draw_favor_error_curve,
    draw_qr_sign_pitfall,
    draw_rff_error,
    draw_softmax_mse,
)
from course_utils.performer.widgets import _favor_curve, _rff_result


# ----------------------------------------------------------------------------- committed figures
def figure_rff_error() -> Figure:
    """01_rff_error: RFF kernel-matrix error falls like 1/√m."""
    fig, ax = plt.subplots(figsize=(8, 5))
    draw_rff_error(_rff_result(), ax)
    return fig


def figure_softmax_mse() -> Figure:
    """01_softmax_mse: Lemma 2 vs Monte Carlo as a function of the kernel value."""
    fig, ax = plt.subplots(figsize=(9, 5.5))
    draw_softmax_mse(compute_softmax_mse_curves(), ax)
    return fig


def figure_qr_sign_pitfall() -> Figure:
    """01_qr_sign_pitfall: the biased orthogonal estimator without the sign fix."""
    fig, ax = plt.subplots(figsize=(8, 5))
    draw_qr_sign_pitfall(compute_qr_sign_pitfall(n_trials=10000), ax)
    return fig


def figure_favor_heatmaps() -> Figure:
    """01_favor_heatmaps: exact vs FAVOR+ (positive, orthogonal, m = 64) attention, and error vs m."""
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    demo = compute_favor_demo(64, "positive", True, False)
    draw_attention_pair(demo, axes[:2])
    draw_favor_error_curve(_favor_curve("positive", True, False), axes[2], current=demo)
    return fig


FIGURES = {
    "01_rff_error": figure_rff_error,
    "01_softmax_mse": figure_softmax_mse,
    "01_qr_sign_pitfall": figure_qr_sign_pitfall,
    "01_favor_heatmaps": figure_favor_heatmaps,
}
