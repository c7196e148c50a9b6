"""The controls of the lecture widgets: sliders, dropdowns and checkboxes with readable labels."""
from __future__ import annotations


def int_slider(value: int, min: int, max: int, step: int = 1, *, description: str = "", continuous_update: bool = True, **kw):
    """An IntSlider with a readable description width."""
    import ipywidgets as widgets

    return widgets.IntSlider(value=value, min=min, max=max, step=step, description=description,
                             continuous_update=continuous_update, style={"description_width": "initial"}, **kw)


def float_slider(value: float, min: float, max: float, step: float, *, description: str = "", continuous_update: bool = True,
                 readout_format: str = ".2f", **kw):
    """A FloatSlider with a readable description width."""
    import ipywidgets as widgets

    return widgets.FloatSlider(value=value, min=min, max=max, step=step, description=description,
                               continuous_update=continuous_update, readout_format=readout_format,
                               style={"description_width": "initial"}, **kw)


def log_slider(value: float, min_exp: float, max_exp: float, step: float = 0.1, *, description: str = "", base: float = 10,
               continuous_update: bool = True, readout_format: str = ".3g", **kw):
    """A FloatLogSlider: value = base**x for x in [min_exp, max_exp]."""
    import ipywidgets as widgets

    return widgets.FloatLogSlider(value=value, base=base, min=min_exp, max=max_exp, step=step, description=description,
                                  continuous_update=continuous_update, readout_format=readout_format,
                                  style={"description_width": "initial"}, **kw)


def dropdown(options, value=None, *, description: str = "", **kw):
    """A Dropdown (or use ToggleButtons for 2-3 options)."""
    import ipywidgets as widgets

    return widgets.Dropdown(options=options, value=value if value is not None else list(options)[0] if not isinstance(options, dict) else list(options.values())[0],
                            description=description, style={"description_width": "initial"}, **kw)


def checkbox(value: bool, *, description: str = "", **kw):
    """A Checkbox."""
    import ipywidgets as widgets

    return widgets.Checkbox(value=value, description=description, indent=False, **kw)


def snap_value(value: float) -> float:
    """A float slider's value without the residue of the browser's arithmetic: it sends 1.2 + 0.05 as
    1.2500000000000002, so a result cached per slider position would be computed again. Snap the
    value in ``update`` (and ``setup``) before computing, and warm the cache at the snapped
    ``core.frames.slider_positions(control, None)``."""
    return round(float(value), 10)
