"""Every notebook as a live slideshow (jupyterlab-slideshow) with no network.

For each notebook: open it, Run All, start the deck (command ``deck:start``, the same as the
toolbar's "Toggle Deck" / palette "Start Deck"), check that the first slide shows the title,
walk the deck with Space (every slide, sub-slide and fragment in order) until a slide shows
math (MathJax's ``mjx-container``) and a slide shows a slider; move that slider with
ArrowRight on its handle and check its plot updates while the deck stays on the same slide.
Every request to a host other than 127.0.0.1 is aborted and recorded: there must be none.
"""
from __future__ import annotations

import json
import re

import labdriver as ld
import pytest

ON_SLIDE = ".jp-Notebook .jp-Cell.jp-deck-mod-onscreen.jp-deck-mod-visible"


def _notebook_facts(name: str) -> dict:
    nb = json.loads((ld.NOTEBOOKS / name).read_text(encoding="utf-8"))
    markdown = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    title = next((m.group(1).strip() for text in markdown for m in [re.search(r"^#\s+(.+)$", text, re.M)] if m), "")
    has_math = any(re.search(r"\$[^$\n]+\$", text) for text in markdown)
    has_widgets = any(o.get("data", {}).get("application/vnd.jupyter.widget-view+json")
                      for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", []))
    return {"title": title, "has_math": has_math, "has_widgets": has_widgets, "cells": len(nb["cells"])}


def _move_slider_on_slide(page, name: str, screenshot_dir) -> None:
    """Move the first slider on the current slide (a LiveFigure's if any); its plot must update
    while the deck stays on the same slide, without stacking plots."""
    n = ld.slider_handles(page, ON_SLIDE)
    assert n > 0, f"{name}: the deck reported a slider on this slide, but none is visible"
    index = next((i for i in range(n) if ld.handle_info(page, i)["live"]), 0)
    slide = ld.deck_state(page)["onscreen"]
    before, images = ld.snapshot(page, index), ld.image_count(page, index)
    for attempt in range(3):  # a step can leave the picture unchanged (rounding): take up to 3
        since = ld.now_ms(page)
        ld.move_by_key(page, index)
        if ld.wait_change_or_quiet(page, index, before, since) == "changed" or ld.snapshot(page, index) != before:
            break
    else:
        raise AssertionError(f"{name}: 3 moves of the slider on the slide did not change its plot")
    ld.wait_kernel_quiet(page)
    after = ld.deck_state(page)
    assert page.locator(".jp-Deck").count() > 0, f"{name}: moving the slider left the deck"
    assert after["onscreen"] == slide and after["sliders"] > 0, f"{name}: moving the slider changed the slide"
    assert ld.image_count(page, index) == images, f"{name}: moving the slider on a slide stacked a plot"
    page.screenshot(path=str(screenshot_dir / f"{name.removesuffix('.ipynb')}-slide.png"))
    # back to command mode on the slide, so the deck keys work again
    page.evaluate("() => { const w = window.__bt.notebook(); w.content.mode = 'command'; w.content.activeCell.node.focus(); }")


@pytest.mark.parametrize("name", ld.notebook_names())
def test_deck_shows_slides_math_and_live_sliders(name, lab, lab_page, screenshot_dir):
    page = lab_page
    facts = _notebook_facts(name)
    ld.open_notebook(page, lab, name)
    try:
        ld.run_all(page)
        ld.start_deck(page)
        first = ld.deck_state(page)
        assert first["shown"] > 0 and first["text"].strip(), f"{name}: the first slide is empty"
        if facts["title"]:
            # MathJax turns $...$ in the title into symbols: compare the text before any math
            plain = facts["title"].split("$")[0].strip()[:30]
            assert plain in first["text"], f"{name}: first slide does not show the title {plain!r}: {first['text'][:200]!r}"

        sliders = ld.slider_handles(page)  # how many sliders the notebook has
        math_seen, slider_moved = first["math"] > 0, False
        state, steps = first, 0
        while True:
            if state["math"]:
                math_seen = True
            if state["sliders"] and not slider_moved:
                _move_slider_on_slide(page, name, screenshot_dir)
                slider_moved = True
            if (math_seen or not facts["has_math"]) and (slider_moved or not sliders):
                break
            if steps > facts["cells"] + 5 or not ld.deck_step(page, "Space"):
                break
            steps += 1
            state = ld.deck_state(page)
            assert state["shown"] > 0, f"{name}: step {steps} of the deck shows nothing (active cell {state['active']})"
        if facts["has_math"]:
            assert math_seen, f"{name}: no rendered math (mjx-container) on any of {steps + 1} deck steps"
        if sliders:
            assert slider_moved, (
                f"{name}: the notebook has {sliders} slider(s) but none appeared on any of {steps + 1} deck steps. "
                "jupyterlab-slideshow 0.3.4 knows the slide types slide/subslide/fragment/notes/skip and an UNSET "
                "type (stack under the previous cell); a cell whose slide_type is '-' is never shown: write "
                "\"slide_type\": null for cells that stack under the previous one.")
        errors = ld.error_outputs(page)
        assert not errors, f"{name}: error output in the deck:\n" + "\n---\n".join(errors)
        assert not page.blocked, f"{name}: the deck tried to reach other hosts (all aborted): {page.blocked[:10]}"
        print(f"{name}: deck ok after {steps + 1} step(s); math {'yes' if math_seen else 'none in notebook'}; "
              f"slider on a slide {'moved' if sliders else '(no sliders)'}")
    finally:
        try:
            ld.command(page, "deck:stop")
        except Exception:
            pass
        lab.delete_sessions(name)
        lab.reset_user_settings()
