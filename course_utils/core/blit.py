"""Redraw only what a slider changed: automatic blitting for one Agg figure.

A full Agg draw of a lecture figure spends most of its time on what never moves (ticks, tick
labels, axis labels, titles, the constrained-layout solve). :class:`Blitter` keeps a picture of
the figure without the artists that change ("the background") and, on each update, pastes it
back and draws only the changing artists on top, the classic matplotlib blitting recipe.

What moves is declared: a widget's ``setup`` returns the artists that its ``update`` changes
(the widget contract, :mod:`course_utils.core.widgets`), and :meth:`Blitter.declare` animates them
(``set_animated(True)``), together with every artist of the same Axes drawn above them (so the
z-order stays as in a normal draw; the titles above the Axes excepted). From the first move on,
moving them is a blit.

What was not declared is watched through matplotlib's public ``Artist.stale`` flags, as a
safety net (and for a plain ``update`` without ``setup``): after each draw every artist is marked
clean; an update that touches an artist (``set_data``, ``set_text`` ...) marks it stale again.

* Only animated artists changed → **blit**: restore the background, draw the animated artists
  (per Axes, in z-order).
* A drawn (undeclared) artist changed → it becomes animated ("learned", listed in
  :attr:`Blitter.learned`), with the artists above it, and the background is drawn again
  without them (**full**).
* An Axes moved or changed its limits or scale, an axis, tick or spine changed, or a drawn
  artist was removed → **full** draw (nothing learned: these cannot be drawn on top).
* A new artist (for example contours re-made for the new value) is animated when no full draw
  is needed anyway; it is then drawn above the background.

* Animated artists are grouped by where they can put pixels (a clipped artist only inside its
  clip box, a text or legend inside its extent, an unclipped line or patch anywhere): a group is
  the artists whose pixel boxes overlap, directly or through others. A group in which nothing
  changed is pasted from the pixels of its last draw (they depend only on the group and the
  unchanged background), e.g. an unchanged image with its title, in an Axes of their own. A change
  is seen through the ``stale`` flags that matplotlib's setters raise: change artists with their
  setters (``set_data``, ``set_text``, ``set_array`` ...), never by editing their arrays in place.
  A group is pasted only if each of its artists kept its pixel box; what is kept of it is the cover
  of those boxes (each box once, none inside another: the artists of an Axes share its clip box).
  A group that changed at two draws in a row keeps no pixels (it changes on every move of this
  slider, and a copy of its boxes would never be pasted) until a move leaves it alone.
* An animated legend that did not change is pasted, not drawn (drawing text is slow): only
  its frame's rim, which blends with what is below, is drawn again. This needs an opaque
  frame (:class:`~course_utils.core.widgets.LiveFigure` makes legends opaque) at the place it
  was pasted from (checked on every paste: a ``loc="best"`` legend that moved is drawn).

Pixels: a blit gives exactly the pixels of a full draw with the same animated set
(``tests/test_blit.py`` checks this for every lecture widget). Against a plain draw of the
figure, only axis lines, ticks and spines can end up under an animated artist instead of above.

Only matplotlib's public API is used (``Artist.stale``, ``get_children``, ``findobj``,
``Legend.get_window_extent``, ``legendPatch`` ...).
"""
from __future__ import annotations

import weakref
from typing import Iterator, NamedTuple

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis, Tick
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.spines import Spine
from matplotlib.text import Text

from course_utils.core.pixel_boxes import (
    cacheable_legend,
    cover,
    legend_pixels,
    overlap_groups,
    pixel_box,
    window_extent,
)

#: artists that are part of the frame: a change in them always means a full draw
_FRAME_TYPES = (Axis, Tick, Spine)


def _units(fig: Figure) -> Iterator[tuple[Axes | None, Artist]]:
    """Top-level artists ("units") of the figure: each child of each Axes, and the figure's own
    children that are not Axes. A unit is animated or drawn as a whole (a legend with its texts)."""
    for ax in fig.axes:
        for child in ax.get_children():
            if child is not ax.patch:
                yield ax, child
    for child in fig.get_children():
        if not isinstance(child, Axes) and child is not fig.patch:
            yield None, child


