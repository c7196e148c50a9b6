"""Text alternatives for figures: what a matplotlib figure draws, in words.

:func:`describe_figure` reads a figure through matplotlib's public API and says, panel by panel,
what kind of plot it is, its title, its axes (label, scale, range) and what the data show: each
labelled line with its range and trend, scatter points, images with their colour scale. The
course's site uses it as each picture's ``alt`` text and caption (screen readers, a picture that
did not load); a plotting helper adds the sentence only it can say ("the error falls as 1/√m")
with :func:`set_description`.

>>> import matplotlib; from matplotlib.figure import Figure
>>> fig = Figure(); ax = fig.subplots(); _ = ax.plot([1, 2, 3], [1, 4, 9], label="x²")
>>> _ = ax.set(xlabel="x", ylabel="y", title="Squares")
>>> describe_figure(fig)
'Line plot "Squares". x axis: x, from 0.9 to 3.1. y axis: y, from 0.6 to 9.4. Line x²: rises from 1 to 9.'
"""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection, PolyCollection, QuadMesh
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.patches import Rectangle

_DESCRIPTION = "_course_description"
MAX_SERIES = 8  # the course's figures have at most about eight series per axes


def set_description(fig: Figure, text: str) -> Figure:
    """Attach the sentence a plotting helper wants read first (what the data show); returns ``fig``."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    setattr(fig, _DESCRIPTION, text.strip())
    return fig


_TEX = {r"\|": "‖", r"\propto": "∝", r"\sqrt": "√", r"\hat": "", r"\alpha": "α", r"\lambda": "λ",
        r"\rho": "ρ", r"\sigma": "σ", r"\omega": "ω", r"\theta": "θ", r"\mu": "μ", r"\ell": "ℓ",
        r"\cdot": "·", r"\times": "×", r"\leq": "≤", r"\geq": "≥", r"\le": "≤", r"\ge": "≥",
        r"\infty": "∞", r"\to": "→", r"\approx": "≈", r"\mathrm": "", r"\text": "", r"\,": " ", r"\ ": " "}


def plain_text(text: str) -> str:
    """A matplotlib label without its mathtext markup (``$\\|w\\|_1$`` -> ``‖w‖1``), for a screen reader."""
    if "$" not in text:
        return text.strip()
    out = text
    for tex, uni in sorted(_TEX.items(), key=lambda kv: -len(kv[0])):
        out = out.replace(tex, uni)
    out = out.replace("$", "").replace("{", "").replace("}", "").replace("_", "").replace("^", "")
    out = out.replace("\\", "")
    return " ".join(out.replace("\\", "").split()).replace("\\", "")


def _num(x: float) -> str:
    if not math.isfinite(x):
        return str(x)
    if x != 0 and (abs(x) >= 1e5 or abs(x) < 1e-3):
        return f"{x:.2g}"
    return f"{x:.3g}"


def _axis(ax: Axes, which: str) -> str:
    label = plain_text(ax.get_xlabel() if which == "x" else ax.get_ylabel())
    lo, hi = ax.get_xlim() if which == "x" else ax.get_ylim()
    scale = ax.get_xscale() if which == "x" else ax.get_yscale()
    lo, hi = min(lo, hi), max(lo, hi)
    text = f"{which} axis: {label or 'unlabelled'}"
    if scale != "linear" and scale not in label:
        text += f" ({scale} scale)"
    return text + f", from {_num(lo)} to {_num(hi)}"


def _trend(y: np.ndarray) -> str:
    y = y[np.isfinite(y)]
    if y.size == 0:
        return "no finite values"
    if y.size == 1 or np.ptp(y) == 0:
        return f"constant at {_num(float(y[0]))}"
    d = np.diff(y)
    lo, hi = _num(float(y.min())), _num(float(y.max()))
    if np.all(d >= 0):
        return f"rises from {_num(float(y[0]))} to {_num(float(y[-1]))}"
    if np.all(d <= 0):
        return f"falls from {_num(float(y[0]))} to {_num(float(y[-1]))}"
    i_min, i_max = int(np.argmin(y)), int(np.argmax(y))
    if 0 < i_min < y.size - 1 and np.all(d[:i_min] <= 0) and np.all(d[i_min:] >= 0):
        return f"falls to a minimum of {lo}, then rises (range {lo} to {hi})"
    if 0 < i_max < y.size - 1 and np.all(d[:i_max] >= 0) and np.all(d[i_max:] <= 0):
        return f"rises to a maximum of {hi}, then falls (range {lo} to {hi})"
    return f"varies between {lo} and {hi}"


def _label(artist) -> str:
    label = artist.get_label() or ""
    return "" if label.startswith("_") else plain_text(label)


def _lines(ax: Axes) -> list[str]:
    out = []
    for line in ax.get_lines():
        if not line.get_visible():
            continue
        y = np.asarray(line.get_ydata(), dtype=float).ravel()
        x = np.asarray(line.get_xdata(), dtype=float).ravel()
        label = _label(line)
        if x.size == 2 and (np.ptp(x) == 0 or np.ptp(y) == 0) and not label:
            continue  # an unlabelled guide line (axhline/axvline)
        if not label and len(out) >= MAX_SERIES:
            continue
        marker = line.get_marker() not in (None, "None", "none", "")
        kind = "Points" if marker and line.get_linestyle() in ("None", "none", "") else "Line"
        out.append(f"{kind} {label}: {_trend(y)}." if label else f"{kind}: {_trend(y)}.")
    return out[:MAX_SERIES + 2]


def _kind(ax: Axes) -> str:
    if any(isinstance(a, (AxesImage, QuadMesh)) for a in ax.get_children()):
        return "Heat map"
    if any(isinstance(c, ContourSet) for c in ax.get_children()) or any(
            type(c).__name__ == "QuadContourSet" for c in ax.collections):
        return "Contour plot"
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    if len(bars) >= 3:
        return "Bar chart"
    if any(isinstance(c, PathCollection) for c in ax.collections) and not ax.get_lines():
        return "Scatter plot"
    if ax.get_lines():
        return "Line plot"
    if any(isinstance(c, PolyCollection) for c in ax.collections) or ax.patches:
        return "Diagram"
    return "Panel"


def _images(ax: Axes) -> list[str]:
    out = []
    for im in ax.get_images():
        arr = np.asarray(im.get_array(), dtype=float)
        if arr.ndim == 2 and arr.size:
            finite = arr[np.isfinite(arr)]
            span = f"values from {_num(float(finite.min()))} to {_num(float(finite.max()))}" if finite.size else "no finite values"
            out.append(f"A {arr.shape[0]} by {arr.shape[1]} grid of colours, {span}.")
    return out


def _scatter(ax: Axes) -> list[str]:
    out = []
    for c in ax.collections:
        if isinstance(c, PathCollection):
            n = len(c.get_offsets())
            if n:
                label = _label(c)
                out.append(f"{n} points{' (' + label + ')' if label else ''}.")
    return out[:MAX_SERIES]


def _texts(ax: Axes) -> list[str]:
    texts = [plain_text(t.get_text()) for t in ax.texts if t.get_visible() and t.get_text().strip()]
    return [f"Annotations: {'; '.join(texts[:6])}."] if texts else []


def describe_axes(ax: Axes) -> str:
    """One paragraph on one panel: kind, title, both axes, the data it shows."""
    title = plain_text(ax.get_title() or ax.get_title(loc="left"))
    head = _kind(ax) + (f' "{title}"' if title else "")
    parts = [head + "."]
    if ax.name == "rectilinear" and ax.axison:
        parts += [_axis(ax, "x") + ".", _axis(ax, "y") + "."]
    parts += _lines(ax) + _scatter(ax) + _images(ax) + _texts(ax)
    return " ".join(parts)


def _panels(fig: Figure) -> Iterable[Axes]:
    # colour bars are axes too: describe them with the panel they belong to, not as a panel
    return [ax for ax in fig.get_axes() if ax.get_visible() and ax.get_label() != "<colorbar>"]


def describe_figure(fig: Figure, *, extra: str | None = None) -> str:
    """A text alternative for ``fig``: the helper's own sentence (:func:`set_description`) first, then
    each panel (kind, title, axes with ranges, series with trends), then ``extra`` (e.g. the
    slider setting shown). Never raises on an unusual figure: a panel that cannot be read is
    described by its kind only."""
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    parts = []
    own = getattr(fig, _DESCRIPTION, "")
    if own:
        parts.append(own)
    suptitle = fig.get_suptitle().strip() if hasattr(fig, "get_suptitle") else ""
    if suptitle:
        parts.append(f'Figure "{suptitle}".')
    panels = list(_panels(fig))
    for i, ax in enumerate(panels):
        try:
            text = describe_axes(ax)
        except Exception:  # noqa: BLE001 - an alt text must never break a build
            text = _kind(ax) + "."
        parts.append((f"Panel {i + 1} of {len(panels)}: " if len(panels) > 1 else "") + text)
    if extra:
        parts.append(extra.strip())
    return " ".join(parts) if parts else "An empty figure."
