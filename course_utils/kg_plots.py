"""Drawings, widgets and committed figures of Lecture 4 (knowledge graphs, RESCAL).

``draw_*(result, ax=None)`` only draw; the ``*_widget()`` functions wire sliders to the
cached ``compute_*`` functions of :mod:`course_utils.kg` and redraw ONE figure.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import scipy.sparse as sp
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from . import kg as K
from .plotting import COLORS, DIVERGING_CMAP, PALETTE, get_ax
from .prefetch import Prefetcher, nearest_first

#: Colour of each entity type and of each relation of the movie graph.
TYPE_COLORS = {"actor": PALETTE["blue"], "character": PALETTE["orange"], "film": PALETTE["green"],
               "director": PALETTE["vermillion"], "genre": PALETTE["purple"], "unknown": PALETTE["black"]}
RELATION_COLORS = {"starredIn": PALETTE["blue"], "played": PALETTE["orange"], "characterIn": PALETTE["green"],
                   "directedBy": PALETTE["vermillion"], "hasGenre": PALETTE["purple"], "sequelOf": PALETTE["sky"]}

#: Films of the small graph drawn in §1 (every neighbour of these films is drawn too).
STAR_TREK_FILMS = ("Star_Trek_2009", "Star_Trek_Into_Darkness", "Star_Trek_II_The_Wrath_of_Khan")


# ---------------------------------------------------------------------------------------------
# §1 The graph and the tensor
# ---------------------------------------------------------------------------------------------

def neighbourhood(kg: K.KnowledgeGraph, seeds: Sequence[str]) -> list[int]:
    """Indices of the seed entities and of all their neighbours (any relation, either direction)."""
    ids = {kg.entity_index(s) for s in seeds}
    t = kg.triples
    mask = np.isin(t[:, 0], list(ids)) | np.isin(t[:, 2], list(ids))
    return sorted(ids | set(t[mask, 0].tolist()) | set(t[mask, 2].tolist()))


def graph_layout(kg: K.KnowledgeGraph, entities: Sequence[int], types: Sequence[str]) -> dict[int, tuple[float, float]]:
    """Deterministic layout: one column per entity type (actor, character, film, director, genre),
    entities spread evenly from top to bottom in the graph's order."""
    present = [t for t in K.TYPE_ORDER if any(types[e] == t for e in entities)]
    pos = {}
    for col, ty in enumerate(present):
        members = [e for e in entities if types[e] == ty]
        ys = np.linspace(1, 0, len(members)) if len(members) > 1 else [0.5]
        for e, y in zip(members, ys):
            pos[e] = (float(col), float(y))
    return pos


def draw_graph(kg: K.KnowledgeGraph, entities: Sequence[int] | None = None, ax: Axes | None = None,
               labels: bool = True, fontsize: float = 9) -> Axes:
    """Draw (part of) the movie graph: columns by entity type, edges coloured by relation.

    Parameters
    ----------
    kg : KnowledgeGraph
    entities : sequence of int, optional
        Which entities to draw (default: all); edges between them are drawn.
    """
    ax = get_ax(ax, figsize=(12, 7))
    types = K.entity_types(kg)
    ents = list(range(kg.n_entities)) if entities is None else list(entities)
    pos = graph_layout(kg, ents, types)
    inside = set(ents)
    seen_rel = set()
    for s, p, o in kg.triples.tolist():
        if s in inside and o in inside:
            rel = kg.relations[p]
            (x0, y0), (x1, y1) = pos[s], pos[o]
            rad = 0.25 if x0 == x1 else 0.0  # same column (sequelOf): bend the edge
            ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                        arrowprops=dict(arrowstyle="-|>", color=RELATION_COLORS.get(rel, "grey"), lw=1.4,
                                        alpha=0.75, shrinkA=5, shrinkB=5, connectionstyle=f"arc3,rad={rad}"))
            seen_rel.add(rel)
    for ty in K.TYPE_ORDER:
        pts = [pos[e] for e in ents if types[e] == ty]
        if pts:
            xy = np.array(pts)
            ax.scatter(xy[:, 0], xy[:, 1], s=60, color=TYPE_COLORS[ty], zorder=3, edgecolor="white")
            ax.text(xy[0, 0], 1.06, ty, ha="center", va="bottom", fontsize=fontsize + 4, color=TYPE_COLORS[ty],
                    fontweight="bold")
    if labels:
        for e in ents:
            x, y = pos[e]
            ax.text(x + 0.06, y, kg.label(e), fontsize=fontsize, va="center", ha="left", zorder=4)
    for rel in kg.relations:
        if rel in seen_rel:
            ax.plot([], [], color=RELATION_COLORS.get(rel, "grey"), label=rel)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=min(6, len(seen_rel)), fontsize=fontsize + 2)
    ax.set_xlim(-0.3, max(x for x, _ in pos.values()) + 0.9)
    ax.set_ylim(-0.05, 1.12)
    ax.axis("off")
    return ax