def _is_stale(unit: Artist) -> bool:
    """Whether ``unit`` or anything inside it was changed since the last draw.

    An Axis marks itself stale on every ``set_xlim``, even to the same limits; what it shows
    depends on the limits, its locators and formatters (in :func:`_geometry`) and on its ticks
    and labels (its children), so its own flag is not looked at.
    """
    if not isinstance(unit, Axis) and unit.stale:
        return True
    # the artists below it, as ``findobj`` finds them, walked without building lists, and left at
    # the first stale one (this runs for every artist of the figure on every move)
    stack = list(unit.get_children())
    while stack:
        artist = stack.pop()
        if artist.stale:
            return True
        stack.extend(artist.get_children())
    return False


def _clean(fig: Figure) -> None:
    """Mark every artist of ``fig`` as drawn (``stale = False`` does not propagate)."""
    for a in fig.findobj():
        a.stale = False


def _titles(ax: Axes) -> list[Artist]:
    """The Axes' three titles (centre, left, right): its Text children that are not in ``ax.texts``."""
    texts = {id(t) for t in ax.texts}
    return [c for c in ax.get_children() if isinstance(c, Text) and id(c) not in texts]


def _ticking(axis: Axis) -> tuple[int, ...]:
    """Which locators and formatters place and label the ticks (``set_ticks`` makes new ones)."""
    return tuple(id(t) for t in (axis.major.locator, axis.major.formatter, axis.minor.locator, axis.minor.formatter))


def _geometry(fig: Figure) -> tuple:
    """What a blit cannot follow: figure size, and each Axes' place, limits, scales, tick
    locators and formatters, and visibility."""
    return (tuple(fig.bbox.bounds),
            tuple((id(ax), ax.get_visible(), tuple(ax.get_position().bounds), tuple(ax.viewLim.bounds),
                   ax.get_xscale(), ax.get_yscale(), _ticking(ax.xaxis), _ticking(ax.yaxis)) for ax in fig.axes))


class _Group(NamedTuple):
    """What a draw leaves of a group of overlapping animated artists (see the module's docstring)."""

    units: tuple[Artist, ...]
    rects: tuple[tuple[int, int, int, int], ...]   # every artist's pixel box: a change if one moves
    pixels: list[np.ndarray] | None                 # the pixels of each box of ``cover``; None: not kept
    changed: bool                                   # whether it changed at that draw
    cover: tuple[tuple[int, int, int, int], ...]    # the boxes without repeats or nested ones


