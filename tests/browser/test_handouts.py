"""Handouts (``python -m course_utils.tools.handouts``) open offline in Chromium with text and figures.

Builds every notebook's handout into a temporary folder, opens each file:// page in Chromium
with every non-file request aborted (and recorded: there must be none), and checks the title,
that every figure of the notebook is there and decoded (naturalWidth > 0), that every formula
is drawn as MathML (no raw LaTeX left in the text), and that no widget was left for a kernel to draw.
"""
from __future__ import annotations

import json
import re

import labdriver as ld
import pytest

from course_utils.tools import handouts


def _expected(name: str) -> dict:
    nb = json.loads((ld.NOTEBOOKS / name).read_text(encoding="utf-8"))
    markdown = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    title = next((m.group(1).strip() for text in markdown for m in [re.search(r"^#\s+(.+?)\s*$", text, re.M)] if m), "")
    images = sum(1 for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
                 if "image/png" in o.get("data", {}) or "image/svg+xml" in o.get("data", {}))
    maths = [m.group(1) for text in markdown for m in re.finditer(r"\$\$?([^$]+?)\$\$?", text)]
    return {"title": title, "images": images, "math": maths}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("handouts")
    return {p.stem + ".ipynb": p for p in handouts.build_handouts(sorted(ld.NOTEBOOKS.glob("*.ipynb")), out)}


@pytest.mark.parametrize("name", ld.notebook_names())
def test_handout_reads_offline(name, built, chromium):
    expected = _expected(name)
    path = built[name]
    html = path.read_text(encoding="utf-8")
    assert not re.search(r"<script\b[^>]*\bsrc\s*=\s*['\"]?(https?:)?//", html, re.I), "a script would be fetched from the network"
    assert "application/vnd.jupyter.widget-view+json" not in html, "a widget view was left for a kernel to draw"
    blocked: list[str] = []
    context = chromium.new_context(viewport={"width": 1200, "height": 900})

    def only_files(route):
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    try:
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load", timeout=60_000)
        page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=30_000)
        facts = page.evaluate("""() => ({
            title: document.title, text: document.body.innerText,
            h1: [...document.querySelectorAll('h1')].map(h => h.innerText),
            images: [...document.querySelectorAll('.jp-OutputArea-output img')].map(i => [i.naturalWidth, i.naturalHeight]),
            math: [...document.querySelectorAll('math')].map(m => {
                const r = m.getBoundingClientRect();
                return [m.getAttribute('alttext'), r.width, r.height, m.constructor.name];
            }),
            prose: [...document.querySelectorAll('.jp-MarkdownOutput')].map(e => e.innerText).join(' '),
        })""")
        assert facts["title"] == expected["title"], f"title {facts['title']!r}, expected {expected['title']!r}"
        assert any(expected["title"] in h for h in facts["h1"]), f"no heading shows the title: {facts['h1']}"
        assert len(facts["images"]) >= expected["images"], (
            f"{len(facts['images'])} figures in the page, the notebook has {expected['images']} image outputs")
        broken = [i for i, (w, h) in enumerate(facts["images"]) if w == 0 or h == 0]
        assert not broken, f"figures {broken} did not decode"
        # every formula of the notebook is a MathML element the browser laid out (MathMLElement,
        # non-zero size), carrying its LaTeX source; no LaTeX is left as text in the prose
        drawn = [alt for alt, width, height, kind in facts["math"] if width > 0 and height > 0 and kind == "MathMLElement"]
        assert len(drawn) == len(facts["math"]) >= len(expected["math"]), (
            f"{len(drawn)} of {len(facts['math'])} formulas drawn, the notebook has {len(expected['math'])}")
        assert sorted(a.strip() for a in drawn) == sorted(t.strip() for t in expected["math"])
        leftover = re.findall(r"\$[^$\s][^$]*\\[a-zA-Z]+[^$]*\$", facts["prose"])
        assert not leftover, f"LaTeX left as text: {leftover[:3]}"
        assert not blocked, f"the handout tried to load from the network: {blocked[:10]}"
    finally:
        context.close()
