"""Lecture 1 (Performer kernels): widgets, figures and exercises."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

import course_utils.performer as P
from course_utils import performer as E
from course_utils import performer as PP
from course_utils.core.widgets import sweep_widget
from course_utils.performer import figures as performer_figures
from course_utils.performer import widgets as performer_widgets


@pytest.mark.parametrize("factory", [PP.rff_widget, PP.favor_widget])
def test_widget_sweeps_without_error_and_keeps_its_axes(factory):
    live = factory()
    n_axes = len(live.fig.axes)
    settings = sweep_widget(live)
    assert len(settings) >= 4
    assert len(live.fig.axes) == n_axes  # no colour bars or axes added by moves
    assert "Cannot draw" not in live.readout.value
    assert len(settings.readouts) == len(settings) and all(settings.readouts)
    assert not [r for r in settings.readouts if "Cannot draw this setting" in r]
    plt.close("all")


@pytest.mark.parametrize("m", [1, 2, 16, 256])
@pytest.mark.parametrize("kind", P.KINDS)
@pytest.mark.parametrize("orthogonal", [False, True])
@pytest.mark.parametrize("causal", [False, True])
def test_favor_widget_compute_is_finite_over_slider_range(m, kind, orthogonal, causal):
    demo = P.compute_favor_demo(m, kind, orthogonal, causal)
    assert np.all(np.isfinite(demo.approx_matrix)) and np.isfinite(demo.output_error)


@pytest.mark.parametrize("m", [1, 2, 64, 2048])
def test_rff_widget_compute_is_finite_over_slider_range(m):
    res = performer_widgets._rff_result()
    K = P.rff_kernel_matrix(res, m)
    assert K.shape == res.exact.shape and np.all(np.isfinite(K))


def test_figures_are_registered_and_build():
    assert set(performer_figures.FIGURES) == {"01_rff_error", "01_softmax_mse", "01_qr_sign_pitfall", "01_favor_heatmaps"}
    for name, factory in performer_figures.FIGURES.items():
        assert name.startswith("01_")
        fig = factory()
        assert fig.axes
        plt.close(fig)


def test_draw_functions_accept_an_axes():
    cost = P.AttentionCost(np.array([64, 128]), np.array([1e-3, 4e-3]), np.array([1e-3, 2e-3]),
                           np.array([1, 4]) * 2**15, np.array([1, 2]) * 2**15, 64, 256)
    fig, ax = plt.subplots()
    assert PP.draw_attention_cost(cost, ax) is ax
    assert PP.draw_attention_cost(cost, ax, what="memory") is ax
    assert PP.draw_analytic_cost(ax=ax) is ax
    assert PP.draw_mse_vs_m(np.array([0.3, 0.1]), np.array([0.2, -0.4]), ax=ax) is ax
    with pytest.raises(ValueError, match="what must be"):
        PP.draw_attention_cost(cost, ax, what="energy")
    plt.close(fig)


# ----------------------------------------------------------------------------- exercises
def test_exercises_accept_their_solutions(capsys):
    assert E.check_crossover(E.SOLUTIONS["performer-crossover"])
    assert E.check_trig_mse(E.SOLUTIONS["performer-trig-mse"])
    G = E.qr_exercise_matrix()
    q, r = np.linalg.qr(G)
    assert E.check_haar_q(q * np.sign(np.diag(r)))
    assert E.check_stabilise("a")
    # the numeric solution agrees with the library's closed form
    x = np.array([1.0, 0.0, 0.0])
    assert P.kernel_estimator_mse(x, -x, 1, "trig") == pytest.approx(E.TRIG_MSE_SOLUTION)
    assert len(E.EXERCISES) >= 3 and all(ex.solution for ex in E.EXERCISES)


def test_exercises_reject_plausible_wrong_answers_with_hints(capsys):
    assert not E.check_crossover(256)
    assert "four" in capsys.readouterr().out
    assert not E.check_trig_mse(0.0)
    assert "positive" in capsys.readouterr().out
    assert not E.check_trig_mse(2 * E.TRIG_MSE_SOLUTION)
    assert "twice" in capsys.readouterr().out
    G = E.qr_exercise_matrix()
    q, r = np.linalg.qr(G)
    assert not np.allclose(q, q * np.sign(np.diag(r)))  # the exercise matrix shows the pitfall
    assert not E.check_haar_q(q)
    assert "sign(diag(R))" in capsys.readouterr().out
    assert not E.check_stabilise("b")
    assert "variance" in capsys.readouterr().out
    assert not E.check_crossover(None)
    assert "No answer yet" in capsys.readouterr().out
    assert not E.check_haar_q("identity")
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize("causal", [False, True])
def test_favor_widget_fixed_error_axis_holds_every_curve(causal):
    """The widget's error axis is fixed (every move a blit): every median curve of the slider range fits in it."""
    lo, hi = performer_widgets.ERROR_YLIM
    for sharpness in performer_widgets.SHARPNESS_VALUES:
        for kind in P.FAVOR_KINDS:
            c = performer_widgets._favor_curve(kind, True, causal, sharpness)
            assert lo < c.errors.min() and c.errors.max() < hi and lo < c.baseline_error < hi


@pytest.mark.parametrize("sharpness", [0.25, 2.0])
@pytest.mark.parametrize("kind", P.FAVOR_KINDS)
def test_favor_demo_at_extreme_sharpness_is_finite(sharpness, kind):
    demo = P.compute_favor_demo(1, kind, True, True, sharpness=sharpness)
    assert np.all(np.isfinite(demo.approx_matrix)) and np.isfinite(demo.output_error) and np.isfinite(demo.baseline_error)
