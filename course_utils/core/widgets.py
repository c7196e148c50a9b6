"""Widget wiring shared by all lectures: sliders -> pure compute -> draw into ONE figure.

The lectures keep three layers apart:

* ``compute_*(params) -> result``: pure, tested for every slider value;
* ``draw_*(result, ax=None)``: plotting only;
* a thin ``*_widget()`` built with :func:`live_figure`, which owns one figure and
  updates it on every slider move (never a new figure per move).

The widget contract
-------------------
A widget is two functions:

``setup(axes, **values) -> artists``
    Draws the figure once, at the controls' first values, and returns what moves: a dataclass,
    a dict, a list or a single Artist (nested is fine). ``axes`` is :attr:`LiveFigure.axes`.
``update(artists, **values) -> str | Readout | None``
    Brings those artists to ``values`` **in place** (``set_data``, ``set_text``, ``set_visible``,
    ``set_xlim`` ...) and returns the readout text shown above the plot (HTML allowed). It is
    called right after ``setup`` too, so the first picture is drawn by ``update`` like every
    later one; it must depend on ``values`` only, never on the previous move
    (``tests/test_blit.py`` moves every control and compares with a widget built fresh at the
    final values).

The artists returned by ``setup`` (read again after every ``update``, so an artist that had to be
replaced, e.g. a contour set, is stored back into them) are the ones that move: the blitter
(:mod:`course_utils.core.blit`) draws everything else once into a background and, on a move,
only those artists on top of it. A move that changes limits, ticks or the layout is a full draw.

The rare relayout (constrained layout solved again, e.g. when tick labels change width in a
``freeze_layout=True`` figure) is asked for explicitly: ``return Readout(text, relayout=True)``.

Example::

    def setup(ax, m=16):
        result = compute_kernel_error(m=m)
        draw_kernel_error(result, ax=ax)
        return {"curve": ax.lines[0], "title": ax.title}

    def update(artists, m=16):
        result = compute_kernel_error(m=m)
        artists["curve"].set_ydata(result.errors)
        artists["title"].set_text(f"m = {m}")
        return f"relative error: {result.error:.3f}"

    live_figure(update, {"m": int_slider(16, 1, 512, description="m")}, setup=setup, figsize=(9, 4))

Without ``setup``, ``update`` receives the Axes themselves and may clear and redraw them
(``ax.clear()`` then ``draw_*``): simplest and always right, but every move is a full draw.
"""
from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import os
import time
import weakref
from collections import deque
from typing import Any, Callable, Iterator

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from course_utils.core.blit import Blitter

#: update(artists, **slider_values) -> readout text (HTML allowed), a :class:`Readout`, or None
Update = Callable[..., "str | Readout | None"]
#: setup(axes, **slider_values) -> the artists that move (any nesting of dataclasses, dicts, lists)
Setup = Callable[..., Any]


@dataclasses.dataclass(frozen=True)
class Readout:
    """What ``update`` may return instead of plain text.

    text : str or None
        The readout shown above the plot.
    relayout : bool
        Solve the figure's layout again on this draw (a full draw; with ``freeze_layout=True``
        the layout is frozen again afterwards). Ask for it only on the rare move that changes
        the size of labels (new tick labels, a label leaving the figure).
    """

    text: str | None = None
    relayout: bool = False



def _make_legends_opaque(fig: Figure) -> None:
    """Give every legend of ``fig`` an opaque frame (the course style draws legends without one;
    matplotlib's usual frame is 80 % opaque). Only what is not so already is changed: a setter
    marks the legend stale, and a stale legend is drawn again instead of pasted."""
    for legend in (*fig.legends, *(ax.get_legend() for ax in fig.axes)):
        if legend is not None:
            if not legend.get_frame_on():
                legend.set_frame_on(True)
            frame = legend.get_frame()
            if frame.get_alpha() is not None and frame.get_alpha() < 1:
                frame.set_alpha(1.0)


def artists_of(artists: Any) -> Iterator[Artist]:
    """Every matplotlib Artist in what ``setup`` returned (dataclasses, dicts, lists, tuples, sets,
    nested; Axes and Figures are skipped: they are the frame, not what moves)."""
    if isinstance(artists, (Axes, Figure)):
        return
    if isinstance(artists, Artist):
        yield artists
    elif isinstance(artists, dict):
        for value in artists.values():
            yield from artists_of(value)
    elif dataclasses.is_dataclass(artists) and not isinstance(artists, type):
        for field in dataclasses.fields(artists):
            yield from artists_of(getattr(artists, field.name))
    elif isinstance(artists, (list, tuple, set, frozenset, np.ndarray)) or type(artists).__name__ == "BarContainer":
        for value in artists:
            yield from artists_of(value)


