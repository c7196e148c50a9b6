"""Lecture 1 — ``draw_*(result, ax=None)``: drawing only.
"""
from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from course_utils.core.plotting import DIVERGING_CMAP, PALETTE, SEQUENTIAL_CMAP, get_ax
from course_utils.performer.attention import attention_flops
from course_utils.performer.experiments import (
    OrthogonalGain,
    QRSignPitfall,
    RFFError,
    SoftmaxMSECurves,
)
from course_utils.performer.favor_experiments import FavorDemo, FavorErrorCurve, KindComparison
from course_utils.performer.features import KINDS, kernel_estimator_mse, softmax_kernel
from course_utils.performer.timing import AttentionCost

KIND_COLORS = {"trig": PALETTE["vermillion"], "positive": PALETTE["blue"], "hyperbolic": PALETTE["green"],
               "relu": PALETTE["orange"]}
KIND_LABELS = {"trig": "trigonometric", "positive": "positive", "hyperbolic": "hyperbolic", "relu": "ReLU (not softmax)"}
KIND_STYLES = {"trig": "o-", "positive": "s--", "hyperbolic": "^-.", "relu": "D:"}


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


def draw_attention_cost(cost: AttentionCost, ax: Axes | None = None, *, what: str = "time",
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
    ax.loglog(L, attention_flops(L, d), "o-", color=PALETTE["vermillion"], label=r"exact: $4L^2d$")
    ax.loglog(L, attention_flops(L, d, m), "s-", color=PALETTE["blue"], label=r"FAVOR+: $8Lmd$")
    ax.axvline(2 * m, color=PALETTE["black"], ls=":", label=f"crossover L = 2m = {2 * m}")
    ax.set(xlabel="sequence length L", ylabel="FLOPs of the products", title=f"d = {d}, m = {m}")
    ax.legend()
    return ax


# ----------------------------------------------------------------------------- section 3
def draw_rff_error(result: RFFError, ax: Axes | None = None, *, current_m: int | None = None) -> Axes:
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
                       vmax: float = 1.0, signed: bool = False, colorbar: bool = False) -> Axes:
    """Heatmap of a kernel (or attention) matrix with a fixed colour range.

    ``signed``: a diverging map centred on 0 over [−vmax, vmax] (for estimates that can be negative);
    ``colorbar``: draw a colour bar next to the axes.
    """
    ax = get_ax(ax)
    if signed:
        im = ax.imshow(K, cmap=DIVERGING_CMAP, vmin=-vmax, vmax=vmax, interpolation="nearest")
    else:
        im = ax.imshow(K, cmap=SEQUENTIAL_CMAP, vmin=vmin, vmax=vmax, interpolation="nearest")
    if colorbar:
        ax.figure.colorbar(im, ax=ax, shrink=0.8)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    return ax


# ----------------------------------------------------------------------------- section 4
def draw_softmax_mse(curves: SoftmaxMSECurves, ax: Axes | None = None) -> Axes:
    """Relative RMSE √MSE / SM of the three estimators vs the kernel value: Lemma 2 (lines), Monte Carlo (dots)."""
    ax = get_ax(ax)
    sm = curves.kernel_values
    for kind in KINDS:
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
    for kind in KINDS:
        ax.loglog(m_values, [kernel_estimator_mse(x, y, int(m), kind) for m in m_values], "o-",
                  color=KIND_COLORS[kind], label=KIND_LABELS[kind])
    ax.set(xlabel="m", ylabel="MSE (Lemma 2)", title=f"SM(x, y) = {softmax_kernel(x, y):.3g}")
    ax.legend()
    return ax


# ----------------------------------------------------------------------------- section 5
def draw_qr_sign_pitfall(res: QRSignPitfall, ax: Axes | None = None) -> Axes:
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


def draw_orthogonal_gain(res: OrthogonalGain, ax: Axes | None = None) -> Axes:
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
def draw_attention_pair(demo: FavorDemo, axes) -> list:
    """Exact and FAVOR+ attention weights divided by the largest exact weight (printed in the title), with colour
    bars: exact in sequential colours on [0, 1], FAVOR+ in diverging colours on [−1, 1], so negative
    (trigonometric) weights show in blue instead of being clipped. Fixed colour ranges: a widget move only
    changes the images and titles. Returns the two colour bars."""
    vmax = float(demo.exact_matrix.max())
    draw_kernel_matrix(demo.exact_matrix / vmax, axes[0], title=f"exact (largest weight {vmax:.3f})", vmin=0, vmax=1)
    axes[1].imshow(demo.approx_matrix / vmax, cmap=DIVERGING_CMAP, vmin=-1, vmax=1, interpolation="nearest")
    axes[1].set(title=f"FAVOR+ ({demo.kind}, m = {demo.m})", xticks=[], yticks=[])
    axes[1].grid(False)
    fig = axes[0].figure
    # the FAVOR+ bar is extended both ways: estimates beyond ±1 × the largest exact weight are clipped to the end colours
    return [fig.colorbar(ax.images[0], ax=ax, shrink=0.8, label="weight / largest exact weight",
                         extend="both" if ax is axes[1] else "neither") for ax in axes[:2]]


