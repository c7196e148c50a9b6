"""Lecture 1 — the sliders: ``rff_widget`` and ``favor_widget``.
"""
from __future__ import annotations

import functools

import numpy as np

from course_utils.core.widgets import LiveFigure, Readout, checkbox, dropdown, live_figure, log_slider
from course_utils.performer.experiments import (
    FavorDemo,
    FavorErrorCurve,
    RFFError,
    compute_favor_demo,
    compute_favor_error_curve,
    compute_rff_error,
    rff_kernel_matrix,
)
from course_utils.performer.features import KINDS
from course_utils.performer.plots import (
    KIND_COLORS,
    draw_attention_pair,
    draw_favor_error_curve,
    draw_kernel_matrix,
    draw_rff_error,
)


@functools.lru_cache(maxsize=2)
def _rff_result() -> RFFError:
    return compute_rff_error()


@functools.lru_cache(maxsize=16)
def _rff_matrix(m: int) -> tuple[np.ndarray, float]:
    """K̂ with the first m features of trial 0 and its relative error (cached: 12 slider positions)."""
    result = _rff_result()
    approx = rff_kernel_matrix(result, m)
    return approx, float(np.linalg.norm(approx - result.exact) / np.linalg.norm(result.exact))


def rff_widget() -> LiveFigure:
    """Slider for m (powers of 2, 1 … 2048): exact vs RFF Gaussian kernel matrix, error vs m."""
    result = _rff_result()

    def setup(axes, m=16.0):
        m = int(round(m))
        draw_kernel_matrix(result.exact, axes[0], title="exact $K$")
        draw_kernel_matrix(_rff_matrix(m)[0], axes[1], title="")
        draw_rff_error(result, axes[2], current_m=m)
        return {"image": axes[1].images[0], "title": axes[1].title, "marker": axes[2].lines[-1],
                "marker_label": axes[2].get_legend().get_texts()[-1]}

    def update(artists, m=16.0):
        m = int(round(m))
        approx, err = _rff_matrix(m)
        artists["image"].set_data(approx)
        artists["title"].set_text(f"RFF $\\hat K$, m = {m}")
        artists["marker"].set_data([m], [float(np.interp(np.log(m), np.log(result.m_values), result.errors))])
        artists["marker_label"].set_text(f"m = {m}")
        return f"m = {m}: relative error of this draw = {err:.3f}; colour range fixed to [−0.2, 1]"

    # the labels do not change size with m: solve the layout once (a slider move then only redraws)
    return live_figure(update, {"m": log_slider(16, 0, 11, 1, base=2, description="features m", readout_format=".0f")},
                       setup=setup, ncols=3, figsize=(11, 4.2), freeze_layout=True)


@functools.lru_cache(maxsize=16)
def _favor_curve(kind: str, orthogonal: bool, causal: bool) -> FavorErrorCurve:
    return compute_favor_error_curve(kind, orthogonal, causal)


@functools.lru_cache(maxsize=128)
def _favor_demo(m: int, kind: str, orthogonal: bool, causal: bool) -> FavorDemo:
    return compute_favor_demo(m, kind, orthogonal, causal)


def favor_widget() -> LiveFigure:
    """m, feature kind, orthogonal, causal → exact vs FAVOR+ attention heatmaps (L = 32) and the error."""
    # the 12 error curves (3 kinds × orthogonal × causal) take 50–180 ms each: compute them now,
    # not in the middle of a slider move
    for kind in KINDS:
        for orthogonal in (True, False):
            for causal in (False, True):
                _favor_curve(kind, orthogonal, causal)

    def setup(axes, m=16.0, kind="positive", orthogonal=True, causal=False):
        demo = _favor_demo(int(round(m)), kind, orthogonal, causal)
        draw_attention_pair(demo, axes[:2])
        draw_favor_error_curve(_favor_curve(kind, orthogonal, causal), axes[2], current=demo)
        legend = axes[2].get_legend()
        return {"exact": axes[0].images[0], "approx": axes[1].images[0], "title": axes[1].title,
                "measured": axes[2].lines[0], "reference": axes[2].lines[1], "marker": axes[2].lines[2],
                "legend_line": legend.get_lines()[0], "legend_text": legend.get_texts()[0]}

    def update(artists, m=16.0, kind="positive", orthogonal=True, causal=False):
        m = int(round(m))
        demo = _favor_demo(m, kind, orthogonal, causal)
        curve = _favor_curve(kind, orthogonal, causal)
        vmax = float(demo.exact_matrix.max())
        artists["exact"].set_data(demo.exact_matrix)
        artists["approx"].set_data(demo.approx_matrix)
        for image in (artists["exact"], artists["approx"]):
            image.set_clim(0, vmax)
        artists["title"].set_text(f"FAVOR+ ({demo.kind}, m = {demo.m})")
        artists["marker"].set_data([m], [max(demo.output_error, 1e-3)])
        measured, color = artists["measured"], KIND_COLORS[curve.kind]
        if measured.get_color() != color or not np.array_equal(measured.get_ydata(), curve.errors):
            # another curve (kind, orthogonal, causal): only then touch the legend (else it is pasted)
            measured.set_data(curve.m_values, curve.errors)
            measured.set_color(color)
            artists["reference"].set_data(curve.m_values, curve.errors[-1] * np.sqrt(curve.m_values[-1] / curve.m_values))
            artists["legend_line"].set_color(color)
            artists["legend_text"].set_text(f"median of {curve.n_seeds} draws")
        # limits that fit the curve and its reference (not the marker: moving m keeps them, a blit);
        # when they change, the y tick labels may change width (0.1 vs 0.05): solve the layout again
        ax = measured.axes
        limits = (ax.get_xlim(), ax.get_ylim())
        artists["marker"].set_visible(False)
        ax.relim(visible_only=True)
        artists["marker"].set_visible(True)
        ax.autoscale_view()
        negative = float(np.mean(demo.approx_matrix < 0))
        text = (f"relative error of the output: <b>{demo.output_error:.3f}</b>; of the attention matrix: "
                f"{demo.matrix_error:.3f}; negative approximate weights: {negative:.0%}")
        return Readout(text, relayout=(ax.get_xlim(), ax.get_ylim()) != limits)

    controls = {
        "m": log_slider(16, 0, 8, 1, base=2, description="m", readout_format=".0f"),
        "kind": dropdown(list(KINDS), "positive", description="features"),
        "orthogonal": checkbox(True, description="orthogonal"),
        "causal": checkbox(False, description="causal"),
    }
    # the layout is solved on the first draw and when the limits change, not when m moves
    return live_figure(update, controls, setup=setup, ncols=3, figsize=(13, 4.3), controls_per_row=4,
                       freeze_layout=True)