def draw_tensor_slices(kg: K.KnowledgeGraph, slices: Sequence | None = None, axes: Sequence[Axes] | None = None,
                       markersize: float = 2.0) -> list[Axes]:
    """One spy plot per relation slice X_k (entities ordered by type; grey lines separate types)."""
    X = kg.to_tensor() if slices is None else list(slices)
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(2, (len(X) + 1) // 2, figsize=(12, 8))
    axes = list(np.ravel(axes))
    types = K.entity_types(kg)
    bounds = [i for i in range(1, kg.n_entities) if types[i] != types[i - 1]]
    for k, (Xk, ax) in enumerate(zip(X, axes)):
        ax.clear()
        ax.spy(Xk, markersize=markersize, color=RELATION_COLORS.get(kg.relations[k], COLORS[k % len(COLORS)]))
        for b in bounds:
            ax.axhline(b - 0.5, color="grey", lw=0.6, alpha=0.6)
            ax.axvline(b - 0.5, color="grey", lw=0.6, alpha=0.6)
        nnz = Xk.nnz if sp.issparse(Xk) else int(np.count_nonzero(Xk))
        ax.set_title(f"{kg.relations[k]} ({nnz})", fontsize=13)
        edges = [0, *bounds, kg.n_entities]
        centres = [(a + b) / 2 - 0.5 for a, b in zip(edges[:-1], edges[1:])]
        short = [types[a][:4] for a in edges[:-1]]
        ax.set_xticks(centres, short, fontsize=9, rotation=90)
        ax.set_yticks(centres, short, fontsize=9)
        ax.tick_params(length=0, labeltop=False, labelbottom=True)
        ax.grid(False)
    for ax in axes[len(X):]:
        ax.axis("off")
    return axes


# ---------------------------------------------------------------------------------------------
# §3 RESCAL
# ---------------------------------------------------------------------------------------------

def draw_fit_history(histories: dict, ax: Axes | None = None) -> Axes:
    """Fit per ALS iteration for several runs (``{label: RescalHistory}``)."""
    ax = get_ax(ax)
    for i, (label, h) in enumerate(histories.items()):
        ax.plot(np.arange(len(h.fit)), h.fit, marker="o", markersize=3, color=COLORS[i % len(COLORS)], label=label)
    ax.set_xlabel("ALS iteration")
    ax.set_ylabel("fit  1 − ‖X − ARAᵀ‖² / ‖X‖²")
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower right")
    return ax


def draw_reconstruction(matrix: np.ndarray, title: str = "", ax: Axes | None = None, vmax: float = 1.0) -> Axes:
    """A slice or its reconstruction ``A R_k Aᵀ`` as a heat map (diverging colours, fixed range)."""
    ax = get_ax(ax)
    M = matrix.toarray() if sp.issparse(matrix) else np.asarray(matrix)
    ax.imshow(M, cmap=DIVERGING_CMAP, vmin=-vmax, vmax=vmax, interpolation="nearest")
    ax.set_title(title, fontsize=13)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    return ax


def draw_embeddings(kg: K.KnowledgeGraph, A: np.ndarray, entity_type: str | None = "film",
                    annotate: Sequence[str] | None = None, ax: Axes | None = None) -> Axes:
    """Entity embeddings (rows of A, unit length) on their two principal axes.

    Parameters
    ----------
    entity_type : str or None
        Draw only entities of this type (default films, labelled), or all types (None).
    annotate : names to label (default: all drawn entities if at most 40)
    """
    ax = get_ax(ax, figsize=(9, 7))
    types = np.array(K.entity_types(kg))
    idx = np.arange(kg.n_entities) if entity_type is None else np.flatnonzero(types == entity_type)
    if idx.size < 2:
        raise ValueError(f"need at least 2 entities of type {entity_type!r} to draw, found {idx.size}")
    P = K.embedding_2d(np.asarray(A)[idx])
    for ty in K.TYPE_ORDER:
        m = types[idx] == ty
        if m.any():
            ax.scatter(P[m, 0], P[m, 1], s=45, color=TYPE_COLORS[ty], label=ty, alpha=0.85, edgecolor="white")
    names = [kg.entities[i] for i in idx] if annotate is None and idx.size <= 40 else list(annotate or ())
    pos = {int(i): k for k, i in enumerate(idx)}
    for name in names:
        i = kg.entity_index(name)
        if i in pos:
            ax.annotate(kg.label(i)[:22], P[pos[i]], xytext=(4, 3), textcoords="offset points", fontsize=9)
    ax.set_xlabel("principal axis 1")
    ax.set_ylabel("principal axis 2")
    if entity_type is None:
        ax.legend(loc="best", fontsize=11)
    return ax


# ---------------------------------------------------------------------------------------------
# §4–5 Link prediction
# ---------------------------------------------------------------------------------------------

def draw_pr_curves(results: dict, ax: Axes | None = None) -> Axes:
    """Precision-recall curves of pooled held-out scores: ``{label: (scores, labels)}``."""
    ax = get_ax(ax, figsize=(7, 5))
    for i, (label, (scores, labels)) in enumerate(results.items()):
        prec, rec, _ = K.precision_recall_points(scores, labels)
        ap = K.auc_pr(scores, labels)
        ax.step(np.r_[0, rec], np.r_[prec[0], prec], where="pre", color=COLORS[i % len(COLORS)],
                label=f"{label} (AUC-PR {ap:.2f})")
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="upper right")
    return ax


