"""Lecture 2 — ``draw_*(result, ax=None)``: drawing only.
"""
from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from course_utils.core.plotting import PALETTE, get_ax
from course_utils.regularization.constrained import loss_level_curve
from course_utils.regularization.experiments import (
    ConstrainedView,
    DescentResult,
    PolynomialFit,
    PosteriorResult,
    ball_boundary,
    gaussian_prior_pdf,
    laplace_prior_pdf,
    loss_segments,
    polynomial_data,
    true_function,
)
from course_utils.regularization.norms import l0_ball_segments, lp_norm, soft_threshold
from course_utils.regularization.sparsity import SparsityMap

C_L1 = PALETTE["vermillion"]
C_L2 = PALETTE["blue"]
C_EN = PALETTE["green"]
C_DATA = PALETTE["black"]
C_SPARSE = PALETTE["purple"]
NORM_COLORS = {"l1": C_L1, "l2": C_L2, "elasticnet": C_EN}
NORM_LABELS = {"l1": "L1", "l2": "L2", "elasticnet": "elastic net"}
P_OPTIONS = [("0", 0.0), ("0.5", 0.5), ("0.75", 0.75), ("1", 1.0), ("1.5", 1.5), ("2", 2.0), ("3", 3.0), ("4", 4.0),
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

def draw_polynomial_fit(fit: PolynomialFit, ax: Axes | None = None) -> Axes:
    """Training points, the true curve and the fitted polynomial."""
    ax = get_ax(ax)
    x_tr, y_tr, _, _ = polynomial_data()
    ax.plot(fit.x_grid, true_function(fit.x_grid), "--", color=C_DATA, lw=1.5, label="truth")
    ax.plot(fit.x_grid, fit.y_grid, color=PALETTE["orange"], label=f"degree {fit.degree}")
    ax.plot(x_tr, y_tr, "o", color=C_L2, label="training data")
    ax.set_ylim(-2.5, 2.5)
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="lower right", fontsize=12)
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
    ax.legend(fontsize=12)
    return ax


def draw_coefficients(fit: PolynomialFit, ax: Axes | None = None) -> Axes:
    """|coefficient| of each monomial x^k (log scale): they blow up when the fit chases noise."""
    ax = get_ax(ax)
    k = np.arange(fit.coef.size)
    ax.bar(k, np.maximum(np.abs(fit.coef), 1e-3), color=PALETTE["purple"])
    ax.set_yscale("log")
    ax.set_ylim(1e-3, 1e9)
    _light_log_axis(ax, numticks=4)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(-0.7, 14.7)
    ax.set_xlabel("power k of $x^k$")
    ax.set_ylabel("$|c_k|$")
    return ax


# ---------------------------------------------------------------------------------------------
# section 2: Lp balls
# ---------------------------------------------------------------------------------------------

def draw_lp_ball(p: float, ax: Axes | None = None, *, references: bool = True) -> Axes:
    """The unit ball of the Lp norm (filled), faint L1 / L2 / L∞ outlines, and for p < 1 the
    chord from (1, 0) to (0, 1) whose midpoint leaves the ball (non-convexity)."""
    ax = get_ax(ax)
    if references:
        for q, ls in ((1.0, ":"), (2.0, "--"), (math.inf, "-.")):
            b = ball_boundary(q, n=401)
            ax.plot(b[:, 0], b[:, 1], ls, color="0.6", lw=1.2)
    convex = p >= 1
    color = C_L2 if convex else C_L1
    if p == 0:   # the L0 "ball" {||w||_0 <= 1}: the two axis segments, nothing to fill
        b = l0_ball_segments(201)
        ax.fill([0, 0, 0], [0, 0, 0], color=color, alpha=0.25)
        ax.plot(b[:, 0], b[:, 1], color=color, lw=5, label="$\\|w\\|_0 \\leq 1$")
    else:
        b = ball_boundary(p, n=801)
        ax.fill(b[:, 0], b[:, 1], color=color, alpha=0.25)
        ax.plot(b[:, 0], b[:, 1], color=color, label=f"$\\|w\\|_{{{_fmt_p(p)}}} = 1$")
    if not convex:
        mid = np.array([0.5, 0.5])
        ax.plot([1, 0], [0, 1], color=C_DATA, lw=1.5)
        ax.plot(*mid, "o", color=C_DATA)
        ax.annotate(midpoint_text(p), mid, xytext=(0.35, 1.15), fontsize=12,
                    arrowprops={"arrowstyle": "->"})
    ax.set_aspect("equal")
    ax.set_xlim(-1.35, 1.35)
    ax.set_ylim(-1.35, 1.35)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.set_title(f"unit ball, p = {_fmt_p(p)}" + ("" if convex else " (not convex)"))
    return ax


def midpoint_text(p: float) -> str:
    """Annotation of the midpoint (1/2, 1/2) of the chord from (1, 0) to (0, 1), for a non-convex p < 1."""
    if p == 0:
        return "midpoint: $\\|w\\|_0$ = 2 > 1"
    return f"midpoint: norm {lp_norm(np.array([0.5, 0.5]), p):.2f} > 1"


