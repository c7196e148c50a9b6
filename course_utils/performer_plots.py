"""Lecture 1 — drawing, widgets and committed figures for the Performer lecture.

``draw_*(result, ax=None)`` only draw what a ``compute_*`` function of
:mod:`course_utils.performer` returned; ``*_widget()`` wire sliders to them with
:func:`course_utils.widgets.live_figure`; ``FIGURES`` lists the committed figures
(``python -m course_utils.figures 01_rff_error ...``).
"""
from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from . import performer as P
from .plotting import PALETTE, SEQUENTIAL_CMAP, get_ax
from .widgets import LiveFigure, checkbox, dropdown, live_figure, log_slider

KIND_COLORS = {"trig": PALETTE["vermillion"], "positive": PALETTE["blue"], "hyperbolic": PALETTE["green"]}
KIND_LABELS = {"trig": "trigonometric", "positive": "positive", "hyperbolic": "hyperbolic"}


# ----------------------------------------------------------------------------- section 1 / 7
def _light_log_axes(ax: Axes, xticks) -> None:
    """Log-log axes with plain x labels at ``xticks`` and no minor ticks: far fewer tick labels
    to lay out, so a widget redraws quickly."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    ax.set_xticks(list(xticks), [str(int(v)) for v in xticks])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=8))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_locator(NullLocator())


def _label_L_axis(ax: Axes, L) -> None:
    """Tick the log-scaled L axis at the measured lengths only (readable, no overlapping minor labels)."""
    from matplotlib.ticker import NullLocator

    ax.set_xticks(list(L), [str(int(v)) for v in L])
    ax.xaxis.set_minor_locator(NullLocator())


def draw_attention_cost(cost: P.AttentionCost, ax: Axes | None = None, *, what: str = "time",
                        show_favor: bool = True) -> Axes:
    """Log-log plot of time (``what="time"``) or bytes (``"memory"``) of exact (and FAVOR+) attention."""
    ax = get_ax(ax)
    L = cost.L_values
    if what == "time":
        ax.loglog(L, cost.exact_seconds * 1e3, "o-", color=PALETTE["vermillion"], label="exact softmax")
        if cost.favor_seconds is not None and show_favor:
            ax.loglog(L, cost.favor_seconds * 1e3, "s-", color=PALETTE["blue"], label=f"FAVOR+ (m={cost.m})")
        ref = cost.exact_seconds[-1] * 1e3 * (L / L[-1]) ** 2
        ax.loglog(L, ref, ":", color=PALETTE["black"], label=r"$\propto L^2$")
        ax.set_ylabel("median time (ms)")
        _label_L_axis(ax, L)
    elif what == "memory":
        ax.loglog(L, cost.exact_bytes / 2**20, "-", color=PALETTE["vermillion"], label="exact: $L^2$ scores")
        if cost.exact_peak_bytes is not None:
            ax.loglog(L, cost.exact_peak_bytes / 2**20, "o", color=PALETTE["vermillion"], label="exact: measured peak")
        if show_favor:
            ax.loglog(L, cost.favor_bytes / 2**20, "-", color=PALETTE["blue"], label=r"FAVOR+: $2Lm + (L+m)(d+1)$")
            if cost.favor_peak_bytes is not None:
                ax.loglog(L, cost.favor_peak_bytes / 2**20, "s", color=PALETTE["blue"], label="FAVOR+: measured peak")
        ax.set_ylabel("memory (MiB): lines analytic")
        _label_L_axis(ax, L)
    else:
        raise ValueError(f"what must be 'time' or 'memory', got {what!r}")
    ax.set_xlabel("sequence length L")
    ax.legend()
    return ax


def draw_analytic_cost(L_values=None, d: int = 64, m: int = 256, ax: Axes | None = None) -> Axes:
    """Matrix-product FLOPs of exact attention (4L²d) and FAVOR+ (8Lmd); they cross at L = 2m."""
    ax = get_ax(ax)
    L = np.asarray(L_values if L_values is not None else 2 ** np.arange(6, 15), dtype=float)
    ax.loglog(L, P.attention_flops(L, d), "o-", color=PALETTE["vermillion"], label=r"exact: $4L^2d$")
    ax.loglog(L, P.attention_flops(L, d, m), "s-", color=PALETTE["blue"], label=r"FAVOR+: $8Lmd$")
    ax.axvline(2 * m, color=PALETTE["black"], ls=":", label=f"crossover L = 2m = {2 * m}")
    ax.set(xlabel="sequence length L", ylabel="FLOPs of the products", title=f"d = {d}, m = {m}")
    ax.legend()
    return ax


# ----------------------------------------------------------------------------- section 3
def draw_rff_error(result: P.RFFError, ax: Axes | None = None, *, current_m: int | None = None) -> Axes:
    """Relative kernel-matrix error of random Fourier features vs m, with the 1/√m reference."""
    ax = get_ax(ax)
    m = result.m_values
    ax.loglog(m, result.errors, "o-", color=PALETTE["blue"], label="measured (mean of trials)")
    ax.fill_between(m, np.maximum(result.errors - result.errors_std, 1e-3), result.errors + result.errors_std,
                    color=PALETTE["sky"], alpha=0.3, lw=0)
    ref = result.errors[-1] * np.sqrt(m[-1] / m)
    ax.loglog(m, ref, ":", color=PALETTE["black"], label=r"$\propto 1/\sqrt{m}$")
    if current_m is not None:
        err = float(np.interp(np.log(current_m), np.log(m), result.errors))
        ax.plot([current_m], [err], "o", ms=14, mfc="none", mec=PALETTE["vermillion"], mew=3, label=f"m = {current_m}")
    ax.set(xlabel="number of features m", ylabel=r"$\|\hat K - K\|_F / \|K\|_F$", title="Random Fourier features")
    _light_log_axes(ax, [1, 8, 64, 512, 2048])
    ax.legend()
    return ax


def draw_kernel_matrix(K: np.ndarray, ax: Axes | None = None, *, title: str = "", vmin: float = -0.2,
                       vmax: float = 1.0) -> Axes:
    """Heatmap of a kernel (or attention) matrix with a fixed colour range (no colour bar)."""
    ax = get_ax(ax)
    ax.imshow(K, cmap=SEQUENTIAL_CMAP, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    return ax


@functools.lru_cache(maxsize=2)
def _rff_result() -> P.RFFError:
    return P.compute_rff_error()


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
    approx = P.rff_kernel_matrix(result, m)
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


# ----------------------------------------------------------------------------- section 4
def draw_softmax_mse(curves: P.SoftmaxMSECurves, ax: Axes | None = None) -> Axes:
    """Relative RMSE √MSE / SM of the three estimators vs the kernel value: Lemma 2 (lines), Monte Carlo (dots)."""
    ax = get_ax(ax)
    sm = curves.kernel_values
    for kind in P.KINDS:
        c = KIND_COLORS[kind]
        theory = np.sqrt(curves.theory[kind]) / sm
        ax.plot(sm, theory, "-", color=c, label=f"{KIND_LABELS[kind]} (Lemma 2)")
        ax.plot(sm, np.sqrt(curves.monte_carlo[kind]) / sm, "o", color=c, mfc="none", mew=2)
    from matplotlib.ticker import NullLocator

    ax.set_xscale("log")
    ax.set_yscale("log")
    ticks = [t for t in (0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0) if sm.min() * 0.95 <= t <= sm.max() * 1.05]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set(xlabel="kernel value SM(x, y) = exp(xᵀy)", ylabel="relative RMSE  √MSE / SM",
           title=f"m = {curves.m}, ‖x‖ = ‖y‖ = {curves.radius:g}; circles: Monte Carlo")
    ax.legend(loc="lower center")
    return ax


def draw_mse_vs_m(x, y, m_values=(1, 2, 4, 8, 16, 32, 64, 128), ax: Axes | None = None) -> Axes:
    """Lemma 2's MSE of the three estimators for one pair (x, y) as m grows (all ∝ 1/m)."""
    ax = get_ax(ax)
    m_values = np.asarray(m_values)
    for kind in P.KINDS:
        ax.loglog(m_values, [P.kernel_estimator_mse(x, y, int(m), kind) for m in m_values], "o-",
                  color=KIND_COLORS[kind], label=KIND_LABELS[kind])
    ax.set(xlabel="m", ylabel="MSE (Lemma 2)", title=f"SM(x, y) = {P.softmax_kernel(x, y):.3g}")
    ax.legend()
    return ax