def draw_relation_comparison(per_relation: dict, relations: Sequence[str], ax: Axes | None = None) -> Axes:
    """Grouped bars: held-out AUC-PR per relation for each model (``{model: array (K,)}``)."""
    ax = get_ax(ax, figsize=(11, 4.5))
    m = len(per_relation)
    width = 0.8 / m
    x = np.arange(len(relations))
    for i, (label, vals) in enumerate(per_relation.items()):
        ax.bar(x + (i - (m - 1) / 2) * width, np.nan_to_num(vals), width, label=label, color=COLORS[i % len(COLORS)])
    ax.set_xticks(x, relations)
    ax.set_ylabel("held-out AUC-PR")
    ax.set_ylim(0, 1)
    ax.legend(loc="upper right")
    return ax


def draw_top_predictions(result: K.TopPredictions, ax: Axes | None = None) -> Axes:
    """Horizontal bars of the top-scored objects; known facts in green, new predictions in blue."""
    ax = get_ax(ax, figsize=(9, 5))
    y = np.arange(len(result.objects))[::-1]
    colors = [PALETTE["green"] if k else PALETTE["blue"] for k in result.known]
    ax.barh(y, result.scores, color=colors)
    ax.set_yticks(y, [o.replace("_", " ") for o in result.objects], fontsize=11)
    ax.set_xlabel("RESCAL score  a_sᵀ R_k a_o")
    ax.set_title(f"({result.subject.replace('_', ' ')}, {result.relation}, ?)", fontsize=14)
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=PALETTE["green"], label="in the graph"),
                       Patch(color=PALETTE["blue"], label="predicted (not in the graph)")],
              loc="lower right", fontsize=11)
    return ax