def penalty_values(w: np.ndarray, p: float) -> np.ndarray:
    """|w|^p on a grid; p = 0 gives the indicator 1[w != 0], p = ∞ gives |w|."""
    if p == 0:
        return (np.abs(w) > 1e-12).astype(float)
    return np.abs(w) if math.isinf(p) else np.abs(w) ** p


def penalty_label(p: float) -> str:
    """Legend entry of the coloured penalty curve (distinct from the grey references, also at p = 1, 2)."""
    if p == 0:
        return "$|w|^0 = 1[w \\neq 0]$"
    return f"$|w|^p$, p = {_fmt_p(p)}" if not math.isinf(p) else "$|w|$ (p = ∞)"


def draw_penalty_1d(p: float, ax: Axes | None = None) -> Axes:
    """The 1-D penalty |w|^p (|w| for p = ∞... max(|w|) in 1-D): a kink at 0 for p <= 1."""
    ax = get_ax(ax)
    w = np.linspace(-1.5, 1.5, 601)
    for q, ls in ((1.0, ":"), (2.0, "--")):
        ax.plot(w, np.abs(w) ** q, ls, color="0.6", lw=1.2, label=f"reference $|w|^{{{_fmt_p(q)}}}$")
    ax.plot(w, penalty_values(w, p), color=C_L2 if p >= 1 else C_L1, label=penalty_label(p))
    ax.set_ylim(-0.05, 2.3)
    ax.set_xlabel("w")
    ax.set_title("penalty on one coordinate")
    ax.legend(fontsize=12, loc="upper center")
    return ax


# ---------------------------------------------------------------------------------------------
# section 3: penalised ⇔ constrained
# ---------------------------------------------------------------------------------------------

def _contour_levels(view_min_loss: float) -> np.ndarray:
    return view_min_loss + np.array([0.05, 0.2, 0.5, 1, 2, 3.5, 5.5, 8, 11, 15, 20])


def draw_constrained_view(view: ConstrainedView, ax: Axes | None = None, *, legend: bool = True,
                          sparsity: SparsityMap | None = None) -> Axes:
    """Loss contours, the ball of budget t, w* and the constrained optimum (where the
    smallest contour touches the ball); with ``sparsity``, the sparsity map of the L1 ball shaded
    (every w* in a shaded wedge has its optimum on a corner: one coordinate exactly 0)."""
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Polygon

    ax = get_ax(ax)
    color = NORM_COLORS[view.norm]
    w1, w2 = (float(v) for v in view.w_star)
    corr, scale2 = float(view.H[0, 1] / math.sqrt(view.H[1, 1])), float(math.sqrt(view.H[1, 1]))
    ax.add_collection(LineCollection(loss_segments(corr, w1, w2, scale2), colors="0.55", linewidths=1.0, zorder=1.5))
    if sparsity is not None:
        for k, tri in enumerate(sparsity.polygons):
            ax.add_patch(Polygon(tri, closed=True, facecolor=C_SPARSE, edgecolor="none", alpha=0.3, zorder=1.2,
                                 label="$w^*$ with a corner optimum" if k == 0 else None))
    ax.fill(view.ball[:, 0], view.ball[:, 1], color=color, alpha=0.25)
    ax.plot(view.ball[:, 0], view.ball[:, 1], color=color, lw=2, label=f"{NORM_LABELS[view.norm]} ball")
    sol = view.solution
    touch = loss_level_curve(view.H, view.w_star, sol.loss) if sol.on_boundary and sol.loss > 0 else np.empty((0, 2))
    ax.plot(touch[:, 0], touch[:, 1], color=PALETTE["orange"], lw=2.2)
    ax.axhline(0, color="0.3", lw=0.8)
    ax.axvline(0, color="0.3", lw=0.8)
    ax.plot(*view.w_star, "*", ms=16, color=C_DATA, label="$w^*$ (no penalty)")
    ax.plot(*sol.w, "o", ms=10, color=PALETTE["orange"], mec=C_DATA, label="constrained optimum")
    ax.text(0.97, 0.97, f"t = {view.t:.2f}", transform=ax.transAxes, ha="right", va="top", fontsize=14,
            bbox={"facecolor": "white", "edgecolor": "0.6"})
    ax.set_aspect("equal")
    ax.set_xlim(-3.5, 3.5)
    ax.set_ylim(-3.5, 3.5)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    if legend:
        ax.legend(loc="lower left", fontsize=12)
    return ax


