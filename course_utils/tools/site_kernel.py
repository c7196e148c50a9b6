"""What the site builder runs inside each notebook's kernel (``install()`` in a first, hidden cell).

* Every matplotlib figure a cell shows gets its text alternative in the output's metadata
  (``metadata["image/png"]["alt"]``, from :func:`course_utils.core.describe.describe_figure`).
* After each cell, every LiveFigure the cell made is moved through its main slider
  (:func:`course_utils.core.frames.render_frames`) and the pictures, readouts and text
  alternatives are displayed as one ``application/vnd.course.frames+json`` output of that cell,
  keyed by the widget's model id.
* Every ``Exercise.reveal()`` button shown is recorded with its solution
  (``application/vnd.course.solution+json``), so the static page can reveal it without a kernel.

Only the site builder's in-memory copy of a notebook runs this; the stored notebooks never do.
"""
from __future__ import annotations

import base64
from typing import Any

FRAMES_MIME = "application/vnd.course.frames+json"
SOLUTION_MIME = "application/vnd.course.solution+json"

_STATE: dict[str, Any] = {"seen": set(), "solutions": [], "max_frames": 40}


def _figure_png_with_alt(original):
    from course_utils.core.describe import describe_figure

    def formatter(fig):
        data = original(fig)
        if data is None:
            return None
        return data, {"alt": describe_figure(fig)}

    return formatter


def _after_cell(result: Any = None) -> None:
    from IPython.display import display

    from course_utils.core.frames import render_frames
    from course_utils.core.widgets import live_figures

    for live in live_figures():
        key = live.widget.model_id
        if key in _STATE["seen"]:
            continue
        _STATE["seen"].add(key)
        frames = render_frames(live, max_frames=_STATE["max_frames"])
        if frames is None:
            continue
        payload = {
            "model_id": key, "name": frames.name, "label": frames.label, "format": frames.fmt,
            "value_texts": frames.value_texts, "default_index": frames.default_index,
            "images": [base64.b64encode(b).decode("ascii") for b in frames.images],
            "readouts": frames.readouts, "alts": frames.alts,
            "other_controls": [getattr(c, "description", "") or n for n, c in live.controls.items() if n != frames.name],
        }
        display({FRAMES_MIME: payload}, raw=True)
    while _STATE["solutions"]:
        model_id, markdown = _STATE["solutions"].pop(0)
        display({SOLUTION_MIME: {"model_id": model_id, "markdown": markdown}}, raw=True)


def install(max_frames: int = 40) -> None:
    """Set up the kernel for the site build (see the module docstring)."""
    from IPython import get_ipython
    from matplotlib.figure import Figure

    from course_utils.core.exercises import Exercise

    ip = get_ipython()
    if ip is None:
        raise RuntimeError("course_utils.tools.site_kernel.install() runs inside an IPython kernel")
    _STATE["max_frames"] = int(max_frames)
    ip.run_line_magic("matplotlib", "inline")
    png = ip.display_formatter.formatters["image/png"]
    png.for_type(Figure, _figure_png_with_alt(png.lookup_by_type(Figure)))

    original_reveal = Exercise.reveal

    def reveal(self):
        box = original_reveal(self)
        _STATE["solutions"].append((box.model_id, self.solution_markdown()))
        return box

    Exercise.reveal = reveal
    ip.events.register("post_run_cell", _after_cell)
