"""Where the animated artists of a blitted figure put their pixels (:mod:`course_utils.core.blit`).

* :func:`window_extent`: a text's or legend's extent, measured once per draw;
* :func:`pixel_box`: the buffer rows and columns an artist can draw into (a clipped artist its clip
  box, a text or legend its extent, anything else the whole buffer);
* :func:`overlap_groups`: artists grouped by overlapping boxes (a group is drawn or pasted as a whole);
* :func:`cover`: a group's boxes without repeats or nested ones (what is copied to paste it later);
* :func:`legend_pixels`: an opaque legend's pixels that do not depend on what lies below it.

Only matplotlib's public API is used.
"""
from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.legend import Legend
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox


def cacheable_legend(unit: Artist) -> bool:
    """An opaque legend at a fixed place: inside its frame, its pixels do not depend on what is
    drawn below it, so an unchanged one can be pasted instead of drawn (text is slow to draw)."""
    return (isinstance(unit, Legend) and unit.get_visible() and unit.get_frame_on() and not unit.shadow
            and unit.legendPatch.get_facecolor()[3] == 1.0)


def window_extent(unit: Artist, renderer, extents: dict[int, Bbox] | None = None) -> Bbox:
    """``unit``'s window extent; with ``extents`` (``id(unit)`` -> extent, one dict per draw) measured
    once per draw: measuring a legend lays out all its entries."""
    if extents is None:
        return unit.get_window_extent(renderer)
    bbox = extents.get(id(unit))
    if bbox is None:
        bbox = extents[id(unit)] = unit.get_window_extent(renderer).frozen()
    return bbox


def pixel_box(unit: Artist, renderer, shape: tuple[int, ...], extents: dict[int, Bbox] | None = None
              ) -> tuple[int, int, int, int]:
    """The buffer rows and columns where ``unit`` can put pixels: (row0, row1, col0, col1), whole
    pixels, outwards (the whole buffer for an unclipped artist that is not a text or legend).

    extents : dict, optional
        The draw's measured extents (:func:`window_extent`): a text's or legend's is measured once.
    """
    h, w = shape[:2]
    if isinstance(unit, (Text, Legend)):
        if not unit.get_visible():
            # draws nothing; a text just hidden leaves its group, whose key then changes (drawn)
            return 0, 0, 0, 0
        if (isinstance(unit, Annotation) or unit.get_path_effects() or getattr(unit, "shadow", False)
                or (isinstance(unit, Text) and (unit.get_bbox_patch() is not None or unit.get_rotation() % 360))):
            # ink outside the extent (arrow, stroke, shadow, box), or a rotated one: anywhere
            # (an Annotation's extent would also mark it stale)
            return 0, h, 0, w
        x0, y0, x1, y1 = window_extent(unit, renderer, extents).extents
        # its layout box (line height, descent included) and a margin for antialiasing (1 px) and
        # italic overhangs (sideways)
        x0, y0, x1, y1 = x0 - 3, y0 - 1, x1 + 3, y1 + 1
        if unit.get_clip_on() and unit.get_clip_box() is not None:
            cx0, cy0, cx1, cy1 = unit.get_clip_box().extents
            x0, y0, x1, y1 = max(x0, cx0), max(y0, cy0), min(x1, cx1), min(y1, cy1)
    elif unit.get_clip_on() and unit.get_clip_box() is not None:
        x0, y0, x1, y1 = unit.get_clip_box().extents        # Agg clips to these pixels
    else:
        return 0, h, 0, w
    return pixel_rect((x0, y0, x1, y1), shape)


def cover(rects) -> tuple[tuple[int, int, int, int], ...]:
    """The boxes (row0, row1, col0, col1) without repeats and without those inside another: the
    same pixels (many artists of one Axes share its clip box), each copied once."""
    boxes = list(dict.fromkeys(rects))
    return tuple(b for b in boxes if not any(o != b and o[0] <= b[0] and b[1] <= o[1] and o[2] <= b[2] and b[3] <= o[3]
                                             for o in boxes))


def overlap_groups(boxes: list[tuple[int, int, int, int]]) -> list[list[int]]:
    """Indices of ``boxes`` grouped by overlap (connected components), each group in index order."""
    parent = list(range(len(boxes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(boxes):
        for j in range(i):
            b = boxes[j]
            if a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]:
                parent[root(i)] = root(j)
    out: dict[int, list[int]] = {}
    for i in range(len(boxes)):
        out.setdefault(root(i), []).append(i)
    return list(out.values())


def pixel_rect(extents, shape: tuple[int, ...], pad: int = 0) -> tuple[int, int, int, int]:
    """The buffer rows and columns (row0, row1, col0, col1) covering display extents
    (x0, y0, x1, y1; y up), rounded outwards, ``pad`` pixels wider on every side, inside the buffer."""
    h, w = shape[:2]
    x0, y0, x1, y1 = extents
    r0, r1 = max(int(np.floor(h - y1)) - pad, 0), min(int(np.ceil(h - y0)) + pad, h)
    c0, c1 = max(int(np.floor(x0)) - pad, 0), min(int(np.ceil(x1)) + pad, w)
    return r0, max(r1, r0), c0, max(c1, c0)


def legend_pixels(canvas: FigureCanvasAgg, legend: Legend, renderer) -> tuple | None:
    """Draw ``legend`` and return what is needed to paste it later without drawing its text:
    (extent, rows, cols, mask, pixels), where ``extent`` is where it was drawn, ``pixels`` its box as
    drawn and ``mask`` (shape (rows, cols, 1)) marks the pixels of that box that do not depend on what
    lies below (fully covered by the opaque frame fill, or drawn by the legend on that fill).
    None (the legend drawn all the same) when the legend draws outside those pixels."""
    buf = np.asarray(canvas.buffer_rgba())
    pad = int(np.ceil(legend.legendPatch.get_linewidth() * legend.get_figure(root=True).dpi / 72)) + 3  # the frame's edge
    r0, r1, c0, c1 = pixel_rect(legend.get_window_extent(renderer).extents, buf.shape, pad)
    rows, cols = slice(r0, r1), slice(c0, c1)
    below = buf[rows, cols].copy()
    legend.draw(renderer)                 # the real picture; this also fits the frame to the entries
    drawn = buf[rows, cols].copy()
    # the frame alone over a colour it cannot have: exactly its fill colour = fully covered
    fill = np.round(np.asarray(legend.legendPatch.get_facecolor()) * 255).astype(np.uint8)
    probe = np.array([255 - fill[0], 255 - fill[1], 255 - fill[2], 255], np.uint8)
    buf[rows, cols] = probe
    legend.legendPatch.draw(renderer)
    covered = np.all(buf[rows, cols] == fill, axis=-1)
    buf[rows, cols] = below
    legend.legendPatch.draw(renderer)
    frame_only = buf[rows, cols].copy()
    buf[rows, cols] = drawn
    content = np.any(drawn != frame_only, axis=-1)
    if (content & ~covered).any():
        return None
    # drawing fits the frame to the entries: where it was drawn is the extent after the draw
    return tuple(legend.get_window_extent(renderer).bounds), rows, cols, covered[..., None], drawn
