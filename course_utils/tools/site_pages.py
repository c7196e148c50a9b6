"""One executed notebook as the HTML of one site page (:mod:`course_utils.tools.site` lays it out).

Markdown with its LaTeX as MathML, highlighted code, printed outputs, figures with their text
alternative, each live figure's slider over its pre-rendered frames, and solution disclosures.
"""
from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from course_utils.tools import mathml
from course_utils.tools.site_kernel import FRAMES_MIME, SOLUTION_MIME

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LIVE_NOTE = ("This figure moves without a kernel: its slider shows pictures computed when the site was built "
             "(keyboard: Tab to the slider, then the arrow keys).")
OTHER_CONTROLS_NOTE = "The other controls ({names}) need JupyterLab (<code>make lab</code>)."
WIDGET_NOTE = "Interactive widget: it needs a running kernel. Run the notebook in JupyterLab (<code>make lab</code>) to use it."


@dataclass
class Page:
    """One page of the site."""

    stem: str
    title: str
    filename: str
    nb: dict
    objectives: str = ""
    time: str = ""
    assets: dict[str, bytes] = field(default_factory=dict)   # relative path -> bytes

    @property
    def short_title(self) -> str:
        title = re.sub(r"^Lecture\s+\d+\s*[—–-]\s*", "", self.title)
        return title.split(":")[0].strip()


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def notebook_title(nb: dict, fallback: str) -> str:
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            m = re.search(r"^#\s+(.+?)\s*$", _text(cell["source"]), re.M)
            if m:
                return m.group(1)
    return fallback


def front_matter(nb: dict) -> tuple[str, str]:
    """(learning objectives as markdown, estimated time) from a lecture's first cells."""
    text = "\n".join(_text(c["source"]) for c in nb["cells"][:2] if c["cell_type"] == "markdown")
    obj = re.search(r"\*\*Learning objectives\.?\*\*.*?(?=\n\s*\n\*\*|\n\*\*Prereq|\Z)", text, re.S | re.I)
    time = re.search(r"\*\*Estimated time[.:]?\*\*[.:]?\s*([^\n]+)", text, re.I)
    return (obj.group(0).strip() if obj else ""), (time.group(1).strip() if time else "")


