"""Build lecture notebooks from their text sources (maintainer tooling, not used by students).

Every notebook is a pair in ``notebooks/``: ``NN_name.md``, the source people edit and review
(MyST markdown, read and written by jupytext; each cell's slide type and tags sit in its
``+++ {...}`` line or its ``{code-cell}`` front matter), and ``NN_name.ipynb``, generated from it,
executed and committed (code hosts render it; nbval compares its stored outputs).
:func:`build_notebook` turns one into the other: text -> cells -> a fresh kernel runs every cell
(working directory ``notebooks/``) -> widget outputs reduced to their static picture -> save::

    python -m course_utils.tools.notebook_tools                      # every notebook (make execute)
    python -m course_utils.tools.notebook_tools notebooks/03_perplexity_branching_factor.md
    python -m course_utils.tools.notebook_tools --pair notebooks/09_new.ipynb   # write its .md

A new lecture: write ``notebooks/NN_name.md`` (copy a lecture's header and cell markers), or
draft it in JupyterLab and ``--pair`` it once; then build it. The pairing is recorded in the
header (``formats: ipynb,md:myst``), so JupyterLab with jupytext saves both files and
``jupytext --sync`` works too; ``tests/test_notebook_sources.py`` fails while the two differ.

Every cell needs ``slideshow.slide_type`` (checked before anything runs): ``slide`` (new screen),
``subslide`` (reached with the down arrow), ``fragment`` (revealed step by step), ``null``
(stacks under the previous cell: jupyterlab-slideshow never shows a cell whose type is the
string ``"-"``), ``skip``, ``notes``.

Each picture is stored once. A LiveFigure's output keeps its static ``image/png`` (the plot at the
sliders' defaults, shown by code hosts, by JupyterLab before the cell runs)
and its ``text/plain``; the widget view and the notebook's widget state (a second copy of every
picture, drawable only with a kernel) are not stored. Other widgets keep their ``text/plain``;
finished progress bars are dropped. Such outputs carry ``metadata.course_utils.static_widget``,
which marks a picture that stands for a widget. PNGs are recompressed losslessly.
"""
from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
TEXT_FORMAT = "md:myst"
TEXT_SUFFIX = ".md"
PAIRING = {"formats": f"ipynb,{TEXT_FORMAT}", "notebook_metadata_filter": "rise"}
SLIDE_TYPES = ("slide", "subslide", "fragment", None, "skip", "notes")  # None = stack under
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
STATIC_WIDGET = "static_widget"  # output metadata: {"course_utils": {"static_widget": true}}
PROGRESS_MODELS = {"FloatProgressModel", "IntProgressModel"}
# cell metadata that describes a run, not the lecture (jupytext keeps it out of the text too)
RUN_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled", "trusted", "autoscroll")


def text_path(path: str | Path) -> Path:
    """The text source paired with a notebook (``NN_name.ipynb`` -> ``NN_name.md``)."""
    return Path(path).with_suffix(TEXT_SUFFIX)


def notebook_path(path: str | Path) -> Path:
    """The notebook built from a text source (``NN_name.md`` -> ``NN_name.ipynb``)."""
    return Path(path).with_suffix(".ipynb")


def lecture_sources(folder: str | Path = NOTEBOOKS) -> list[Path]:
    """Every text source ``NN_*.md`` in ``folder``, in order."""
    return sorted(Path(folder).glob(f"[0-9][0-9]_*{TEXT_SUFFIX}"))


def read_text(path: str | Path):
    """The notebook (cells and metadata, no outputs) that a text source describes."""
    import jupytext

    return jupytext.read(Path(path), fmt=TEXT_FORMAT)


def cell_inputs(nb) -> list[tuple[str, str, dict]]:
    """What a text source fixes about each cell: (type, source, metadata without run records)."""
    return [(c["cell_type"], c["source"] if isinstance(c["source"], str) else "".join(c["source"]),
             {k: v for k, v in c.get("metadata", {}).items() if k not in RUN_METADATA})
            for c in nb["cells"]]


def check_slide_metadata(nb, name: str = "notebook") -> None:
    """Raise ValueError unless every cell has a valid ``metadata.slideshow.slide_type``."""
    for i, cell in enumerate(nb.cells):
        slideshow = cell.metadata.get("slideshow")
        if not isinstance(slideshow, dict) or "slide_type" not in slideshow:
            raise ValueError(f"{name}, cell {i} ({cell.source[:40]!r}): no slideshow.slide_type; "
                             f"give it one of {SLIDE_TYPES} (null = stack under the previous cell)")
        if slideshow["slide_type"] not in SLIDE_TYPES:
            raise ValueError(f"{name}, cell {i}: slide_type {slideshow['slide_type']!r} is not one of {SLIDE_TYPES}"
                             " (write null, not '-', to stack under the previous cell)")


def _stable_ids(nb) -> None:
    """Cell ids from each cell's content, so rebuilding an unchanged source changes no id."""
    seen: dict[str, int] = {}
    for cell in nb.cells:
        digest = hashlib.sha1(f"{cell.cell_type}\0{cell.source}".encode()).hexdigest()[:8]
        seen[digest] = seen.get(digest, 0) + 1
        cell["id"] = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"


