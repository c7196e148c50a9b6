"""Lecture 2: every widget swept over its sliders (extremes included), exercises and figures."""
import math

import numpy as np
import pytest

from course_utils import regularization as plots
from course_utils import regularization as reg
from course_utils.core.widgets import sweep_values, sweep_widget
from course_utils.regularization import exercises as ex
from course_utils.regularization import figures as regularization_figures

WIDGETS = [plots.polynomial_widget, plots.lp_ball_widget, plots.constrained_view_widget, plots.descent_widget,
           plots.diabetes_widget, plots.bayes_widget]


@pytest.mark.parametrize("factory", WIDGETS, ids=lambda f: f.__name__)
def test_widget_sweep_extremes(factory):
    live = factory()
    n_axes_before = len(live.fig.axes)
    settings = sweep_widget(live)
    assert len(settings) >= 3
    assert len(live.fig.axes) == n_axes_before             # moving a slider never adds axes
    assert "Cannot draw" not in live.readout.value
    assert len(settings.readouts) == len(settings) and all(settings.readouts)
    assert not [r for r in settings.readouts if "Cannot draw this setting" in r]


def test_constrained_view_compute_sweep_is_finite_and_consistent():
    live = plots.constrained_view_widget()
    grids = {name: sweep_values(c, 5) for name, c in live.controls.items()}
    for norm in grids["norm"]:
        for t in grids["t"][::2]:                       # 0, 1.5, 3
            for corr in grids["corr"][::2]:             # -0.9, 0, 0.9
                for w1 in grids["w1"][::4]:             # -3, 3
                    view = reg.compute_constrained_view(t, w1, -1.5, corr, norm, 0.5)
                    sol = view.solution
                    assert np.all(np.isfinite(sol.w)) and np.isfinite(view.loss_grid).all()
                    assert reg.kkt_residual(view.H, view.w_star, sol, t, norm) < (1e-6 if norm == "elasticnet" else 1e-9)
                    if not math.isinf(sol.multiplier):
                        np.testing.assert_allclose(view.penalised_w, sol.w, atol=1e-6)


def test_l1_corner_holds_over_a_range_of_widget_settings():
    # default widget setting: w* = (2, 0.6), corr = 0.5; every budget up to 1.4 is a corner for L1
    for t in np.arange(0.05, 1.41, 0.05):
        assert reg.compute_constrained_view(t, 2.0, 0.6, 0.5, "l1").solution.kind == "corner"
        assert reg.compute_constrained_view(t, 2.0, 0.6, 0.5, "l2").solution.kind == "smooth"


def test_descent_and_posterior_compute_sweeps_are_finite():
    live = plots.descent_widget()
    for method in sweep_values(live.controls["method"]):
        for lam in sweep_values(live.controls["lam"]):
            for corr in sweep_values(live.controls["corr"], 3):
                res = reg.compute_descent(method, lam, corr, 100)
                assert np.all(np.isfinite(res.path)) and np.all(np.isfinite(res.objective_grid))
    for z in np.linspace(-3, 3, 7):
        for prior in ("laplace", "gaussian"):
            for scale in (0.2, 3.0):
                res = reg.compute_posterior_1d(z, prior, scale=scale)
                assert np.isfinite(res.posterior).all() and np.isfinite(res.posterior_mean)


def test_lp_balls_for_every_slider_value():
    for _, p in plots.P_OPTIONS:
        if p == 0:   # the L0 "ball" is drawn from l0_ball_segments (tested below)
            continue
        b = reg.ball_boundary(p, n=401)
        np.testing.assert_allclose(reg.lp_norm(b, p), 1.0, rtol=1e-12)
    sq = reg.ball_boundary(np.inf, n=401)
    assert np.abs(sq).max() == pytest.approx(1.0)


@pytest.mark.parametrize("exercise, right, wrong", [
    (ex.EX_SOFT_THRESHOLD, [2.0, 0.0, 0.2, -1.0], [1.5, -0.25, 0.6, -1.0]),
    (ex.EX_ALPHA_MAX, 45.16003002046289, 2.148043575529498),
    (ex.EX_L1_CORNER, [1.0, 0.0], [2 / math.sqrt(4.25), 0.5 / math.sqrt(4.25)]),
    (ex.EX_PRIOR, 8.0, 4.0),
], ids=lambda v: getattr(v, "key", None))
def test_exercises_accept_solution_and_reject_wrong_answer_with_hint(exercise, right, wrong, capsys):
    assert exercise.check(right) is True
    assert exercise.check(wrong) is False
    out = capsys.readouterr().out
    assert "Not yet" in out and len(out.strip().splitlines()[-1]) > 30
    assert exercise.check(None) is False
    assert exercise.check("not a number") is False
    assert "Solution" in exercise.solution_markdown()


def test_exercise_answers_are_the_math():
    np.testing.assert_allclose(ex._soft_expected(), [2.0, 0.0, 0.2, -1.0])
    X, y, _ = reg.diabetes_data()
    # Exercise 2 asks for the columns standardised to std 1 (X·√n): α_max scales with the columns
    assert ex._alpha_max_expected() == pytest.approx(np.sqrt(442) * np.abs(X.T @ y).max() / 442)
    np.testing.assert_array_equal(ex._corner_expected(), [1.0, 0.0])


