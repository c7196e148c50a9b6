"""LaTeX in markdown becomes MathML, code stays code (``course_utils.tools.mathml``, used by the site).
(The browser side, offline rendering of every page, is tests/browser/test_site_in_browser.py.)"""
import nbformat

from course_utils.tools import mathml as handouts
from course_utils.tools.site_pages import render_markdown


def markdown_notebook(text: str):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])


def test_formulas_become_mathml_with_their_source_and_code_is_left_alone():
    text = ("Perplexity $\\mathrm{PP} = 2^{H}$ and `$HOME` in code, then\n\n"
            "$$\\frac{1}{N}\\sum_i x_i$$\n\n```bash\necho $PATH $x$\n```\n")
    nb, mathml = handouts.math_placeholders(markdown_notebook(text))
    assert len(mathml) == 2
    inline, block = mathml.values()
    assert 'display="inline"' in inline and 'alttext="\\mathrm{PP} = 2^{H}"' in inline and "<msup>" in inline
    assert 'display="block"' in block and "<mfrac>" in block
    source = nb.cells[0].source
    assert "`$HOME`" in source and "echo $PATH $x$" in source          # code spans and fences untouched
    assert "$" not in source.replace("`$HOME`", "").split("```")[0]      # prose formulas replaced


def test_a_formula_the_converter_cannot_handle_stays_as_latex():
    assert handouts.latex_to_mathml("\\begin{aligned} x &= 1 \\end{aligned}") is None   # bare & from the converter
    nb, mathml = handouts.math_placeholders(markdown_notebook("keep $\\begin{aligned} x &= 1 \\end{aligned}$ as is"))
    assert mathml == {} and "$\\begin{aligned} x &= 1 \\end{aligned}$" in nb.cells[0].source


def test_html_has_mathml_and_no_placeholder_left():
    html = render_markdown("# Title\n\nEntropy $H = -\\sum_i p_i \\log_2 p_i$.")
    assert "<math " in html and "HANDOUTMATH" not in html and "<mi>p</mi>" in html