def _is_progress_bar(state: dict, model_id: str, depth: int = 0) -> bool:
    """True when the widget ``model_id`` is (or contains) a progress bar, e.g. tqdm's."""
    model = state.get(model_id)
    if not model or depth > 5:
        return False
    if model.get("model_name") in PROGRESS_MODELS:
        return True
    children = model.get("state", {}).get("children") or []
    return any(_is_progress_bar(state, str(c).removeprefix("IPY_MODEL_"), depth + 1) for c in children)


def _recompress_png(b64: str) -> str:
    """The same pixels as a smaller PNG when Pillow finds one (lossless), else ``b64`` unchanged."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is pinned in requirements.txt
        return b64
    raw = base64.b64decode(b64)
    with Image.open(io.BytesIO(raw)) as image:
        kwargs = {"dpi": image.info["dpi"]} if "dpi" in image.info else {}
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True, **kwargs)
    smaller = out.getvalue()
    return base64.b64encode(smaller).decode("ascii") if len(smaller) < len(raw) else b64


def drop_progress_bars(nb) -> None:
    """Remove the outputs of an executed notebook that are progress bars (tqdm's widgets: no picture,
    a progress model in the stored widget state); needs ``store_widget_state``. Changes ``nb`` in place."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [out for out in cell.get("outputs", [])
                            if not (WIDGET_VIEW in out.get("data", {}) and "image/png" not in out["data"]
                                    and _is_progress_bar(state, out["data"][WIDGET_VIEW].get("model_id", "")))]


def static_widget_outputs(nb):
    """Store each picture once: drop the widget views and ``metadata.widgets`` of an executed
    notebook, keep each widget's static ``image/png`` / ``text/plain`` (marked as a widget picture),
    drop finished progress bars, recompress PNGs losslessly. Changes ``nb`` in place, returns it."""
    state = nb.metadata.pop("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_VIEW in data:
                view = data.pop(WIDGET_VIEW)
                if "image/png" not in data and _is_progress_bar(state, view.get("model_id", "")):
                    continue
                out.setdefault("metadata", {}).setdefault("course_utils", {})[STATIC_WIDGET] = True
            if isinstance(data.get("image/png"), str):
                data["image/png"] = _recompress_png(data["image/png"])
            outputs.append(out)
        cell.outputs = outputs
    return nb


def execute(nb, cwd: str | Path = NOTEBOOKS, timeout: int = 600):
    """Run every cell of ``nb`` in a fresh ``python3`` kernel whose working directory is ``cwd``.

    The widget state is recorded while running (nbclient 0.11.0 raises KeyError on Output widgets
    with ``store_widget_state=False``) and removed afterwards by :func:`static_widget_outputs`."""
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(Path(cwd))}}).execute()
    return nb


def build_notebook(source: str | Path, timeout: int = 600) -> Path:
    """Text source -> notebook -> executed in a fresh kernel (cwd = its folder) -> saved beside it
    as ``.ipynb`` with each picture stored once. Returns the notebook's path."""
    import jupytext

    source = Path(source).resolve()
    if source.suffix == ".ipynb":
        source = text_path(source)
    if not source.exists():
        raise FileNotFoundError(f"{source} does not exist (pair a notebook with --pair NOTEBOOK.ipynb first)")
    nb = read_text(source)
    check_slide_metadata(nb, source.name)
    nb.metadata.setdefault("jupytext", {}).update(PAIRING)
    _stable_ids(nb)
    execute(nb, source.parent, timeout)
    static_widget_outputs(nb)
    target = notebook_path(source)
    jupytext.write(nb, target, fmt="ipynb")
    return target


def execute_notebook(path: str | Path, timeout: int = 600) -> Path:
    """Rebuild a notebook from its paired text source (see :func:`build_notebook`)."""
    return build_notebook(text_path(path), timeout)


def pair(path: str | Path) -> Path:
    """Write the text source of a notebook (once, for a notebook drafted in JupyterLab)."""
    import jupytext
    import nbformat

    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    nb = copy.deepcopy(nb)
    nb.metadata.setdefault("jupytext", {}).update(PAIRING)
    target = text_path(path)
    jupytext.write(nb, target, fmt=TEXT_FORMAT)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.tools.notebook_tools",
                                     description="Build notebooks/NN_name.ipynb from notebooks/NN_name.md (execute, save).")
    parser.add_argument("sources", nargs="*", help="text sources (.md; a .ipynb means its .md); default: notebooks/NN_*.md")
    parser.add_argument("--pair", action="store_true", help="write the .md of each given .ipynb instead of building")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    args = parser.parse_args(argv)
    if args.pair:
        if not args.sources:
            parser.error("--pair needs the notebooks to pair")
        for p in args.sources:
            print("paired", pair(p).name)
        return 0
    sources = [Path(p) for p in args.sources] or lecture_sources()
    if not sources:
        parser.error(f"no text sources NN_*{TEXT_SUFFIX} in {NOTEBOOKS}")
    for src in sources:
        target = build_notebook(src, args.timeout)
        print(f"built {target.name} ({target.stat().st_size / 1e6:.2f} MB)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
