"""Build, execute and check lecture notebooks (maintainer tooling, not used by students).

Lecture notebooks are written cell by cell with :func:`md` and :func:`code`, which force
slide metadata onto every cell, then saved with :func:`write_notebook` and executed in a
fresh kernel with :func:`execute_notebook` (restart + run all + save, as nbval expects)::

    cells = [md("# Lecture 9 — ...", slide="slide"), code("import numpy as np", slide="skip")]
    write_notebook(cells, "notebooks/09_new.ipynb")
    execute_notebook("notebooks/09_new.ipynb")

Slide types: ``slide`` (new screen), ``subslide`` (reached with the down arrow),
``fragment`` (revealed step by step), ``-`` (stacks under the previous cell; stored as
``null``, which jupyterlab-slideshow needs), ``skip``, ``notes``.
"""
from __future__ import annotations

from pathlib import Path

SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")


def _cell_metadata(slide: str, tags: list[str] | None) -> dict:
    if slide not in SLIDE_TYPES:
        raise ValueError(f"slide must be one of {SLIDE_TYPES}, got {slide!r}")
    # "-" (stack under the previous cell) is stored as null: jupyterlab-slideshow never shows
    # a cell whose slide_type is the string "-"; null means the same to RISE and nbconvert.
    meta: dict = {"slideshow": {"slide_type": None if slide == "-" else slide}}
    if tags:
        meta["tags"] = list(tags)
    return meta


def md(text: str, slide: str = "-", tags: list[str] | None = None):
    """A markdown cell with slide metadata (``text`` is dedented and stripped)."""
    import textwrap

    import nbformat

    return nbformat.v4.new_markdown_cell(textwrap.dedent(text).strip("\n"), metadata=_cell_metadata(slide, tags))


def code(source: str, slide: str = "-", tags: list[str] | None = None):
    """A code cell with slide metadata (``source`` is dedented and stripped)."""
    import textwrap

    import nbformat

    return nbformat.v4.new_code_cell(textwrap.dedent(source).strip("\n"), metadata=_cell_metadata(slide, tags))


def write_notebook(cells: list, path: str | Path) -> Path:
    """Write ``cells`` as a notebook with the course's kernel and slideshow settings."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "rise": {"theme": "white", "scroll": True},
    }
    path = Path(path)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return path


def execute_notebook(path: str | Path, timeout: int = 600) -> Path:
    """Execute a notebook top to bottom in a fresh kernel (cwd = its folder) and save it in place."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, path)
    return path
