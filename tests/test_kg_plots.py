"""Lecture 4: drawings, widgets swept over their ranges, committed figures."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import kg
from course_utils.core.widgets import sweep_values, sweep_widget
from course_utils.kg import figures as kg_figures


def n_axes(live):
    return len(live.fig.axes)


@pytest.mark.parametrize("factory", [kg.rescal_fit_widget, kg.top_predictions_widget,
                                     kg.planted_scale_widget])
def test_widgets_sweep_without_error_and_keep_one_figure(factory):
    live = factory()
    if "subject" in live.controls:
        # 157 entities: render the first and last of each type here; compute is swept over all below
        g = kg.load_movies()
        types = kg.entity_types(g)
        keep = sorted({i for t in kg.TYPE_ORDER for i in (types.index(t), len(types) - 1 - types[::-1].index(t))})
        live.controls["subject"].options = [(g.label(i), g.entities[i]) for i in keep]
    before = n_axes(live)
    settings = sweep_widget(live)
    assert len(settings) >= 3
    assert len(settings.readouts) == len(settings) and all(settings.readouts)
    assert not [r for r in settings.readouts if "Cannot draw this setting" in r]
    assert n_axes(live) == before  # a move never adds axes
    text = live.render(**live.values())
    assert "Cannot draw" not in text and text


def test_rescal_fit_widget_extremes_are_finite():
    live = kg.rescal_fit_widget()
    rank_vals = sweep_values(live.controls["rank"])
    lam_vals = sweep_values(live.controls["lam"])
    assert rank_vals[0] == 1 and rank_vals[-1] == 60
    assert lam_vals[0] == pytest.approx(0.01) and lam_vals[-1] == pytest.approx(10.0)
    for r in (rank_vals[0], rank_vals[-1]):
        for lam in (lam_vals[0], lam_vals[-1]):
            res = kg.compute_rescal_fit(r, lam, max_iter=30)
            assert np.all(np.isfinite(res.model.A)) and np.all(np.isfinite(res.model.R))
            assert 0.0 <= res.fit <= 1.0
            assert np.all(np.diff(res.history.objective) <= 1e-10 * np.array(res.history.objective[:-1]))


def test_top_predictions_every_subject_and_relation_is_finite_and_sorted():
    g = kg.load_movies()
    for subject in g.entities:
        for rel in g.relations:
            res = kg.compute_top_predictions(subject, rel)
            assert np.all(np.isfinite(res.scores)) and np.all(np.diff(res.scores) <= 0)
    res = kg.compute_top_predictions("Leonard_Nimoy", "starredIn")
    known = {o for s, p, o in g.decode(g.triples) if s == "Leonard_Nimoy" and p == "starredIn"}
    assert set(res.objects[:2]) == known  # the two true films come first
    with pytest.raises(ValueError, match="top must be between 1"):
        kg.compute_top_predictions("Leonard_Nimoy", "starredIn", top=0)


def test_planted_scale_results():
    for n in kg.PLANTED_SIZES:
        r = kg.compute_planted_scale(n)
        assert r.ari > 0.95 and np.isfinite(r.seconds_per_iter) and r.nnz > 0
        assert sorted(r.order.tolist()) == list(range(n))


def test_draw_functions_return_axes():
    g = kg.load_movies()
    ax = kg.draw_graph(g, kg.neighbourhood(g, kg.STAR_TREK_FILMS))
    assert ax.texts
    plt.close("all")
    fit = kg.compute_rescal_fit()
    ax = kg.draw_embeddings(g, fit.model.A)
    # the franchise films the lecture names are labelled (13 of the 29 films), each in full, inside the axes
    assert sorted(t.get_text() for t in ax.texts) == sorted(kg.plots.EMBEDDING_LABELS.values())
    ax.figure.canvas.draw()
    from matplotlib.text import Text

    frame = ax.get_window_extent()
    boxes = [Text.get_window_extent(t) for t in ax.texts]          # the text alone, not its leader line
    for box in boxes:
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1 and frame.y0 - 1 <= box.y0 and box.y1 <= frame.y1 + 1
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])   # no label on another
    plt.close("all")
    with pytest.raises(ValueError, match="need at least 2 entities"):
        kg.draw_embeddings(g, fit.model.A, entity_type="robot")
    rng = np.random.default_rng(0)
    y = rng.random(100) < 0.3
    ax = kg.draw_pr_curves({"a": (rng.random(100), y)})
    assert len(ax.lines) == 1
    plt.close("all")


@pytest.mark.parametrize("name", sorted(kg_figures.FIGURES))
def test_figures_build(name):
    assert name.startswith("04_")
    fig = kg_figures.FIGURES[name]()
    assert fig.axes
    plt.close(fig)
