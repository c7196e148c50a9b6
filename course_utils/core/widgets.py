"""Widget wiring shared by all lectures: sliders -> pure compute -> draw into ONE figure.

The lectures keep three layers apart:

* ``compute_*(params) -> result``: pure, tested for every slider value;
* ``draw_*(result, ax=None)``: plotting only;
* a thin ``*_widget()`` built with :func:`live_figure`, which owns one figure and
  redraws it on every slider move (never a new figure per move).

Example::

    def update(axes, m=16, kind="positive"):
        result = compute_kernel_error(m=m, kind=kind, rng=np.random.default_rng(0))
        axes[0].clear()
        draw_kernel_error(result, ax=axes[0])
        return f"relative error: {result.error:.3f}"       # optional text shown above the plot

    live_figure(update, {"m": int_slider(16, 1, 512, description="m"),
                         "kind": dropdown(["positive", "trig"], description="features")},
                ncols=1, figsize=(9, 4))

Clearing and redrawing is the simplest update and is always right. For a slider that should
feel live, draw once and then update the artists in place (``set_data``, ``set_text``) and keep
the limits fixed: :class:`LiveFigure` then redraws only the artists that changed on top of a
saved background (:mod:`course_utils.core.blit`), a few milliseconds instead of a full draw.
"""
from __future__ import annotations

import os
import struct
import time
import zlib
from collections import deque
from typing import Any, Callable

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from course_utils.core.blit import Blitter

#: update(axes, **slider_values) -> optional readout text (HTML allowed)
Update = Callable[..., "str | None"]


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


def encode_png(rgba: np.ndarray, level: int = 1) -> bytes:
    """PNG bytes of an image, fast: no row filters, zlib ``level`` 1.

    rgba : array of uint8, shape (H, W, 4) (or (H, W, 3))
        Stored as RGB when every pixel is opaque (the usual figure), else as RGBA.

    About 3x faster than Pillow's encoder at its fastest level (whose adaptive row filters cost
    more than they save here) for about the same size; any PNG reader decodes it.
    """
    rgba = np.asarray(rgba)
    if rgba.dtype != np.uint8 or rgba.ndim != 3 or rgba.shape[2] not in (3, 4):
        raise ValueError(f"expected a uint8 image of shape (H, W, 3) or (H, W, 4), got {rgba.dtype} {rgba.shape}")
    if rgba.shape[2] == 4 and rgba[..., 3].min() == 255:
        rgba = rgba[..., :3]
    h, w, channels = rgba.shape
    rows = np.empty((h, 1 + w * channels), np.uint8)
    rows[:, 0] = 0                                        # first byte of each row: filter type 0
    pixels = rows[:, 1:].reshape(h, w, channels)          # a view into ``rows``: one copy, no temporary
    assert pixels.base is rows
    pixels[...] = rgba

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", w, h, 8, 2 if channels == 3 else 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows.tobytes(), level))
            + chunk(b"IEND", b""))


def _make_legends_opaque(fig: Figure) -> None:
    """Give every legend of ``fig`` an opaque frame (the usual frame is 80 % opaque)."""
    for legend in (*fig.legends, *(ax.get_legend() for ax in fig.axes)):
        if legend is not None:
            frame = legend.get_frame()
            if frame.get_alpha() is not None and frame.get_alpha() < 1:
                frame.set_alpha(1.0)


