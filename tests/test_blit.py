"""Blitting (course_utils.core.blit): a slider move redraws only what changed, with the same pixels.

The invariant: after any sequence of moves, the picture sent to the browser equals, pixel for
pixel, a full redraw of the figure in the same state. Checked on small figures and on every
lecture widget, moving every control through its range.
"""
import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from course_utils.core import widgets as w
from course_utils.core.blit import Blitter


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def full_redraw(live: w.LiveFigure) -> np.ndarray:
    """The figure drawn from scratch (background and animated artists), as RGB."""
    live.blitter.draw(full=True)
    return np.asarray(live._canvas.buffer_rgba())[..., :3].copy()


def plain_draw(live: w.LiveFigure) -> np.ndarray:
    """The figure drawn the ordinary way (nothing animated: everything in z-order), as RGB."""
    animated = [u for _, u in live.blitter.animated]
    for unit in animated:
        unit.set_animated(False)
    live._canvas.draw()
    rgb = np.asarray(live._canvas.buffer_rgba())[..., :3].copy()
    for unit in animated:
        unit.set_animated(True)
    live.blitter.draw(full=True)
    return rgb


def assert_blit_like_redraws(live: w.LiveFigure) -> None:
    """The last update was a blit, with the pixels of a full redraw and (frames aside) of an ordinary draw."""
    assert live.last_mode == "blit", live.blitter.reason
    assert np.array_equal(pixels(live.image.value), full_redraw(live))
    assert_like_plain_draw(live)


def outside_frames(live: w.LiveFigure, band: int = 6) -> np.ndarray:
    """Mask of pixels farther than ``band`` px from every Axes' frame (spines and tick marks)."""
    h, wd = live._canvas.get_width_height()[::-1]
    yy, xx = np.mgrid[0:h, 0:wd]
    mask = np.ones((h, wd), bool)
    for ax in live.fig.axes:
        x0, y0, x1, y1 = ax.bbox.extents
        y0, y1 = h - y1, h - y0                      # display y runs upwards, rows downwards
        inside_outer = (xx >= x0 - band) & (xx <= x1 + band) & (yy >= y0 - band) & (yy <= y1 + band)
        inside_inner = (xx > x0 + band) & (xx < x1 - band) & (yy > y0 + band) & (yy < y1 - band)
        mask &= ~(inside_outer & ~inside_inner)
    return mask


def assert_like_plain_draw(live: w.LiveFigure) -> None:
    """Same pixels as an ordinary draw, except on the frames (spines and ticks are drawn below
    the animated artists instead of above them)."""
    differ = np.any(pixels(live.image.value) != plain_draw(live), axis=-1)
    assert not (differ & outside_frames(live)).any(), np.argwhere(differ & outside_frames(live))[:5]


def line_widget():
    state = {}

    def update(ax, a=1.0, ymax=2.0, title="one"):
        x = np.linspace(-1, 1, 200)
        if not state:
            state["line"], = ax.plot(x, a * x ** 2, lw=3)
            ax.plot(x, 0.5 + 0 * x, color="k", lw=6, zorder=3)   # a static line drawn above the curve
            ax.legend(["curve", "level"], loc="upper center")
        state["line"].set_ydata(a * x ** 2)
        if ax.get_ylim()[1] != ymax:
            ax.set_ylim(-0.1, ymax)
        ax.set_title(title)

    return w.live_figure(update, {"a": w.float_slider(1.0, 0.0, 2.0, 0.1), "ymax": w.float_slider(2.0, 1.0, 3.0, 0.5),
                                  "title": w.dropdown(["one", "a much longer title"])}, figsize=(4, 3))


def test_a_data_move_is_a_blit_after_it_was_learned_and_the_pixels_match():
    live = line_widget()
    assert live.last_mode == "full" and live.blitter.reason == "first draw"
    live.controls["a"].value = 1.1                  # the curve changed: learn it, draw the background again
    assert live.last_mode == "full" and live.blitter.reason.startswith("learned")
    modes = []
    for a in (1.2, 1.5, 0.0, 2.0):
        live.controls["a"].value = a
        modes.append(live.last_mode)
        assert np.array_equal(pixels(live.image.value), full_redraw(live))
    assert modes == ["blit"] * 4
    # the level line (zorder 3) and the legend are above the curve: animated with it, so the
    # z-order and therefore the pixels are those of an ordinary draw
    animated = [u for _, u in live.blitter.animated]
    assert live.axes.get_legend() in animated and live.axes.lines[1] in animated
    assert_like_plain_draw(live)


