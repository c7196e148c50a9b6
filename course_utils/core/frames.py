"""A LiveFigure's main slider, rendered at each position: the pictures a static page swaps.

The site (``python -m course_utils.tools.site``) shows every live figure's first slider as a working
control without a kernel: at build time :func:`render_frames` moves that slider through its positions
(every one, or :data:`MAX_FRAMES` evenly spaced), lets the widget draw itself exactly as it does in
JupyterLab (its own ``update``, blitter and PNG), and keeps each picture (as WebP), its readout and a
text alternative. The other controls stay at their defaults; the slider is put back at the end.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from course_utils.core.validation import check_int
from course_utils.core.widgets import LiveFigure, format_control_value

#: at most this many positions per slider (about 40 keeps a lecture page under 10 MB)
MAX_FRAMES = 40


@dataclass
class Frames:
    """One slider's positions and what the widget shows at each.

    Attributes
    ----------
    name, label : str
        The control's name in the widget and its on-screen description.
    values : list
        The slider values rendered, in slider order.
    value_texts : list of str
        Each value as the slider's readout shows it.
    default_index : int
        Which position is the widget's default (the picture JupyterLab shows first).
    images : list of bytes
        The picture at each position (``fmt``-encoded).
    readouts : list of str
        The widget's readout (HTML) at each position.
    alts : list of str
        A text alternative of each picture (:meth:`LiveFigure.describe`).
    fmt : str
        ``"webp"`` or ``"png"``.
    """

    name: str
    label: str
    values: list
    value_texts: list[str]
    default_index: int
    images: list[bytes] = field(repr=False)
    readouts: list[str] = field(repr=False)
    alts: list[str] = field(repr=False)
    fmt: str = "webp"


def main_slider(live: LiveFigure) -> tuple[str, Any] | None:
    """The first slider of ``live`` (name, control), or None when it has none (only dropdowns/checkboxes)."""
    for name, control in live.controls.items():
        if type(control).__name__.endswith("Slider"):
            return name, control
    return None


def slider_positions(control: Any, max_frames: int | None = MAX_FRAMES) -> list:
    """Every value the slider can take, or ``max_frames`` evenly spaced ones (ends and default included;
    ``None``: every value, e.g. to compute a result for each position ahead).

    Integer and float sliders step by their ``step``; a log slider by its exponent step; a selection
    slider through its options.
    """
    if max_frames is not None:
        max_frames = check_int(max_frames, "max_frames", minimum=2)
    kind = type(control).__name__
    if hasattr(control, "options") and not hasattr(control, "step"):
        values = [o[1] if isinstance(o, tuple) and len(o) == 2 else o for o in control.options]
    elif kind == "FloatLogSlider":
        n = int(round((control.max - control.min) / control.step)) + 1
        exps = control.min + control.step * np.arange(n)
        values = [float(control.base ** e) for e in exps]
    else:
        n = int(round((control.max - control.min) / control.step)) + 1
        values = [control.min + control.step * i for i in range(n)]
        values = [int(v) for v in values] if kind == "IntSlider" else [float(v) for v in values]
    if max_frames is not None and len(values) > max_frames:
        idx = np.unique(np.round(np.linspace(0, len(values) - 1, max_frames)).astype(int))
        keep = [values[i] for i in idx]
        if not any(_same(v, control.value) for v in keep):
            keep = sorted(keep + [control.value]) if kind != "SelectionSlider" else keep
        values = keep
    return values


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            return bool(np.isclose(float(a), float(b), rtol=1e-9, atol=1e-12))
        except (TypeError, ValueError):
            return False
    return a == b


def encode(png: bytes, fmt: str = "webp", quality: int = 80) -> bytes:
    """Re-encode a PNG picture (``"png"`` returns it as it is)."""
    if fmt == "png":
        return bytes(png)
    if fmt != "webp":
        raise ValueError(f"fmt must be 'webp' or 'png', got {fmt!r}")
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        out = io.BytesIO()
        im.convert("RGB").save(out, format="WEBP", quality=quality, method=4)
        return out.getvalue()


def render_frames(live: LiveFigure, *, max_frames: int = MAX_FRAMES, fmt: str = "webp",
                  quality: int = 80) -> Frames | None:
    """Move ``live``'s main slider through :func:`slider_positions` and keep what it shows at each.

    Returns None when the widget has no slider. The widget is back at its starting value afterwards.
    """
    found = main_slider(live)
    if found is None:
        return None
    name, control = found
    start = control.value
    values = slider_positions(control, max_frames)
    images, readouts, alts, shown = [], [], [], []
    try:
        for value in values:
            control.value = value          # the widget's own refresh: update, blit, PNG
            shown.append(control.value)    # what the slider really holds (it may snap to its step)
            images.append(encode(bytes(live.image.value), fmt, quality))
            readouts.append(str(live.readout.value))
            alts.append(live.describe())
    finally:
        control.value = start
    values = shown
    matches = [i for i, v in enumerate(values) if _same(v, start)]
    if matches:
        default = matches[0]
    else:
        try:
            default = int(np.argmin([abs(float(v) - float(start)) for v in values]))
        except (TypeError, ValueError):
            default = 0
    return Frames(name=name, label=getattr(control, "description", "") or name, values=list(values),
                  value_texts=[format_control_value(control, v) for v in values], default_index=default,
                  images=images, readouts=readouts, alts=alts, fmt=fmt)
