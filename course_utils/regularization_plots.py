"""Lecture 2 — drawings, widgets and committed figures for the L1 / L2 geometry lecture.

``draw_*(result, ax=None)`` only draw; the numbers come from :mod:`course_utils.regularization`.
``*_widget()`` wire sliders to one reused figure with :func:`course_utils.widgets.live_figure`.
"""
from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from . import regularization as reg
from .plotting import COLORS, PALETTE, get_ax
from .widgets import checkbox, dropdown, float_slider, int_slider, live_figure, log_slider

C_L1 = PALETTE["vermillion"]
C_L2 = PALETTE["blue"]
C_EN = PALETTE["green"]
C_DATA = PALETTE["black"]
NORM_COLORS = {"l1": C_L1, "l2": C_L2, "elasticnet": C_EN}
NORM_LABELS = {"l1": "L1", "l2": "L2", "elasticnet": "elastic net"}
P_OPTIONS = [("0.5", 0.5), ("0.75", 0.75), ("1", 1.0), ("1.5", 1.5), ("2", 2.0), ("3", 3.0), ("4", 4.0),
             ("8", 8.0), ("∞", math.inf)]


def _light_log_axis(ax: Axes, which: str = "y", numticks: int = 5) -> None:
    """Few major ticks with plain labels and no minor ticks on a log axis (fast widget redraws)."""
    from matplotlib import ticker

    axis = ax.yaxis if which == "y" else ax.xaxis
    axis.set_major_locator(ticker.LogLocator(numticks=numticks))
    axis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_locator(ticker.NullLocator())


def _fixed_layout(live, *, left=0.07, right=0.98, bottom=0.13, top=0.91, wspace=0.25):
    """Swap the widget figure's constrained layout for fixed margins and redraw.

    Constrained layout measures every tick label on every move (about 2/3 of a redraw);
    our panels have fixed axis ranges, so fixed margins look the same and redraw faster.
    """
    fig = live.fig
    fig.set_layout_engine("none")
    fig.subplotpars.update(left=left, right=right, bottom=bottom, top=top, wspace=wspace)
    for ax in fig.axes:
        ax.set_position(ax.get_subplotspec().get_position(fig))
    live.refresh()
    return live


def _fmt_p(p: float) -> str:
    return "∞" if math.isinf(p) else f"{p:g}"


# ---------------------------------------------------------------------------------------------
# section 1: overfitting
# ---------------------------------------------------------------------------------------------

def draw_polynomial_fit(fit: reg.PolynomialFit, ax: Axes | None = None) -> Axes:
    """Training points, the true curve and the fitted polynomial."""
    ax = get_ax(ax)
    x_tr, y_tr, _, _ = reg.polynomial_data()
    ax.plot(fit.x_grid, reg.true_function(fit.x_grid), "--", color=C_DATA, lw=1.5, label="truth")
    ax.plot(fit.x_grid, fit.y_grid, color=PALETTE["orange"], label=f"degree {fit.degree}")
    ax.plot(x_tr, y_tr, "o", color=C_L2, label="training data")
    ax.set_ylim(-2.5, 2.5)
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="lower right", fontsize=11)
    return ax


