"""Lecture 2 — the sliders of sections 1–4 (polynomial fit, Lp ball, constrained view, descent);
the diabetes and Bayes sliders are in ``widgets_data``.
"""
from __future__ import annotations

import math

import numpy as np

from course_utils.core.controls import snap_value
from course_utils.core.frames import slider_positions
from course_utils.core.plotting import PALETTE
from course_utils.core.widgets import checkbox, dropdown, float_slider, int_slider, live_figure, log_slider
from course_utils.regularization.constrained import loss_level_curve
from course_utils.regularization.evidence import ridge_u_curve
from course_utils.regularization.experiments import (
    ConstrainedView,
    ball_boundary,
    compute_constrained_view,
    compute_descent,
    compute_polynomial_fit,
    degree_curve,
    loss_segments,
)
from course_utils.regularization.norms import l0_ball_segments, lp_norm
from course_utils.regularization.plots import (
    C_DATA,
    C_L1,
    C_L2,
    METHOD_LABELS,
    NORM_COLORS,
    NORM_LABELS,
    P_OPTIONS,
    _fixed_layout,
    _fmt_p,
    draw_budget_path,
    draw_coefficients,
    draw_constrained_view,
    draw_degree_curve,
    draw_descent,
    draw_descent_coordinates,
    draw_lp_ball,
    draw_penalty_1d,
    draw_polynomial_fit,
    midpoint_text,
    penalty_label,
    penalty_values,
)
from course_utils.regularization.plots_evidence import draw_u_curve
from course_utils.regularization.sparsity import SparsityMap, compute_sparsity_map


def polynomial_widget():
    """Section 1: degree slider (and an optional ridge penalty) → fit, errors, coefficients, and the
    U-curve: train / test MSE against λ at this degree, with the λ leave-one-out CV picks.

    The artists are drawn once, then updated in place on every move (fast redraws)."""

    def setup(axes, degree=3, use_ridge=False, lam=1e-3):
        lam_eff = lam if use_ridge else 0.0
        fit = compute_polynomial_fit(degree, lam_eff)
        ax0, ax1, ax2, ax3 = axes
        draw_polynomial_fit(fit, ax0)
        draw_degree_curve(degree_curve(lam_eff), degree, ax1)
        draw_coefficients(fit, ax2)
        draw_u_curve(ridge_u_curve(degree), ax3, lam=lam)
        # a legend that stays put ("best" jumps around the degree line, and is then drawn again)
        ax1.get_legend().set_loc("upper left")
        # one bar per possible power k = 0 … 14; the unused ones are hidden
        bars = ax2.bar(np.arange(15), np.full(15, 1e-3), color=PALETTE["purple"])
        for p in ax2.patches[:fit.coef.size]:
            p.remove()
        return {"fit_line": ax0.lines[1], "fit_label": ax0.get_legend().get_texts()[1],
                "train": ax1.lines[0], "test": ax1.lines[1], "vline": ax1.lines[2], "bars": list(bars),
                "u_train": ax3.lines[0], "u_test": ax3.lines[1], "u_cv": ax3.lines[2], "u_lam": ax3.lines[3]}

    def update(artists, degree=3, use_ridge=False, lam=1e-3):
        lam_eff = lam if use_ridge else 0.0
        fit = compute_polynomial_fit(degree, lam_eff)
        deg, train, test = degree_curve(lam_eff)
        heights = np.maximum(np.abs(fit.coef), 1e-3)
        artists["fit_line"].set_data(fit.x_grid, fit.y_grid)
        # the legend entry does not follow the degree (the slider and the readout show it): the
        # legend is then pasted instead of drawn on every move (text is slow to draw)
        artists["fit_line"].set_label("polynomial fit")
        artists["fit_label"].set_text("polynomial fit")
        artists["train"].set_data(deg, np.maximum(train, 1e-6))
        artists["test"].set_data(deg, test)
        artists["vline"].set_xdata([degree, degree])
        for j, bar in enumerate(artists["bars"]):
            if j < heights.size:
                bar.set_height(heights[j])
                bar.set_visible(True)
            else:
                bar.set_visible(False)
        lams, u_train, u_test, cv_lam = ridge_u_curve(degree)
        artists["u_train"].set_data(lams, np.maximum(u_train, 1e-6))
        artists["u_test"].set_data(lams, u_test)
        artists["u_cv"].set_xdata([cv_lam, cv_lam])
        artists["u_lam"].set_xdata([lam, lam])
        artists["u_lam"].set_visible(bool(use_ridge))
        pen = f"ridge λ = {lam_eff:.3g}" if use_ridge else "no penalty"
        return (f"degree {degree}, {pen}: train MSE {fit.train_mse:.4f}, test MSE {fit.test_mse:.4g}, "
                f"max |c_k| = {np.abs(fit.coef).max():.3g}; CV picks λ = {cv_lam:.2g} at this degree")

    degree_slider = int_slider(3, 0, 14, description="degree")
    # the U-curve of every degree (10-17 ms each, cached): a move of the degree slider only draws
    for d in slider_positions(degree_slider, None):
        ridge_u_curve(d)
    use_ridge = checkbox(False, description="ridge penalty")
    lam = log_slider(1e-3, -8, 2, 0.25, description="ridge λ", disabled=True)
    # the λ slider only acts with the penalty on: grey it out otherwise
    use_ridge.observe(lambda change: setattr(lam, "disabled", not change["new"]), names="value")
    live = live_figure(update, {"degree": degree_slider,
                                "use_ridge": use_ridge, "lam": lam},
                       setup=setup, ncols=4, figsize=(12.5, 3.9))
    return _fixed_layout(live, left=0.05, right=0.99, bottom=0.16, top=0.96, wspace=0.45)


