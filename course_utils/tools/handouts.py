"""Handouts: every lecture notebook as ONE self-contained HTML file, readable offline.

``python -m course_utils.tools.handouts`` (or ``make handouts``) writes ``build/handouts/<lecture>.html``
for every ``notebooks/*.ipynb``: text, code, printed results and every figure (embedded as
data: URIs), from the notebook's stored outputs (the notebooks are saved executed; a notebook
with unexecuted code cells, or every notebook with ``--execute``, is executed first in a fresh
kernel, in memory: the .ipynb files are never changed).

What works without a kernel: reading, code, printed numbers, figures. Interactive widgets
cannot recompute anything in a static page: a LiveFigure shows its picture at the sliders'
default values (its static ``image/png`` fallback) with a note; other widgets show a note. The stored
notebooks keep only that fallback (no widget view, no widget state: ``notebook_tools``), marked
``metadata.course_utils.static_widget`` in the output.
Math (``$...$`` and ``$$...$$`` in markdown) is converted to MathML when the handout is built
(``latex2mathml``), which browsers draw natively: no MathJax, no script, no network. An
expression the converter cannot handle stays as its LaTeX source. The LaTeX of every formula
is kept in its ``alttext`` (screen readers, copy and paste). No ``<script src=...>`` or
stylesheet is fetched from the network.
"""
from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
REPO = Path(__file__).resolve().parents[2]
DEFAULT_NOTEBOOKS = REPO / "notebooks"
DEFAULT_OUT = REPO / "build" / "handouts"

LIVE_NOTE = ("<p class='handout-note'><em>Interactive figure: shown here at its default settings. "
             "Run the notebook in JupyterLab (<code>make lab</code>) to move its sliders.</em></p>")
WIDGET_NOTE = ("<p class='handout-note'><em>Interactive widget: it needs a running kernel. "
               "Run the notebook in JupyterLab (<code>make lab</code>) to use it.</em></p>")
HANDOUT_CSS = """<style>
.handout-note { color: #555; font-size: 0.9em; margin: 0.2em 0 0.8em 0; }
.jp-OutputArea-output img { max-width: 100%; height: auto; }
math { font-size: 1.15em; font-family: "STIX Two Math", "Cambria Math", "Latin Modern Math", math; }
math[display="block"] { margin: 0.6em 0; }
</style>"""

# $$display$$ or $inline$ (not \$, not "$ 5 and $ 6" prices: no space inside the delimiters)
_MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?=\S)(.+?)(?<=\S)(?<!\\)\$(?!\d)", re.S)
# fenced code blocks and inline code spans: their dollars are not math
_CODE = re.compile(r"```.*?```|~~~.*?~~~|`[^`\n]*`", re.S)
# a bare "&" in converter output (an alignment the converter did not understand) is not valid HTML
_BARE_AMP = re.compile(r"&(?!#x?[0-9a-fA-F]+;|[a-zA-Z]+;)")


def latex_to_mathml(tex: str, display: bool = False) -> str | None:
    """MathML for one LaTeX formula (``alttext`` = the source), or None when it cannot be converted."""
    import html

    from latex2mathml.converter import convert

    try:
        mathml = convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - any converter failure: keep the LaTeX source
        return None
    if _BARE_AMP.search(mathml):
        return None
    return mathml.replace("<math ", f'<math alttext="{html.escape(tex.strip(), quote=True)}" ', 1)


def math_placeholders(nb) -> tuple[object, dict[str, str]]:
    """A copy of ``nb`` whose markdown math is replaced by inert placeholders, and the MathML for
    each placeholder (formulas that cannot be converted are left in the markdown as they are)."""
    nb = copy.deepcopy(nb)
    mathml: dict[str, str] = {}

    def swap(match: re.Match) -> str:
        display = match.group(1) is not None
        converted = latex_to_mathml(match.group(1) if display else match.group(2), display)
        if converted is None:
            return match.group(0)
        key = f"HANDOUTMATH{len(mathml)}X"
        mathml[key] = converted
        return key

    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        parts, last = [], 0
        for code in _CODE.finditer(cell.source):
            parts.append(_MATH.sub(swap, cell.source[last:code.start()]))
            parts.append(code.group(0))
            last = code.end()
        parts.append(_MATH.sub(swap, cell.source[last:]))
        cell.source = "".join(parts)
    return nb, mathml