def test_limits_and_frame_changes_draw_everything():
    live = line_widget()
    live.controls["a"].value = 1.1
    live.controls["ymax"].value = 3.0               # new limits: tick labels change
    assert live.last_mode == "full" and "limits" in live.blitter.reason
    assert np.array_equal(pixels(live.image.value), full_redraw(live))
    live.controls["title"].value = "a much longer title"   # the title is learned, then blitted
    live.controls["title"].value = "one"
    assert live.last_mode == "blit"
    assert np.array_equal(pixels(live.image.value), full_redraw(live))


def test_removed_and_new_artists():
    state = {}

    def update(ax, level=1.0):
        if "c" in state:
            state["c"].remove()
        x, y = np.meshgrid(np.linspace(-1, 1, 50), np.linspace(-1, 1, 50))
        state["c"] = ax.contour(x, y, x ** 2 + y ** 2, levels=[level / 4, level / 2, level])
        ax.set_xlim(-1, 1)
        ax.set_ylim(-1, 1)

    live = w.live_figure(update, {"level": w.float_slider(1.0, 0.1, 2.0, 0.1)}, figsize=(3, 3))
    live.controls["level"].value = 0.5
    assert live.last_mode == "full" and live.blitter.reason == "a drawn artist was removed"
    for level in (0.6, 1.9, 0.1):
        live.controls["level"].value = level
        assert_blit_like_redraws(live)


def test_a_new_artist_below_drawn_ones_draws_the_background_again():
    state = {}

    def update(ax, a=1.0):
        if not state:
            state["line"], = ax.plot([0, 1], [0.5, 0.5], lw=8, color="k", zorder=3)   # static, on top
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 2)
        if a > 1.05 and "band" not in state:      # appears once, below the static line
            state["band"] = ax.axhspan(0.3, 0.7, color="tab:orange", zorder=1)
        if "band" in state:
            state["band"].set_alpha(min(a - 1, 1.0))

    live = w.live_figure(update, {"a": w.float_slider(1.0, 0.0, 2.0, 0.1)}, figsize=(3, 3))
    live.controls["a"].value = 1.1
    assert live.last_mode == "full" and "below" in live.blitter.reason
    assert np.array_equal(pixels(live.image.value), full_redraw(live))
    assert_like_plain_draw(live)                  # the static line is still above the band
    for a in (1.5, 2.0):
        live.controls["a"].value = a
        assert_blit_like_redraws(live)


def test_a_legend_without_frame_gets_an_opaque_one_and_is_pasted():
    """The course style draws legends without a frame; a live figure gives its legends an opaque frame, so an
    unchanged legend above moving lines is pasted (not drawn on every move), with a full redraw's pixels."""
    import matplotlib as mpl

    with mpl.rc_context({"legend.frameon": False}):
        def setup(ax, a=1.0):
            x = np.linspace(0, 1, 100)
            line, = ax.plot(x, x, lw=2, label="curve")
            ax.legend(loc="center")                      # the line passes under the legend
            ax.set_ylim(0, 2)
            return line

        def update(line, a=1.0):
            line.set_ydata(a * np.linspace(0, 1, 100))

        live = w.live_figure(update, {"a": w.float_slider(1.0, 0.0, 2.0, 0.1)}, setup=setup, figsize=(4, 3))
        legend = live.axes.get_legend()
        assert legend.get_frame_on() and legend.get_frame().get_alpha() == 1.0
        pasted = []
        for a in (1.1, 1.3, 0.4, 2.0):
            live.controls["a"].value = a
            pasted.append(live.blitter.pasted)
            assert live.last_mode == "blit"
            assert np.array_equal(pixels(live.image.value), full_redraw(live))
        assert pasted[-2:] == [1, 1]


