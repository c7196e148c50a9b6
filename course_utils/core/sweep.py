"""Sweeps for tests: every control of a widget through its range, the way a real move goes."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from course_utils.core.widgets import LiveFigure


def sweep_values(control: Any, n: int = 5) -> list[Any]:
    """Values to test a control at: both extremes and points in between (for tests).

    Sliders give ``n`` evenly spaced values including min and max; dropdowns and toggle
    buttons give every option; checkboxes give both states.
    """
    options = getattr(control, "options", None)
    if options is not None:
        labels_values = getattr(control, "_options_values", None)
        return list(labels_values if labels_values is not None else options)
    if isinstance(getattr(control, "value", None), bool):
        return [False, True]
    lo, hi = control.min, control.max
    if type(control).__name__ == "FloatLogSlider":
        exps = np.linspace(lo, hi, n)
        return [float(control.base ** e) for e in exps]
    step = getattr(control, "step", None) or 0
    vals = np.linspace(lo, hi, n)
    if step > 0:  # only positions the slider can take: lo + k * step, and hi itself
        vals = np.minimum(lo + np.round((vals - lo) / step) * step, hi)
        vals[-1] = hi
    if isinstance(control.value, int) and not isinstance(control.value, bool):
        return sorted({int(round(v)) for v in vals})
    return sorted({float(v) for v in vals})


class Sweep(list):
    """The settings :func:`sweep_widget` went through (a list of dicts), with ``readouts``: the
    readout text after each of them."""

    readouts: list[str]


def sweep_widget(live: LiveFigure, n: int = 5) -> Sweep:
    """Move ``live``'s controls to every sweep value of every control (others at their defaults),
    then all controls to their first and to their last sweep value, the way a slider move does
    (the control's value is set: update, draw, picture and readout).

    Raises whatever ``update`` raises except ValueError, which a real move shows in the readout:
    check ``Sweep.readouts`` (``assert not any("Cannot draw" in r for r in sweep.readouts)``).
    """
    defaults = live.values()
    grids = {name: sweep_values(control, n) for name, control in live.controls.items()}
    settings = Sweep()
    for name, values in grids.items():
        for value in values:
            settings.append({**defaults, name: value})
    settings.append({name: values[0] for name, values in grids.items()})
    settings.append({name: values[-1] for name, values in grids.items()})
    settings.readouts = []
    for setting in settings:
        moved = False
        for name, value in setting.items():
            control = live.controls[name]
            if control.value != value:
                control.value = value      # what a slider move does: observers, then refresh
                moved = True
        if not moved:
            live.refresh()
        settings.readouts.append(live.readout.value)
    return settings