def _set_color(artist, color) -> None:
    """``artist.set_color(color)`` only when it changes (a legend handle left alone is pasted, not drawn)."""
    if artist.get_color() != color:
        artist.set_color(color)


def lp_ball_widget():
    """Section 2: p slider (0, 0.5 … ∞; p = 0 is the L0 "ball", two axis segments) → the unit ball and the 1-D penalty (updated in place)."""
    import ipywidgets as widgets

    w = np.linspace(-1.5, 1.5, 601)
    mid = np.array([0.5, 0.5])
    lw_default = 2.5

    def setup(axes, p=1.0):
        nonlocal lw_default
        # drawn once with a non-convex p so that the chord and its annotation exist
        draw_lp_ball(0.5, axes[0])
        draw_penalty_1d(0.5, axes[1])
        ax0, ax1 = axes
        lw_default = ax0.lines[3].get_linewidth()
        return {"fill": ax0.patches[0], "ball": ax0.lines[3], "chord": ax0.lines[4], "mid": ax0.lines[5],
                "annot": ax0.texts[0], "title": ax0.title, "pen": ax1.lines[2],
                "pen_label": ax1.get_legend().get_texts()[2], "pen_handle": ax1.get_legend().legend_handles[2]}

    def update(artists, p=1.0):
        convex = p >= 1
        color = C_L2 if convex else C_L1
        if p == 0:   # the L0 "ball": two thick axis segments, an empty fill
            b = l0_ball_segments(201)
            artists["fill"].set_xy(np.zeros((3, 2)))
            artists["ball"].set_label("$\\|w\\|_0 \\leq 1$")
        else:
            b = ball_boundary(p, n=801)
            artists["fill"].set_xy(b)
            artists["ball"].set_label(f"$\\|w\\|_{{{_fmt_p(p)}}} = 1$")
        artists["fill"].set_facecolor(color)
        artists["fill"].set_alpha(0.25)
        artists["ball"].set_data(b[:, 0], b[:, 1])
        artists["ball"].set_color(color)
        artists["ball"].set_linewidth(5.0 if p == 0 else lw_default)
        for artist in (artists["chord"], artists["mid"], artists["annot"]):
            artist.set_visible(not convex)
        if not convex:
            artists["annot"].set_text(midpoint_text(p))
        artists["title"].set_text(f"unit ball, p = {_fmt_p(p)}" + ("" if convex else " (not convex)"))
        y = penalty_values(w, p)
        # one legend entry for every finite p > 0 (the title shows p): the legend is pasted, not drawn
        label = penalty_label(p) if p == 0 or math.isinf(p) else "$|w|^p$ at this p"
        artists["pen"].set_data(w, y)
        artists["pen"].set_color(color)
        artists["pen"].set_label(label)
        artists["pen_label"].set_text(label)
        _set_color(artists["pen_handle"], color)
        if p == 0:
            return ("p = 0: not convex (best subset); its convex hull on the unit box is the L1 ball: "
                    "the convex relaxation")
        m = lp_norm(mid, p)
        verdict = "> 1: the ball is NOT convex" if m > 1 + 1e-12 else "<= 1: convex"
        return f"p = {_fmt_p(p)}: the midpoint of (1,0) and (0,1) has norm 2^(1/p - 1) = {m:.3f} {verdict}"

    p_slider = widgets.SelectionSlider(options=P_OPTIONS, value=1.0, description="p",
                                       style={"description_width": "initial"}, continuous_update=True)
    live = live_figure(update, {"p": p_slider}, setup=setup, ncols=2, figsize=(10, 4.6))
    return _fixed_layout(live, left=0.08, right=0.98, bottom=0.12, top=0.92, wspace=0.2)


