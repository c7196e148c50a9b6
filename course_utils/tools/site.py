"""The course as a static, offline, accessible web site: ``python -m course_utils.tools.site`` (``make site``).

Writes ``build/site/``: ``index.html`` (the course, its lectures with their objectives and times, how to
run it, and the index notebook's content), one page per lecture with a table of contents, a navigation
bar and previous/next links, and a print style sheet (*Print → PDF* gives a clean handout).

Each notebook is executed once, in memory, in a fresh kernel prepared by
:mod:`course_utils.tools.site_kernel`: every figure gets a text alternative (its ``alt`` and a
"Describe this figure" caption), every live figure's main slider is rendered at each of its positions
(at most 40) by the widget's own update and drawing code, and every solution button is recorded. The
page's slider swaps those pictures and readouts with no kernel (keyboard and mouse); the other
controls need JupyterLab, and the page says so. Solutions open with a disclosure button.

One notebook becomes one page's HTML in :mod:`course_utils.tools.site_pages`; this module executes
the notebooks, lays the pages out (navigation, contents, previous/next, the home page) and writes them.

Offline: no script, style sheet, font or image is fetched from another host; math is MathML (from
:mod:`course_utils.tools.mathml`); pictures and frames are files next to the page (relative links,
so ``file://`` and any static web server work).
"""
from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from course_utils.tools.site_assets import SITE_CSS, SITE_JS
from course_utils.tools.site_pages import (
    Page,
    PageRenderer,
    front_matter,
    markdown_renderer,
    notebook_title,
    render_markdown,
)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_NOTEBOOKS = REPO / "notebooks"
DEFAULT_OUT = REPO / "build" / "site"
SITE_TITLE = "Interactive machine-learning lectures"
#: size budgets of the issue: a lecture page with its pictures and frames, and the whole site
PAGE_BUDGET_BYTES = 10_000_000
SITE_BUDGET_BYTES = 40_000_000
HOME_PAGE = "00_start_here"



# ----------------------------------------------------------------------------- execution
def execute_for_site(path: str | Path, max_frames: int = 40, timeout: int = 900) -> dict:
    """Execute a notebook in memory with the site's kernel hooks; returns the executed notebook (a dict)."""
    import nbformat
    from nbclient import NotebookClient

    from course_utils.tools.notebook_tools import drop_progress_bars

    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    setup = nbformat.v4.new_code_cell(
        f"from course_utils.tools.site_kernel import install as _site_install\n_site_install(max_frames={int(max_frames)})")
    setup.metadata["site_setup"] = True
    nb.cells.insert(0, setup)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nb.cells = [c for c in nb.cells if not c.metadata.get("site_setup")]
    drop_progress_bars(nb)   # a finished tqdm bar is not a widget the reader could use
    nb.metadata.pop("widgets", None)
    return json.loads(nbformat.writes(nb))


_NOTEBOOK_LINK = re.compile(r"""href=(["'])(?:\./|notebooks/)?(\d\d_[a-z0-9_]+)\.(?:ipynb|md)(#[^"']*)?\1""")


def site_links(body: str) -> str:
    """Links to a notebook (``01_x.ipynb``) point to its page (``01_x.html``; the index notebook: ``index.html``)."""
    def swap(m: re.Match) -> str:
        target = "index.html" if m.group(2) == HOME_PAGE else f"{m.group(2)}.html"
        return f"href={m.group(1)}{target}{m.group(3) or ''}{m.group(1)}"

    return _NOTEBOOK_LINK.sub(swap, body)


def table_of_contents(body: str) -> str:
    """A nested list of the page's ``h2`` headings (with their ids)."""
    items = re.findall(r"<h2 id=[\"']([^\"']+)[\"']>(.*?)</h2>", body, re.S)
    if not items:
        return ""
    links = "".join(f"<li><a href='#{html.escape(i)}'>{t}</a></li>" for i, t in items)
    return f"<nav class='toc' aria-label='Contents of this page'><h2 class='toc-title'>Contents</h2><ol>{links}</ol></nav>"