# ---------------------------------------------------------------------------------------------
# §6 Scale
# ---------------------------------------------------------------------------------------------

def draw_planted_slice(result: K.PlantedScaleResult, ax: Axes | None = None, sort: bool = True, bins: int = 200) -> Axes:
    """Relation 0 of a planted graph as an edge-density image (``bins`` x ``bins`` cells), entities in
    the original (random) order or sorted by the clusters RESCAL recovered."""
    ax = get_ax(ax, figsize=(6, 6))
    X = result.slice0.tocoo()
    pos = np.empty(result.n, dtype=np.int64)
    pos[result.order if sort else np.arange(result.n)] = np.arange(result.n)
    b = min(bins, result.n)
    H, _, _ = np.histogram2d(pos[X.row], pos[X.col], bins=b, range=[[0, result.n], [0, result.n]])
    ax.imshow(H, cmap="Greys", interpolation="nearest", extent=(0, result.n, result.n, 0))
    ax.set_title(f"n = {result.n}: {'sorted by RESCAL clusters' if sort else 'original order'}", fontsize=13)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    return ax


def draw_scale(results: Sequence[K.PlantedScaleResult], current: int | None = None, ax: Axes | None = None) -> Axes:
    """Seconds per ALS iteration against non-zeros (log-log) with the fitted growth exponent."""
    ax = get_ax(ax, figsize=(7, 5))
    nnz = np.array([r.nnz for r in results], dtype=float)
    sec = np.array([r.seconds_per_iter for r in results])
    slope, icpt = np.polyfit(np.log(nnz), np.log(sec), 1)
    ax.loglog(nnz, sec, "o-", color=PALETTE["blue"], label=f"measured (slope {slope:.2f})")
    ax.loglog(nnz, np.exp(icpt) * nnz ** slope, "--", color=PALETTE["black"], lw=1.2)
    for r in results:
        ax.annotate(f"n={r.n}", (r.nnz, r.seconds_per_iter), xytext=(4, -12), textcoords="offset points", fontsize=10)
        if r.n == current:
            ax.loglog([r.nnz], [r.seconds_per_iter], "o", ms=14, mfc="none", mec=PALETTE["vermillion"], mew=2.5)
    from matplotlib.ticker import NullFormatter

    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("non-zeros in the tensor")
    ax.set_ylabel("seconds per ALS iteration")
    ax.legend(loc="upper left")
    return ax


# ---------------------------------------------------------------------------------------------
# Widgets
# ---------------------------------------------------------------------------------------------