#: control values to build the next LiveFigure at (see :func:`initial_values`)
_INITIAL: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("initial_values", default=None)


@contextlib.contextmanager
def initial_values(**values: Any) -> Iterator[None]:
    """Build the widgets made inside this block with these control values (by control name)
    instead of their defaults: ``setup`` and the first ``update`` then see them directly. Used by
    the oracle test (a moved widget must look like one built fresh at the final values)."""
    token = _INITIAL.set(values)
    try:
        yield
    finally:
        _INITIAL.reset(token)


#: every LiveFigure made in this process, oldest first (weak: a closed notebook's figures go away);
#: the site builder renders each one's slider positions from here (:mod:`course_utils.core.frames`)
_LIVE: list[weakref.ref] = []


def live_figures() -> list["LiveFigure"]:
    """The LiveFigures alive in this process, in the order they were made."""
    return [live for ref in _LIVE if (live := ref()) is not None]


class LiveFigure:
    """One figure, drawn once by ``setup`` and updated in place by ``update`` when a control changes.

    See the module docstring for the contract of ``setup`` and ``update``.

    Attributes
    ----------
    fig : Figure
        The single figure (created once, never displayed by pyplot itself).
    axes : ndarray of Axes, shape (nrows, ncols) squeezed like ``plt.subplots``.
    artists : object
        What ``setup`` returned (the Axes when there is no ``setup``).
    controls : dict name -> widget
    widget : ipywidgets.VBox
        What the notebook displays (controls, readout, plot).
    last_seconds : float
        Kernel-side time of the last update (compute + draw + PNG encode).
    last_mode : str
        How the last update was drawn: ``"blit"`` (only the moving artists) or ``"full"``;
        ``blitter.reason`` says why a full draw was needed.
    png_encoder : str
        ``"own"`` (:func:`encode_png`, the default: faster, see there) or ``"pillow"``
        (:data:`PNG_ENCODERS`; COURSE_UTILS_PNG in the environment).
    """

    png_encoder: str = os.environ.get("COURSE_UTILS_PNG", "own")

    def __init__(self, update: Update, controls: dict[str, Any], *, setup: Setup | None = None, nrows: int = 1,
                 ncols: int = 1, figsize: tuple[float, float] = (10, 4.5), subplot_kw: dict | None = None,
                 dpi: int = 96, controls_per_row: int = 3, freeze_layout: bool = False, blit: bool | None = None,
                 opaque_legends: bool = True):
        import ipywidgets as widgets

        self.update_fn = update
        self.setup_fn = setup
        self.artists: Any = None
        self.controls = dict(controls)
        self.dpi = dpi
        # A bare Figure, not registered with pyplot: the inline backend can never show it
        # a second time, and moving a slider can never stack up new figures.
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        # Drawn straight onto an Agg canvas: one layout + draw per update (``savefig`` draws
        # twice with a layout engine) and a fast PNG encoding (see :meth:`png`).
        self._canvas = FigureCanvasAgg(self.fig)
        self._freeze_layout = freeze_layout
        self._relayout = False
        # Legends get an opaque frame (also where the course style has none): what passes below one
        # is hidden (clearer on a projector), and an unchanged legend is pasted by the blitter
        # instead of drawn again (text is slow; a legend without a frame shows what moves below it,
        # so it has to be drawn on every move: 20-50 ms per move for lecture 2's widgets).
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
        for name, value in (_INITIAL.get() or {}).items():
            if name in self.controls:
                self.controls[name].value = value
        for control in self.controls.values():
            control.observe(self.refresh, names="value")
        self.refresh()
        _LIVE.append(weakref.ref(self))

    def describe(self) -> str:
        """A text alternative of the current picture: what it draws and at which settings."""
        from course_utils.core.describe import describe_figure

        settings = ", ".join(f"{getattr(c, 'description', '') or name} = {format_control_value(c)}"
                             for name, c in self.controls.items())
        return describe_figure(self.fig, extra=f"Shown at {settings}." if settings else None)

    def values(self) -> dict[str, Any]:
        """Current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def render(self, **values: Any) -> str:
        """Bring the figure to these values (``setup`` on the first call, then ``update``) and
        return the readout text; nothing is drawn or sent (see :meth:`refresh`)."""
        if self.artists is None:
            self.artists = self.axes if self.setup_fn is None else self.setup_fn(self.axes, **values)
        out = self.update_fn(self.artists, **values)
        if isinstance(out, Readout):
            self._relayout = self._relayout or out.relayout
            out = out.text
        if self.opaque_legends:
            _make_legends_opaque(self.fig)
        if self.setup_fn is not None:   # what moves, for the blitter (again: an artist may have been replaced)
            self.blitter.declare(artists_of(self.artists))
        return "" if out is None else str(out)

    def refresh(self, change: Any = None) -> None:
        """What a slider move does: update the figure from the controls' current values, draw it,
        send the picture and the readout."""
        start = time.perf_counter()
        try:
            text = self.render(**self.values())
        except ValueError as exc:  # a clear message on screen instead of a traceback mid-lecture
            text = f"<b>Cannot draw this setting:</b> {exc}"
        png = self.png()
        # the picture first: its message then does not queue behind the readout's on the way to the
        # page (3-4 ms less from kernel to page, `bench_widgets.py --phases`); both land in one frame
        self.image.value = png
        self.readout.value = text
        self.last_seconds = time.perf_counter() - start
        self.history.append(self.last_seconds)
        self.mode_history.append(self.last_mode)

    def png(self) -> bytes:
        """The figure as PNG bytes: drawn by :class:`~course_utils.core.blit.Blitter` (only what moved,
        when it can) and encoded by :data:`PNG_ENCODERS` [:attr:`png_encoder`]."""
        full = self.blitter.needs_full()
        relayout, self._relayout = self._relayout, False
        if relayout and self._freeze_layout and not isinstance(self.fig.get_layout_engine(), ConstrainedLayoutEngine):
            self.fig.set_layout_engine("constrained")     # solved on this draw, frozen again below
        engine = self.fig.get_layout_engine()
        # a frozen layout that got its engine back asks to be solved again: that needs a full draw
        freeze = self._freeze_layout and isinstance(engine, ConstrainedLayoutEngine)
        full = full or freeze or relayout
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
        return PNG_ENCODERS[self.png_encoder](np.asarray(self._canvas.buffer_rgba()))

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict]:
        """The live widget, plus the current plot as a static PNG for viewers without a kernel
        (with its text alternative in the PNG's metadata, ``alt``)."""
        import base64

        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["image/png"] = base64.b64encode(bytes(self.image.value)).decode("ascii")
        return bundle, {"image/png": {"alt": self.describe()}}


def format_control_value(control: Any, value: Any = None) -> str:
    """A control's value as its own readout shows it (``readout_format``; an option's label)."""
    value = control.value if value is None else value
    for option in getattr(control, "options", None) or ():  # a selection: (label, value) pairs or plain values
        label, option_value = option if isinstance(option, tuple) and len(option) == 2 else (option, option)
        if option_value == value:
            return str(label)
    fmt = getattr(control, "readout_format", None)
    if isinstance(value, bool) or fmt is None:
        return str(value)
    try:
        return format(value, fmt.lstrip("%"))
    except (TypeError, ValueError):
        return str(value)


def live_figure(update: Update, controls: dict[str, Any], *, setup: Setup | None = None, **kw: Any) -> LiveFigure:
    """Build a :class:`LiveFigure` (display it by leaving it as the last expression of a cell)."""
    return LiveFigure(update, controls, setup=setup, **kw)

# the controls, the PNG writers and the sweeps live in their own modules; importable from here too
from course_utils.core.controls import checkbox as checkbox  # noqa: E402
from course_utils.core.controls import dropdown as dropdown  # noqa: E402
from course_utils.core.controls import float_slider as float_slider  # noqa: E402
from course_utils.core.controls import int_slider as int_slider  # noqa: E402
from course_utils.core.controls import log_slider as log_slider  # noqa: E402
from course_utils.core.png import PNG_ENCODERS as PNG_ENCODERS  # noqa: E402
from course_utils.core.png import encode_png as encode_png  # noqa: E402
from course_utils.core.png import encode_png_pillow as encode_png_pillow  # noqa: E402
from course_utils.core.sweep import Sweep as Sweep  # noqa: E402
from course_utils.core.sweep import sweep_values as sweep_values  # noqa: E402
from course_utils.core.sweep import sweep_widget as sweep_widget  # noqa: E402