def draw_degree_curve(curve: tuple[np.ndarray, np.ndarray, np.ndarray], degree: int | None = None,
                      ax: Axes | None = None) -> Axes:
    """Train and test mean squared error against the polynomial degree (log scale)."""
    ax = get_ax(ax)
    deg, train, test = curve
    ax.semilogy(deg, np.maximum(train, 1e-6), "o-", color=C_L2, label="train")
    ax.semilogy(deg, test, "s-", color=C_L1, label="test")
    if degree is not None:
        ax.axvline(degree, color="0.5", lw=1.5)
    ax.set_ylim(1e-3, 1e10)
    _light_log_axis(ax, numticks=5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("degree")
    ax.set_ylabel("mean squared error")
    ax.legend(fontsize=11)
    return ax


def draw_coefficients(fit: reg.PolynomialFit, ax: Axes | None = None) -> Axes:
    """|coefficient| of each monomial x^k (log scale): they blow up when the fit chases noise."""
    ax = get_ax(ax)
    k = np.arange(fit.coef.size)
    ax.bar(k, np.maximum(np.abs(fit.coef), 1e-3), color=PALETTE["purple"])
    ax.set_yscale("log")
    ax.set_ylim(1e-3, 1e6)
    _light_log_axis(ax, numticks=4)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(-0.7, 14.7)
    ax.set_xlabel("power k of $x^k$")
    ax.set_ylabel("$|c_k|$")
    return ax


def polynomial_widget():
    """Section 1: degree slider (and an optional ridge penalty) → fit, errors, coefficients.

    The artists are drawn once, then updated in place on every move (fast redraws)."""
    state: dict = {}

    def update(axes, degree=3, use_ridge=False, lam=1e-3):
        lam_eff = lam if use_ridge else 0.0
        fit = reg.compute_polynomial_fit(degree, lam_eff)
        deg, train, test = reg.degree_curve(lam_eff)
        heights = np.maximum(np.abs(fit.coef), 1e-3)
        if not state:
            for ax in axes:
                ax.clear()
            draw_polynomial_fit(fit, axes[0])
            draw_degree_curve((deg, train, test), degree, axes[1])
            draw_coefficients(fit, axes[2])
            ax0, ax1, ax2 = axes
            state["fit_line"] = ax0.lines[1]
            state["fit_label"] = ax0.get_legend().get_texts()[1]
            state["train"], state["test"], state["vline"] = ax1.lines[0], ax1.lines[1], ax1.lines[2]
            # one bar per possible power k = 0 … 14; the unused ones are hidden
            k = np.arange(15)
            state["bars"] = ax2.bar(k, np.full(15, 1e-3), color=PALETTE["purple"])
            for p in ax2.patches[:fit.coef.size]:
                p.remove()
        state["fit_line"].set_data(fit.x_grid, fit.y_grid)
        state["fit_line"].set_label(f"degree {fit.degree}")
        state["fit_label"].set_text(f"degree {fit.degree}")
        state["train"].set_data(deg, np.maximum(train, 1e-6))
        state["test"].set_data(deg, test)
        state["vline"].set_xdata([degree, degree])
        for j, bar in enumerate(state["bars"]):
            if j < heights.size:
                bar.set_height(heights[j])
                bar.set_visible(True)
            else:
                bar.set_visible(False)
        pen = f"ridge λ = {lam_eff:.3g}" if use_ridge else "no penalty"
        return (f"degree {degree}, {pen}: train MSE {fit.train_mse:.4f}, test MSE {fit.test_mse:.4g}, "
                f"max |c_k| = {np.abs(fit.coef).max():.3g}")

    use_ridge = checkbox(False, description="ridge penalty")
    lam = log_slider(1e-3, -6, 2, 0.25, description="ridge λ", disabled=True)
    # the λ slider only acts with the penalty on: grey it out otherwise
    use_ridge.observe(lambda change: setattr(lam, "disabled", not change["new"]), names="value")
    live = live_figure(update, {"degree": int_slider(3, 0, 14, description="degree"),
                                "use_ridge": use_ridge, "lam": lam},
                       ncols=3, figsize=(15, 4.3))
    return _fixed_layout(live, left=0.05, right=0.99, bottom=0.14, top=0.96, wspace=0.28)


# ---------------------------------------------------------------------------------------------
# section 2: Lp balls
# ---------------------------------------------------------------------------------------------

def draw_lp_ball(p: float, ax: Axes | None = None, *, references: bool = True) -> Axes:
    """The unit ball of the Lp norm (filled), faint L1 / L2 / L∞ outlines, and for p < 1 the
    chord from (1, 0) to (0, 1) whose midpoint leaves the ball (non-convexity)."""
    ax = get_ax(ax)
    if references:
        for q, ls in ((1.0, ":"), (2.0, "--"), (math.inf, "-.")):
            b = reg.ball_boundary(q, n=401)
            ax.plot(b[:, 0], b[:, 1], ls, color="0.6", lw=1.2)
    b = reg.ball_boundary(p, n=801)
    convex = p >= 1
    color = C_L2 if convex else C_L1
    ax.fill(b[:, 0], b[:, 1], color=color, alpha=0.25)
    ax.plot(b[:, 0], b[:, 1], color=color, label=f"$\\|w\\|_{{{_fmt_p(p)}}} = 1$")
    if not convex:
        mid = np.array([0.5, 0.5])
        ax.plot([1, 0], [0, 1], color=C_DATA, lw=1.5)
        ax.plot(*mid, "o", color=C_DATA)
        ax.annotate(f"midpoint: norm {reg.lp_norm(mid, p):.2f} > 1", mid, xytext=(0.35, 1.15), fontsize=12,
                    arrowprops={"arrowstyle": "->"})
    ax.set_aspect("equal")
    ax.set_xlim(-1.35, 1.35)
    ax.set_ylim(-1.35, 1.35)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.set_title(f"unit ball, p = {_fmt_p(p)}" + ("" if convex else " (not convex)"))
    return ax


def draw_penalty_1d(p: float, ax: Axes | None = None) -> Axes:
    """The 1-D penalty |w|^p (|w| for p = ∞... max(|w|) in 1-D): a kink at 0 for p <= 1."""
    ax = get_ax(ax)
    w = np.linspace(-1.5, 1.5, 601)
    for q, ls in ((1.0, ":"), (2.0, "--")):
        ax.plot(w, np.abs(w) ** q, ls, color="0.6", lw=1.2, label=f"$|w|^{{{_fmt_p(q)}}}$")
    y = np.abs(w) if math.isinf(p) else np.abs(w) ** p
    ax.plot(w, y, color=C_L2 if p >= 1 else C_L1, label=f"$|w|^{{{_fmt_p(p)}}}$" if not math.isinf(p) else "$|w|$ (p = ∞)")
    ax.set_ylim(-0.05, 2.3)
    ax.set_xlabel("w")
    ax.set_title("penalty on one coordinate")
    ax.legend(fontsize=11, loc="upper center")
    return ax


def lp_ball_widget():
    """Section 2: p slider (0.5 … ∞) → the unit ball and the 1-D penalty (updated in place)."""
    import ipywidgets as widgets

    state: dict = {}
    w = np.linspace(-1.5, 1.5, 601)
    mid = np.array([0.5, 0.5])

    def update(axes, p=1.0):
        convex = p >= 1
        color = C_L2 if convex else C_L1
        if not state:
            for ax in axes:
                ax.clear()
            # drawn once with a non-convex p so that the chord and its annotation exist
            draw_lp_ball(0.5, axes[0])
            draw_penalty_1d(0.5, axes[1])
            ax0, ax1 = axes
            state["fill"] = ax0.patches[0]
            state["ball"], state["chord"], state["mid"] = ax0.lines[3], ax0.lines[4], ax0.lines[5]
            state["annot"] = ax0.texts[0]
            state["pen"] = ax1.lines[2]
            state["pen_label"] = ax1.get_legend().get_texts()[2]
            state["pen_handle"] = ax1.get_legend().legend_handles[2]
        ax0, ax1 = axes
        b = reg.ball_boundary(p, n=801)
        state["fill"].set_xy(b)
        state["fill"].set_facecolor(color)
        state["fill"].set_alpha(0.25)
        state["ball"].set_data(b[:, 0], b[:, 1])
        state["ball"].set_color(color)
        state["ball"].set_label(f"$\\|w\\|_{{{_fmt_p(p)}}} = 1$")
        for artist in (state["chord"], state["mid"], state["annot"]):
            artist.set_visible(not convex)
        if not convex:
            state["annot"].set_text(f"midpoint: norm {reg.lp_norm(mid, p):.2f} > 1")
        ax0.set_title(f"unit ball, p = {_fmt_p(p)}" + ("" if convex else " (not convex)"))
        y = np.abs(w) if math.isinf(p) else np.abs(w) ** p
        label = f"$|w|^{{{_fmt_p(p)}}}$" if not math.isinf(p) else "$|w|$ (p = ∞)"
        state["pen"].set_data(w, y)
        state["pen"].set_color(color)
        state["pen"].set_label(label)
        state["pen_label"].set_text(label)
        state["pen_handle"].set_color(color)
        m = reg.lp_norm(mid, p)
        verdict = "> 1: the ball is NOT convex" if m > 1 + 1e-12 else "<= 1: convex"
        return f"p = {_fmt_p(p)}: the midpoint of (1,0) and (0,1) has norm 2^(1/p - 1) = {m:.3f} {verdict}"

    p_slider = widgets.SelectionSlider(options=P_OPTIONS, value=1.0, description="p",
                                       style={"description_width": "initial"}, continuous_update=True)
    live = live_figure(update, {"p": p_slider}, ncols=2, figsize=(11, 5))
    return _fixed_layout(live, left=0.08, right=0.98, bottom=0.12, top=0.92, wspace=0.2)


# ---------------------------------------------------------------------------------------------
# section 3: penalised ⇔ constrained
# ---------------------------------------------------------------------------------------------

def _contour_levels(view_min_loss: float) -> np.ndarray:
    return view_min_loss + np.array([0.05, 0.2, 0.5, 1, 2, 3.5, 5.5, 8, 11, 15, 20])


def draw_constrained_view(view: reg.ConstrainedView, ax: Axes | None = None, *, legend: bool = True) -> Axes:
    """Loss contours, the ball of budget t, w* and the constrained optimum (where the
    smallest contour touches the ball)."""
    ax = get_ax(ax)
    g = view.grid
    color = NORM_COLORS[view.norm]
    ax.contour(g[..., 0], g[..., 1], view.loss_grid, levels=_contour_levels(0.0), colors="0.55", linewidths=1.0)
    ax.fill(view.ball[:, 0], view.ball[:, 1], color=color, alpha=0.25)
    ax.plot(view.ball[:, 0], view.ball[:, 1], color=color, lw=2, label=f"{NORM_LABELS[view.norm]} ball, t = {view.t:.2f}")
    sol = view.solution
    if sol.on_boundary and sol.loss > 0:
        ax.contour(g[..., 0], g[..., 1], view.loss_grid, levels=[sol.loss], colors=[PALETTE["orange"]], linewidths=2.2)
    ax.axhline(0, color="0.3", lw=0.8)
    ax.axvline(0, color="0.3", lw=0.8)
    ax.plot(*view.w_star, "*", ms=16, color=C_DATA, label="$w^*$ (no penalty)")
    ax.plot(*sol.w, "o", ms=10, color=PALETTE["orange"], mec=C_DATA, label="constrained optimum")
    ax.set_aspect("equal")
    ax.set_xlim(-3.5, 3.5)
    ax.set_ylim(-3.5, 3.5)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    if legend:
        ax.legend(loc="lower left", fontsize=10)
    return ax


def draw_budget_path(view: reg.ConstrainedView, ax: Axes | None = None) -> Axes:
    """Both coordinates of the constrained optimum as the budget t grows; shaded where one is exactly 0."""
    ax = get_ax(ax)
    ts, ws = view.path_t, view.path_w
    sparse = np.any(ws == 0.0, axis=1) & np.any(ws != 0.0, axis=1)
    if sparse.any():
        ax.fill_between(ts, 0, 1, where=sparse, transform=ax.get_xaxis_transform(), color=C_L1, alpha=0.12,
                        step="mid", label="one coordinate exactly 0")
    ax.plot(ts, ws[:, 0], color=PALETTE["blue"], label="$w_1$")
    ax.plot(ts, ws[:, 1], color=PALETTE["orange"], label="$w_2$")
    ax.axvline(view.t, color="0.4", lw=1.5)
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xlabel("budget t")
    ax.set_ylabel("optimum")
    ax.set_title(f"{NORM_LABELS[view.norm]}: optimum vs budget")
    ax.legend(fontsize=10, loc="best")
    return ax


def constrained_view_readout(view: reg.ConstrainedView) -> str:
    """One line: the optimum, its kind, the equivalent penalty λ and the penalised check."""
    sol = view.solution
    lam = "∞" if math.isinf(sol.multiplier) else f"{sol.multiplier:.3f}"
    zeros = int(np.sum(sol.w == 0.0))
    pen = {"l1": "λ‖w‖₁", "l2": "λ‖w‖₂²", "elasticnet": "λ g(w)"}[view.norm]
    diff = float(np.abs(view.penalised_w - sol.w).max())
    return (f"optimum w = ({sol.w[0]:.3f}, {sol.w[1]:.3f}) [{sol.kind}], exact zeros: {zeros}; "
            f"equivalent penalty {pen} with λ = {lam}; penalised optimum differs by {diff:.1e}")


def constrained_view_widget():
    """Section 3: budget t, w*, feature correlation, L1 / L2 / elastic net → contours touching the ball.

    Drawn once, then updated in place: the level that touches the ball is an exact ellipse
    (:func:`~course_utils.regularization.loss_level_curve`), the grey loss levels are made again
    only when w* or the correlation moved, and the budget-path panel only when something else
    than the budget t moved."""
    state: dict = {}

    def update(axes, norm="l1", t=1.0, corr=0.5, w1=2.0, w2=0.6, l1_ratio=0.5):
        view = reg.compute_constrained_view(t, w1, w2, corr, norm, l1_ratio)
        ax0, ax1 = axes
        sol = view.solution
        if not state:
            for ax in axes:
                ax.clear()
            draw_constrained_view(view, ax0)
            contours = [a for a in ax0.get_children() if isinstance(a, ContourSet)]
            state["contours"] = contours[:1]         # the grey loss levels
            for c in contours[1:]:                   # the touching level: an exact ellipse, updated in place
                c.remove()
            state["touch"], = ax0.plot([], [], color=PALETTE["orange"], lw=2.2, zorder=2.01)
            state["fill"] = ax0.patches[0]
            lines = ax0.lines
            state["ball"], state["star"], state["opt"] = lines[0], lines[3], lines[4]
            for line in lines[1:5]:        # axes lines, w* and the optimum stay above re-drawn contours
                line.set_zorder(2.02)
            state["ball_label"] = ax0.get_legend().get_texts()[0]
            state["ball_handle"] = ax0.get_legend().legend_handles[0]
            state["contour_key"] = (corr, w1, w2)
        else:
            color = NORM_COLORS[view.norm]
            label = f"{NORM_LABELS[view.norm]} ball, t = {view.t:.2f}"
            state["fill"].set_xy(view.ball)
            state["fill"].set_facecolor(color)
            state["fill"].set_alpha(0.25)
            state["ball"].set_data(view.ball[:, 0], view.ball[:, 1])
            state["ball"].set_color(color)
            state["ball"].set_label(label)
            state["ball_label"].set_text(label)
            state["ball_handle"].set_color(color)
            state["star"].set_data([view.w_star[0]], [view.w_star[1]])
            state["opt"].set_data([sol.w[0]], [sol.w[1]])
            if state["contour_key"] != (corr, w1, w2):   # the loss levels move only with w* and the correlation
                for c in state["contours"]:
                    c.remove()
                g = view.grid
                state["contours"] = [ax0.contour(g[..., 0], g[..., 1], view.loss_grid, levels=_contour_levels(0.0),
                                                 colors="0.55", linewidths=1.0, zorder=1.99)]
                state["contour_key"] = (corr, w1, w2)
        touching = sol.on_boundary and sol.loss > 0
        state["touch"].set_visible(touching)
        if touching:
            curve = reg.loss_level_curve(view.H, view.w_star, sol.loss)
            state["touch"].set_data(curve[:, 0], curve[:, 1])
        path_key = (norm, corr, w1, w2, l1_ratio)
        if state.get("path_key") != path_key:
            ax1.clear()
            draw_budget_path(view, ax1)
            state["path_key"] = path_key
            state["tline"] = ax1.lines[-2]       # axvline(t); the last line is axhline(0)
        else:
            state["tline"].set_xdata([view.t, view.t])
        return constrained_view_readout(view)

    controls = {
        "norm": dropdown([("L1", "l1"), ("L2", "l2"), ("elastic net", "elasticnet")], "l1", description="ball"),
        "t": float_slider(1.0, 0.0, 3.0, 0.05, description="budget t"),
        "corr": float_slider(0.5, -0.9, 0.9, 0.05, description="feature correlation"),
        "w1": float_slider(2.0, -3.0, 3.0, 0.1, description="w*₁"),
        "w2": float_slider(0.6, -3.0, 3.0, 0.1, description="w*₂"),
        "l1_ratio": float_slider(0.5, 0.0, 1.0, 0.05, description="elastic-net L1 share", disabled=True),
    }
    # the L1 share only acts on the elastic-net ball: grey it out otherwise
    controls["norm"].observe(lambda change: setattr(controls["l1_ratio"], "disabled", change["new"] != "elasticnet"),
                             names="value")
    live = live_figure(update, controls, ncols=2, figsize=(13, 5.6))
    return _fixed_layout(live, left=0.06, right=0.98, bottom=0.11, top=0.93, wspace=0.18)


# ---------------------------------------------------------------------------------------------
# section 4: gradients and trajectories
# ---------------------------------------------------------------------------------------------

METHOD_LABELS = {"gd": "gradient descent, L2 penalty", "subgradient": "subgradient descent, L1 penalty",
                 "ista": "ISTA (proximal gradient), L1 penalty"}


def draw_descent(res: reg.DescentResult, ax: Axes | None = None) -> Axes:
    """Contours of the penalised objective and the method's trajectory."""
    ax = get_ax(ax)
    g = res.grid
    obj = res.objective_grid
    lo = float(obj.min())
    ax.contour(g[..., 0], g[..., 1], obj, levels=lo + np.array([0.05, 0.3, 1, 2, 4, 7, 11, 16, 22, 30]),
               colors="0.55", linewidths=1.0)
    color = C_L2 if res.method == "gd" else C_L1
    ax.plot(res.path[:, 0], res.path[:, 1], ".-", color=color, lw=1.5, ms=6, label=METHOD_LABELS[res.method])
    ax.plot(*res.path[0], "s", color=C_DATA, ms=8)
    ax.plot(*res.w_star, "*", ms=15, color=C_DATA, label="$w^*$")
    ax.plot(*res.w_opt, "o", ms=10, color=PALETTE["orange"], mec=C_DATA, label="penalised optimum")
    ax.axhline(0, color="0.3", lw=0.8)
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_aspect("equal")
    ax.set_xlim(-3.5, 3.5)
    ax.set_ylim(-3.5, 3.5)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.legend(loc="lower left", fontsize=10)
    return ax


def draw_descent_coordinates(res: reg.DescentResult, ax: Axes | None = None) -> Axes:
    """|w_2| along the iterations (log scale): ISTA drops to exactly 0 (drawn at the floor)."""
    ax = get_ax(ax)
    floor = 1e-12
    k = np.arange(res.path.shape[0])
    for j, c in ((0, PALETTE["blue"]), (1, PALETTE["orange"])):
        vals = np.abs(res.path[:, j])
        ax.semilogy(k, np.maximum(vals, floor), "o-", ms=3, color=c, label=f"$|w_{j + 1}|$")
        zero = vals == 0
        if zero.any():
            ax.semilogy(k[zero], np.full(zero.sum(), floor), "x", ms=8, color=C_DATA)
    ax.axhline(floor, color="0.5", lw=1, ls=":")
    ax.text(0, floor * 3, "exactly 0 (×)", fontsize=11, color="0.3")
    ax.set_ylim(floor / 3, 20)
    _light_log_axis(ax, numticks=5)
    ax.set_xlabel("iteration")
    ax.set_title("coordinates along the run")
    ax.legend(fontsize=11, loc="center right")
    return ax


def descent_widget():
    """Section 4: method (GD for L2, subgradient or ISTA for L1), λ, correlation, steps.

    Drawn once, then updated in place; the contours are redrawn only when method, λ or the
    correlation moved (not for the number of steps)."""
    state: dict = {}
    floor = 1e-12

    def update(axes, method="ista", lam=2.5, corr=0.5, n_steps=30):
        res = reg.compute_descent(method, lam, corr, n_steps)
        ax0, ax1 = axes
        if not state:
            for ax in axes:
                ax.clear()
            draw_descent(res, ax0)
            draw_descent_coordinates(res, ax1)
            state["contours"] = [a for a in ax0.get_children() if isinstance(a, ContourSet)]
            state["contour_key"] = (method, lam, corr)
            state["path"], state["start"], state["star"], state["opt"] = ax0.lines[:4]
            state["path_label"] = ax0.get_legend().get_texts()[0]
            state["path_handle"] = ax0.get_legend().legend_handles[0]
            # the coordinate panel: one line per coordinate, and one (maybe empty) line of × marks each
            for line in [ln for ln in ax1.lines if ln.get_marker() == "x"]:
                line.remove()
            state["coords"] = [ln for ln in ax1.lines if ln.get_marker() == "o"]
            state["zeros"] = [ax1.plot([], [], "x", ms=8, color=C_DATA)[0] for _ in range(2)]
        state["path"].set_data(res.path[:, 0], res.path[:, 1])
        if state.get("method") != res.method:    # colour and legend entry (only when they change: the
            state["method"] = res.method         # legend is then pasted, not drawn, on a move)
            color = C_L2 if res.method == "gd" else C_L1
            state["path"].set_color(color)
            state["path"].set_label(METHOD_LABELS[res.method])
            state["path_label"].set_text(METHOD_LABELS[res.method])
            state["path_handle"].set_color(color)
        state["start"].set_data([res.path[0, 0]], [res.path[0, 1]])
        state["star"].set_data([res.w_star[0]], [res.w_star[1]])
        state["opt"].set_data([res.w_opt[0]], [res.w_opt[1]])
        if state["contour_key"] != (method, lam, corr):
            for c in state["contours"]:
                c.remove()
            g, obj = res.grid, res.objective_grid
            lo = float(obj.min())
            state["contours"] = [ax0.contour(g[..., 0], g[..., 1], obj,
                                             levels=lo + np.array([0.05, 0.3, 1, 2, 4, 7, 11, 16, 22, 30]),
                                             colors="0.55", linewidths=1.0, zorder=1.99)]
            state["contour_key"] = (method, lam, corr)
        k = np.arange(res.path.shape[0])
        for j in range(2):
            vals = np.abs(res.path[:, j])
            state["coords"][j].set_data(k, np.maximum(vals, floor))
            zero = vals == 0
            state["zeros"][j].set_data(k[zero], np.full(zero.sum(), floor))
        if state.get("n_steps") != n_steps:   # x range of the iterations (only when it changes: a blit otherwise)
            state["n_steps"] = n_steps
            ax1.set_xlim(-0.05 * n_steps, 1.05 * n_steps)
        last = res.path[-1]
        return (f"{METHOD_LABELS[method]}: after {n_steps} steps w = ({last[0]:.4f}, {last[1]:.4f}), "
                f"exact zeros: {int(np.sum(last == 0))}; optimum ({res.w_opt[0]:.4f}, {res.w_opt[1]:.4f})")

    controls = {
        "method": dropdown([("gradient descent (L2)", "gd"), ("subgradient (L1)", "subgradient"),
                            ("ISTA (L1)", "ista")], "ista", description="method"),
        "lam": float_slider(2.5, 0.0, 5.0, 0.1, description="λ"),
        "corr": float_slider(0.5, -0.9, 0.9, 0.05, description="feature correlation"),
        "n_steps": int_slider(30, 1, 100, description="steps"),
    }
    live = live_figure(update, controls, ncols=2, figsize=(13, 5.4))
    return _fixed_layout(live, left=0.06, right=0.98, bottom=0.11, top=0.93, wspace=0.18)


def draw_shrinkage(alpha: float = 1.0, lam: float = 1.0, ax: Axes | None = None) -> Axes:
    """Orthonormal design: the lasso soft-thresholds the least-squares coefficient z, ridge shrinks it
    uniformly by 1/(1 + λ)."""
    ax = get_ax(ax)
    z = np.linspace(-4, 4, 401)
    ax.plot(z, z, ":", color="0.5", lw=1.5, label="least squares: $z$")
    ax.plot(z, reg.soft_threshold(z, alpha), color=C_L1, label=f"lasso: $S(z, {alpha:g})$")
    ax.plot(z, z / (1 + lam), "--", color=C_L2, label=f"ridge: $z/(1+{lam:g})$")
    ax.axvspan(-alpha, alpha, color=C_L1, alpha=0.1)
    ax.set_title("orthonormal design: exact zeros vs shrinkage")
    ax.set_xlabel("least-squares coefficient $z = x_j^\\top y$")
    ax.set_ylabel("regularised coefficient")
    ax.set_aspect("equal")
    ax.legend(fontsize=11, loc="upper left")
    return ax


# ---------------------------------------------------------------------------------------------
# section 5: diabetes
# ---------------------------------------------------------------------------------------------

def draw_lasso_path(res: reg.DiabetesPaths, ax: Axes | None = None, *, alpha: float | None = None) -> Axes:
    """Lasso coefficients (ours, solid; scikit-learn, dots) against α (sklearn Lasso scaling)."""
    ax = get_ax(ax)
    for j, name in enumerate(res.names):
        c = COLORS[j % 8]
        ls = "-" if j < 8 else "--"
        ax.semilogx(res.alphas, res.lasso_coefs[:, j], ls, color=c, lw=2, label=name)
        ax.semilogx(res.alphas[::4], res.sklearn_coefs[::4, j], ".", color=c, ms=5)
    ax.axvline(res.cv_alpha, color="0.3", ls=":", lw=1.5)
    if alpha is not None:
        ax.axvline(alpha, color=C_DATA, lw=1.5)
    _light_log_axis(ax, "x")
    ax.set_xlabel("α (Lasso)")
    ax.set_ylabel("coefficient")
    ax.set_title("lasso path (dots: scikit-learn)")
    ax.invert_xaxis()
    return ax


def draw_ridge_path(res: reg.DiabetesPaths, ax: Axes | None = None) -> Axes:
    """Ridge coefficients against λ (sklearn Ridge scaling): they shrink but never reach 0."""
    ax = get_ax(ax)
    for j, name in enumerate(res.names):
        c = COLORS[j % 8]
        ax.semilogx(res.ridge_lams, res.ridge_coefs[:, j], "-" if j < 8 else "--", color=c, lw=2, label=name)
    ax.set_xlabel("λ (Ridge)")
    ax.set_ylabel("coefficient")
    ax.set_title("ridge path")
    ax.invert_xaxis()
    ax.legend(fontsize=9, ncol=2, loc="upper left")
    return ax


def draw_nonzeros(res: reg.DiabetesPaths, ax: Axes | None = None) -> Axes:
    """Number of non-zero lasso coefficients against α, and LassoCV's choice."""
    ax = get_ax(ax)
    ax.semilogx(res.alphas, res.n_nonzero, drawstyle="steps-mid", color=C_L1)
    ax.axvline(res.cv_alpha, color="0.3", ls=":", lw=1.5, label=f"LassoCV α = {res.cv_alpha:.3g}")
    ax.set_xlabel("α (Lasso)")
    ax.set_ylabel("non-zero coefficients")
    ax.set_ylim(-0.3, 10.5)
    ax.invert_xaxis()
    ax.legend(fontsize=11, loc="upper left")
    return ax


def draw_cv_curve(res: reg.DiabetesPaths, ax: Axes | None = None) -> Axes:
    """Mean 5-fold cross-validated MSE against α."""
    ax = get_ax(ax)
    ax.semilogx(res.cv_alphas, res.cv_mse, color=C_L2)
    ax.axvline(res.cv_alpha, color="0.3", ls=":", lw=1.5, label=f"best α = {res.cv_alpha:.3g}")
    ax.set_xlabel("α (Lasso)")
    ax.set_ylabel("CV mean squared error")
    ax.invert_xaxis()
    ax.legend(fontsize=11)
    return ax


def diabetes_widget():
    """Section 5: α slider → the lasso path with α marked and the coefficients at α (zeros in grey).

    The path and the bars are drawn once; a move only shifts the α line and resizes the bars."""

    res = reg.compute_diabetes_paths()
    X, y, names = reg.diabetes_data()
    state: dict = {}

    def update(axes, alpha=1.0):
        w = reg.lasso(X, y, alpha, method="cd", tol=1e-10)
        colors = [COLORS[j % 8] if v != 0 else "0.7" for j, v in enumerate(w)]
        if not state:
            for ax in axes:
                ax.clear()
            draw_lasso_path(res, axes[0], alpha=alpha)
            state["alpha_line"] = axes[0].lines[-1]
            ax = axes[1]
            state["bars"] = ax.barh(np.arange(len(names)), w, color=colors)
            ax.set_yticks(np.arange(len(names)), names)
            ax.axvline(0, color="0.3", lw=0.8)
            ax.set_xlim(-900, 900)
            ax.set_xlabel("coefficient")
        state["alpha_line"].set_xdata([alpha, alpha])
        for bar, v, c in zip(state["bars"], w, colors):
            bar.set_width(v)
            bar.set_color(c)
        axes[1].set_title(f"lasso at α = {alpha:.3g} (grey: exactly 0)")
        return f"α = {alpha:.4g}: {int(np.sum(w != 0))} non-zero coefficients of {len(names)} (α_max = {res.alpha_max:.4f})"

    live = live_figure(update, {"alpha": log_slider(0.1, -3, 0.5, 0.05, description="α")}, ncols=2, figsize=(13, 5))
    return _fixed_layout(live, left=0.07, right=0.98, bottom=0.12, top=0.92, wspace=0.3)


# ---------------------------------------------------------------------------------------------
# section 6: Bayesian view
# ---------------------------------------------------------------------------------------------

def draw_priors(ax: Axes | None = None, *, variance: float = 1.0) -> Axes:
    """Gaussian and Laplace densities with the same variance: the Laplace is peaked at 0 with heavier tails."""
    ax = get_ax(ax)
    w = np.linspace(-4, 4, 801)
    tau = math.sqrt(variance)
    b = math.sqrt(variance / 2)
    ax.plot(w, reg.gaussian_prior_pdf(w, tau), color=C_L2, label=f"Gaussian N(0, {variance:g}) → L2")
    ax.plot(w, reg.laplace_prior_pdf(w, b), color=C_L1, label=f"Laplace(0, {b:.3g}) → L1")
    ax.set_xlabel("w")
    ax.set_ylabel("prior density")
    ax.legend(fontsize=11)
    return ax


def draw_posterior(res: reg.PosteriorResult, z: float, ax: Axes | None = None) -> Axes:
    """Prior, likelihood and posterior of one coefficient, with the MAP and the posterior mean."""
    ax = get_ax(ax)
    color = C_L2 if res.prior == "gaussian" else C_L1
    ax.plot(res.grid, res.prior_pdf, "--", color=color, lw=1.8, label=f"{res.prior} prior")
    ax.plot(res.grid, res.likelihood, ":", color="0.4", lw=1.8, label=f"likelihood (z = {z:.2f})")
    ax.plot(res.grid, res.posterior, color=PALETTE["purple"], label="posterior")
    ax.axvline(res.map_estimate, color=C_DATA, lw=1.8, label=f"MAP = {res.map_estimate:.3f}")
    ax.axvline(res.posterior_mean, color=PALETTE["orange"], lw=1.8, ls="-.", label=f"mean = {res.posterior_mean:.3f}")
    ax.set_xlim(-4, 4)
    ax.set_ylim(0, 1.5)
    ax.set_xlabel("w")
    ax.legend(fontsize=10, loc="upper left")
    return ax


def bayes_widget():
    """Section 6: observation z, prior type and scale → posterior, MAP (sparse for Laplace) and mean.

    Drawn once, then the five curves / lines and their legend entries are updated in place."""
    state: dict = {}

    def update(ax, z=0.8, prior="laplace", scale=1.0):
        res = reg.compute_posterior_1d(z, prior, scale=scale, noise_sd=1.0)
        if not state:
            ax.clear()
            draw_posterior(res, z, ax)
            state["lines"] = list(ax.lines[:5])
            state["texts"] = ax.get_legend().get_texts()
            state["handles"] = ax.get_legend().legend_handles
        color = C_L2 if res.prior == "gaussian" else C_L1
        prior_line, lik, post, map_line, mean_line = state["lines"]
        prior_line.set_data(res.grid, res.prior_pdf)
        prior_line.set_color(color)
        state["handles"][0].set_color(color)
        lik.set_data(res.grid, res.likelihood)
        post.set_data(res.grid, res.posterior)
        map_line.set_xdata([res.map_estimate, res.map_estimate])
        mean_line.set_xdata([res.posterior_mean, res.posterior_mean])
        labels = [f"{res.prior} prior", f"likelihood (z = {z:.2f})", "posterior", f"MAP = {res.map_estimate:.3f}",
                  f"mean = {res.posterior_mean:.3f}"]
        for line, text, label in zip(state["lines"], state["texts"], labels):
            line.set_label(label)
            text.set_text(label)
        return (f"{prior} prior, scale {scale:.2f}: MAP = {res.map_estimate:.4f} "
                f"({'exactly 0' if res.map_estimate == 0 else 'non-zero'}), posterior mean = {res.posterior_mean:.4f}")

    live = live_figure(update, {"z": float_slider(0.8, -3.0, 3.0, 0.05, description="observed z"),
                                "prior": dropdown([("Laplace (L1)", "laplace"), ("Gaussian (L2)", "gaussian")],
                                                  "laplace", description="prior"),
                                "scale": float_slider(1.0, 0.2, 3.0, 0.05, description="prior scale")},
                       ncols=1, figsize=(9, 4.5))
    return _fixed_layout(live, left=0.08, right=0.98, bottom=0.13, top=0.97)


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
        view = reg.compute_constrained_view(1.0, 2.0, 0.6, 0.5, norm)
        draw_constrained_view(view, ax)
        w = view.solution.w
        ax.set_title(f"{NORM_LABELS[norm]}: w = ({w[0]:.2f}, {w[1]:.2f})")
    return fig


def figure_shrinkage() -> Figure:
    """Soft thresholding vs uniform shrinkage (orthonormal design)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 6))
    draw_shrinkage(1.0, 1.0, ax)
    return fig


def figure_diabetes_paths() -> Figure:
    """Lasso path, ridge path and number of non-zeros on the diabetes data."""
    import matplotlib.pyplot as plt

    res = reg.compute_diabetes_paths()
    fig, axes = plt.subplots(1, 3, figsize=(17, 5))
    draw_lasso_path(res, axes[0])
    draw_ridge_path(res, axes[1])
    draw_nonzeros(res, axes[2])
    return fig


FIGURES = {
    "02_lp_balls": figure_lp_balls,
    "02_constrained_l1_vs_l2": figure_constrained_l1_l2,
    "02_shrinkage": figure_shrinkage,
    "02_diabetes_paths": figure_diabetes_paths,
}
