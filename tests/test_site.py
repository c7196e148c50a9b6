"""The site's parts without a browser: text alternatives, slider frames, pages (``course_utils.tools.site``)."""
from __future__ import annotations

import io
import json

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from course_utils.core import widgets as w
from course_utils.core.describe import describe_figure, plain_text, set_description
from course_utils.core.frames import encode, main_slider, render_frames, slider_positions
from course_utils.tools import site, site_kernel, site_pages

matplotlib.use("Agg")


# ----------------------------------------------------------------------------- describe_figure
def test_describe_figure_reads_kind_axes_and_trends():
    fig = Figure()
    ax = fig.subplots()
    x = np.linspace(1, 10, 20)
    ax.plot(x, 1 / np.sqrt(x), label="error")
    ax.plot(x, (x - 5) ** 2, label="U-curve")
    ax.set(xscale="log", xlabel="features $m$", ylabel="relative error", title="Random features")
    text = describe_figure(set_description(fig, "The error falls as 1/√m."))
    assert text.startswith("The error falls as 1/√m.")                  # the helper's own sentence first
    assert 'Line plot "Random features"' in text
    assert "x axis: features m (log scale)" in text                     # mathtext made readable
    assert "Line error: falls from 1 to 0.316" in text
    assert "Line U-curve: falls to a minimum of" in text


def test_describe_figure_heatmap_panels_and_bad_input():
    fig = Figure()
    a, b = fig.subplots(1, 2)
    im = a.imshow(np.arange(12.0).reshape(3, 4))
    fig.colorbar(im, ax=a)
    b.scatter([1, 2, 3], [3, 1, 2], label="points")
    text = describe_figure(fig, extra="Shown at m = 4.")
    assert "Panel 1 of 2: Heat map" in text and "A 3 by 4 grid of colours, values from 0 to 11." in text
    assert "Panel 2 of 2: Scatter plot" in text and "3 points (points)." in text
    assert text.endswith("Shown at m = 4.")
    assert describe_figure(Figure()) == "An empty figure."
    with pytest.raises(TypeError, match="matplotlib Figure"):
        describe_figure("not a figure")
    with pytest.raises(TypeError, match="text must be a str"):
        set_description(fig, 3)
    assert plain_text(r"$\|w\|_1 \leq t$") == "‖w‖1 ≤ t"


# ----------------------------------------------------------------------------- frames
def _widget(calls=None):
    def setup(ax, a=1.0, n=10):
        (line,) = ax.plot([], [], label="a x²")
        ax.set(xlim=(-1, 1), ylim=(-2.2, 2.2), xlabel="x", ylabel="y")
        return line

    def update(line, a=1.0, n=10):
        x = np.linspace(-1, 1, n)
        line.set_data(x, a * x**2)
        return f"a = {a:.1f}"

    return w.LiveFigure(update, {"a": w.float_slider(1.0, -2.0, 2.0, 0.1, description="a"),
                                 "n": w.int_slider(10, 2, 20, description="n")}, setup=setup, figsize=(4, 3))


def test_slider_positions_cover_the_range_with_ends_and_default():
    assert slider_positions(w.int_slider(3, 0, 5)) == [0, 1, 2, 3, 4, 5]
    many = slider_positions(w.float_slider(0.37, 0.0, 10.0, 0.01), max_frames=40)
    assert len(many) <= 41 and many[0] == 0.0 and many[-1] == pytest.approx(10.0)
    assert any(v == pytest.approx(0.37) for v in many)                  # the default is a frame
    logs = slider_positions(w.log_slider(1.0, -2, 2, 1.0))
    assert logs == pytest.approx([0.01, 0.1, 1.0, 10.0, 100.0])
    with pytest.raises(ValueError, match="max_frames"):
        slider_positions(w.int_slider(3, 0, 5), max_frames=1)


def test_a_frame_is_the_picture_the_live_widget_shows_at_that_value():
    live = _widget()
    assert main_slider(live)[0] == "a"
    frames = render_frames(live, fmt="png")
    assert frames.values[frames.default_index] == pytest.approx(1.0)
    assert live.controls["a"].value == pytest.approx(1.0)              # put back afterwards
    k = 7
    live.controls["a"].value = frames.values[k]
    assert bytes(live.image.value) == frames.images[k]                 # the same picture, byte for byte
    assert frames.readouts[k] == live.readout.value
    assert f"a = {frames.value_texts[k]}" in frames.alts[k]
    webp = render_frames(live, fmt="webp")                             # what the site ships: lossy, same picture
    got = np.asarray(Image.open(io.BytesIO(webp.images[k])).convert("RGB"), dtype=float)
    want = np.asarray(Image.open(io.BytesIO(frames.images[k])).convert("RGB"), dtype=float)
    assert got.shape == want.shape and np.sqrt(np.mean((got - want) ** 2)) < 6.0
    with pytest.raises(ValueError, match="webp"):
        encode(frames.images[0], "gif")