# ----------------------------------------------------------------------------- section 5
def draw_qr_sign_pitfall(res: P.QRSignPitfall, ax: Axes | None = None) -> Axes:
    """Mean of the orthogonal estimator with and without the QR sign fix (± 2 standard errors)."""
    ax = get_ax(ax)
    labels = ["i.i.d.", "orthogonal,\nno sign fix", "orthogonal,\nsign fix"]
    means = [res.mean_iid, res.mean_without_fix, res.mean_with_fix]
    errs = [2 * res.stderr_iid, 2 * res.stderr_without_fix, 2 * res.stderr_with_fix]
    colors = [PALETTE["sky"], PALETTE["vermillion"], PALETTE["blue"]]
    ax.bar(range(3), means, yerr=errs, color=colors, capsize=8)
    ax.axhline(res.true_value, color=PALETTE["black"], ls="--", label=f"true SM = {res.true_value:.4f}")
    ax.set_xticks(range(3), labels)
    ax.set_ylim(0.9 * min(means), 1.05 * max(max(means), res.true_value))
    ax.set(ylabel="mean estimate of SM(x, x)", title="d = m = 4, x = 0.5·e₁")
    ax.legend(loc="lower right")
    return ax


def draw_orthogonal_gain(res: P.OrthogonalGain, ax: Axes | None = None) -> Axes:
    """MSE of i.i.d. and orthogonal positive features divided by Lemma 2's i.i.d. MSE, with Theorem 2's bound."""
    ax = get_ax(ax)
    m = res.m_values
    ax.axhline(1.0, color=PALETTE["orange"], label="Lemma 2 (i.i.d.)")
    ax.errorbar(m, res.mse_iid / res.lemma2, yerr=2 * res.stderr_iid / res.lemma2, fmt="o", color=PALETTE["orange"],
                capsize=5, label="i.i.d. (Monte Carlo)")
    ax.errorbar(m * 1.04, res.mse_orthogonal / res.lemma2, yerr=2 * res.stderr_orthogonal / res.lemma2, fmt="s",
                color=PALETTE["blue"], capsize=5, label="orthogonal (Monte Carlo)")
    ax.plot(m, res.theorem2_bound / res.lemma2, "--", color=PALETTE["blue"], label="Theorem 2 bound")
    ax.set_xscale("log", base=2)
    ax.set(xlabel="m (≤ d = 16)", ylabel="MSE / MSE of Lemma 2", title="orthogonal features reduce the variance")
    ax.legend(fontsize=11)
    return ax


