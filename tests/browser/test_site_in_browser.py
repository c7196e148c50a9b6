"""The static site (``make site``) in Chromium: offline, accessible (axe-core, WCAG 2.1 A/AA), sliders that move.

The site is built once per test run with the same command as ``make site`` (into a temporary folder;
``COURSE_SITE_DIR`` names an already built site to test instead). Every page is opened from ``file://``
with every request that is not a local file aborted and counted (there must be none). axe-core
(pinned: the copy inside ``axe-playwright-python``, requirements-browser.txt) runs the WCAG 2.1 A and AA
rules on every page: zero violations. Every live figure's slider is driven from the keyboard and must
change the picture, its text alternative and the readout. Screenshots of a lecture page and of its print
preview go to tests/browser/screenshots/.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import labdriver as ld
import pytest

from course_utils.tools import site as site_tool

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = Path(__file__).parent / "screenshots"
LECTURES = [p.stem for p in sorted(ld.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))]


def _axe_script() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    given = os.environ.get("COURSE_SITE_DIR")
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("site") / "site"
    # the command of `make site`, as a user runs it
    subprocess.run([sys.executable, "-m", "course_utils.tools.site", "--out", str(out)], check=True,
                   cwd=ld.NOTEBOOKS.parent)
    return out


def _page_file(site: Path, stem: str) -> Path:
    return site / ("index.html" if stem == site_tool.HOME_PAGE else f"{stem}.html")


@pytest.fixture()
def open_page(chromium):
    contexts, blocked = [], []

    def opener(path: Path, *, media: str = "screen"):
        context = chromium.new_context(viewport={"width": 1280, "height": 720})
        contexts.append(context)

        def only_files(route):
            if route.request.url.startswith(("file:", "data:", "blob:")):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", only_files)
        page = context.new_page()
        page.emulate_media(media=media)
        page.goto(path.as_uri(), wait_until="load", timeout=60_000)
        page.wait_for_function("() => [...document.images].filter(i => i.loading !== 'lazy').every(i => i.complete)",
                               timeout=30_000)
        return page

    yield opener, blocked
    for context in contexts:
        context.close()


def test_every_page_is_there_and_within_the_size_budget(site):
    for stem in LECTURES:
        assert _page_file(site, stem).exists(), f"no page for {stem}"
        size = site_tool.page_bytes(site, stem)
        assert size < site_tool.PAGE_BUDGET_BYTES, f"{stem}: {size / 1e6:.1f} MB with its frames (budget 10 MB)"
    total = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    assert total < site_tool.SITE_BUDGET_BYTES, f"the site is {total / 1e6:.1f} MB (budget 40 MB)"


@pytest.mark.parametrize("stem", LECTURES)
def test_page_is_offline_and_has_zero_axe_violations(stem, site, open_page):
    opener, blocked = open_page
    page = opener(_page_file(site, stem))
    page.evaluate(_axe_script())
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    problems = [f"{v['id']} ({v['impact']}, {len(v['nodes'])} elements, e.g. {v['nodes'][0]['html'][:120]})"
                for v in result["violations"]]
    assert not problems, f"{stem}: axe-core WCAG 2.1 A/AA violations: {problems}"
    facts = page.evaluate("""() => ({
        lang: document.documentElement.lang,
        headings: [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')].map(h => +h.tagName[1]),
        alts: [...document.querySelectorAll('main img')].map(i => i.getAttribute('alt') || ''),
        nav: [...document.querySelectorAll('.site-nav a')].map(a => a.getAttribute('href')),
        pager: [...document.querySelectorAll('.pager a')].map(a => a.getAttribute('rel')),
        unlabelled: [...document.querySelectorAll('input, select, button')].filter(e => !e.labels?.length && !e.getAttribute('aria-label')).length,
    })""")
    assert facts["lang"] == "en"
    levels = facts["headings"]
    assert levels and levels[0] == 1, f"{stem}: the page must start with its h1, got {levels[:3]}"
    jumps = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert not jumps, f"{stem}: heading levels skip ({jumps[:5]})"
    assert all(len(a) > 20 and "No description" not in a for a in facts["alts"]), (
        f"{stem}: a picture without a real text alternative")
    assert len(facts["nav"]) == len(LECTURES), f"{stem}: the navigation bar lists {facts['nav']}"
    assert facts["pager"], f"{stem}: no previous/next link"
    assert facts["unlabelled"] == 0, f"{stem}: {facts['unlabelled']} controls without a label"
    assert not blocked, f"{stem}: requests to other hosts: {blocked[:5]}"


@pytest.mark.parametrize("stem", [s for s in LECTURES if s != site_tool.HOME_PAGE])
def test_every_slider_moves_from_the_keyboard(stem, site, open_page):
    opener, blocked = open_page
    page = opener(_page_file(site, stem))
    ids = page.evaluate("() => [...document.querySelectorAll('[data-live]')].map(f => f.id)")
    notebook = (ld.NOTEBOOKS / f"{stem}.ipynb").read_text(encoding="utf-8")
    assert ids or "live-figure" not in notebook, f"{stem}: the notebook has live figures but the page has no slider"
    for wid in ids:
        slider = page.locator(f"#{wid}-slider")
        slider.focus()
        state = f"""() => ({{src: document.getElementById('{wid}-img').getAttribute('src'),
            alt: document.getElementById('{wid}-img').alt, value: document.getElementById('{wid}-value').textContent,
            readout: document.getElementById('{wid}-readout').innerHTML,
            valuetext: document.getElementById('{wid}-slider').getAttribute('aria-valuetext'),
            at: +document.getElementById('{wid}-slider').value, max: +document.getElementById('{wid}-slider').max}})"""
        before = page.evaluate(state)
        page.keyboard.press("ArrowLeft" if before["at"] == before["max"] else "ArrowRight")
        after = page.evaluate(state)
        assert after["at"] != before["at"], f"{stem} {wid}: the arrow key did not move the slider"
        assert after["src"] != before["src"], f"{stem} {wid}: the picture did not change"
        assert after["value"] != before["value"] and after["valuetext"] != before["valuetext"]
        page.wait_for_function(f"() => document.getElementById('{wid}-img').complete "
                               f"&& document.getElementById('{wid}-img').naturalWidth > 0", timeout=10_000)
        page.keyboard.press("Home")
        assert page.evaluate(state)["at"] == 0
    assert not blocked, f"{stem}: requests to other hosts: {blocked[:5]}"


def test_screenshots_of_a_lecture_page_and_its_print_preview(site, open_page):
    opener, _ = open_page
    stem = next(s for s in LECTURES if s != site_tool.HOME_PAGE)
    SCREENSHOTS.mkdir(exist_ok=True)
    page = opener(_page_file(site, stem))
    page.screenshot(path=str(SCREENSHOTS / f"site_{stem}.png"))
    printed = opener(_page_file(site, stem), media="print")
    hidden = printed.evaluate("""() => ['.site-header', '.toc', 'footer'].map(s => {
        const e = document.querySelector(s); return !e || getComputedStyle(e).display === 'none'; })""")
    assert all(hidden), "the print style must hide the navigation, the contents and the footer"
    printed.pdf(path=str(SCREENSHOTS / f"site_{stem}_print.pdf"))
    assert re.search(r"break-inside:\s*avoid", (site / "assets" / "site.css").read_text(encoding="utf-8"))
