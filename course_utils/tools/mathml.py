"""LaTeX in markdown as MathML, which browsers draw themselves: no MathJax, no script, no network.

:func:`math_placeholders` swaps each ``$...$`` / ``$$...$$`` of a notebook's markdown for an inert
placeholder and returns the MathML of each (``latex2mathml``); the site puts the MathML back after the
markdown is rendered. An expression the converter cannot handle stays as its LaTeX source. The LaTeX
of every formula is kept in its ``alttext`` (screen readers, copy and paste).
"""
from __future__ import annotations

import copy
import re

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