def draw_favor_error_curve(curve: FavorErrorCurve, ax: Axes | None = None, *, current: FavorDemo | None = None) -> Axes:
    """Median relative output error of FAVOR+ vs m, the 1/√m guide, the mean-of-V baseline, the current setting."""
    ax = get_ax(ax)
    ax.loglog(curve.m_values, curve.errors, KIND_STYLES[curve.kind], color=KIND_COLORS[curve.kind],
              label=f"median of {curve.n_seeds} draws")
    ax.loglog(curve.m_values, curve.errors[-1] * np.sqrt(curve.m_values[-1] / curve.m_values), ":",
              color=PALETTE["black"], label=r"$\propto 1/\sqrt{m}$")
    ax.axhline(curve.baseline_error, color="0.35", ls="--", lw=2,
               label="mean of V (uniform)")
    if current is not None:
        ax.plot([current.m], [max(current.output_error, 1e-3)], "o", ms=14, mfc="none", mec=PALETTE["vermillion"],
                mew=3, label="this draw")
    ax.set(xlabel="m", ylabel="relative output error", title="error vs m")
    _light_log_axes(ax, [1, 4, 16, 64, 256])
    ax.legend(fontsize=11)
    return ax


def draw_kind_comparison(res: KindComparison, ax: Axes | None = None) -> Axes:
    """Median output error of each kind against the logit scale, with the mean-of-V baseline."""
    ax = get_ax(ax)
    for kind, err in res.errors.items():
        ax.plot(res.sharpness, err, KIND_STYLES[kind], color=KIND_COLORS[kind], label=KIND_LABELS[kind], ms=8)
    ax.plot(res.sharpness, res.baseline, "x-", color="0.35", label="mean of V (uniform)", ms=9)
    ax.set_yscale("log")
    ax.set(xlabel="sharpness (scale of Q and K)", ylabel="relative output error",
           title=f"L = {res.L}, m = {res.m}, median of {res.n_seeds} draws")
    ax.legend(fontsize=11)
    return ax


def draw_scaling(L, seconds: dict, ax: Axes | None = None, *, fit_from: int | dict | None = None) -> Axes:
    """Time against L (log-log) per method, with fitted exponents in the legend and ∝ L, ∝ L² guides."""
    from course_utils.performer.timing import fit_exponent

    ax = get_ax(ax)
    L = np.asarray(L, dtype=float)
    styles = {"exact": ("o-", PALETTE["vermillion"]), "FAVOR+": ("s-", PALETTE["blue"]),
              "causal FAVOR+": ("^--", PALETTE["green"])}
    series = {}  # a value may be (L of its own, seconds): FAVOR+ is timed to larger L than exact attention
    for name, t in seconds.items():
        Ls, ts = (t if isinstance(t, tuple) else (L, t))
        series[name] = (np.asarray(Ls, dtype=float), np.asarray(ts, dtype=float))
    L = np.unique(np.concatenate([Ls for Ls, _ in series.values()]))
    for name, (Ls, ts) in series.items():
        fmt, color = styles.get(name, ("d-", PALETTE["black"]))
        slope = fit_exponent(Ls, ts, L_min=fit_from.get(name) if isinstance(fit_from, dict) else fit_from)
        ax.loglog(Ls, ts * 1e3, fmt, color=color, label=f"{name}: fitted exponent {slope:.2f}")
    L_q, t_q = next(iter(series.values()))
    ax.loglog(L_q, t_q[-1] * 1e3 * (L_q / L_q[-1]) ** 2, ":", color=PALETTE["black"], label=r"$\propto L^2$")
    L_l, t_l = list(series.values())[-1]
    ax.loglog(L_l, t_l[-1] * 1e3 * (L_l / L_l[-1]), "-.", color="0.5", label=r"$\propto L$")
    _label_L_axis(ax, L.astype(int))
    ax.set(xlabel="sequence length L", ylabel="median time (ms)")
    ax.legend(fontsize=11)
    return ax


def draw_error_vs_m(res, ax: Axes | None = None) -> Axes:
    """FAVOR+ error vs m at d = 64 (± 2 SE), the mean-of-V baseline, the 1/√m guide and m = d·ln d marked."""
    ax = get_ax(ax)
    m = res.m_values
    ax.errorbar(m, res.errors, yerr=2 * res.stderr, fmt="s-", color=PALETTE["blue"], capsize=5,
                label=f"FAVOR+ (mean ± 2 SE of {res.n_draws} draws)")
    ax.plot(m, res.errors[0] * np.sqrt(m[0] / m), ":", color=PALETTE["black"], label=r"$\propto 1/\sqrt{m}$")
    ax.axhline(res.baseline, color="0.35", ls="--", lw=2, label="mean of V (uniform)")
    ax.axvline(res.d * np.log(res.d), color=PALETTE["orange"], ls="-.", label=r"$m = d \ln d$")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set(xlabel="m", ylabel="relative output error", title=f"d = {res.d}")
    ax.legend(fontsize=11)
    return ax
