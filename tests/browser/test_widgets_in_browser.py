"""Every slider of every notebook, moved in a real JupyterLab in Chromium.

Parametrised over ``notebooks/*.ipynb``: a new lecture needs no new code. For each notebook:
open it, clear the stored outputs, Run All, wait until every code cell has a number and the
kernel is idle; then move EVERY slider by keyboard (ArrowRight on its handle; ArrowLeft at the
maximum) and the first one also by mouse drag, each time waiting until its output (the
LiveFigure's image or readout, or the nearest output) changes. Asserts: no error output, no
"Loading widget" / "Error displaying widget", no new plots stacked in the cell, no request
leaving the machine. Saves one whole-notebook screenshot into tests/browser/screenshots/.
"""
from __future__ import annotations

import time
import warnings

import labdriver as ld
import pytest

MAX_FAILED_MOVES = 3  # stop early: each failure costs a timeout


def _move_and_check(page, index: int, how: str) -> tuple[str | None, str | None]:
    """Move handle ``index`` (up to 4 steps until its output changes).

    Returns (problem, note): a problem fails the test; a note (the kernel redrew, but this slider
    has no visible effect in the current state of the other controls) is reported as a warning.
    """
    info = ld.handle_info(page, index)
    where = f"slider {index} ({info['label'] or 'no label'}, cell {info['cell']}, value {info['now']})"
    images = ld.image_count(page, index)
    model_id = ld.live_model_id(page, index)
    updates_before = None
    for attempt in range(4):  # more steps if one did not change the picture (rounding, inactive option)
        before = ld.snapshot(page, index)
        since = ld.now_ms(page)
        result = None
        # A drag can miss its handle when JupyterLab re-lays out the notebook between measuring
        # and pressing: measure again and drag once more before calling it a problem.
        for retry in range(2 if how == "drag" and attempt == 0 else 1):
            if how == "drag" and attempt == 0:
                ld.move_by_drag(page, index, ld.handle_info(page, index) if retry else info)
            else:
                ld.move_by_key(page, index, info)
            try:
                result = ld.wait_change_or_quiet(page, index, before, since)
                break
            except Exception:
                continue
        if result is None:
            return f"{where}: moved by {how}, but neither its output changed nor the kernel answered", None
        if result == "changed" or ld.snapshot(page, index) != before:
            break
        if updates_before is None and model_id:  # count the kernel's redraws from here on
            updates_before = ld.live_update_counts(page).get(model_id, 0)
        info = ld.handle_info(page, index)
    else:
        if model_id and ld.live_update_counts(page).get(model_id, 0) >= (updates_before or 0) + 3:
            return None, f"{where}: the kernel redrew on each of 4 moves but the picture and readout stayed the same"
        return f"{where}: moved by {how} 4 times, but its output never changed (no redraw in the kernel)", None
    ld.wait_kernel_quiet(page)
    after = ld.image_count(page, index)
    if after != images:
        return f"{where}: {images} plot(s) in the cell before the move by {how}, {after} after (stacked figures?)", None
    return None, None


@pytest.mark.parametrize("name", ld.notebook_names())
def test_every_slider_updates_its_output(name, lab, lab_page, screenshot_dir):
    page = lab_page
    t = [time.perf_counter()]
    ld.open_notebook(page, lab, name)
    t.append(time.perf_counter())
    try:
        ld.run_all(page)
        t.append(time.perf_counter())
        errors = ld.error_outputs(page)
        assert not errors, f"{name}: error output after Run All:\n" + "\n---\n".join(errors)
        n = ld.slider_handles(page)
        problems: list[str] = []
        notes: list[str] = []
        moved = 0
        for i in range(n):
            info = ld.handle_info(page, i)
            if info["disabled"]:
                continue
            problem, note = _move_and_check(page, i, "keyboard")
            moved += problem is None
            if note:
                notes.append(note)
            if problem:
                problems.append(problem)
                if len(problems) >= MAX_FAILED_MOVES:
                    break
        if n and not problems:
            # at least one slider per notebook by mouse drag: the first slider of a LiveFigure if any
            live = [i for i in range(n) if ld.handle_info(page, i)["live"]]
            problem, note = _move_and_check(page, (live or [0])[0], "drag")
            if note:
                notes.append(note)
            if problem:
                problems.append(problem)
        ld.wait_kernel_quiet(page)
        t.append(time.perf_counter())
        ld.screenshot_notebook(page, screenshot_dir / f"{name.removesuffix('.ipynb')}.png")
        errors = ld.error_outputs(page)
        for note in notes:
            warnings.warn(f"{name}: {note} (a step too small to matter here, or an option that is off: disable the slider while it has no effect?)", UserWarning)
        assert not problems, f"{name}: {len(problems)} slider problem(s):\n" + "\n".join(problems)
        assert not errors, f"{name}: error output after moving sliders:\n" + "\n---\n".join(errors)
        stacked = ld.stacked_plots(page)
        assert not stacked, f"{name}: output areas {stacked} show a plot stacked below their live figure"
        assert not page.console_errors, f"{name}: JavaScript errors in the page: {page.console_errors[:5]}"
        assert not page.blocked, f"{name}: the page tried to reach other hosts: {page.blocked[:10]}"
        t.append(time.perf_counter())
        secs = "/".join(f"{b - a:.1f}" for a, b in zip(t, t[1:]))
        print(f"{name}: {moved}/{n} sliders moved by keyboard, one by drag (open/run all/moves/screenshot s: {secs})")
    finally:
        lab.delete_sessions(name)