def markdown_renderer():
    """The markdown parser of every page: CommonMark with raw HTML, tables and heading anchors (``id``)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin

    return MarkdownIt("commonmark", {"html": True}).enable("table").use(anchors_plugin, min_level=1, max_level=4)


def render_markdown(source: str, md=None) -> str:
    """Markdown with its LaTeX as MathML (:mod:`course_utils.tools.mathml`)."""
    import nbformat

    cell = nbformat.v4.new_markdown_cell(source)
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb, formulas = mathml.math_placeholders(nb)
    body = (md or markdown_renderer()).render(nb.cells[0].source)
    return re.sub(r"HANDOUTMATH\d+X", lambda m: formulas.get(m.group(0), m.group(0)), body)


def highlight_python(code: str) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    return highlight(code, PythonLexer(), HtmlFormatter(nowrap=True))


_CHECK_MARK = re.compile(r"^# NBVAL_\w+[^\n]*\n?", re.M)


def _figure(src: str, alt: str, *, caption: str = "", css: str = "figure") -> str:
    alt = alt or "A figure of the lecture."
    desc = (f"<details class='describe'><summary>Describe this figure</summary><p>{html.escape(alt)}</p></details>")
    cap = f"<figcaption>{caption}</figcaption>" if caption else ""
    return (f"<figure class='{css}'><img src='{html.escape(src)}' alt='{html.escape(alt, quote=True)}' loading='lazy'>"
            f"{cap}{desc}</figure>")


class PageRenderer:
    """Turns one executed notebook into the HTML of its page (and the files it links to)."""

    def __init__(self, page: Page):
        self.page = page
        self.md = markdown_renderer()
        self.n_images = 0
        self.n_live = 0

    def asset(self, name: str, data: bytes) -> str:
        rel = f"{self.page.stem}/{name}"
        self.page.assets[rel] = data
        return rel

    def image(self, b64: str, alt: str, ext: str = "png") -> str:
        self.n_images += 1
        return _figure(self.asset(f"figure-{self.n_images:02d}.{ext}", base64.b64decode(b64)), alt)

    def live(self, frames: dict, static_alt: str) -> str:
        self.n_live += 1
        wid = f"live-{self.n_live}"
        srcs = [self.asset(f"{wid}-{i:02d}.{frames['format']}", base64.b64decode(b)) for i, b in enumerate(frames["images"])]
        i0 = frames["default_index"]
        data = {"srcs": srcs, "alts": frames["alts"], "readouts": frames["readouts"], "values": frames["value_texts"]}
        others = frames.get("other_controls") or []
        note = LIVE_NOTE + (" " + OTHER_CONTROLS_NOTE.format(names=", ".join(html.escape(o) for o in others)) if others else "")
        label = html.escape(frames["label"])
        payload = json.dumps(data).replace("</", "<\\/")
        return (
            f"<figure class='live' id='{wid}' data-live='{wid}'>"
            f"<div class='live-controls'><label for='{wid}-slider'>{label}</label>"
            f"<input type='range' id='{wid}-slider' min='0' max='{len(srcs) - 1}' step='1' value='{i0}' "
            f"aria-valuetext='{label} = {html.escape(frames['value_texts'][i0])}' aria-describedby='{wid}-note'>"
            f"<output id='{wid}-value' for='{wid}-slider'>{html.escape(frames['value_texts'][i0])}</output></div>"
            f"<div class='live-readout' id='{wid}-readout' aria-live='polite'>{frames['readouts'][i0]}</div>"
            f"<img id='{wid}-img' src='{html.escape(srcs[i0])}' alt='{html.escape(frames['alts'][i0], quote=True)}'>"
            f"<figcaption id='{wid}-note'>{note}</figcaption>"
            f"<details class='describe'><summary>Describe this figure</summary><p id='{wid}-desc'>"
            f"{html.escape(frames['alts'][i0])}</p></details>"
            f"<script type='application/json' id='{wid}-data'>{payload}</script>"
            "</figure>")

    def outputs(self, cell: dict) -> str:
        outs = cell.get("outputs", [])
        frames = {o["data"][FRAMES_MIME]["model_id"]: o["data"][FRAMES_MIME] for o in outs
                  if FRAMES_MIME in o.get("data", {})}
        solutions = {o["data"][SOLUTION_MIME]["model_id"]: o["data"][SOLUTION_MIME]["markdown"] for o in outs
                     if SOLUTION_MIME in o.get("data", {})}
        parts = []
        stream: list[str] = []

        def flush():
            if stream:
                parts.append(f"<pre class='output'>{html.escape(''.join(stream))}</pre>")
                stream.clear()

        for out in outs:
            kind = out.get("output_type")
            if kind == "stream":
                if out.get("name") == "stderr":
                    continue   # progress bars and warnings: not lecture content
                stream.append(_text(out.get("text")))
                continue
            if kind not in ("display_data", "execute_result"):
                continue
            data = out.get("data", {})
            if FRAMES_MIME in data or SOLUTION_MIME in data:
                continue
            flush()
            meta = out.get("metadata", {})
            alt = (meta.get("image/png") or {}).get("alt", "")
            if WIDGET_VIEW in data:
                model_id = data[WIDGET_VIEW].get("model_id")
                if model_id in frames:
                    parts.append(self.live(frames[model_id], alt))
                elif model_id in solutions:
                    parts.append("<details class='solution'><summary>Show solution</summary>"
                                 f"{render_markdown(solutions[model_id], self.md)}</details>")
                elif "image/png" in data:
                    parts.append(self.image(data["image/png"], alt))
                    parts.append(f"<p class='note'>{WIDGET_NOTE}</p>")
                else:
                    parts.append(f"<p class='note'>{WIDGET_NOTE}</p>")
            elif "image/png" in data:
                parts.append(self.image(data["image/png"], alt))
            elif "image/svg+xml" in data:
                self.n_images += 1
                parts.append(_figure(self.asset(f"figure-{self.n_images:02d}.svg", _text(data["image/svg+xml"]).encode()), alt))
            elif "text/markdown" in data:
                parts.append(f"<div class='md-output'>{render_markdown(_text(data['text/markdown']), self.md)}</div>")
            elif "text/html" in data:
                parts.append(f"<div class='html-output'>{_text(data['text/html'])}</div>")
            elif "text/plain" in data:
                parts.append(f"<pre class='output'>{html.escape(_text(data['text/plain']))}</pre>")
        flush()
        return "".join(parts)

    def cell(self, cell: dict) -> str:
        if cell["cell_type"] == "markdown":
            return f"<section class='md'>{render_markdown(_text(cell['source']), self.md)}</section>"
        if cell["cell_type"] != "code":
            return ""
        code = _CHECK_MARK.sub("", _text(cell["source"])).strip("\n")
        parts = []
        if code.strip():
            parts.append(f"<pre class='code'><code class='language-python'>{highlight_python(code)}</code></pre>")
        parts.append(self.outputs(cell))
        return f"<div class='cell'>{''.join(parts)}</div>"

    def body(self) -> str:
        return "\n".join(self.cell(c) for c in self.page.nb["cells"])
