"""Lecture 2 — the sliders over data: the diabetes lasso path (section 5) and one coefficient's
posterior under a Gaussian or Laplace prior (section 6).
"""
from __future__ import annotations

import numpy as np

from course_utils.core.widgets import dropdown, float_slider, live_figure, log_slider
from course_utils.regularization.experiments import compute_diabetes_paths, compute_posterior_1d, diabetes_data
from course_utils.regularization.plots import C_L1, C_L2, _fixed_layout, draw_posterior
from course_utils.regularization.plots_diabetes import draw_lasso_path, path_styles
from course_utils.regularization.solvers import lasso
from course_utils.regularization.widgets import _set_color


def diabetes_widget():
    """Section 5: α slider → the lasso path with α marked and the coefficients at α (zeros in grey).

    The path and the bars are drawn once; a move only shifts the α line and resizes the bars."""

    res = compute_diabetes_paths()
    X, y, names = diabetes_data()
    styles = path_styles(res)   # the bars take the path colours (the five smallest in grey)

    def coefficients(alpha):
        w = lasso(X, y, alpha, method="cd", tol=1e-10)
        return w, [styles[j][0] if v != 0 else "0.85" for j, v in enumerate(w)]

    def setup(axes, alpha=1.0):
        draw_lasso_path(res, axes[0], alpha=alpha)
        ax = axes[1]
        w, colors = coefficients(alpha)
        bars = ax.barh(np.arange(len(names)), w, color=colors)
        ax.set_yticks(np.arange(len(names)), names)
        ax.axvline(0, color="0.3", lw=0.8)
        ax.set_xlim(-900, 900)
        ax.set_xlabel("coefficient")
        ax.set_title(f"lasso at α = {alpha:.3g} (grey: exactly 0)")
        return {"alpha_line": axes[0].lines[-1], "bars": list(bars), "title": ax.title}

    def update(artists, alpha=1.0):
        w, colors = coefficients(alpha)
        artists["alpha_line"].set_xdata([alpha, alpha])
        for bar, v, c in zip(artists["bars"], w, colors):
            bar.set_width(v)
            bar.set_color(c)
        artists["title"].set_text(f"lasso at α = {alpha:.3g} (grey: exactly 0)")
        return f"α = {alpha:.4g}: {int(np.sum(w != 0))} non-zero coefficients of {len(names)} (α_max = {res.alpha_max:.4f})"

    live = live_figure(update, {"alpha": log_slider(0.1, -3, 0.5, 0.05, description="α")}, setup=setup, ncols=2,
                       figsize=(12, 4.6))
    return _fixed_layout(live, left=0.07, right=0.98, bottom=0.12, top=0.92, wspace=0.3)


def bayes_widget():
    """Section 6: observation z, prior type and scale → posterior, MAP (sparse for Laplace) and mean.

    Drawn once, then the five curves / lines and their legend entries are updated in place."""

    def setup(ax, z=0.8, prior="laplace", scale=1.0):
        draw_posterior(compute_posterior_1d(z, prior, scale=scale, noise_sd=1.0), z, ax)
        legend = ax.get_legend()
        return {"lines": list(ax.lines[:5]), "texts": legend.get_texts(), "handles": legend.legend_handles}

    def update(artists, z=0.8, prior="laplace", scale=1.0):
        res = compute_posterior_1d(z, prior, scale=scale, noise_sd=1.0)
        color = C_L2 if res.prior == "gaussian" else C_L1
        prior_line, lik, post, map_line, mean_line = artists["lines"]
        prior_line.set_data(res.grid, res.prior_pdf)
        prior_line.set_color(color)
        _set_color(artists["handles"][0], color)
        lik.set_data(res.grid, res.likelihood)
        post.set_data(res.grid, res.posterior)
        map_line.set_xdata([res.map_estimate, res.map_estimate])
        mean_line.set_xdata([res.posterior_mean, res.posterior_mean])
        # labels without the numbers (the slider and the readout show them): an unchanged legend is
        # pasted instead of drawn on every move (its five texts took about 20 ms to draw)
        labels = [f"{res.prior} prior", "likelihood", "posterior", "MAP", "posterior mean"]
        for line, text, label in zip(artists["lines"], artists["texts"], labels):
            line.set_label(label)
            text.set_text(label)
        return (f"{prior} prior, scale {scale:.2f}: MAP = {res.map_estimate:.4f} "
                f"({'exactly 0' if res.map_estimate == 0 else 'non-zero'}), posterior mean = {res.posterior_mean:.3f}")

    live = live_figure(update, {"z": float_slider(0.8, -3.0, 3.0, 0.05, description="observed z"),
                                "prior": dropdown([("Laplace (L1)", "laplace"), ("Gaussian (L2)", "gaussian")],
                                                  "laplace", description="prior"),
                                "scale": float_slider(1.0, 0.2, 3.0, 0.05, description="prior scale")},
                       setup=setup, ncols=1, figsize=(9, 4.5))
    return _fixed_layout(live, left=0.08, right=0.98, bottom=0.13, top=0.97)