def rescal_fit_widget():
    """Sliders for rank and λ (= λ_A = λ_R) → fit per iteration and the reconstructed slice (§3).

    The returned LiveFigure has a ``prefetcher`` (:class:`~course_utils.prefetch.Prefetcher`) that
    fits the other ranks in the background; ``live.prefetcher.wait()`` waits for it."""
    from .widgets import dropdown, int_slider, live_figure, log_slider

    kg = K.load_movies()
    X = kg.to_tensor()
    dense = [Xk.toarray() if sp.issparse(Xk) else np.asarray(Xk) for Xk in X]
    state: dict = {}  # artists drawn on the first call, updated in place afterwards
    recon_cache: dict = {}
    max_iter = 30
    rank_slider = int_slider(K.MOVIE_RANK, 1, 60, 1, description="rank r", continuous_update=False)
    # A fit takes 30-90 ms: fit the other ranks (nearest first, at the current λ) in the background
    # while the lecturer talks, so that a move of the rank slider finds its fit in the cache.
    prefetcher = Prefetcher(lambda key: K.compute_rescal_fit(key[0], key[1], max_iter=max_iter))

    def update(axes, rank=K.MOVIE_RANK, lam=K.MOVIE_LAMBDA, relation="starredIn"):
        res = K.compute_rescal_fit(int(rank), float(lam), max_iter=max_iter)
        k = kg.relation_index(relation)
        label = f"rank {res.rank}, λ = {res.lam:.3g}"
        key = (res.rank, res.lam, k)
        if key not in recon_cache:  # A R_k Aᵀ of a cached fit: compute it once
            if len(recon_cache) > 64:
                recon_cache.clear()
            recon_cache[key] = res.model.reconstruct(k)
        recon = recon_cache[key]
        if not state:
            for ax in axes:
                ax.clear()
            draw_fit_history({label: res.history}, ax=axes[0])
            draw_reconstruction(dense[k], f"X: {relation}", ax=axes[1])
            draw_reconstruction(recon, f"A R Aᵀ: {relation}", ax=axes[2])
            state.update(line=axes[0].lines[0], legend_text=axes[0].get_legend().get_texts()[0],
                         im_x=axes[1].images[0], im_r=axes[2].images[0])
            # the same iteration axis for every rank and λ: runs compare at a glance, and a move
            # only redraws the curve and the images (see course_utils.blit)
            axes[0].set_xlim(-1, max_iter + 1)
        else:
            fit = np.asarray(res.history.fit)
            state["line"].set_data(np.arange(len(fit)), fit)
            state["line"].set_label(label)
            state["legend_text"].set_text(label)
            state["im_x"].set_data(dense[k])
            state["im_r"].set_data(np.asarray(recon.toarray() if sp.issparse(recon) else recon))
            axes[1].set_title(f"X: {relation}", fontsize=13)
            axes[2].set_title(f"A R Aᵀ: {relation}", fontsize=13)
        prefetcher.plan([(r, float(lam)) for r in nearest_first(int(rank), rank_slider.min, rank_slider.max)])
        return (f"rank {res.rank}, λ = {res.lam:.3g}: fit {res.fit:.3f} after {res.history.n_iter} iterations; "
                f"{K.rescal_parameter_count(kg.n_entities, kg.n_relations, res.rank):,} parameters "
                f"for {len(kg.triples)} facts")

    controls = {"rank": rank_slider,
                "lam": log_slider(K.MOVIE_LAMBDA, -2, 1, 0.5, description="λ", continuous_update=False),
                "relation": dropdown(list(kg.relations), "starredIn", description="slice")}
    live = live_figure(update, controls, ncols=3, figsize=(11, 4.2), freeze_layout=True)
    live.prefetcher = prefetcher
    return live


def top_predictions_widget():
    """Choose an entity and a relation → the top-10 predicted objects with their scores (§4)."""
    from .widgets import dropdown, live_figure

    kg = K.load_movies()
    options = [(kg.label(i), kg.entities[i]) for i in range(kg.n_entities)]

    state: dict = {}  # bars drawn on the first call, updated in place afterwards

    def update(ax, subject="Leonard_Nimoy", relation="starredIn"):
        res = K.compute_top_predictions(subject, relation)
        bars = state.get("bars")
        if bars is None or len(bars) != len(res.objects):
            ax.clear()
            draw_top_predictions(res, ax=ax)
            state["bars"] = list(ax.patches)
        else:
            y = np.arange(len(res.objects))[::-1]
            for bar, score, known in zip(bars, res.scores, res.known):
                bar.set_width(float(score))
                bar.set_color(PALETTE["green"] if known else PALETTE["blue"])
            ax.set_yticks(y, [o.replace("_", " ") for o in res.objects], fontsize=11)
            ax.set_title(f"({res.subject.replace('_', ' ')}, {res.relation}, ?)", fontsize=14)
            ax.relim()
            ax.autoscale_view()
        new = [o.replace("_", " ") for o, k in zip(res.objects[:3], res.known[:3]) if not k]
        return "best new candidates: " + (", ".join(new) if new else "none in the top 3")

    controls = {"subject": dropdown(options, "Leonard_Nimoy", description="subject"),
                "relation": dropdown(list(kg.relations), "starredIn", description="relation")}
    return live_figure(update, controls, figsize=(10, 5))


