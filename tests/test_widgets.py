"""LiveFigure: one figure reused for every slider move; sweep helpers reach the extremes."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils.core import widgets as w


def parabola_widget(calls):
    def update(ax, a=1.0, n=10, kind="x"):
        if n == 13:
            raise ValueError("n = 13 is not allowed")
        calls.append((a, n, kind))
        ax.clear()
        x = np.linspace(-1, 1, n)
        ax.plot(x, a * x**2 if kind == "x" else a * np.abs(x))
        return f"a = {a:.2f}"

    controls = {
        "a": w.float_slider(1.0, -2.0, 2.0, 0.1, description="a"),
        "n": w.int_slider(10, 2, 20, description="n"),
        "kind": w.dropdown(["x", "abs"], description="kind"),
    }
    return w.live_figure(update, controls, figsize=(4, 3))


def test_moves_reuse_one_figure_and_never_touch_pyplot():
    plt.close("all")
    calls = []
    live = parabola_widget(calls)
    fig, n_axes = live.fig, len(live.fig.axes)
    first_png = bytes(live.image.value)
    assert first_png.startswith(b"\x89PNG")
    for value in np.linspace(-2, 2, 9):
        live.controls["a"].value = float(value)
    assert live.fig is fig and len(fig.axes) == n_axes
    assert len(live.axes.lines) == 1
    assert plt.get_fignums() == []  # no pyplot figure was ever created
    assert live.readout.value == "a = 2.00"
    assert bytes(live.image.value) != first_png
    assert live.last_seconds > 0


def test_value_error_is_shown_not_raised():
    live = parabola_widget([])
    live.controls["n"].value = 13
    assert "Cannot draw this setting" in live.readout.value and "n = 13" in live.readout.value
    with pytest.raises(ValueError, match="n = 13"):
        live.render(**live.values())


def test_sweep_values_cover_extremes():
    assert w.sweep_values(w.int_slider(5, 1, 512), 5) == [1, 129, 257, 384, 512]
    vals = w.sweep_values(w.float_slider(0.5, 0.0, 1.0, 0.1), 3)
    assert vals == [0.0, 0.5, 1.0]
    logs = w.sweep_values(w.log_slider(1.0, -3, 2), 6)
    assert logs[0] == pytest.approx(1e-3) and logs[-1] == pytest.approx(100.0)
    assert w.sweep_values(w.dropdown({"L1": 1, "L2": 2})) == [1, 2]
    assert w.sweep_values(w.checkbox(True)) == [False, True]


def test_sweep_widget_renders_every_extreme():
    calls = []
    live = parabola_widget(calls)
    settings = w.sweep_widget(live, n=3)
    assert {"a": -2.0, "n": 2, "kind": "x"} in settings
    assert {"a": 2.0, "n": 20, "kind": "abs"} in settings
    assert (-2.0, 10, "x") in calls and (1.0, 20, "x") in calls
    assert settings.readouts[-1] == "a = 2.00" and len(settings.readouts) == len(settings)


def test_sweep_widget_moves_the_controls_and_reports_what_a_move_shows():
    """The sweep goes through a real move (control value -> refresh -> picture and readout): a
    setting the widget cannot draw shows up in the readouts instead of passing unseen."""
    live = parabola_widget([])
    pictures = []
    live.image.observe(lambda change: pictures.append(change["new"]), names="value")
    settings = w.sweep_widget(live, n=2)
    assert pictures and live.values() == settings[-1]
    live.controls["n"].max = 13                         # now the sweep reaches n = 13, which raises
    settings = w.sweep_widget(live, n=2)
    assert [r for r in settings.readouts if "Cannot draw this setting" in r]


def test_mimebundle_has_static_fallback():
    live = parabola_widget([])
    bundle, metadata = live._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "image/png" in bundle
    assert metadata["image/png"]["alt"].startswith("Line plot")  # its text alternative


def test_sweep_values_respect_the_slider_step():
    assert w.sweep_values(w.int_slider(4, 0, 20, step=4), 4) == [0, 8, 12, 20]
    vals = w.sweep_values(w.float_slider(0.5, 0.0, 1.0, 0.25), 4)
    assert vals == [0.0, 0.25, 0.75, 1.0]


def test_freeze_layout_solves_the_layout_once_then_keeps_the_axes():
    def update(ax, a=1.0):
        ax.clear()
        ax.plot([0, 1], [0, a])
        ax.set_ylabel("y")

    frozen = w.live_figure(update, {"a": w.float_slider(1.0, 0.0, 1e6, 1.0)}, figsize=(4, 3), freeze_layout=True)
    position = frozen.axes.get_position().bounds
    assert position != (0.125, 0.11, 0.775, 0.77)  # the constrained layout ran on the first draw
    frozen.controls["a"].value = 1e6  # much wider tick labels: a live layout would move the axes
    assert frozen.axes.get_position().bounds == position
    live = w.live_figure(update, {"a": w.float_slider(1.0, 0.0, 1e6, 1.0)}, figsize=(4, 3))
    before = live.axes.get_position().bounds
    live.controls["a"].value = 1e6
    assert live.axes.get_position().bounds != before
