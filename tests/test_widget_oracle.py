"""The oracle: a widget moved through its controls looks and reads like one built fresh at the final values.

In its own file so that pytest-xdist (``--dist loadfile``) runs it beside tests/test_blit.py, not after it.
"""
import numpy as np
import pytest
from test_blit import _lecture_widgets, outside_frames, pixels

from course_utils.core import widgets as w


# --------------------------------------------------------------------------- the oracle
def oracle_moves(live: w.LiveFigure) -> list[tuple[str, object]]:
    """A walk through every control: each one to its extremes and back into its range, one control
    after the other, ending away from the defaults ((name, value) moves, in order)."""
    moves = []
    for name, control in live.controls.items():
        values = w.sweep_values(control, 4)
        if len(values) > 5:                      # a long dropdown (every entity): five of them
            values = [values[i] for i in np.linspace(0, len(values) - 1, 5).astype(int)]
        walk = [values[-1], values[0], *values[1:-1], values[-1]]
        final = values[1] if len(values) > 1 and values[1] != control.value else values[0]
        moves += [(name, v) for v in walk] + [(name, final)]
    return moves


def assert_moves_match_a_fresh_widget(factory, moves=None) -> None:
    """The oracle: a widget moved through ``moves`` and one built fresh at the final values
    (``widgets.initial_values``) show the same picture (outside the frames' 6 px band, as
    assert_like_plain_draw allows) and the same readout."""
    moved = factory()
    for name, value in moves if moves is not None else oracle_moves(moved):
        moved.controls[name].value = value
    with w.initial_values(**moved.values()):
        fresh = factory()
    assert fresh.values() == moved.values()
    assert moved.readout.value == fresh.readout.value
    differ = np.any(pixels(moved.image.value) != pixels(fresh.image.value), axis=-1)
    bad = differ & outside_frames(fresh)
    # what moved was declared by setup: nothing had to be learned from the stale flags
    assert moved.blitter.learned == [], moved.blitter.learned
    assert not bad.any(), (f"{bad.sum()} pixels differ from a fresh widget at {moved.values()}, e.g. (row, col) "
                           f"{np.argwhere(bad)[:3].tolist()}")


@pytest.mark.parametrize("name", list(_lecture_widgets()))
def test_every_lecture_widget_after_moves_looks_like_one_built_at_the_final_values(name):
    """State leaking from one move into the next (an artist updated only on some moves, a limit
    that depends on the path taken) makes the moved picture or readout differ from a fresh one."""
    assert_moves_match_a_fresh_widget(_lecture_widgets()[name])


def test_the_oracle_catches_a_leaky_update():
    """An update that only follows the slider upwards (it remembers the largest value) passes a
    walk that only goes up, and fails the oracle's walk."""
    def leaky_widget():
        def setup(ax, a=1.0):
            line, = ax.plot([0, 1], [0, a])
            ax.set_ylim(0, 2)
            return {"line": line, "seen": [a]}

        def update(artists, a=1.0):
            artists["seen"].append(a)
            top = max(artists["seen"])                       # the leak
            artists["line"].set_ydata([0, top])
            return f"a = {top:.2f}"

        return w.live_figure(update, {"a": w.float_slider(1.0, 0.0, 2.0, 0.1)}, setup=setup, figsize=(3, 3))

    assert_moves_match_a_fresh_widget(leaky_widget, [("a", 1.5), ("a", 2.0)])
    with pytest.raises(AssertionError):
        assert_moves_match_a_fresh_widget(leaky_widget)