class Blitter:
    """Draws ``fig`` on its Agg canvas, blitting when only animated artists changed.

    Attributes
    ----------
    mode : str
        How the last :meth:`draw` went: ``"full"`` or ``"blit"``.
    animated : list of (Axes or None, Artist)
        The artists drawn on top of the background, with their Axes (learned, see the module
        docstring).
    """

    def __init__(self, fig: Figure, canvas: FigureCanvasAgg, *, enabled: bool = True):
        self.fig = fig
        self.canvas = canvas
        self.enabled = enabled
        self.mode = "full"
        #: why the last full draw was needed (empty after a blit)
        self.reason = "first draw"
        self.animated: list[tuple[Axes | None, Artist]] = []
        self._background = None
        self._geometry: tuple | None = None
        self._drawn: dict[int, Artist] = {}    # the units in the background, by id()
        self._pasted: dict[int, tuple] = {}      # id(legend) -> (legend, pixels inside its frame)
        #: how many legends the last draw pasted instead of drawing
        self.pasted = 0
        #: how many groups of animated artists the last draw pasted (none of them changed)
        self.pasted_groups = 0
        self._legend_changed: dict[int, bool] = {}   # id(legend) -> whether it changed at its last draw
        # each group of animated artists after the last draw, by the group's ids
        self._groups: dict[tuple, _Group] = {}
        #: artists that changed without being declared (found by their stale flags), by type name
        self.learned: list[str] = []
        self._declared: weakref.WeakValueDictionary = weakref.WeakValueDictionary()   # id() -> every artist declared so far
        self._pending: list[Artist] = []        # declared, not yet animated (done by the next plan)

    def declare(self, artists) -> None:
        """These artists move (the widget contract: what ``setup`` returned): animate them, and
        the artists above them, from the next draw on. Cheap to call again with the same ones."""
        for artist in artists:
            if self._declared.get(id(artist)) is not artist:
                self._declared[id(artist)] = artist
                self._pending.append(artist)

    # -- deciding ------------------------------------------------------------------------------

    def _plan(self) -> bool:
        """Sort out what changed; animate what can be; return True when a full draw is needed."""
        units = list(_units(self.fig))
        present = {id(u): u for _, u in units}
        self.animated = [(ax, u) for ax, u in self.animated if id(u) in present]
        animated = {id(u) for _, u in self.animated}
        baked = self._animate(self._take_declared(units, animated), units)
        animated = {id(u) for _, u in self.animated}
        if self._background is None:
            self.reason = "first draw"
            return True
        full = False
        self.reason = ""
        if _geometry(self.fig) != self._geometry:
            full = True
            self.reason = "an Axes moved or changed its limits, scale or ticks"
        if any(present.get(key) is not unit for key, unit in self._drawn.items()):
            # a drawn artist was removed: redraw the background without it; what replaced it
            # (the new artists below) is animated, so the next replacement is a blit
            full = True
            self.reason = self.reason or "a drawn artist was removed"
        learn, new = [], []
        # A change to an artist that is not animated marks its Axes (or the figure) stale too; with
        # none of them stale, only animated artists changed and the walk below has nothing to find.
        touched = self.fig.stale or any(ax.stale for ax in self.fig.axes)
        for ax, unit in units if touched else ():
            if id(unit) in animated or not _is_stale(unit):
                continue
            if isinstance(unit, _FRAME_TYPES):
                full = True
                self.reason = self.reason or f"frame changed: {type(unit).__name__}"
            elif id(unit) in self._drawn:
                learn.append((ax, unit))
            else:
                new.append((ax, unit))
        if learn:
            full = True
            self.learned.extend(type(u).__name__ for _, u in learn)
            self.reason = self.reason or "learned: " + ", ".join(type(u).__name__ for _, u in learn)
        if baked:
            full = True
            self.reason = self.reason or "declared artists were in the background"
        if self._animate(learn + new, units):
            # drawn artists above a new one are animated now: the background must lose them
            full = True
            self.reason = self.reason or "new artist below drawn ones"
        return full

    def _take_declared(self, units: list[tuple[Axes | None, Artist]], animated: set[int]) -> list[tuple[Axes | None, Artist]]:
        """The units holding the declared artists that are not animated yet (an artist inside a
        legend declares the legend)."""
        if not self._pending:
            return []
        pending = {id(a) for a in self._pending}
        self._pending = []
        chosen = [(ax, unit) for ax, unit in units if id(unit) in pending]    # most are units themselves
        pending -= {id(unit) for _, unit in chosen}
        if pending:       # the others are inside one (a legend's text): look inside, the frame aside
            chosen += [(ax, unit) for ax, unit in units
                       if id(unit) not in animated and not isinstance(unit, _FRAME_TYPES)
                       and any(id(a) in pending for a in unit.findobj())]
        return [(ax, unit) for ax, unit in chosen if id(unit) not in animated and not isinstance(unit, _FRAME_TYPES)]

    def _animate(self, chosen: list[tuple[Axes | None, Artist]], units: list[tuple[Axes | None, Artist]]) -> bool:
        """Animate ``chosen`` and, in the same Axes, every unit at or above their z-order; return
        whether a unit of the background was among them."""
        if not chosen:
            return False
        baked = False
        lowest: dict[int, float] = {}
        for ax, unit in chosen:
            lowest[id(ax)] = min(lowest.get(id(ax), np.inf), unit.get_zorder())
        animated = {id(u) for _, u in self.animated}
        chosen_ids = {id(u) for _, u in chosen}
        # an Axes' titles sit above it, where its (clipped) artists never draw: no need to redraw them
        titles = {id(t) for ax in self.fig.axes for t in _titles(ax)}
        for ax, unit in units:
            if id(unit) in animated or isinstance(unit, _FRAME_TYPES):
                continue
            if id(unit) in chosen_ids or (id(unit) not in titles and unit.get_zorder() >= lowest.get(id(ax), np.inf)):
                unit.set_animated(True)
                self.animated.append((ax, unit))
                animated.add(id(unit))
                baked = baked or self._drawn.get(id(unit)) is unit
        return baked

    # -- drawing -------------------------------------------------------------------------------

    def _draw_animated(self) -> None:
        renderer = self.canvas.get_renderer()
        order = {id(ax): i for i, ax in enumerate(self.fig.axes)}
        ranked = sorted(self.animated, key=lambda au: (order.get(id(au[0]), len(order)), au[1].get_zorder()))
        self.pasted = self.pasted_groups = 0
        buf = np.asarray(self.canvas.buffer_rgba())
        extents: dict = {}       # id -> Bbox: the legends' and texts' extents, measured once per draw (window_extent)
        boxes = [pixel_box(u, renderer, buf.shape, extents) for _, u in ranked]
        skip: set[int] = set()
        keep: list[tuple] = []           # the groups whose pixels are kept after this draw
        previous, self._groups = self._groups, {}
        for group in overlap_groups(boxes):
            units = tuple(ranked[i][1] for i in group)
            key = tuple(id(u) for u in units)
            # every artist's box: one moving inside another box of the group is a change too
            rects = tuple(boxes[i] for i in group)
            changed = any(_is_stale(u) for u in units)
            cached = previous.get(key)
            same = (cached is not None and all(a is b for a, b in zip(cached.units, units))
                    and cached.rects == rects)
            if same and not changed and cached.pixels is not None:
                for (r0, r1, c0, c1), pixels in zip(cached.cover, cached.pixels):   # nothing changed: paste the group
                    buf[r0:r1, c0:c1] = pixels
                self._groups[key] = cached._replace(changed=False)     # unchanged at this draw
                skip.update(key)
                self.pasted_groups += 1
            elif changed and cached is not None and cached.changed:
                # changed at its last draw too: it changes on every move, so its pixels are not kept
                # (they would never be pasted); remembered as changing, until a move leaves it alone
                self._groups[key] = _Group(units, rects, None, True, ())
            else:
                keep.append((key, units, rects, changed))
        for _, unit in ranked:
            if id(unit) in skip:
                continue
            cacheable = cacheable_legend(unit)
            cached = self._pasted.get(id(unit))
            changed = cacheable and _is_stale(unit)
            if (cacheable and cached is not None and cached[0] is unit and not changed
                    and tuple(window_extent(unit, renderer, extents).bounds) == cached[1][0]):   # not moved ("best")
                _, rows, cols, mask, pixels = cached[1]
                unit.legendPatch.draw(renderer)      # the rim blends with what is below: draw it
                np.copyto(buf[rows, cols], pixels, where=mask)   # the rest: paste it
                self.pasted += 1
                self._legend_changed[id(unit)] = False
                continue
            if cacheable:
                # a legend that changed on its last draw too (its text follows the slider) is only
                # drawn: saving its pixels costs about two more draws and would never be pasted
                repeat = changed and self._legend_changed.get(id(unit), False)
                self._legend_changed[id(unit)] = changed
                if repeat:
                    unit.draw(renderer)
                    saved = None
                else:
                    saved = legend_pixels(self.canvas, unit, renderer)     # draws the legend
            else:
                unit.draw(renderer)
                saved = None
            if saved is None:
                self._pasted.pop(id(unit), None)
            else:
                self._pasted[id(unit)] = (unit, saved)
        for key, units, rects, changed in keep:
            kept = cover(rects)       # the pixels kept: each box once, none inside another
            self._groups[key] = _Group(units, rects, [buf[r0:r1, c0:c1].copy() for r0, r1, c0, c1 in kept],
                                       changed, kept)

    def needs_full(self) -> bool:
        """Whether the next :meth:`draw` has to draw everything (learns what changed: call once,
        right before :meth:`draw`)."""
        return not self.enabled or self._plan()

    def draw(self, full: bool | None = None) -> str:
        """Bring the canvas up to date with the figure; return ``"full"`` or ``"blit"``.

        full : bool, optional
            The answer of :meth:`needs_full` (asked here when not given); True forces a full draw.
        """
        if full is None:
            full = self.needs_full()
        if not self.enabled:
            self.canvas.draw()
            self.mode = "full"
            return self.mode
        if full:
            self._pasted.clear()                     # places may change: draw every legend again
            self._groups.clear()                     # and every group (the background may differ)
            self.canvas.draw()                       # skips the animated artists
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self._geometry = _geometry(self.fig)
            self._drawn = {id(u): u for _, u in _units(self.fig) if not u.get_animated()}
        else:
            self.reason = ""
            self.canvas.restore_region(self._background)
        self._draw_animated()
        if full:
            _clean(self.fig)
        else:   # only animated artists were drawn; the rest was found clean by the plan
            for artist in (self.fig, *self.fig.axes):
                artist.stale = False
        self.mode = "full" if full else "blit"
        return self.mode
