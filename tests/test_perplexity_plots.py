"""Lecture 3: widgets swept over their sliders, figures, exercises."""
import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from course_utils import perplexity as E
from course_utils import perplexity as P
from course_utils.core.widgets import sweep_values, sweep_widget
from course_utils.perplexity import (
    NGramModel,
    compute_die,
    compute_underflow,
    fit_model,
    load_python_docs,
    sequence_perplexity,
)
from course_utils.perplexity import figures as perplexity_figures


def test_die_widget_sweeps_and_shows_infinity():
    live = P.die_widget()
    settings = sweep_widget(live)
    assert not [r for r in settings.readouts if "Cannot draw this setting" in r]
    assert any(s["p_six"] == 0.0 for s in settings) and any(s["n_rolls"] == 1 for s in settings)
    # a die with a zero-probability six on a test set full of sixes: PP = ∞, shown, no error
    text = live.render(p_six=0.0, six_share=1.0, n_rolls=1)
    assert "∞" in text
    text = live.render(p_six=1.0, six_share=0.0, n_rolls=60)
    assert "∞" in text
    assert "3.86" in live.render(p_six=7 / 12, six_share=7 / 12, n_rolls=12)
    assert len(live.fig.axes) == 1  # never adds axes


def test_branching_widget_sweeps():
    live = P.branching_widget()
    settings = sweep_widget(live)
    assert not [r for r in settings.readouts if "Cannot draw this setting" in r]
    assert "6.00" in live.render(k=6, skew=0.0)
    assert "1.00" in live.render(k=1, skew=3.0)
    assert len(live.fig.axes) == 1


def test_add_k_widget_sweeps_over_n_and_k():
    live = P.add_k_widget()
    ks = sweep_values(live.controls["k"])
    assert ks[0] == pytest.approx(1e-9) and ks[-1] == pytest.approx(10.0)  # exercise 4's regime is reachable
    settings = sweep_widget(live)
    assert not [r for r in settings.readouts if "Cannot draw this setting" in r]
    for n in (1, 2, 3):
        for k in ks:
            text = live.render(n=n, k=k)
            numbers = [float(x) for x in text.replace("<b>", " ").replace("</b>", " ").split() if _is_number(x)]
            assert all(math.isfinite(x) for x in numbers)
    assert len(live.fig.axes) == 1


def _is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def test_add_k_widget_on_a_user_corpus(tmp_path):
    from course_utils.perplexity import load_text_file

    path = tmp_path / "tiny.txt"
    path.write_text(" ".join(f"The cat number {i} sat on mat {i % 3}." for i in range(30)), encoding="utf-8")
    settings = sweep_widget(P.add_k_widget(load_text_file(path)), n=3)
    assert not [r for r in settings.readouts if "Cannot draw this setting" in r]


def test_compute_functions_behind_widgets_are_finite():
    for p_six in np.linspace(0.01, 0.99, 7):
        r = compute_die(p_six=float(p_six), six_share=0.5, n_rolls=30)
        assert np.isfinite(r.perplexity)


def test_figures_build():
    assert set(perplexity_figures.FIGURES) == {"03_die_perplexity", "03_branching_factor", "03_ngram_perplexity",
                              "03_perplexity_vs_vocabulary"}
    for name, factory in perplexity_figures.FIGURES.items():
        assert name.startswith("03_")
        fig = factory()
        assert isinstance(fig, Figure) and fig.axes


def test_draw_functions_accept_ax_none():
    import matplotlib.pyplot as plt

    ax = P.draw_die(compute_die())
    assert ax.get_title().startswith("perplexity")
    p = np.full(500, 0.02)
    P.draw_underflow(compute_underflow(p, [10, 100, 300, 500]))
    plt.close("all")


# --------------------------------------------------------------------------- exercises
def test_exercise_constants_follow_from_the_library():
    assert E.UNFAIR_DIE_PP == pytest.approx(sequence_perplexity([.1, .1, .1, .1, .1, .5], [5] * 5 + [0, 1, 2, 3, 4]))
    assert E.BITS_PP == pytest.approx(170.1, abs=0.1)
    sents = [["h", "w"]] * 3 + [["h", f"x{i}"] for i in range(37)]
    model = NGramModel(2, k=1.0).fit(sents)
    # c(h) = 40 and c(h w) = 3 as in the question; V differs, so compare the formula
    assert model.prob("w", ["h"]) == pytest.approx((3 + 1) / (40 + model.vocab_size))
    # the exercise's V is the lecture corpus's vocabulary (training words seen at least twice + </s>, <unk>)
    assert E.ADD_ONE_V == fit_model(load_python_docs(), 2, "add-k").vocab_size
    assert E.ADD_ONE_P == pytest.approx(4 / (40 + E.ADD_ONE_V))


@pytest.mark.parametrize("check, right, wrong, hint", [
    (E.check_unfair_die, E.UNFAIR_DIE_PP, 6.0, "geometric"),
    (E.check_unfair_die, E.UNFAIR_DIE_PP, 1 / E.UNFAIR_DIE_PP, "inverse"),
    (E.check_bits, E.BITS_PP, math.exp(E.BITS), "2^H"),
    (E.check_bits, E.BITS_PP, E.BITS, "cross-entropy itself"),
    (E.check_add_one, E.ADD_ONE_P, 3 / 40, "maximum-likelihood"),
    (E.check_add_one, E.ADD_ONE_P, 4 / 41, "+ V"),
    (E.check_unsmoothed, "infinite", "finite", "probability 0"),
    (E.check_vocabulary, "cannot tell", "A", "smaller vocabulary"),
])
def test_checkers_accept_the_solution_and_explain_a_wrong_answer(check, right, wrong, hint, capsys):
    assert check(right) is True
    assert "Correct" in capsys.readouterr().out
    assert check(wrong) is False
    assert hint in capsys.readouterr().out
    assert check(None) is False
    assert check("not a number" if not isinstance(right, str) else 3.0) is False


def test_mle_exercise_claim_holds_on_the_corpus():
    corpus = load_python_docs()
    assert NGramModel(2, min_count=2).fit(corpus.train).unseen_fraction(corpus.test) > 0.25


def test_the_notebook_states_each_exercise_as_the_module_does():
    """The numbers of a question (V, c(h), the bits …) live in course_utils.perplexity.exercises; the notebook's
    markdown must repeat the question verbatim, so changing a number there cannot leave the notebook behind."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "notebooks" / "03_perplexity_branching_factor.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    for i, ex in enumerate(E.EXERCISES, start=1):
        assert f"**Exercise {i}.** {ex.question}" in markdown, f"exercise {i} ({ex.key}) differs from the module"


def test_every_exercise_has_a_solution():
    assert len(E.EXERCISES) >= 3
    for ex in E.EXERCISES:
        assert ex.solution and ex.question and ex.solution_markdown().startswith("**Solution")
