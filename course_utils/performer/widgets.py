"""Lecture 1 — the sliders: ``rff_widget`` and ``favor_widget``.
"""
from __future__ import annotations

import functools

import numpy as np
from matplotlib.axes import Axes

from course_utils.core.widgets import LiveFigure, checkbox, dropdown, live_figure, log_slider
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


def _set_marker(ax: Axes, x: float, y: float) -> None:
    """Move the circled 'current setting' marker (the last line drawn on ``ax``) to (x, y)."""
    ax.lines[-1].set_data([x], [y])


def _retitle(ax: Axes, image: np.ndarray, title: str) -> None:
    """Replace the data of the heatmap on ``ax`` in place (no clearing: a slider move stays fast)."""
    ax.images[0].set_data(image)
    ax.set_title(title)


@functools.lru_cache(maxsize=16)
def _rff_matrix(m: int) -> tuple[np.ndarray, float]:
    """K̂ with the first m features of trial 0 and its relative error (cached: 12 slider positions)."""
    result = _rff_result()
    approx = rff_kernel_matrix(result, m)
    return approx, float(np.linalg.norm(approx - result.exact) / np.linalg.norm(result.exact))


def rff_widget() -> LiveFigure:
    """Slider for m (powers of 2, 1 … 2048): exact vs RFF Gaussian kernel matrix, error vs m."""
    result = _rff_result()

    def update(axes, m=16.0):
        m = int(round(m))
        approx, err = _rff_matrix(m)
        err_curve = float(np.interp(np.log(m), np.log(result.m_values), result.errors))
        if not axes[1].images:  # first draw: build the three panels
            for ax in axes:
                ax.clear()
            draw_kernel_matrix(result.exact, axes[0], title="exact $K$")
            draw_kernel_matrix(approx, axes[1], title="")
            draw_rff_error(result, axes[2], current_m=m)
        _retitle(axes[1], approx, f"RFF $\\hat K$, m = {m}")
        _set_marker(axes[2], m, err_curve)
        axes[2].get_legend().get_texts()[-1].set_text(f"m = {m}")
        return f"m = {m}: relative error of this draw = {err:.3f}; colour range fixed to [−0.2, 1]"

    # the labels do not change size with m: solve the layout once (a slider move then only redraws)
    return live_figure(update, {"m": log_slider(16, 0, 11, 1, base=2, description="features m", readout_format=".0f")},
                       ncols=3, figsize=(11, 4.2), freeze_layout=True)


@functools.lru_cache(maxsize=16)
def _favor_curve(kind: str, orthogonal: bool, causal: bool) -> FavorErrorCurve:
    return compute_favor_error_curve(kind, orthogonal, causal)


@functools.lru_cache(maxsize=128)
def _favor_demo(m: int, kind: str, orthogonal: bool, causal: bool) -> FavorDemo:
    return compute_favor_demo(m, kind, orthogonal, causal)


def favor_widget() -> LiveFigure:
    """m, feature kind, orthogonal, causal → exact vs FAVOR+ attention heatmaps (L = 32) and the error."""
    state: dict = {}
    # the 12 error curves (3 kinds × orthogonal × causal) take 50–180 ms each: compute them now,
    # not in the middle of a slider move
    for kind in KINDS:
        for orthogonal in (True, False):
            for causal in (False, True):
                _favor_curve(kind, orthogonal, causal)

    def update(axes, m=16.0, kind="positive", orthogonal=True, causal=False):
        m = int(round(m))
        demo = _favor_demo(m, kind, orthogonal, causal)
        curve_key = (kind, orthogonal, causal)
        marker_y = max(demo.output_error, 1e-3)
        if not axes[0].images or len(axes[2].lines) != 3:  # first draw: build the three panels
            for ax in axes:
                ax.clear()
            draw_attention_pair(demo, axes[:2])
            draw_favor_error_curve(_favor_curve(*curve_key), axes[2], current=demo)
            state["curve"] = curve_key
            state["causal"] = causal
        else:  # update the artists in place (same data and look as a fresh draw)
            vmax = float(demo.exact_matrix.max())
            if state.get("causal") != causal:
                axes[0].images[0].set_data(demo.exact_matrix)
                state["causal"] = causal
            for ax in axes[:2]:
                ax.images[0].set_clim(0, vmax)
            _retitle(axes[1], demo.approx_matrix, f"FAVOR+ ({demo.kind}, m = {demo.m})")
            _set_marker(axes[2], m, marker_y)
            if state.get("curve") != curve_key:
                curve = _favor_curve(*curve_key)
                ax = axes[2]
                measured, ref = ax.lines[0], ax.lines[1]
                measured.set_data(curve.m_values, curve.errors)
                measured.set_color(KIND_COLORS[curve.kind])
                ref.set_data(curve.m_values, curve.errors[-1] * np.sqrt(curve.m_values[-1] / curve.m_values))
                legend = ax.get_legend()
                legend.get_lines()[0].set_color(KIND_COLORS[curve.kind])
                legend.get_texts()[0].set_text(f"median of {curve.n_seeds} draws")
                ax.relim()  # same limits as a fresh draw of this setting (curve, reference and marker)
                ax.autoscale_view()
                # the y tick labels may change width (0.1 vs 0.05): solve the layout again for this
                # one draw (LiveFigure freezes it again afterwards); moving m keeps the fast path
                ax.figure.set_layout_engine("constrained")
                state["curve"] = curve_key
        negative = float(np.mean(demo.approx_matrix < 0))
        return (f"relative error of the output: <b>{demo.output_error:.3f}</b>; of the attention matrix: "
                f"{demo.matrix_error:.3f}; negative approximate weights: {negative:.0%}")

    controls = {
        "m": log_slider(16, 0, 8, 1, base=2, description="m", readout_format=".0f"),
        "kind": dropdown(list(KINDS), "positive", description="features"),
        "orthogonal": checkbox(True, description="orthogonal"),
        "causal": checkbox(False, description="causal"),
    }
    # the layout is solved on the first draw and when the curve changes, not when m moves
    return live_figure(update, controls, ncols=3, figsize=(13, 4.3), controls_per_row=4, freeze_layout=True)