def notebook_title(nb) -> str:
    """The first ``# heading`` of the notebook's markdown (or its file name when there is none)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+?)\s*$", cell.source, re.M)
            if match:
                return match.group(1)
    return nb.metadata.get("title", "Lecture")


def static_outputs(nb):
    """A copy of ``nb`` whose widget outputs are static: a widget with an ``image/png`` fallback
    (every LiveFigure) shows that image plus a note; any other widget becomes a note. The widget
    state is dropped from the metadata (nothing would render it offline)."""
    import nbformat

    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            # a widget as the kernel sent it (a view), or as make execute stores it (its static
            # image/png or text/plain, marked in the output's metadata by notebook_tools)
            stored_static = out.get("metadata", {}).get("course_utils", {}).get("static_widget")
            if out.get("output_type") in ("display_data", "execute_result") and (WIDGET_VIEW in data or stored_static):
                data.pop(WIDGET_VIEW, None)
                if "image/png" in data:
                    data.pop("text/plain", None)
                    outputs.append(out)
                    outputs.append(nbformat.v4.new_output("display_data", data={"text/html": LIVE_NOTE}))
                else:
                    outputs.append(nbformat.v4.new_output("display_data", data={"text/html": WIDGET_NOTE}))
            else:
                outputs.append(out)
        cell.outputs = outputs
    return nb


def needs_execution(nb) -> bool:
    """True when some non-empty code cell has never been executed."""
    return any(c.cell_type == "code" and c.source.strip() and c.get("execution_count") is None for c in nb.cells)


def execute(nb, path: Path, timeout: int = 600):
    """Run ``nb`` in a fresh kernel with the notebook's folder as working directory (in memory)."""
    from nbclient import NotebookClient

    nb = copy.deepcopy(nb)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*['\"]?(?:https?:)?//[^>]*>\s*</script>", re.I)
_REMOTE_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*['\"]?(?:https?:)?//[^>]*>", re.I)
_MATHJAX_CONFIG = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S | re.I)


def offline_html(html: str) -> str:
    """Remove every script and stylesheet the page would fetch from the network."""
    html = _MATHJAX_CONFIG.sub("", html)
    html = _REMOTE_SCRIPT.sub("", html)
    html = _REMOTE_LINK.sub("", html)
    return html.replace("</head>", HANDOUT_CSS + "\n</head>", 1)


def to_html(nb, title: str) -> str:
    """Self-contained HTML (lab template, images embedded) for an executed notebook."""
    from nbconvert import HTMLExporter

    nb, mathml = math_placeholders(static_outputs(nb))
    nb.metadata["title"] = title
    exporter = HTMLExporter(template_name="lab", embed_images=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    body = re.sub(r"HANDOUTMATH\d+X", lambda m: mathml.get(m.group(0), m.group(0)), body)
    return offline_html(body)


def build_handout(path: str | Path, out_dir: str | Path = DEFAULT_OUT, *, force_execute: bool = False) -> Path:
    """Write ``out_dir/<notebook stem>.html`` for one notebook and return its path."""
    import nbformat

    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    if force_execute or needs_execution(nb):
        nb = execute(nb, path)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{path.stem}.html"
    target.write_text(to_html(nb, notebook_title(nb)), encoding="utf-8")
    return target


def build_handouts(paths: list[str | Path] | None = None, out_dir: str | Path = DEFAULT_OUT, *,
                   force_execute: bool = False) -> list[Path]:
    """Handouts for ``paths`` (default: every notebook in notebooks/)."""
    paths = [Path(p) for p in paths] if paths else sorted(DEFAULT_NOTEBOOKS.glob("*.ipynb"))
    if not paths:
        raise FileNotFoundError(f"no notebooks to convert in {DEFAULT_NOTEBOOKS}")
    return [build_handout(p, out_dir, force_execute=force_execute) for p in paths]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.tools.handouts", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to convert (default: notebooks/*.ipynb)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="output folder (default: build/handouts)")
    parser.add_argument("--execute", action="store_true", help="re-execute every notebook first (in memory)")
    args = parser.parse_args(argv)
    for target in build_handouts(args.notebooks, args.out, force_execute=args.execute):
        size = target.stat().st_size / 1e6
        try:
            shown = target.relative_to(Path.cwd())
        except ValueError:
            shown = target
        print(f"wrote {shown} ({size:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