def test_an_unchanged_opaque_legend_is_pasted_with_the_pixels_of_a_draw():
    state = {}

    def update(ax, a=1.0, label="curve"):
        x = np.linspace(0, 1, 100)
        if not state:
            state["line"], = ax.plot(x, x, lw=2)
            ax.legend(["curve"], loc="center")            # the line passes under the legend
            ax.set_ylim(0, 2)
        state["line"].set_ydata(a * x)
        text = ax.get_legend().get_texts()[0]
        if text.get_text() != label:
            text.set_text(label)

    live = w.live_figure(update, {"a": w.float_slider(1.0, 0.0, 2.0, 0.1),
                                  "label": w.dropdown(["curve", "a much longer label"])}, figsize=(4, 3))
    assert live.axes.get_legend().get_frame().get_alpha() == 1.0     # made opaque by LiveFigure
    live.controls["a"].value = 1.1                                    # learn: line and legend animated
    pasted = []
    for a in (1.3, 0.4, 2.0):
        live.controls["a"].value = a
        pasted.append(live.blitter.pasted)
        assert live.last_mode == "blit"
        assert np.array_equal(pixels(live.image.value), full_redraw(live))
    assert pasted[1:] == [1, 1]                       # after its first draw, the legend is pasted
    live.controls["label"].value = "a much longer label"      # a changed legend is drawn, not pasted
    assert live.blitter.pasted == 0
    assert np.array_equal(pixels(live.image.value), full_redraw(live))
    live.controls["a"].value = 0.8
    assert live.blitter.pasted == 1
    assert np.array_equal(pixels(live.image.value), full_redraw(live))
    assert_like_plain_draw(live)


def test_a_cleared_axes_is_drawn_again_and_pixels_match():
    def update(ax, a=1.0):
        ax.clear()
        ax.plot([0, 1], [0, a])

    live = w.live_figure(update, {"a": w.float_slider(1.0, 0.0, 2.0, 0.1)}, figsize=(3, 3))
    for a in (0.3, 1.7):
        live.controls["a"].value = a
        assert live.last_mode == "full"
        assert_like_plain_draw(live)


def test_disabled_blitter_always_draws_everything():
    fig = Figure(figsize=(2, 2))
    ax = fig.subplots()
    line, = ax.plot([0, 1], [0, 1])
    blitter = Blitter(fig, FigureCanvasAgg(fig), enabled=False)
    for y in (0.5, 0.7):
        line.set_ydata([0, y])
        assert blitter.draw() == "full"
    assert blitter.animated == []


def test_encode_png_round_trips_and_checks_its_input():
    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(w.encode_png(rgba))))
    assert np.array_equal(decoded, rgba)                      # some alpha < 255: RGBA kept
    rgba[..., 3] = 255
    decoded = np.asarray(Image.open(io.BytesIO(w.encode_png(rgba))))
    assert decoded.shape == (7, 5, 3) and np.array_equal(decoded, rgba[..., :3])
    with pytest.raises(ValueError, match="uint8"):
        w.encode_png(np.zeros((4, 4, 4)))
    with pytest.raises(ValueError, match=r"\(H, W, 3\)"):
        w.encode_png(np.zeros((4, 4), np.uint8))


# --------------------------------------------------------------------------- every lecture widget
def _lecture_widgets() -> dict:
    """Every ``*_widget()`` function of the lecture modules (found by name: a new lecture's
    widgets are tested without editing this file)."""
    import importlib
    import inspect
    import pkgutil

    import course_utils

    found = {}
    for info in pkgutil.walk_packages(course_utils.__path__, "course_utils."):
        if info.name.startswith(("course_utils.core", "course_utils.tools")):
            continue
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if name.endswith("_widget") and inspect.isfunction(fn) and fn.__module__ == module.__name__:
                found[name] = fn
    return found


def test_every_lecture_widget_is_found():
    assert {"rff_widget", "favor_widget", "constrained_view_widget", "die_widget", "add_k_widget",
            "rescal_fit_widget", "top_predictions_widget"} <= set(_lecture_widgets())