def layout(page: Page, pages: list[Page], body: str, *, toc: str = "") -> str:
    """The whole HTML document of one page: skip link, navigation, content, previous/next."""
    nav = "".join(
        f"<li><a href='{p.filename}'{' aria-current=page' if p is page else ''}>"
        f"{'Home' if p.stem == HOME_PAGE else html.escape(p.short_title)}</a></li>" for p in pages)
    i = pages.index(page)
    prev_link = (f"<a rel='prev' href='{pages[i - 1].filename}'>← {html.escape(pages[i - 1].short_title if pages[i - 1].stem != HOME_PAGE else 'Home')}</a>"
                 if i > 0 else "<span></span>")
    next_link = (f"<a rel='next' href='{pages[i + 1].filename}'>{html.escape(pages[i + 1].short_title)} →</a>"
                 if i + 1 < len(pages) else "<span></span>")
    title = SITE_TITLE if page.stem == HOME_PAGE else f"{page.title} · {SITE_TITLE}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="assets/site.css">
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header class="site-header"><p class="site-name"><a href="index.html">{html.escape(SITE_TITLE)}</a></p>
<nav class="site-nav" aria-label="Lectures"><ul>{nav}</ul></nav></header>
<div class="page">
{toc}
<main id="content">
{body}
</main>
</div>
<footer><nav class="pager" aria-label="Previous and next page">{prev_link}{next_link}</nav>
<p class="built">Built from the executed notebooks; numbers and pictures as computed at build time.</p></footer>
<script src="assets/site.js"></script>
</body>
</html>
"""


def home_extra(pages: list[Page]) -> str:
    """The home page's own part: the lectures with their objectives and times, and how to run the course."""
    md = markdown_renderer()
    cards = []
    for p in pages:
        if p.stem == HOME_PAGE:
            continue
        objectives = render_markdown(p.objectives, md) if p.objectives else ""
        time = f"<p><strong>Estimated time:</strong> {html.escape(p.time)}</p>" if p.time else ""
        cards.append(f"<li class='card'><h3><a href='{p.filename}'>{html.escape(p.title)}</a></h3>{time}{objectives}</li>")
    run = render_markdown(
        "Everything on this site is computed by the notebooks. To run them, move every control and do the "
        "exercises with their checks, you need Python 3.11–3.13 and `make`:\n\n"
        "```bash\nmake lab     # creates .venv, installs the pinned requirements, opens JupyterLab\n"
        "make test    # every test: unit tests, notebooks under nbval, figures, browser\n"
        "make site    # this site, into build/site/\n```\n\n"
        "Without `make`: `python -m venv .venv`, then `.venv/bin/python -m pip install -r requirements.txt` "
        "and `.venv/bin/jupyter lab notebooks/00_start_here.ipynb`. On this site the text, code, printed results, "
        "figures and each live figure's main slider work without Python; the other controls and the exercise "
        "checks need JupyterLab.", md)
    return (f"<section class='lectures'><h2 id='lectures'>Lectures</h2><ol class='cards'>{''.join(cards)}</ol></section>"
            f"<section class='run'><h2 id='run-it-yourself'>Run it yourself</h2>{run}</section>")


def build_site(out_dir: str | Path = DEFAULT_OUT, notebooks: list[str | Path] | None = None, *,
               max_frames: int = 40, jobs: int = 2, progress: bool = True,
               executed: dict[str, dict] | None = None) -> dict[str, Path]:
    """Build the site into ``out_dir``; returns ``{page stem: html path}``.

    ``executed`` (``{stem: notebook dict}``) brings notebooks executed already (by :func:`execute_for_site`;
    tests pass a small one): they are not executed again, and with ``notebooks`` unset only they are
    built. The folder is replaced as a whole.
    """
    from tqdm.auto import tqdm

    if notebooks:
        paths = [Path(p) for p in notebooks]
    else:   # every notebook, unless the caller brought executed ones
        paths = [] if executed else sorted(DEFAULT_NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if not paths and not executed:
        raise FileNotFoundError(f"no notebooks in {DEFAULT_NOTEBOOKS}")
    executed = dict(executed or {})
    todo = [p for p in paths if p.stem not in executed]
    if todo:
        with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo)))) as pool:
            futures = {pool.submit(execute_for_site, p, max_frames): p for p in todo}
            bar = tqdm(total=len(todo), desc="executing notebooks for the site", disable=not progress)
            for fut, p in futures.items():
                executed[p.stem] = fut.result()
                bar.update(1)
            bar.close()
    stems = sorted(executed)
    pages = []
    for stem in stems:
        nb = executed[stem]
        objectives, time = front_matter(nb)
        pages.append(Page(stem=stem, title=notebook_title(nb, stem), nb=nb, objectives=objectives, time=time,
                          filename="index.html" if stem == HOME_PAGE else f"{stem}.html"))
    pages.sort(key=lambda p: (p.stem != HOME_PAGE, p.stem))
    out = Path(out_dir)
    if out.exists():
        shutil.rmtree(out)
    (out / "assets").mkdir(parents=True)
    (out / "assets" / "site.css").write_text(SITE_CSS, encoding="utf-8")
    (out / "assets" / "site.js").write_text(SITE_JS, encoding="utf-8")
    written = {}
    for page in pages:
        body = site_links(PageRenderer(page).body())
        if page.stem == HOME_PAGE:
            body += home_extra(pages)
        html_text = layout(page, pages, body, toc=table_of_contents(body))
        target = out / page.filename
        target.write_text(html_text, encoding="utf-8")
        for rel, data in page.assets.items():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_bytes(data)
        written[page.stem] = target
    return written


def page_bytes(site: Path, stem: str) -> int:
    """Bytes of one page with its own folder (pictures and frames)."""
    html_file = site / ("index.html" if stem == HOME_PAGE else f"{stem}.html")
    folder = site / stem
    return html_file.stat().st_size + sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) if folder.exists() \
        else html_file.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.tools.site", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks (default: notebooks/NN_*.ipynb)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="output folder (default: build/site)")
    parser.add_argument("--frames", type=int, default=40, help="at most this many positions per slider (default 40)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at once (default 2)")
    args = parser.parse_args(argv)
    written = build_site(args.out, args.notebooks or None, max_frames=args.frames, jobs=args.jobs)
    site = Path(args.out)
    total = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    for stem, path in written.items():
        print(f"wrote {path.name:45s} {page_bytes(site, stem) / 1e6:5.1f} MB with its pictures")
    print(f"site: {site} ({total / 1e6:.1f} MB); open {site / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