class LiveFigure:
    """One figure redrawn in place by ``update`` whenever a control changes.

    Attributes
    ----------
    fig : Figure
        The single figure (created once, never displayed by pyplot itself).
    axes : ndarray of Axes, shape (nrows, ncols) squeezed like ``plt.subplots``.
    controls : dict name -> widget
    widget : ipywidgets.VBox
        What the notebook displays (controls, readout, plot).
    last_seconds : float
        Kernel-side time of the last update (compute + draw + PNG encode).
    last_mode : str
        How the last update was drawn: ``"blit"`` (only the changed artists) or ``"full"``;
        ``blitter.reason`` says why a full draw was needed.
    """

    def __init__(self, update: Update, controls: dict[str, Any], *, nrows: int = 1, ncols: int = 1,
                 figsize: tuple[float, float] = (10, 4.5), subplot_kw: dict | None = None, dpi: int = 96,
                 controls_per_row: int = 3, freeze_layout: bool = False, blit: bool | None = None,
                 opaque_legends: bool = True):
        import ipywidgets as widgets

        self.update_fn = update
        self.controls = dict(controls)
        self.dpi = dpi
        # A bare Figure, not registered with pyplot: the inline backend can never show it
        # a second time, and moving a slider can never stack up new figures.
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        # Drawn straight onto an Agg canvas: one layout + draw per update (``savefig`` draws
        # twice with a layout engine) and a fast PNG encoding (see :meth:`png`).
        self._canvas = FigureCanvasAgg(self.fig)
        self._freeze_layout = freeze_layout
        # Legends get an opaque frame: what passes below one is hidden (clearer on a projector),
        # and an unchanged legend is pasted by the blitter instead of drawn again (text is slow).
        self.opaque_legends = opaque_legends
        # draws only what changed (see course_utils.core.blit); ``blit=False``, or the environment
        # variable COURSE_UTILS_BLIT=0 (to compare, or to rule out a drawing problem), draws everything
        if blit is None:
            blit = os.environ.get("COURSE_UTILS_BLIT", "1") != "0"
        self.blitter = Blitter(self.fig, self._canvas, enabled=blit)
        #: "full" or "blit": how the last update was drawn
        self.last_mode = "full"
        self.axes = self.fig.subplots(nrows, ncols, subplot_kw=subplot_kw, squeeze=True)
        self.readout = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.last_seconds = float("nan")
        boxes = list(self.controls.values())
        rows = [widgets.HBox(boxes[i:i + controls_per_row]) for i in range(0, len(boxes), controls_per_row)]
        self.widget = widgets.VBox([*rows, self.readout, self.image])
        # CSS classes for browser tests and the latency benchmark (tests/browser, benchmarks/bench_widgets.py):
        # "live-figure" marks the whole widget, "live-figure-<model id>" finds it from the kernel.
        self.widget.add_class("live-figure")
        self.widget.add_class(f"live-figure-{self.widget.model_id}")
        self.readout.add_class("live-figure-readout")
        self.image.add_class("live-figure-image")
        #: kernel-side seconds of every update so far (newest last; the benchmark reads it)
        self.history: deque[float] = deque(maxlen=1000)
        #: how each of those updates was drawn ("blit" or "full"), same order
        self.mode_history: deque[str] = deque(maxlen=1000)
        for control in self.controls.values():
            control.observe(self.refresh, names="value")
        self.refresh()

    def values(self) -> dict[str, Any]:
        """Current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def render(self, **values: Any) -> str:
        """Run ``update`` with these values and return the readout text (no display)."""
        text = self.update_fn(self.axes, **values)
        if self.opaque_legends:
            _make_legends_opaque(self.fig)
        return "" if text is None else str(text)

    def refresh(self, change: Any = None) -> None:
        """Recompute and redraw the figure from the controls' current values."""
        start = time.perf_counter()
        try:
            text = self.render(**self.values())
        except ValueError as exc:  # a clear message on screen instead of a traceback mid-lecture
            text = f"<b>Cannot draw this setting:</b> {exc}"
        png = self.png()
        self.readout.value = text
        self.image.value = png
        self.last_seconds = time.perf_counter() - start
        self.history.append(self.last_seconds)
        self.mode_history.append(self.last_mode)

    def png(self) -> bytes:
        """The figure as PNG bytes: drawn by :class:`~course_utils.core.blit.Blitter` (only what changed,
        when it can) and encoded by :func:`encode_png`."""
        full = self.blitter.needs_full()
        engine = self.fig.get_layout_engine()
        # a frozen layout that got its engine back asks to be solved again: that needs a full draw
        freeze = self._freeze_layout and isinstance(engine, ConstrainedLayoutEngine)
        full = full or freeze
        if freeze:
            # Opt-in: solve the constrained layout on this draw, then keep the axes where they
            # are. One pass of the solver is not converged (titles can be clipped), and a frozen
            # layout never gets the later passes, so settle it with two extra passes first.
            # The layout re-measures every label on each draw and is a large part of a redraw;
            # use it when the labels' sizes do not change with the sliders.
            for _ in range(2):
                engine.execute(self.fig)
        self.last_mode = self.blitter.draw(full)
        if freeze:
            self.fig.set_layout_engine("none")
        return encode_png(np.asarray(self._canvas.buffer_rgba()))

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        """The live widget, plus the current plot as a static PNG for viewers without a kernel."""
        import base64

        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["image/png"] = base64.b64encode(bytes(self.image.value)).decode("ascii")
        return bundle


def live_figure(update: Update, controls: dict[str, Any], **kw: Any) -> LiveFigure:
    """Build a :class:`LiveFigure` (display it by leaving it as the last expression of a cell)."""
    return LiveFigure(update, controls, **kw)


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


def sweep_widget(live: LiveFigure, n: int = 5) -> list[dict[str, Any]]:
    """Render ``live`` at every sweep value of every control (others at their defaults),
    then with all controls at their first and at their last sweep value.

    Raises whatever ``update`` raises (a test calls this); returns the settings rendered.
    """
    defaults = live.values()
    grids = {name: sweep_values(control, n) for name, control in live.controls.items()}
    settings = []
    for name, values in grids.items():
        for value in values:
            settings.append({**defaults, name: value})
    settings.append({name: values[0] for name, values in grids.items()})
    settings.append({name: values[-1] for name, values in grids.items()})
    for setting in settings:
        live.render(**setting)
    return settings