def planted_scale_widget(sizes: Sequence[int] = K.PLANTED_SIZES):
    """Size slider over planted graphs (precomputed): cost per iteration vs non-zeros, and the
    recovered block structure (§6)."""
    import ipywidgets as widgets
    from tqdm.auto import tqdm

    from .widgets import live_figure

    results = {n: K.compute_planted_scale(n) for n in tqdm(sizes, desc="planted graphs", leave=False)}
    state: dict = {}  # artists drawn on the first call, updated in place afterwards

    def update(axes, n=sizes[len(sizes) // 2]):
        r = results[n]
        if not state:
            for ax in axes:
                ax.clear()
            draw_scale(list(results.values()), current=n, ax=axes[0])
            draw_planted_slice(r, ax=axes[1])
            state.update(marker=axes[0].lines[-1], im=axes[1].images[0], cache={})
            # one extent for every size (the image has no ticks): a move keeps the limits, so it
            # only redraws the image, the marker and the title (see course_utils.blit)
            state["im"].set_extent((0, 1, 1, 0))
            axes[1].set_xlim(0, 1)
            axes[1].set_ylim(1, 0)
        else:
            state["marker"].set_data([r.nnz], [r.seconds_per_iter])
            cache = state["cache"]
            if n not in cache:  # the density image of draw_planted_slice, drawn once per size
                tmp = Figure().add_subplot()
                draw_planted_slice(r, ax=tmp)
                img = tmp.images[0]
                cache[n] = (img.get_array(), img.get_clim(), tmp.get_title())
            H, clim, title = cache[n]
            state["im"].set_data(H)
            state["im"].set_clim(*clim)
            axes[1].set_title(title, fontsize=13)
        return (f"n = {n}: {r.nnz:,} non-zeros, {1e3 * r.seconds_per_iter:.1f} ms per ALS iteration, "
                f"adjusted Rand index of the recovered groups {r.ari:.2f}")

    control = widgets.SelectionSlider(options=list(sizes), value=sizes[len(sizes) // 2], description="entities n",
                                      continuous_update=False, style={"description_width": "initial"})
    return live_figure(update, {"n": control}, ncols=2, figsize=(11, 4.2), freeze_layout=True)


# ---------------------------------------------------------------------------------------------
# Committed figures
# ---------------------------------------------------------------------------------------------

def figure_movie_graph() -> Figure:
    kg = K.load_movies()
    ax = draw_graph(kg, neighbourhood(kg, STAR_TREK_FILMS))
    ax.set_title("The Star Trek corner of the course's movie graph")
    return ax.figure


def figure_tensor_slices() -> Figure:
    import matplotlib.pyplot as plt

    kg = K.load_movies()
    fig, axes = plt.subplots(2, 3, figsize=(12, 8))
    draw_tensor_slices(kg, axes=axes)
    fig.suptitle(f"The movie graph as a tensor: {kg.n_relations} slices of {kg.n_entities} x {kg.n_entities}")
    return fig


def figure_rescal_fit() -> Figure:
    import matplotlib.pyplot as plt

    kg = K.load_movies()
    fig, axes = plt.subplots(1, 2, figsize=(13, 5))
    hist = {f"rank {r}": K.compute_rescal_fit(r, K.MOVIE_LAMBDA).history for r in (5, 20, 40, 60)}
    draw_fit_history(hist, ax=axes[0])
    axes[0].set_title(f"ALS on the movie graph (λ = {K.MOVIE_LAMBDA:g})")
    draw_embeddings(kg, K.compute_rescal_fit().model.A, ax=axes[1])
    axes[1].set_title(f"Film embeddings (rank {K.MOVIE_RANK}, 2-D PCA)")
    return fig


def figure_planted_groups() -> Figure:
    import matplotlib.pyplot as plt

    r = K.compute_planted_scale(800)
    fig, axes = plt.subplots(1, 2, figsize=(11, 5.5))
    draw_planted_slice(r, ax=axes[0], sort=False)
    draw_planted_slice(r, ax=axes[1], sort=True)
    fig.suptitle(f"Planted groups recovered by RESCAL (adjusted Rand index {r.ari:.2f})")
    return fig


FIGURES = {
    "04_movie_graph": figure_movie_graph,
    "04_tensor_slices": figure_tensor_slices,
    "04_rescal_fit": figure_rescal_fit,
    "04_planted_groups": figure_planted_groups,
}