def draw_budget_path(view: ConstrainedView, ax: Axes | None = None) -> Axes:
    """Both coordinates of the constrained optimum as the budget t grows; shaded where one is exactly 0."""
    ax = get_ax(ax)
    ts, ws = view.path_t, view.path_w
    from course_utils.regularization.sparsity import sparse_budget_intervals

    for k, (lo, hi) in enumerate(sparse_budget_intervals(view)):
        ax.axvspan(lo, hi, color=C_L1, alpha=0.12, lw=0, label="one coordinate exactly 0" if k == 0 else None)
    ax.plot(ts, ws[:, 0], color=PALETTE["blue"], label="$w_1$")
    ax.plot(ts, ws[:, 1], color=PALETTE["orange"], label="$w_2$")
    ax.axvline(view.t, color="0.4", lw=1.5)
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xlabel("budget t")
    ax.set_ylabel("optimum")
    ax.set_title(f"{NORM_LABELS[view.norm]}: optimum vs budget")
    # the optima start at 0 (t = 0) and grow with t: the empty corner is on the side away from the curves
    # (a fixed rule, not loc="best", which searches again on every draw)
    ax.legend(fontsize=12, loc="upper left" if ws.max() >= -ws.min() else "lower left")
    return ax


# ---------------------------------------------------------------------------------------------
# section 4: gradients and trajectories
# ---------------------------------------------------------------------------------------------

METHOD_LABELS = {"gd": "gradient descent, L2 penalty", "subgradient": "subgradient descent, L1 penalty",
                 "ista": "ISTA (proximal gradient), L1 penalty", "fista": "FISTA (accelerated), L1 penalty"}


def draw_descent(res: DescentResult, ax: Axes | None = None) -> Axes:
    """Contours of the penalised objective and the method's trajectory."""
    from matplotlib.collections import LineCollection

    ax = get_ax(ax)
    ax.add_collection(LineCollection(res.segments, colors="0.55", linewidths=1.0, zorder=1.5))
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
    ax.legend(loc="lower left", fontsize=12)
    return ax


def draw_descent_coordinates(res: DescentResult, ax: Axes | None = None) -> Axes:
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
    # at the right end, where the runs have settled, and below the curves: in a live figure it then stays
    # in the background (a text above the moving curves would be drawn again on every move)
    ax.text(0.98, floor * 3, "exactly 0 (×)", transform=ax.get_yaxis_transform(), ha="right", fontsize=12,
            color="0.3", zorder=1.5)
    ax.set_ylim(floor / 3, 20)
    _light_log_axis(ax, numticks=5)
    ax.set_xlabel("iteration")
    ax.set_title("coordinates along the run")
    ax.legend(fontsize=12, loc="center right")
    return ax


def draw_shrinkage(threshold: float = 1.0, lam: float = 1.0, ax: Axes | None = None, *, hard: bool = True) -> Axes:
    """Orthonormal design: hard thresholding (best subset, L0) keeps or kills, the lasso soft-thresholds
    the least-squares coefficient z at ``threshold`` (= nα in Lasso scaling), ridge shrinks it by 1/(1 + λ)."""
    ax = get_ax(ax)
    z = np.linspace(-4, 4, 801)
    ax.plot(z, z, ":", color="0.5", lw=1.5, label="least squares: $z$")
    if hard:
        ax.plot(z, np.where(np.abs(z) > threshold, z, 0.0), "-.", color=C_EN, lw=2,
                label=f"best subset (L0): keep if $|z| > {threshold:g}$")
    ax.plot(z, soft_threshold(z, threshold), color=C_L1, lw=2.5, label=f"lasso: $S(z, {threshold:g})$")
    ax.plot(z, z / (1 + lam), "--", color=C_L2, lw=2.5, label=f"ridge: $z/(1+{lam:g})$")
    ax.axvspan(-threshold, threshold, color=C_L1, alpha=0.1)
    ax.set_title("orthonormal design: three shrinkage rules")
    ax.set_xlabel("least-squares coefficient $z = x_j^\\top y$")
    ax.set_ylabel("regularised coefficient")
    ax.set_aspect("equal")
    ax.legend(fontsize=12, loc="upper left")
    return ax


# ---------------------------------------------------------------------------------------------
# section 6: Bayesian view
# ---------------------------------------------------------------------------------------------

def draw_priors(ax: Axes | None = None, *, variance: float = 1.0) -> Axes:
    """Gaussian and Laplace densities with the same variance: the Laplace is peaked at 0 with heavier tails."""
    ax = get_ax(ax)
    w = np.linspace(-4, 4, 801)
    tau = math.sqrt(variance)
    b = math.sqrt(variance / 2)
    ax.plot(w, gaussian_prior_pdf(w, tau), color=C_L2, label=f"Gaussian N(0, {variance:g}) → L2")
    ax.plot(w, laplace_prior_pdf(w, b), color=C_L1, label=f"Laplace(0, {b:.3g}) → L1")
    ax.set_xlabel("w")
    ax.set_ylabel("prior density")
    ax.legend(fontsize=12)
    return ax


def draw_posterior(res: PosteriorResult, z: float, ax: Axes | None = None) -> Axes:
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
    ax.legend(fontsize=12, loc="upper left")
    return ax