def test_figures_are_registered_and_build(tmp_path):
    import matplotlib.pyplot as plt

    from course_utils.tools.figures import collect_figures

    names = [n for n in collect_figures() if n.startswith("02_")]
    assert set(names) == set(regularization_figures.FIGURES) and 2 <= len(names) <= 5
    for name in names:
        fig = regularization_figures.FIGURES[name]()
        assert fig.axes
        plt.close(fig)


def test_l0_ball_has_one_nonzero_coordinate_and_its_hull_is_the_l1_ball():
    """p = 0: not convex (best subset); its convex hull on the unit box is the L1 ball: the convex relaxation."""
    from scipy.spatial import ConvexHull

    assert plots.P_OPTIONS[0] == ("0", 0.0)
    pts = reg.l0_ball_segments(201)
    pts = pts[np.isfinite(pts).all(axis=1)]
    assert (reg.l0_norm(pts) <= 1).all()
    assert (np.abs(pts) <= 1).all()
    assert reg.l0_norm(np.array([0.5, 0.5])) == 2.0          # the chord's midpoint leaves the L0 ball
    hull = ConvexHull(pts)
    vertices = {tuple(np.round(v, 12) + 0.0) for v in pts[hull.vertices]}
    assert vertices == {(1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0)}
    assert hull.volume == pytest.approx(2.0)                   # the area of the L1 unit ball
    # every point of the L1 unit ball is a convex combination of L0-ball points: hull = L1 ball
    rng = np.random.default_rng(0)
    cand = rng.uniform(-1, 1, size=(2000, 2))
    inside_hull = np.all(cand @ hull.equations[:, :2].T + hull.equations[:, 2] <= 1e-12, axis=1)
    np.testing.assert_array_equal(inside_hull, reg.lp_norm(cand, 1) <= 1)


def test_lp_ball_widget_at_p0_reads_out_the_convex_relaxation():
    """The p = 0 readout and the 1-D penalty 1[w != 0]."""
    w = np.linspace(-1.5, 1.5, 601)
    from course_utils.regularization.plots import penalty_values

    y = penalty_values(w, 0.0)
    np.testing.assert_array_equal(y, (np.abs(w) > 1e-12).astype(float))
    assert y.min() == 0.0 and y.max() == 1.0


def test_diabetes_paths_label_five_features_and_grey_the_other_five():
    """Ridge path with 10 series: the 5 largest |w| at λ → 0 labelled with distinct colour and line style,
    the other 5 thin grey under one "other 5 features" legend entry (at most 6 legend entries per axes)."""
    import matplotlib.pyplot as plt

    res = reg.compute_diabetes_paths()
    top = [res.names[j] for j in plots.labelled_features(res)]
    assert top == ["s1", "s5", "bmi", "s2", "bp"]                 # the largest |least-squares| coefficients
    fig = regularization_figures.figure_diabetes_paths()
    try:
        for ax in fig.axes[:2]:
            handles, labels = ax.get_legend_handles_labels()
            assert sorted(labels) == sorted(top + ["other 5 features"])
            styles = {(str(h.get_color()), str(h.get_linestyle())) for h in handles if h.get_label() in top}
            assert len(styles) == 5
            # line style alone tells the five apart in greyscale (the dash pattern, custom patterns included)
            assert len({str(h._unscaled_dash_pattern) for h in handles if h.get_label() in top}) == 5
            assert len({str(h.get_color()) for h in handles if h.get_label() in top}) == 5
            assert len(ax.get_lines()) >= 10
        legend_labels = [t.get_text() for t in fig.legends[0].get_texts()]
        assert legend_labels == top + ["other 5 features"]
    finally:
        plt.close(fig)


def test_main_sliders_find_their_positions_precomputed_despite_the_browsers_float_residue():
    """The browser sends 1.2 + 0.05 as 1.2500000000000002: the widgets snap such a value to the slider's
    position (same picture and readout as 1.25), and the results precomputed per position at creation
    (sparsity map per budget t, the objective's levels per λ, the U-curve per degree) are found, not
    computed again on the move."""
    from course_utils.core import snap_value as _snap
    from course_utils.core.frames import slider_positions
    from course_utils.regularization.evidence import ridge_u_curve
    from course_utils.regularization.experiments import _descent_objective
    from course_utils.regularization.sparsity import _sparsity_map

    assert _snap(1.2 + 0.05) == 1.25 and _snap(0.1 + 0.2) == 0.3
    live = plots.constrained_view_widget()
    positions = [_snap(t) for t in slider_positions(live.controls["t"], None)]
    assert len(positions) == 61 and positions[25] == 1.25
    misses = _sparsity_map.cache_info().misses
    live.controls["t"].value = 1.2 + 0.05
    residue = (live.readout.value, np.asarray(live._canvas.buffer_rgba()).copy())
    live.controls["t"].value = 1.25
    assert live.readout.value == residue[0] and np.array_equal(np.asarray(live._canvas.buffer_rgba()), residue[1])
    assert _sparsity_map.cache_info().misses == misses
    descent = plots.descent_widget()
    misses = _descent_objective.cache_info().misses
    descent.controls["lam"].value = 2.5 + 0.1 + 0.1 + 0.1          # 2.8000000000000003
    assert _descent_objective.cache_info().misses == misses
    poly = plots.polynomial_widget()
    misses = ridge_u_curve.cache_info().misses
    for degree in (4, 9, 14, 0):
        poly.controls["degree"].value = degree
    assert ridge_u_curve.cache_info().misses == misses