def constrained_view_readout(view: ConstrainedView, smap: SparsityMap | None = None) -> str:
    """One line: the optimum, its kind, the equivalent penalty λ and the penalised check (and the map's share)."""
    sol = view.solution
    lam = "∞" if math.isinf(sol.multiplier) else f"{sol.multiplier:.3f}"
    zeros = int(np.sum(sol.w == 0.0))
    pen = {"l1": "λ‖w‖₁", "l2": "λ‖w‖₂²", "elasticnet": "λ(γ‖w‖₁ + (1−γ)‖w‖₂)"}[view.norm]
    diff = float(np.abs(view.penalised_w - sol.w).max())
    text = (f"optimum w = ({sol.w[0]:.3f}, {sol.w[1]:.3f}) [{sol.kind}], exact zeros: {zeros}; "
            f"equivalent penalty {pen} with λ = {lam}; penalised optimum differs by {diff:.1e}")
    if smap is not None and view.norm == "l1":
        text += f"; shaded (corner) share of the window: {100 * smap.fraction:.0f} %"
    return text


def constrained_view_widget():
    """Section 3: budget t, w*, feature correlation and scale, L1 / L2 / elastic net → contours touching the ball.

    Drawn once, then updated in place: the touching level is an exact ellipse, the grey loss levels
    are a LineCollection whose cached segments change with w*, the correlation or the scale, the
    sparsity map (L1) is four polygons whose vertices move, and the budget is a small text artist
    (the legend changes only with the ball). The budget-path panel is drawn again only when
    something else than the budget t moved."""
    l1_ratio = 0.5

    def setup(axes, norm="l1", t=1.0, corr=0.5, w1=2.0, w2=0.6, scale2=1.0):
        t = snap_value(t)
        view = compute_constrained_view(t, w1, w2, corr, norm, l1_ratio, scale2=scale2)
        ax0, ax1 = axes
        draw_constrained_view(view, ax0, sparsity=compute_sparsity_map(t, corr, scale2))
        draw_budget_path(view, ax1)
        legend = ax0.get_legend()
        return {"levels": ax0.collections[0], "wedges": list(ax0.patches[:4]), "fill": ax0.patches[4],
                "ball": ax0.lines[0], "touch": ax0.lines[1], "star": ax0.lines[4], "opt": ax0.lines[5],
                "t_text": ax0.texts[0], "ball_label": legend.get_texts()[1], "ball_handle": legend.legend_handles[1],
                "tline": ax1.lines[-2], "shown": {"path": (norm, corr, w1, w2, scale2)}}

    def update(artists, norm="l1", t=1.0, corr=0.5, w1=2.0, w2=0.6, scale2=1.0):
        t = snap_value(t)
        view = compute_constrained_view(t, w1, w2, corr, norm, l1_ratio, scale2=scale2)
        smap = compute_sparsity_map(t, corr, scale2)
        sol = view.solution
        ax1 = artists["tline"].axes
        color = NORM_COLORS[view.norm]
        label = f"{NORM_LABELS[view.norm]} ball"
        artists["fill"].set_xy(view.ball)
        _set_color(artists["ball"], color)
        artists["fill"].set_facecolor(color)
        artists["fill"].set_alpha(0.25)
        artists["ball"].set_data(view.ball[:, 0], view.ball[:, 1])
        if artists["ball_label"].get_text() != label:   # the legend changes only with the ball
            artists["ball"].set_label(label)
            artists["ball_label"].set_text(label)
            _set_color(artists["ball_handle"], color)
        artists["t_text"].set_text(f"t = {view.t:.2f}")
        artists["levels"].set_segments(loss_segments(float(corr), float(w1), float(w2), float(scale2)))
        for wedge, tri in zip(artists["wedges"], smap.polygons):
            wedge.set_xy(tri)
            wedge.set_visible(view.norm == "l1")
        artists["star"].set_data([view.w_star[0]], [view.w_star[1]])
        artists["opt"].set_data([sol.w[0]], [sol.w[1]])
        touching = sol.on_boundary and sol.loss > 0
        curve = loss_level_curve(view.H, view.w_star, sol.loss) if touching else np.empty((0, 2))
        artists["touch"].set_data(curve[:, 0], curve[:, 1])
        path_key = (norm, corr, w1, w2, scale2)
        if artists["shown"]["path"] != path_key:   # another path: the panel is drawn again (t only moves a line)
            ax1.clear()
            draw_budget_path(view, ax1)
            artists["tline"] = ax1.lines[-2]       # axvline(t); the last line is axhline(0)
            artists["shown"]["path"] = path_key
        artists["tline"].set_xdata([view.t, view.t])
        return constrained_view_readout(view, smap)

    controls = {
        "norm": dropdown([("L1", "l1"), ("L2", "l2"), ("elastic net", "elasticnet")], "l1", description="ball"),
        "t": float_slider(1.0, 0.0, 3.0, 0.05, description="budget t"),
        "corr": float_slider(0.5, -0.9, 0.9, 0.05, description="feature correlation"),
        "w1": float_slider(2.0, -3.0, 3.0, 0.1, description="w*₁"),
        "w2": float_slider(0.6, -3.0, 3.0, 0.1, description="w*₂"),
        "scale2": float_slider(1.0, 0.4, 2.5, 0.1, description="std of feature 2"),
    }
    # the sparsity map at every budget for the first correlation and scale (2 ms each, cached)
    for t in slider_positions(controls["t"], None):
        compute_sparsity_map(snap_value(t), controls["corr"].value, controls["scale2"].value)
    live = live_figure(update, controls, setup=setup, ncols=2, figsize=(11, 5))
    return _fixed_layout(live, left=0.07, right=0.98, bottom=0.12, top=0.93, wspace=0.2)