# ----------------------------------------------------------------------------- section 6
def draw_attention_pair(demo: P.FavorDemo, axes) -> None:
    """Exact and FAVOR+ attention matrices side by side, same colour range (that of the exact one)."""
    vmax = float(demo.exact_matrix.max())
    draw_kernel_matrix(demo.exact_matrix, axes[0], title="exact softmax attention", vmin=0, vmax=vmax)
    draw_kernel_matrix(demo.approx_matrix, axes[1], vmin=0, vmax=vmax,
                       title=f"FAVOR+ ({demo.kind}, m = {demo.m})")


def draw_favor_error_curve(curve: P.FavorErrorCurve, ax: Axes | None = None, *, current: P.FavorDemo | None = None) -> Axes:
    """Median relative output error of FAVOR+ vs m, with the current setting marked."""
    ax = get_ax(ax)
    ax.loglog(curve.m_values, curve.errors, "o-", color=KIND_COLORS[curve.kind], label=f"median of {curve.n_seeds} draws")
    ax.loglog(curve.m_values, curve.errors[-1] * np.sqrt(curve.m_values[-1] / curve.m_values), ":",
              color=PALETTE["black"], label=r"$\propto 1/\sqrt{m}$")
    if current is not None:
        ax.plot([current.m], [max(current.output_error, 1e-3)], "o", ms=14, mfc="none", mec=PALETTE["vermillion"],
                mew=3, label="this draw")
    ax.set(xlabel="m", ylabel="relative output error", title="error vs m")
    _light_log_axes(ax, [1, 4, 16, 64, 256])
    ax.legend(fontsize=11)
    return ax