@pytest.mark.parametrize("name", list(_lecture_widgets()))
def test_every_lecture_widget_blits_the_pixels_of_a_full_redraw(name):
    """Move every control through its range; after each move the picture sent equals a full redraw.
    The first slider (the one the latency benchmark drives) is a blit once learned."""
    live = _lecture_widgets()[name]()
    assert isinstance(live, w.LiveFigure)
    for cname, control in live.controls.items():
        if getattr(control, "disabled", False):
            continue
        values = w.sweep_values(control, 4)
        if len(values) > 5:                      # a long dropdown (every entity): five of them
            values = [values[i] for i in np.linspace(0, len(values) - 1, 5).astype(int)]
        for value in values:
            control.value = value
            assert np.array_equal(pixels(live.image.value), full_redraw(live)), (cname, value, live.last_mode)
    assert_like_plain_draw(live)
    # the first slider, moved one step at a time from its default like the latency benchmark's
    # ArrowRight presses: all blits once the first move has taught the blitter what changes
    sliders = [c for c in live.controls.values() if "Slider" in type(c).__name__]
    if not sliders:                              # dropdowns only: new tick labels, full draws
        return
    live = _lecture_widgets()[name]()
    first = next(c for c in live.controls.values() if "Slider" in type(c).__name__)
    modes = []
    for value in arrow_right_values(first, 8):
        first.value = value
        modes.append(live.last_mode)
    assert modes[1:] == ["blit"] * (len(modes) - 1), (modes, live.blitter.reason)
    assert np.array_equal(pixels(live.image.value), full_redraw(live))


def arrow_right_values(control, n: int) -> list:
    """The next ``n`` values of a slider, one step at a time (back down from the maximum)."""
    if hasattr(control, "options"):
        options = list(control._options_values)
        i, seq = options.index(control.value), []
        for _ in range(n):
            i = i + 1 if i + 1 < len(options) else len(options) - 2
            seq.append(options[i])
        return seq
    log = type(control).__name__ == "FloatLogSlider"
    x = np.log(control.value) / np.log(control.base) if log else control.value
    seq, direction = [], 1
    for _ in range(n):
        if x + direction * control.step > control.max + 1e-9:
            direction = -1
        elif x + direction * control.step < control.min - 1e-9:
            direction = 1
        x = x + direction * control.step
        seq.append(float(control.base ** x) if log else type(control.value)(round(x, 10)))
    return seq


@pytest.mark.parametrize("encoder", sorted(w.PNG_ENCODERS))
def test_both_png_writers_round_trip(encoder):
    rng = np.random.default_rng(1)
    rgba = rng.integers(0, 256, size=(6, 9, 4), dtype=np.uint8)
    encode = w.PNG_ENCODERS[encoder]
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(encode(rgba)))), rgba)
    rgba[..., 3] = 255
    decoded = np.asarray(Image.open(io.BytesIO(encode(rgba))))
    assert decoded.shape == (6, 9, 3) and np.array_equal(decoded, rgba[..., :3])
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(encode(rgba[..., :3])))), rgba[..., :3])


def test_unchanged_groups_are_pasted_and_a_group_with_a_change_drawn():
    """Animated artists that can put pixels in the same place form a group; a group in which
    nothing changed (here the title above its Axes) is pasted from its last draw, with the
    pixels of a full redraw. A changed title is drawn; so is a title that an unclipped text
    joins to the moving line (one group, with a change)."""

    def setup(ax, a=1.0, title="fixed", cover=False):
        x = np.linspace(0, 1, 100)
        line, = ax.plot(x, a * x, lw=2)
        ax.set_ylim(0, 2)
        note = ax.text(0.5, 0.5, "note", transform=ax.transAxes, ha="center", va="bottom", fontsize=20, clip_on=False)
        return {"line": line, "title": ax.title, "note": note}

    def update(artists, a=1.0, title="fixed", cover=False):
        artists["line"].set_ydata(a * np.linspace(0, 1, 100))
        artists["title"].set_text(title)
        artists["note"].set_y(0.95 if cover else 0.5)     # across the Axes' top edge, into the title

    live = w.live_figure(update, {"a": w.float_slider(1.0, 0.0, 2.0, 0.1), "title": w.dropdown(["fixed", "another one"]),
                                  "cover": w.checkbox(False)}, setup=setup, figsize=(4, 3))
    pasted = []
    for a in (1.1, 1.3, 0.4):
        live.controls["a"].value = a
        pasted.append(live.blitter.pasted_groups)
        assert_blit_like_redraws(live)
    assert pasted == [1, 1, 1]          # its pixels were kept when it was drawn on the first (full) draw
    live.controls["title"].value = "another one"      # changed: drawn
    assert live.blitter.pasted_groups == 0
    assert_blit_like_redraws(live)
    live.controls["a"].value = 0.9
    assert live.blitter.pasted_groups == 1
    assert_blit_like_redraws(live)
    live.controls["cover"].value = True               # the note joins title and line: drawn every time
    for a in (0.7, 1.5):
        live.controls["a"].value = a
        assert live.blitter.pasted_groups == 0
        assert_blit_like_redraws(live)


