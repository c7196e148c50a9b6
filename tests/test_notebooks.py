"""The stored notebooks have the shape of a lecture (the nbval run checks their numbers)."""
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
ALL = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
LECTURES = [p for p in ALL if not p.name.startswith("00_")]
SLIDE_TYPES = {"slide", "subslide", "fragment", None, "skip", "notes"}  # None = stack under (not "-")
MAX_BYTES = 1024 * 1024  # each picture stored once (no widget state): make execute keeps lectures under 1 MB
MAX_DEF_LINES = 12  # notebooks stay thin: longer helpers belong in course_utils


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def test_there_is_an_index_and_lectures():
    assert (NOTEBOOKS / "00_start_here.ipynb").exists()
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", p.name) for p in ALL)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_front_matter(path):
    cells = load(path)["cells"]
    first = source(cells[0])
    assert cells[0]["cell_type"] == "markdown" and first.startswith("# "), "first cell must be a '# Title' markdown cell"
    front = (first + source(cells[1])).lower() if len(cells) > 1 else first.lower()
    for word in ("objectives", "prerequisites", "estimated time"):
        assert word in front, f"the first cells must state the {word}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_executed_in_order_without_errors(path):
    nb = load(path)
    counts = [c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1)), "restart the kernel, run all, save (make execute)"
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", f"cell {i} stores an error: {out.get('ename')}"
            if out.get("name") == "stderr":
                assert "Warning" not in "".join(out.get("text", "")), f"cell {i} prints a warning"
    assert path.stat().st_size < MAX_BYTES, (
        f"{path.name} is larger than 1 MB: rebuild it with make execute (no widget state, one copy of each "
        "picture), then shrink the largest stored figures")


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_each_picture_is_stored_once(path):
    """No widget state and no widget views: a LiveFigure's picture is stored once, as its static image/png."""
    nb = load(path)
    assert "widgets" not in nb["metadata"], "widget state is stored (a second copy of every picture): make execute"
    views = [i for i, c in enumerate(nb["cells"]) for o in c.get("outputs", [])
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert not views, f"cells {views} store a widget view (drawable only with a kernel): make execute"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_every_cell_is_a_slide_part(path):
    cells = load(path)["cells"]
    assert all("slide_type" in c.get("metadata", {}).get("slideshow", {}) for c in cells), \
        "every cell needs metadata.slideshow.slide_type"
    types = [c["metadata"]["slideshow"]["slide_type"] for c in cells]
    assert all(t in SLIDE_TYPES for t in types), 'slide types: slide, subslide, fragment, skip, notes or null ("-" hides the cell in jupyterlab-slideshow)'
    assert types[0] == "slide"
    assert types.count("slide") >= 3


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_thin_deterministic_offline_code(path):
    for i, cell in enumerate(load(path)["cells"]):
        if cell["cell_type"] != "code":
            continue
        src = source(cell)
        assert "sys.path" not in src, f"cell {i}: import course_utils, never edit sys.path"
        assert not re.search(r"np\.random\.seed|random\.seed\(", src), f"cell {i}: pass an explicit rng instead of global seeding"
        assert not re.search(r"rcParams\[", src), f"cell {i}: use course_utils.core.plotting.use_course_style()"
        assert not re.search(r"urlopen|requests\.get|pip install|fetch_openml", src), f"cell {i}: no network at run time"
        lines = src.splitlines()
        for j, line in enumerate(lines):
            if line.startswith("def "):
                body = 1
                while j + body < len(lines) and (lines[j + body].startswith((" ", "\t")) or not lines[j + body].strip()):
                    body += 1
                assert body <= MAX_DEF_LINES, f"cell {i}: a {body}-line helper belongs in course_utils"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_key_numbers_are_checked_by_nbval(path):
    checked = [c for c in load(path)["cells"] if c["cell_type"] == "code" and source(c).startswith("# NBVAL_CHECK_OUTPUT")]
    assert len(checked) >= (1 if path.name.startswith("00_") else 5)
    for cell in checked:
        assert cell.get("outputs"), "an NBVAL_CHECK_OUTPUT cell needs a stored output"
        kinds = {o["output_type"] for o in cell["outputs"]}
        assert kinds <= {"stream", "execute_result"}, "checked cells print text only (no figures or widgets)"


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.stem)
def test_lecture_ends_with_summary_exercises_references(path):
    cells = load(path)["cells"]
    markdown = "\n".join(source(c) for c in cells if c["cell_type"] == "markdown").lower()
    for heading in ("summary", "exercise", "references"):
        assert re.search(rf"^#+ .*{heading}", markdown, re.MULTILINE), f"a '{heading}' heading is missing"
    code = "\n".join(source(c) for c in cells if c["cell_type"] == "code")
    assert len(re.findall(r"\bcheck_\w+\(", code)) >= 3, "at least three exercises with check_*()"
    assert len(re.findall(r"\.reveal\(\)", code)) >= 3, "every exercise has a solution to reveal"
    assert "import course_utils" in code or "from course_utils" in code
    assert "live_figure" in code or "_widget(" in code, "a lecture has sliders"


def test_index_links_every_lecture():
    text = "\n".join(source(c) for c in load(NOTEBOOKS / "00_start_here.ipynb")["cells"])
    links = set(re.findall(r"\]\((\d\d_[a-z0-9_]+\.ipynb)\)", text))
    missing = {p.name for p in LECTURES} - links
    dangling = links - {p.name for p in ALL}
    assert not missing, f"00_start_here does not link {sorted(missing)}"
    assert not dangling, f"00_start_here links notebooks that do not exist: {sorted(dangling)}"
