"""Lecture 4 — the sliders (RESCAL rank and λ, top predictions, planted graphs).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import scipy.sparse as sp
from matplotlib.figure import Figure

from course_utils.core.background import Prefetcher, nearest_first
from course_utils.core.plotting import PALETTE
from course_utils.kg.experiments import (
    MOVIE_LAMBDA,
    MOVIE_RANK,
    PLANTED_SIZES,
    compute_planted_scale,
    compute_rescal_fit,
    compute_top_predictions,
    rescal_parameter_count,
)
from course_utils.kg.graph import load_movies
from course_utils.kg.plots import (
    draw_fit_history,
    draw_planted_slice,
    draw_reconstruction,
    draw_scale,
    draw_top_predictions,
    relation_block,
)

# ---------------------------------------------------------------------------------------------
# Widgets
# ---------------------------------------------------------------------------------------------

def rescal_fit_widget():
    """Sliders for rank and λ (= λ_A = λ_R) → fit per iteration and the reconstructed slice (§3).

    The returned LiveFigure has a ``prefetcher`` (:class:`~course_utils.core.background.Prefetcher`) that
    fits the other ranks in the background; ``live.prefetcher.wait()`` waits for it."""
    from course_utils.core.widgets import dropdown, int_slider, live_figure, log_slider

    kg = load_movies()
    X = kg.to_tensor()
    dense = [Xk.toarray() if sp.issparse(Xk) else np.asarray(Xk) for Xk in X]
    recon_cache: dict = {}
    max_iter = 30
    rank_slider = int_slider(MOVIE_RANK, 1, 60, 1, description="rank r", continuous_update=False)
    # A fit takes 30-90 ms: fit the other ranks (nearest first, at the current λ) in the background
    # while the lecturer talks, so that a move of the rank slider finds its fit in the cache.
    prefetcher = Prefetcher(lambda key: compute_rescal_fit(key[0], key[1], max_iter=max_iter))

    def fit_and_slice(rank, lam, relation):
        # the prefetcher's fit: cached, or waited for if the background is fitting it right now
        res = prefetcher.get((int(rank), float(lam)))
        k = kg.relation_index(relation)
        key = (res.rank, res.lam, k)
        if key not in recon_cache:  # A R_k Aᵀ of a cached fit: compute it once
            if len(recon_cache) > 64:
                recon_cache.clear()
            recon_cache[key] = res.model.reconstruct(k)
        return res, k, recon_cache[key]

    def setup(axes, rank=MOVIE_RANK, lam=MOVIE_LAMBDA, relation="starredIn"):
        res, k, recon = fit_and_slice(rank, lam, relation)
        draw_fit_history({f"rank {res.rank}, λ = {res.lam:.3g}": res.history}, ax=axes[0])
        blk = relation_block(kg, relation)
        draw_reconstruction(dense[k], f"X: {relation}", ax=axes[1], block=blk)
        draw_reconstruction(recon, f"A R Aᵀ: {relation}", ax=axes[2], block=blk, colorbar=True)
        for ax, lab in ((axes[1], "domain x range block"), (axes[2], "")):
            ax.set_xlabel(lab, fontsize=12)
        # the same iteration axis for every rank and λ: runs compare at a glance, and a move
        # only redraws the curve and the images (see course_utils.core.blit)
        axes[0].set_xlim(-1, max_iter + 1)
        return {"line": axes[0].lines[0], "legend_text": axes[0].get_legend().get_texts()[0],
                "im_x": axes[1].images[0], "im_r": axes[2].images[0],
                "title_x": axes[1].title, "title_r": axes[2].title}

    def update(artists, rank=MOVIE_RANK, lam=MOVIE_LAMBDA, relation="starredIn"):
        res, k, recon = fit_and_slice(rank, lam, relation)
        fit = np.asarray(res.history.fit)
        artists["line"].set_data(np.arange(len(fit)), fit)
        # rank and λ are in the readout: a legend that does not change is pasted, not drawn
        artists["line"].set_label("fit at this rank and λ")
        artists["legend_text"].set_text("fit at this rank and λ")
        rows, cols = relation_block(kg, relation)
        observed = dense[k][np.ix_(rows, cols)]
        if not np.array_equal(artists["im_x"].get_array(), observed):  # (an unchanged image is pasted, not drawn)
            artists["im_x"].set_data(observed)
        artists["im_r"].set_data(np.asarray(recon.toarray() if sp.issparse(recon) else recon)[np.ix_(rows, cols)])
        artists["title_x"].set_text(f"X: {relation}")
        artists["title_r"].set_text(f"A R Aᵀ: {relation}")
        prefetcher.plan([(r, float(lam)) for r in nearest_first(int(rank), rank_slider.min, rank_slider.max)])
        return (f"rank {res.rank}, λ = {res.lam:.3g}: fit {res.fit:.3f} after {res.history.n_iter} iterations; "
                f"{rescal_parameter_count(kg.n_entities, kg.n_relations, res.rank):,} parameters "
                f"for {len(kg.triples)} facts")

    controls = {"rank": rank_slider,
                "lam": log_slider(MOVIE_LAMBDA, -2, 1, 0.1, description="λ", continuous_update=False),
                "relation": dropdown(list(kg.relations), "starredIn", description="slice")}
    live = live_figure(update, controls, setup=setup, ncols=3, figsize=(11, 4.2), freeze_layout=True)
    live.prefetcher = prefetcher
    return live


def top_predictions_widget():
    """Choose an entity and a relation → the top-10 predicted objects with their scores (§4)."""
    from course_utils.core.widgets import dropdown, live_figure

    kg = load_movies()
    options = [(kg.label(i), kg.entities[i]) for i in range(kg.n_entities)]

    def setup(ax, subject="Leonard_Nimoy", relation="starredIn"):
        draw_top_predictions(compute_top_predictions(subject, relation), ax=ax)
        return {"ax": ax, "bars": list(ax.patches), "title": ax.title}

    def update(artists, subject="Leonard_Nimoy", relation="starredIn"):
        res = compute_top_predictions(subject, relation)
        ax = artists["ax"]
        if len(artists["bars"]) != len(res.objects):   # another number of bars: the panel is drawn again
            ax.clear()
            draw_top_predictions(res, ax=ax)
            artists.update(bars=list(ax.patches), title=ax.title)
        else:
            y = np.arange(len(res.objects))[::-1]
            for bar, score, known in zip(artists["bars"], res.scores, res.known):
                bar.set_width(float(score))
                bar.set_color(PALETTE["green"] if known else PALETTE["blue"])
            ax.set_yticks(y, [o.replace("_", " ") for o in res.objects], fontsize=11)
            artists["title"].set_text(f"({res.subject.replace('_', ' ')}, {res.relation}, ?)")
            ax.relim()
            ax.autoscale_view()
        new = [o.replace("_", " ") for o, k, sc in zip(res.objects[:3], res.known[:3], res.scores[:3])
               if not k and sc > 0]
        return "best new candidates: " + (", ".join(new) if new else "none in the top 3 with a score above 0")

    controls = {"subject": dropdown(options, "Leonard_Nimoy", description="subject"),
                "relation": dropdown(list(kg.relations), "starredIn", description="relation")}
    return live_figure(update, controls, setup=setup, figsize=(10, 5))


def planted_scale_widget(sizes: Sequence[int] = PLANTED_SIZES):
    """Size slider over planted graphs (precomputed): cost per iteration vs non-zeros, and the
    recovered block structure (§6)."""
    import ipywidgets as widgets
    from tqdm.auto import tqdm

    from course_utils.core.widgets import live_figure

    results = {n: compute_planted_scale(n) for n in tqdm(sizes, desc="planted graphs", leave=False)}
    def image_of(n):
        tmp = Figure().add_subplot()
        draw_planted_slice(results[n], ax=tmp)
        img = tmp.images[0]
        return img.get_array(), img.get_clim(), tmp.get_title()

    # n -> the density image of draw_planted_slice, made now (a few ms each), not on the first move to it
    images = {n: image_of(n) for n in sizes}

    def setup(axes, n=sizes[len(sizes) // 2]):
        draw_scale(list(results.values()), current=n, ax=axes[0])
        draw_planted_slice(results[n], ax=axes[1])
        im = axes[1].images[0]
        # one extent for every size (the image has no ticks): a move keeps the limits, so it
        # only redraws the image, the marker and the title (see course_utils.core.blit)
        im.set_extent((0, 1, 1, 0))
        axes[1].set_xlim(0, 1)
        axes[1].set_ylim(1, 0)
        return {"marker": axes[0].lines[-1], "im": im, "title": axes[1].title}

    def update(artists, n=sizes[len(sizes) // 2]):
        r = results[n]
        artists["marker"].set_data([r.nnz], [r.seconds_per_iter])
        H, clim, title = images[n]
        artists["im"].set_data(H)
        artists["im"].set_clim(*clim)
        artists["title"].set_text(title)
        return (f"n = {n}: {r.nnz:,} non-zeros, {1e3 * r.seconds_per_iter:.1f} ms per ALS iteration, "
                f"adjusted Rand index of the recovered groups {r.ari:.2f}")

    control = widgets.SelectionSlider(options=list(sizes), value=sizes[len(sizes) // 2], description="entities n",
                                      continuous_update=False, style={"description_width": "initial"})
    return live_figure(update, {"n": control}, setup=setup, ncols=2, figsize=(11, 4.2), freeze_layout=True)


#: Edges per entity and relation of the recovery widget (n = 400): recovery degrades below about 1.
RECOVERY_DEGREES: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)
RECOVERY_N = 400


def planted_recovery_widget(degrees: Sequence[float] = RECOVERY_DEGREES, n: int = RECOVERY_N):
    """Density slider (edges per entity and relation) on a planted graph of ``n`` entities → the slice sorted
    by the clusters RESCAL found and the adjusted Rand index: where group recovery breaks down (§6)."""
    import ipywidgets as widgets
    from tqdm.auto import tqdm

    from course_utils.core.widgets import live_figure

    results = {d: compute_planted_scale(n, degree=d) for d in tqdm(degrees, desc="planted graphs", leave=False)}
    def image_of(d):
        tmp = Figure().add_subplot()
        draw_planted_slice(results[d], ax=tmp)
        img = tmp.images[0]
        return img.get_array(), img.get_clim()

    # d -> the density image, made now (a few ms each), not on the first move to it
    images = {d: image_of(d) for d in degrees}

    def title(d):
        return f"{d:g} edges per entity and relation: ARI {results[d].ari:.2f}"

    default = degrees[len(degrees) // 2]

    def setup(ax, degree=default):
        draw_planted_slice(results[degree], ax=ax)
        ax.set_title(title(degree), fontsize=13)
        return {"im": ax.images[0], "title": ax.title}

    def update(artists, degree=default):
        H, clim = images[degree]
        artists["im"].set_data(H)
        artists["im"].set_clim(*clim)
        artists["title"].set_text(title(degree))
        r = results[degree]
        return (f"{degree:g} edges per entity and relation: {r.nnz:,} non-zeros, "
                f"adjusted Rand index of the recovered groups {r.ari:.2f} (1 = perfect, 0 = chance)")

    control = widgets.SelectionSlider(options=list(degrees), value=default, description="edges per entity",
                                      continuous_update=False, style={"description_width": "initial"})
    return live_figure(update, {"degree": control}, setup=setup, figsize=(6, 5.5), freeze_layout=True)