def test_a_group_changing_on_every_move_keeps_no_pixels_until_it_stops_changing():
    """A group that changes on every move is drawn every move, and its pixels are not copied (they
    would never be pasted); once a move leaves it alone they are kept, and pasted on the next move.
    The picture equals a full redraw at the end (a full redraw in between would reset what the
    blitter remembers of the moves, so it is only compared with a fresh widget's picture there)."""
    x = np.linspace(0, 1, 100)

    def setup(axes, a=1.0, b=1.0):
        line0, = axes[0].plot(x, a * x, lw=2)
        line1, = axes[1].plot(x, b * x, lw=2)
        bars = axes[1].bar([0.2, 0.5, 0.8], [b, b, b], width=0.1)   # three artists sharing one clip box
        for ax in axes:
            ax.set_ylim(0, 2)
        return {"line0": line0, "line1": line1, "bars": list(bars)}

    def update(artists, a=1.0, b=1.0):
        for line, y in ((artists["line0"], a * x), (artists["line1"], b * x)):
            if not np.array_equal(line.get_ydata(), y):      # a setter marks it changed, even to the same data
                line.set_ydata(y)
        if artists["bars"][0].get_height() != b:
            for bar in artists["bars"]:
                bar.set_height(b)

    def build():
        return w.live_figure(update, {"a": w.float_slider(1.0, 0.0, 2.0, 0.1), "b": w.float_slider(1.0, 0.0, 2.0, 0.1)},
                             setup=setup, ncols=2, figsize=(6, 3), freeze_layout=True)

    live = build()

    def kept():  # the Axes (by index) of the groups whose pixels are kept
        return sorted(live.fig.axes.index(g.units[0].axes) for g in live.blitter._groups.values()
                      if g.pixels is not None)

    def like_fresh():
        with w.initial_values(**live.values()):
            fresh = build()
        assert live.last_mode == "blit" and np.array_equal(pixels(live.image.value), pixels(fresh.image.value))

    for b in (1.1, 1.2, 1.3, 1.4):         # the right panel changes on every move, the left one never
        live.controls["b"].value = b
        like_fresh()
    assert live.blitter.pasted_groups == 1 and kept() == [0]
    right = next(g for g in live.blitter._groups.values() if g.units[0].axes is live.fig.axes[1])
    assert right.pixels is None and right.changed is True
    live.controls["a"].value = 0.5          # now the left one changes and the right one stays
    like_fresh()
    assert live.blitter.pasted_groups == 0 and kept() == [0, 1]
    live.controls["a"].value = 0.6          # the right one is pasted; the left one changes on every move now
    like_fresh()
    assert live.blitter.pasted_groups == 1 and kept() == [1]
    right = next(g for g in live.blitter._groups.values() if g.units[0].axes is live.fig.axes[1])
    assert len(right.rects) == 4 and len(right.cover) == 1 and len(right.pixels) == 1   # one box copied for four artists
    assert_blit_like_redraws(live)


