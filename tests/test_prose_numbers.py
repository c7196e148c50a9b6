"""The prose quotes numbers that checked cells print, so one change cannot leave the text behind.

Every result-like number in a notebook's markdown (a decimal such as ``87.5`` or ``0.266``, or a
count with thousands separators such as ``33,839``) must appear in the stored output of a cell that
nbval checks (first line ``# NBVAL_CHECK_OUTPUT``). nbval then fails when a computation moves the
number, and this test fails when the prose is not updated with it.

Not counted: fenced code blocks (listings; a benchmark table on our machine is a measurement, not
a result the lecture computes live), the references section (volumes, chapters, arXiv ids), and
the literature or parameter values listed in ``tests/prose_allowed/<stem>.json``, each with
the reason it cannot be printed
by the lecture's own computation.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHECK = "# NBVAL_CHECK_OUTPUT"
#: A decimal (87.5) or a count with thousands separators (33,839), not part of a word, a version
#: ("3.11.7"), an arXiv id, an exponent or a subscript.
NUMBER = re.compile(r"(?<![\w.,^{_\\/-])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\w.^}]|,\d)")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
REFERENCES = re.compile(r"^#+\s*(?:\d+\.\s*)?References\b", re.I)

#: Numbers the prose may quote without a checked cell printing them: one file per notebook,
#: ``tests/prose_allowed/<notebook stem>.json`` = {number: why it cannot be printed by the lecture}.
ALLOWED_DIR = Path(__file__).parent / "prose_allowed"


def allowed_numbers(stem: str) -> dict[str, str]:
    path = ALLOWED_DIR / f"{stem}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def checked_output_text(nb: dict) -> str:
    """All text that the checked cells of ``nb`` print (stdout and text/plain results)."""
    parts = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or not _text(cell["source"]).startswith(CHECK):
            continue
        for out in cell.get("outputs", []):
            if "text" in out:
                parts.append(_text(out["text"]))
            parts += [_text(v) for k, v in out.get("data", {}).items() if k.startswith("text/")]
    return "\n".join(parts)


def prose_numbers(nb: dict) -> list[tuple[int, str]]:
    """``(cell index, number)`` for every result-like number in the markdown cells, fences removed."""
    found = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown" and not REFERENCES.match(_text(cell["source"])):
            found += [(i, m.group(1)) for m in NUMBER.finditer(FENCE.sub("", _text(cell["source"])))]
    return found


def test_the_number_pattern():
    text = "PP 87.5, V = 1,716 words, 33,839 tokens; Python 3.11.7, e^{-0.5}, x_1.5, (3, 4), 2016, 1.5e-3."
    assert [m.group(1) for m in NUMBER.finditer(text)] == ["87.5", "1,716", "33,839"]
    nb = {"cells": [{"cell_type": "markdown", "source": "## References\nHastie et al., ch. 3.4"},
                    {"cell_type": "markdown", "source": "PP is 87.5\n```\ntime 12.5 ms\n```"}]}
    assert prose_numbers(nb) == [(1, "87.5")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_prose_numbers_are_printed_by_checked_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    printed = checked_output_text(nb)
    allowed = allowed_numbers(path.stem)
    missing = [(i, n) for i, n in prose_numbers(nb) if n not in allowed and n not in printed]
    assert not missing, (
        f"{path.name}: the prose quotes numbers that no `{CHECK}` cell prints (cell index, number): {missing}. "
        "Print them in a checked cell next to the claim, or quote what a checked cell prints.")
    stale = sorted(set(allowed) - {n for _, n in prose_numbers(nb)})
    assert not stale, f"{path.name}: tests/prose_allowed/{path.stem}.json lists numbers the prose no longer quotes: {stale}"
