"""Each notebook is built from its text source: ``notebooks/NN_name.md`` (MyST markdown, jupytext)
is what people edit and review, ``NN_name.ipynb`` is generated from it by ``make execute``.

Fails when the two disagree on any cell (type, source, metadata such as the slide type and tags):
edit the .md and run ``python -m course_utils.tools.notebook_tools notebooks/NN_name.md``, or,
after editing the notebook in JupyterLab without jupytext, ``jupytext --sync notebooks/NN_name.ipynb``.
"""
import difflib
import json
from pathlib import Path

import pytest

from course_utils.tools import notebook_tools as nt

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
IPYNB = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
TEXTS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.md"))


def test_every_notebook_has_a_text_source_and_back():
    assert IPYNB, "no notebooks found"
    assert {p.stem for p in IPYNB} == {p.stem for p in TEXTS}, (
        f"unpaired: notebooks without .md {sorted({p.stem for p in IPYNB} - {p.stem for p in TEXTS})}, "
        f"sources without .ipynb {sorted({p.stem for p in TEXTS} - {p.stem for p in IPYNB})} "
        "(python -m course_utils.tools.notebook_tools --pair NB.ipynb / make execute)")


def _describe(cells):
    return [f"[{i}] {kind} {json.dumps(meta, sort_keys=True)}\n{src}\n" for i, (kind, src, meta) in enumerate(cells)]


@pytest.mark.parametrize("path", IPYNB, ids=lambda p: p.stem)
def test_notebook_cells_equal_its_text_source(path):
    source = nt.text_path(path)
    if not source.exists():
        pytest.fail(f"{source.name} is missing: python -m course_utils.tools.notebook_tools --pair {path.name}")
    stored = nt.cell_inputs(json.loads(path.read_text(encoding="utf-8")))
    text = nt.cell_inputs(nt.read_text(source))
    if stored != text:
        diff = "".join(difflib.unified_diff(_describe(text), _describe(stored), f"{source.name} (cells)",
                                            f"{path.name} (cells)", n=1))
        pytest.fail(f"{path.name} is out of sync with {source.name}: run "
                    f"`python -m course_utils.tools.notebook_tools notebooks/{source.name}`\n{diff[:4000]}")


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_text_source_is_paired_myst(path):
    meta = nt.read_text(path).metadata.get("jupytext", {})
    assert meta.get("text_representation", {}).get("format_name") == "myst", f"{path.name}: not MyST markdown"
    assert meta.get("formats") == nt.PAIRING["formats"], f"{path.name}: the header must say formats: {nt.PAIRING['formats']}"


def test_the_check_sees_a_changed_cell():
    """The comparison is not vacuous: a changed sentence, slide type or tag is a difference."""
    nb = nt.read_text(TEXTS[0])
    base = nt.cell_inputs(nb)
    for change in (lambda c: c.update(source=c["source"] + " changed"),
                   lambda c: c["metadata"]["slideshow"].update(slide_type="fragment" if c["metadata"]["slideshow"]["slide_type"] != "fragment" else "slide"),
                   lambda c: c["metadata"].update(tags=["raises-exception"])):
        other = json.loads(json.dumps(nb))
        change(other["cells"][0])
        assert nt.cell_inputs(other) != base


def test_myst_keeps_slide_types_and_tags_exactly():
    import jupytext
    import nbformat

    nb = nbformat.v4.new_notebook(metadata={"jupytext": dict(nt.PAIRING), "rise": {"theme": "white"}})
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title\n\ntext", metadata={"slideshow": {"slide_type": "slide"}}),
        nbformat.v4.new_markdown_cell("more", metadata={"slideshow": {"slide_type": None}, "tags": ["a", "b"]}),
        nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(1)", metadata={"slideshow": {"slide_type": "fragment"}}),
        nbformat.v4.new_code_cell("1 / 0", metadata={"slideshow": {"slide_type": "skip"}, "tags": ["raises-exception"]}),
    ]
    back = jupytext.reads(jupytext.writes(nb, nt.TEXT_FORMAT), nt.TEXT_FORMAT)
    assert nt.cell_inputs(back) == nt.cell_inputs(nb)
    assert back.metadata["rise"] == {"theme": "white"}


def test_widget_outputs_keep_one_static_picture():
    import nbformat

    view = {nt.WIDGET_VIEW: {"model_id": "fig", "version_major": 2, "version_minor": 0}}
    bar = {nt.WIDGET_VIEW: {"model_id": "box", "version_major": 2, "version_minor": 0}}
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {nt.WIDGET_STATE: {"state": {
        "box": {"model_name": "HBoxModel", "state": {"children": ["IPY_MODEL_bar"]}},
        "bar": {"model_name": "FloatProgressModel", "state": {}},
        "fig": {"model_name": "VBoxModel", "state": {"children": []}}}}}
    nb.cells = [nbformat.v4.new_code_cell("live", outputs=[
        nbformat.v4.new_output("display_data", data={**bar, "text/plain": "0%|"}),
        nbformat.v4.new_output("execute_result", data={**view, "image/png": png, "text/plain": "VBox()"}, execution_count=1),
    ])]
    nt.static_widget_outputs(nb)
    assert "widgets" not in nb.metadata
    (out,) = nb.cells[0].outputs  # the finished progress bar is gone
    assert set(out["data"]) == {"image/png", "text/plain"}
    assert out["metadata"]["course_utils"][nt.STATIC_WIDGET] is True