def test_a_best_legend_moving_inside_a_larger_box_of_its_group_is_drawn_not_pasted():
    """A group is pasted only when every one of its artists keeps its own box: a ``loc="best"``
    legend that moves (because a line of another group moved) inside the clip box of a patch of its
    group changes the picture although nothing in the group is stale."""
    from matplotlib.patches import Rectangle
    from matplotlib.transforms import Bbox, TransformedBbox

    xz, yz = np.linspace(0, 0.45, 60), np.tile([0.0, 1.0], 30)     # a dense zigzag over the left half
    xdata = np.concatenate([xz, [0.5, 1.0]])                          # and a segment across the right half at y = a

    def setup(ax, a=1.0):
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.05, 1.05)
        line, = ax.plot(xdata, np.concatenate([yz, [a, a]]), lw=1, label="a")
        line.set_clip_box(TransformedBbox(Bbox([[0, 0], [0.4, 1]]), ax.transAxes))   # its ink: the left 40 % only
        patch = ax.add_patch(Rectangle((0.9, 0.5), 0.01, 0.01, color="k"))
        patch.set_clip_box(TransformedBbox(Bbox([[0.5, -0.2], [1.2, 1.2]]), ax.transAxes))  # its box: the right half
        ax.legend(loc="best")
        return {"line": line, "patch": patch}

    def update(artists, a=1.0):
        artists["line"].set_ydata(np.concatenate([yz, [a, a]]))

    live = w.live_figure(update, {"a": w.float_slider(1.0, 0.0, 1.0, 1.0)}, setup=setup, figsize=(5, 3), freeze_layout=True)
    renderer = live._canvas.get_renderer()
    places = {live.fig.axes[0].get_legend().get_window_extent(renderer).bounds}
    for a in (0.0, 1.0, 0.0):
        live.controls["a"].value = a
        places.add(live.fig.axes[0].get_legend().get_window_extent(renderer).bounds)
        assert_blit_like_redraws(live)
    assert len(places) == 2                # the legend did move


def test_cover_drops_repeated_boxes_and_boxes_inside_another():
    from course_utils.core.pixel_boxes import cover as _cover

    assert _cover([(0, 10, 0, 10), (2, 5, 2, 5), (0, 10, 0, 10), (5, 12, 5, 12)]) == ((0, 10, 0, 10), (5, 12, 5, 12))
    assert _cover([(1, 2, 3, 4)]) == ((1, 2, 3, 4),)


@pytest.mark.parametrize("deflate", ["isal", "zlib"])
def test_own_png_writer_gives_the_same_pixels_on_each_deflate_backend(deflate):
    from course_utils.core import png

    if deflate == "isal":
        pytest.importorskip("isal")
    rng = np.random.default_rng(2)
    rgba = rng.integers(0, 256, size=(9, 13, 4), dtype=np.uint8)
    rgba[2:5, 3:9] = 255                                   # a flat patch, as on a figure
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(png.encode_png(rgba, deflate=deflate)))), rgba)
    rgba[..., 3] = 255
    flipped = rgba[::-1]                                   # not C-contiguous
    decoded = np.asarray(Image.open(io.BytesIO(png.encode_png(flipped, deflate=deflate))))
    assert decoded.shape == (9, 13, 3) and np.array_equal(decoded, flipped[..., :3])
    with pytest.raises(ValueError, match="deflate must be one of"):
        png.encode_png(rgba, deflate="gzip")


def test_a_text_that_draws_outside_its_extent_is_never_pasted_on_its_own():
    """A stroked (or boxed, rotated) text or an annotation can put ink outside its extent: it shares
    a group with everything (drawn whenever anything changes), with the pixels of a full redraw."""
    from matplotlib import patheffects

    def setup(ax, a=1.0):
        line, = ax.plot(np.linspace(0, 1, 100), a * np.linspace(0, 1, 100), lw=2)
        ax.set_ylim(0, 2)
        ax.set_title("stroked", path_effects=[patheffects.withStroke(linewidth=6, foreground="r")])
        return {"line": line, "title": ax.title}

    def update(artists, a=1.0):
        artists["line"].set_ydata(a * np.linspace(0, 1, 100))

    live = w.live_figure(update, {"a": w.float_slider(1.0, 0.0, 2.0, 0.1)}, setup=setup, figsize=(4, 3))
    for a in (1.1, 1.3, 0.4):
        live.controls["a"].value = a
        assert live.blitter.pasted_groups == 0
        assert_blit_like_redraws(live)