def descent_widget():
    """Section 4: method (GD for L2, subgradient, ISTA or FISTA for L1), λ, correlation, step size, steps.

    Drawn once, then updated in place: the objective's levels are a LineCollection whose cached
    segments change with λ, the method's penalty or the correlation; the iteration axis is fixed."""
    floor = 1e-12
    max_steps = 100

    def setup(axes, method="ista", lam=2.5, corr=0.5, step=1.0, n_steps=30):
        res = compute_descent(method, snap_value(lam), corr, n_steps, step_factor=step)
        ax0, ax1 = axes
        draw_descent(res, ax0)
        draw_descent_coordinates(res, ax1)
        ax1.set_xlim(-0.05 * max_steps, 1.05 * max_steps)
        legend = ax0.get_legend()
        # the coordinate panel: one line per coordinate, and one (maybe empty) line of × marks each
        for line in [ln for ln in ax1.lines if ln.get_marker() == "x"]:
            line.remove()
        coords = [ln for ln in ax1.lines if ln.get_marker() == "o"]
        zeros = [ax1.plot([], [], "x", ms=8, color=C_DATA)[0] for _ in range(2)]
        path, start, star, opt = ax0.lines[:4]
        return {"levels": ax0.collections[0], "path": path, "start": start, "star": star, "opt": opt,
                "path_label": legend.get_texts()[0], "path_handle": legend.legend_handles[0], "coords": coords,
                "zeros": zeros}

    def update(artists, method="ista", lam=2.5, corr=0.5, step=1.0, n_steps=30):
        res = compute_descent(method, snap_value(lam), corr, n_steps, step_factor=step)
        path = artists["path"]
        path.set_data(res.path[:, 0], res.path[:, 1])
        color = C_L2 if res.method == "gd" else C_L1
        if path.get_color() != color or artists["path_label"].get_text() != METHOD_LABELS[res.method]:
            # colour and legend entry only when they change: the legend is then pasted, not drawn
            path.set_color(color)
            path.set_label(METHOD_LABELS[res.method])
            artists["path_label"].set_text(METHOD_LABELS[res.method])
            artists["path_handle"].set_color(color)
        artists["start"].set_data([res.path[0, 0]], [res.path[0, 1]])
        artists["star"].set_data([res.w_star[0]], [res.w_star[1]])
        artists["opt"].set_data([res.w_opt[0]], [res.w_opt[1]])
        artists["levels"].set_segments(res.segments)
        k = np.arange(res.path.shape[0])
        for j in range(2):
            vals = np.abs(res.path[:, j])
            artists["coords"][j].set_data(k, np.maximum(vals, floor))
            zero = vals == 0
            artists["zeros"][j].set_data(k[zero], np.full(zero.sum(), floor))
        last = res.path[-1]
        dist = float(np.abs(last - res.w_opt).max())
        return (f"{METHOD_LABELS[method]}, step {step:.2f}/L: after {n_steps} steps w = ({last[0]:.4f}, {last[1]:.4f}), "
                f"exact zeros: {int(np.sum(last == 0))}; optimum ({res.w_opt[0]:.4f}, {res.w_opt[1]:.4f}), "
                f"distance {dist:.1e}")

    controls = {
        "method": dropdown([("gradient descent (L2)", "gd"), ("subgradient (L1)", "subgradient"),
                            ("ISTA (L1)", "ista"), ("FISTA (L1)", "fista")], "ista", description="method"),
        "lam": float_slider(2.5, 0.0, 5.0, 0.1, description="λ"),
        "corr": float_slider(0.5, -0.9, 0.9, 0.05, description="feature correlation"),
        "step": float_slider(1.0, 0.1, 2.2, 0.05, description="step × L"),
        "n_steps": int_slider(30, 1, max_steps, description="steps"),
    }
    # the objective's levels at every λ for the first method and correlation (3 ms each, cached)
    for lam_k in slider_positions(controls["lam"], None):
        compute_descent(controls["method"].value, snap_value(lam_k), controls["corr"].value, 1)
    live = live_figure(update, controls, setup=setup, ncols=2, figsize=(11, 4.8))
    return _fixed_layout(live, left=0.07, right=0.98, bottom=0.12, top=0.93, wspace=0.2)