@functools.lru_cache(maxsize=16)
def _favor_curve(kind: str, orthogonal: bool, causal: bool) -> P.FavorErrorCurve:
    return P.compute_favor_error_curve(kind, orthogonal, causal)


@functools.lru_cache(maxsize=128)
def _favor_demo(m: int, kind: str, orthogonal: bool, causal: bool) -> P.FavorDemo:
    return P.compute_favor_demo(m, kind, orthogonal, causal)


def favor_widget() -> LiveFigure:
    """m, feature kind, orthogonal, causal → exact vs FAVOR+ attention heatmaps (L = 32) and the error."""
    state: dict = {}
    # the 12 error curves (3 kinds × orthogonal × causal) take 50–180 ms each: compute them now,
    # not in the middle of a slider move
    for kind in P.KINDS:
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
        "kind": dropdown(list(P.KINDS), "positive", description="features"),
        "orthogonal": checkbox(True, description="orthogonal"),
        "causal": checkbox(False, description="causal"),
    }
    # the layout is solved on the first draw and when the curve changes, not when m moves
    return live_figure(update, controls, ncols=3, figsize=(13, 4.3), controls_per_row=4, freeze_layout=True)


# ----------------------------------------------------------------------------- committed figures
def figure_rff_error() -> Figure:
    """01_rff_error: RFF kernel-matrix error falls like 1/√m."""
    fig, ax = plt.subplots(figsize=(8, 5))
    draw_rff_error(_rff_result(), ax)
    return fig


def figure_softmax_mse() -> Figure:
    """01_softmax_mse: Lemma 2 vs Monte Carlo as a function of the kernel value."""
    fig, ax = plt.subplots(figsize=(9, 5.5))
    draw_softmax_mse(P.compute_softmax_mse_curves(), ax)
    return fig


def figure_qr_sign_pitfall() -> Figure:
    """01_qr_sign_pitfall: the biased orthogonal estimator without the sign fix."""
    fig, ax = plt.subplots(figsize=(8, 5))
    draw_qr_sign_pitfall(P.compute_qr_sign_pitfall(n_trials=10000), ax)
    return fig


def figure_favor_heatmaps() -> Figure:
    """01_favor_heatmaps: exact vs FAVOR+ (positive, orthogonal, m = 64) attention, and error vs m."""
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.5))
    demo = P.compute_favor_demo(64, "positive", True, False)
    draw_attention_pair(demo, axes[:2])
    draw_favor_error_curve(_favor_curve("positive", True, False), axes[2], current=demo)
    return fig


FIGURES = {
    "01_rff_error": figure_rff_error,
    "01_softmax_mse": figure_softmax_mse,
    "01_qr_sign_pitfall": figure_qr_sign_pitfall,
    "01_favor_heatmaps": figure_favor_heatmaps,
}

