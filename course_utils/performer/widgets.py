"""Lecture 1 — the sliders: ``rff_widget`` and ``favor_widget``.
"""
from __future__ import annotations

import functools

import numpy as np

from course_utils.core.widgets import LiveFigure, checkbox, dropdown, float_slider, live_figure, log_slider
from course_utils.performer.attention import FAVOR_KINDS
from course_utils.performer.experiments import RFFError, compute_rff_error, rff_kernel_matrix
from course_utils.performer.favor_experiments import (
    FavorDemo,
    FavorErrorCurve,
    compute_favor_demo,
    compute_favor_error_curve,
)
from course_utils.performer.features import KINDS, kernel_estimator_mse
from course_utils.performer.plots import (
    KIND_COLORS,
    KIND_LABELS,
    KIND_STYLES,
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
        draw_kernel_matrix(result.exact, axes[0], title="exact $K$", signed=True, colorbar=True)
        draw_kernel_matrix(_rff_matrix(m)[0], axes[1], title="", signed=True, colorbar=True)
        draw_rff_error(result, axes[2], current_m=m)
        # a legend that stays put in the corner the curve never reaches ("best" jumps as the marker
        # moves, then covers it, and is drawn again on every jump), narrow enough for the panel
        axes[2].lines[0].set_label("mean of trials")
        axes[2].lines[-1].set_label("current m")
        axes[2].legend(loc="upper right")
        return {"image": axes[1].images[0], "title": axes[1].title, "marker": axes[2].lines[-1],
                "marker_label": axes[2].get_legend().get_texts()[-1]}

    def update(artists, m=16.0):
        m = int(round(m))
        approx, err = _rff_matrix(m)
        artists["image"].set_data(approx)
        artists["title"].set_text(f"RFF $\\hat K$, m = {m}")
        artists["marker"].set_data([m], [float(np.interp(np.log(m), np.log(result.m_values), result.errors))])
        # the legend entry does not follow m (the title does): the legend is pasted, not drawn again
        artists["marker"].set_label("current m")
        artists["marker_label"].set_text("current m")
        return f"m = {m}: relative error of this draw = {err:.3f}; colours fixed to [−1, 1] (blue: negative)"

    # the labels do not change size with m: solve the layout once (a slider move then only redraws)
    return live_figure(update, {"m": log_slider(16, 0, 11, 1, base=2, description="features m", readout_format=".0f")},
                       setup=setup, ncols=3, figsize=(11, 4.2), freeze_layout=True)


#: the sharpness slider's positions (scale of Q and K, i.e. of the logits): where trig wins, where it fails
SHARPNESS_VALUES = (0.25, 0.5, 0.7, 1.0, 1.5, 2.0)


@functools.lru_cache(maxsize=96)
def _favor_curve(kind: str, orthogonal: bool, causal: bool, sharpness: float = 0.7) -> FavorErrorCurve:
    return compute_favor_error_curve(kind, orthogonal, causal, sharpness=sharpness)


@functools.lru_cache(maxsize=1024)
def _favor_demo(m: int, kind: str, orthogonal: bool, causal: bool, sharpness: float = 0.7) -> FavorDemo:
    return compute_favor_demo(m, kind, orthogonal, causal, sharpness=sharpness)


#: the error axis of favor_widget: fixed, wide enough for every curve of the slider range (tested)
ERROR_YLIM = (1e-3, 100.0)


def _snap(sharpness: float) -> float:
    return min(SHARPNESS_VALUES, key=lambda s: abs(s - float(sharpness)))


def favor_widget() -> LiveFigure:
    """m, sharpness, feature kind (incl. ReLU), orthogonal, causal → exact vs FAVOR+ attention (L = 32), error vs m.

    The error curves (9 m × 9 draws, about 20–40 ms each) are computed on first use and cached; the
    ones of the first setting are computed now.
    """
    for kind in ("positive", "trig"):
        _favor_curve(kind, True, False, 0.7)

    def setup(axes, m=16.0, sharpness=0.7, kind="positive", orthogonal=True, causal=False):
        demo = _favor_demo(int(round(m)), kind, orthogonal, causal, _snap(sharpness))
        draw_attention_pair(demo, axes[:2])
        draw_favor_error_curve(_favor_curve(kind, orthogonal, causal, _snap(sharpness)), axes[2], current=demo)
        # one y range for every setting (all curves of the slider range fit): a move never changes the limits,
        # the ticks or the layout, so it is always a blit
        axes[2].set_ylim(*ERROR_YLIM)
        legend = axes[2].get_legend()
        return {"exact": axes[0].images[0], "approx": axes[1].images[0], "title": axes[1].title,
                "measured": axes[2].lines[0], "reference": axes[2].lines[1], "baseline": axes[2].lines[2],
                "marker": axes[2].lines[3], "legend_line": legend.get_lines()[0], "legend_text": legend.get_texts()[0],
                "exact_title": axes[0].title}

    def update(artists, m=16.0, sharpness=0.7, kind="positive", orthogonal=True, causal=False):
        m, sharpness = int(round(m)), _snap(sharpness)
        demo = _favor_demo(m, kind, orthogonal, causal, sharpness)
        curve = _favor_curve(kind, orthogonal, causal, sharpness)
        vmax = float(demo.exact_matrix.max())  # both shown relative to it: fixed colour ranges and colour bars
        exact = demo.exact_matrix / vmax
        if not np.array_equal(artists["exact"].get_array(), exact):  # (an unchanged image is pasted, not drawn)
            artists["exact"].set_data(exact)
        artists["approx"].set_data(demo.approx_matrix / vmax)
        artists["exact_title"].set_text(f"exact (largest weight {vmax:.3f})")
        artists["title"].set_text(f"FAVOR+ ({demo.kind}, m = {demo.m})")
        artists["marker"].set_data([m], [float(np.clip(demo.output_error, *ERROR_YLIM))])
        measured, color = artists["measured"], KIND_COLORS[curve.kind]
        if measured.get_color() != color or not np.array_equal(measured.get_ydata(), curve.errors):
            # another curve (kind, orthogonal, causal, sharpness): only then touch the legend (else it is pasted)
            measured.set_data(curve.m_values, curve.errors)
            measured.set_color(color)
            fmt = KIND_STYLES[curve.kind]  # marker and line style per kind (greyscale)
            measured.set_marker(fmt[0])
            measured.set_linestyle(fmt[1:])
            artists["legend_line"].set_marker(fmt[0])
            artists["legend_line"].set_linestyle(fmt[1:])
            artists["reference"].set_data(curve.m_values, curve.errors[-1] * np.sqrt(curve.m_values[-1] / curve.m_values))
            artists["baseline"].set_ydata([curve.baseline_error, curve.baseline_error])
            artists["legend_line"].set_color(color)
            artists["legend_text"].set_text(f"median of {curve.n_seeds} draws")
        verdict = "better" if demo.output_error < demo.baseline_error else "<b>worse</b>"
        text = (f"relative output error <b>{demo.output_error:.3f}</b> ({verdict} than the mean of V: "
                f"{demo.baseline_error:.3f}); attention matrix: {demo.matrix_error:.3f}; "
                f"negative weights: {demo.negative_share:.0%}"
                + ("; ReLU features estimate another kernel, not softmax" if kind == "relu" else ""))
        return text

    controls = {
        "m": log_slider(16, 0, 8, 1, base=2, description="m", readout_format=".0f"),
        "sharpness": float_slider(0.7, 0.25, 2.0, 0.05, description="sharpness"),
        "kind": dropdown(list(FAVOR_KINDS), "positive", description="features"),
        "orthogonal": checkbox(True, description="orthogonal"),
        "causal": checkbox(False, description="causal"),
    }
    # the layout is solved on the first draw and when the limits change, not when m moves
    return live_figure(update, controls, setup=setup, ncols=3, figsize=(15, 4.3), controls_per_row=5,
                       freeze_layout=True)


#: the norm slider of lemma2_widget: ‖x‖ = ‖y‖
NORM_RANGE = (0.25, 2.0)
LEMMA2_YLIM = (1e-3, 1e3)


@functools.lru_cache(maxsize=64)
def _lemma2_curves(norm: float, m: int = 16, n: int = 61) -> tuple[np.ndarray, dict]:
    """Relative RMSE √MSE/SM of Lemma 2 against cos θ (x, y at angle θ, ‖x‖ = ‖y‖ = norm), closed form."""
    cos = np.linspace(-0.98, 0.98, n)
    x = np.array([norm, 0.0])
    out = {}
    for kind in KINDS:
        vals = []
        for c in cos:
            y = norm * np.array([c, np.sqrt(1 - c * c)])
            vals.append(np.sqrt(kernel_estimator_mse(x, y, m, kind)) / np.exp(norm * norm * c))
        out[kind] = np.clip(vals, *LEMMA2_YLIM)
    return cos, out


def lemma2_widget() -> LiveFigure:
    """Norm slider (‖x‖ = ‖y‖): Lemma 2's relative RMSE of the three estimators (m = 16) against the angle."""
    def setup(ax, norm=1.0):
        cos, curves = _lemma2_curves(round(float(norm), 2))
        for kind in KINDS:
            ax.plot(cos, curves[kind], KIND_STYLES[kind], color=KIND_COLORS[kind], label=KIND_LABELS[kind], markevery=6)
        ax.set_yscale("log")
        ax.set_ylim(*LEMMA2_YLIM)
        ax.set_xlim(-1, 1)
        ax.axhline(1.0, color="0.5", lw=1)
        ax.set(xlabel=r"$\cos\theta$ (small kernel values on the left)", ylabel=r"relative RMSE $\sqrt{\mathrm{MSE}}/\mathrm{SM}$",
               title="Lemma 2, m = 16")
        ax.legend(fontsize=12, loc="upper center")
        return {"lines": ax.lines[:len(KINDS)]}

    def update(artists, norm=1.0):
        norm = round(float(norm), 2)
        cos, curves = _lemma2_curves(norm)
        for line, kind in zip(artists["lines"], KINDS):
            line.set_ydata(curves[kind])
        return (f"‖x‖ = ‖y‖ = {norm:.2f}: SM from {np.exp(-norm**2 * 0.98):.3g} to {np.exp(norm**2 * 0.98):.3g}; "
                f"at the smallest value the relative RMSE is {curves['trig'][0]:.3g} (trig) vs "
                f"{curves['positive'][0]:.3g} (positive)")

    return live_figure(update, {"norm": float_slider(1.0, NORM_RANGE[0], NORM_RANGE[1], 0.05, description="‖x‖ = ‖y‖")},
                       setup=setup, figsize=(9, 4.5), freeze_layout=True)
