"""One visual style for every lecture, applied explicitly.

Nothing here changes matplotlib's state at import time. A notebook calls
:func:`use_course_style` once in its set-up cell; scripts and the figures
command use the :func:`course_style` context manager.

The palette is Okabe & Ito's colour-blind-safe set; font sizes are chosen to
stay readable on a projector from the back of a lecture hall.
"""
from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Iterator

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

#: Okabe & Ito (2008) colour-blind-safe palette, black last.
PALETTE: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
COLORS: list[str] = list(PALETTE.values())

#: Sequential and diverging colour maps that survive colour blindness and greyscale.
SEQUENTIAL_CMAP = "viridis"
DIVERGING_CMAP = "RdBu_r"

#: Where the committed figures live (``<repo>/figures``).
FIGURES_DIR = Path(__file__).resolve().parents[2] / "figures"

#: rcParams of the course style: large fonts, thick lines, the safe palette.
STYLE: dict[str, object] = {
    "figure.figsize": (10.0, 5.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 15,
    "axes.titlesize": 17,
    "axes.labelsize": 15,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
    "legend.frameon": False,
    "lines.linewidth": 2.5,
    "lines.markersize": 7,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=COLORS),
    "image.cmap": SEQUENTIAL_CMAP,
    "figure.constrained_layout.use": True,
    # deterministic output: same bytes every time the figures are regenerated
    "svg.hashsalt": "course_utils",
    "svg.fonttype": "path",
    "path.simplify": True,
}


@contextlib.contextmanager
def course_style() -> Iterator[None]:
    """Apply the course style inside a ``with`` block and restore rcParams after it."""
    with mpl.rc_context(STYLE):
        yield


def use_course_style() -> None:
    """Apply the course style for the rest of the session (call it once in a notebook)."""
    mpl.rcParams.update(STYLE)


def get_ax(ax: Axes | None = None, *, figsize: tuple[float, float] | None = None) -> Axes:
    """Return ``ax`` if given, else a new axes in a new figure (the ``ax=None`` idiom)."""
    if ax is not None:
        return ax
    _, new_ax = plt.subplots(figsize=figsize)
    return new_ax


def save_figure(fig: Figure, name: str, outdir: str | Path | None = None) -> list[Path]:
    """Write ``fig`` as ``<outdir>/<name>.png`` and ``.svg`` with deterministic metadata.

    Parameters
    ----------
    fig : matplotlib Figure
    name : str
        File stem, letters, digits, ``_`` and ``-`` only (e.g. ``"01_softmax_mse"``).
    outdir : path, optional
        Defaults to the repository's ``figures/`` folder.

    Returns
    -------
    list of Path
        The PNG and SVG paths written.
    """
    if not isinstance(name, str) or not name or not all(c.isalnum() or c in "_-" for c in name):
        raise ValueError(f"figure name must be a non-empty string of letters, digits, '_' or '-', got {name!r}")
    outdir = Path(outdir) if outdir is not None else FIGURES_DIR
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    # No dates, no software version: regenerating gives the same bytes.
    for ext, metadata in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
        path = outdir / f"{name}.{ext}"
        buf = io.BytesIO()
        with mpl.rc_context({"svg.hashsalt": "course_utils"}):
            fig.savefig(buf, format=ext, metadata=metadata, dpi=100)
        data = buf.getvalue()
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        paths.append(path)
    return paths


def draw_palette(ax: Axes | None = None) -> Axes:
    """Swatches of the course palette with their names (the figure ``00_course_palette``)."""
    ax = get_ax(ax, figsize=(10, 3.2))
    for i, (name, colour) in enumerate(PALETTE.items()):
        ax.add_patch(mpl.patches.Rectangle((i, 0), 0.9, 1, color=colour))
        ax.text(i + 0.45, -0.12, name, ha="center", va="top", rotation=30)
    ax.set_xlim(-0.1, len(PALETTE))
    ax.set_ylim(-0.6, 1.05)
    ax.set_axis_off()
    ax.set_title("Course palette (Okabe & Ito, colour-blind safe)")
    return ax


def figure_palette() -> Figure:
    """Figure factory for ``figures/00_course_palette.png``."""
    fig, ax = plt.subplots(figsize=(10, 3.2))
    draw_palette(ax)
    return fig


#: Figures this module contributes to ``python -m course_utils.tools.figures``.
FIGURES = {"00_course_palette": figure_palette}