# ----------------------------------------------------------------------------- pages, from a small notebook
@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    import nbformat

    folder = tmp_path_factory.mktemp("nb")
    cells = [
        nbformat.v4.new_markdown_cell("# Lecture 9 — Tiny: a test page\n\n**Learning objectives.** After it you can\n"
                                      "1. read $x^2$;\n\n**Prerequisites:** none. **Estimated time:** 5 minutes."),
        nbformat.v4.new_markdown_cell("## 1. A plot\n\nSee [the index](00_start_here.ipynb)."),
        nbformat.v4.new_code_cell("import numpy as np, matplotlib.pyplot as plt\n"
                                  "fig, ax = plt.subplots(); ax.plot([1, 2, 3], [3, 2, 1], label='down'); ax.set_title('Falling')"),
        nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(6 * 7)"),
        nbformat.v4.new_code_cell("from tqdm.auto import tqdm\nfor _ in tqdm(range(3), desc='working', leave=False):\n    pass"),
        nbformat.v4.new_code_cell(
            "from course_utils.core import widgets as w\n"
            "def setup(ax, a=1.0):\n    (l,) = ax.plot([0, 1], [0, a]); ax.set_ylim(-2, 2); return l\n"
            "def update(l, a=1.0):\n    l.set_ydata([0, a]); return f'slope {a:.1f}'\n"
            "w.LiveFigure(update, {'a': w.float_slider(1.0, -2.0, 2.0, 0.5, description='slope')}, setup=setup, figsize=(3, 2))"),
        nbformat.v4.new_code_cell("from course_utils.core.exercises import Exercise, compare_value\n"
                                  "EX = Exercise('t', 'six times seven?', lambda a: compare_value(a, 42), 'It is **42**.')\nEX.reveal()"),
    ]
    path = folder / "09_tiny.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    executed = site.execute_for_site(path, max_frames=10)
    index = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Start here\n\n[Lecture 9](09_tiny.ipynb)")])
    out = folder / "site"
    written = site.build_site(out, executed={"09_tiny": executed, "00_start_here": json.loads(nbformat.writes(index))},
                              progress=False)
    return executed, out, written


def test_the_kernel_hooks_record_alt_text_frames_and_solutions(tiny):
    executed, _, _ = tiny
    outputs = [o for c in executed["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    alts = [o["metadata"]["image/png"]["alt"] for o in outputs if "image/png" in o.get("data", {})]
    assert any('Line plot "Falling"' in a and "Line down: falls from 3 to 1" in a for a in alts)
    frames = [o["data"][site_kernel.FRAMES_MIME] for o in outputs if site_kernel.FRAMES_MIME in o.get("data", {})]
    assert len(frames) == 1 and frames[0]["value_texts"] == ["-2.00", "-1.50", "-1.00", "-0.50", "0.00", "0.50",
                                                             "1.00", "1.50", "2.00"]
    assert frames[0]["readouts"][frames[0]["default_index"]] == "slope 1.0"
    solutions = [o["data"][site_kernel.SOLUTION_MIME] for o in outputs if site_kernel.SOLUTION_MIME in o.get("data", {})]
    assert solutions and "It is **42**." in solutions[0]["markdown"]
    assert not any(c.get("metadata", {}).get("site_setup") for c in executed["cells"])
    bar = next(c for c in executed["cells"] if "tqdm(range(3)" in "".join(c["source"]))
    assert not any(site_pages.WIDGET_VIEW in o.get("data", {}) for o in bar["outputs"])     # the finished bar is dropped


def test_pages_have_navigation_contents_math_links_sliders_and_solutions(tiny):
    _, out, written = tiny
    page = written["09_tiny"].read_text(encoding="utf-8")
    home = written["00_start_here"].read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "<title>Lecture 9 — Tiny: a test page" in page
    assert "<math" in page and 'alttext="x^2"' in page                      # MathML, offline
    assert "href='index.html'" in page and "rel='prev'" in page            # navigation and pager
    assert "class='toc'" in page and "#1-a-plot" in page                   # table of contents
    assert 'href="index.html"' in page                                     # notebook links point to pages
    assert "NBVAL" not in page and ">42\n<" in page.replace("</pre>", "<")
    assert "type='range'" in page and "aria-valuetext='slope = 1.00'" in page
    assert "<details class='solution'><summary>Show solution</summary>" in page and "<strong>42</strong>" in page
    assert site_pages.WIDGET_NOTE not in page      # every widget here works on the page (the tqdm bar is dropped)
    assert not any(s in page for s in ("<script src=\"http", "<link rel=\"stylesheet\" href=\"http", "cdn."))
    frames = sorted((out / "09_tiny").glob("live-1-*.webp"))
    assert len(frames) == 9
    assert "09_tiny.html" in home and "Estimated time:</strong> 5 minutes" in home
    assert site.page_bytes(out, "09_tiny") < site.PAGE_BUDGET_BYTES
