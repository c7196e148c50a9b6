"""Lecture 4 — ``draw_*(result, ax=None)``: drawing only.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import scipy.sparse as sp
from matplotlib.axes import Axes

from course_utils.core.plotting import COLORS, DIVERGING_CMAP, PALETTE, get_ax
from course_utils.kg.evaluation import auc_pr, precision_recall_points
from course_utils.kg.experiments import PlantedScaleResult, TopPredictions, embedding_2d
from course_utils.kg.graph import TYPE_ORDER, KnowledgeGraph, entity_types

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

def neighbourhood(kg: KnowledgeGraph, seeds: Sequence[str]) -> list[int]:
    """Indices of the seed entities and of all their neighbours (any relation, either direction)."""
    ids = {kg.entity_index(s) for s in seeds}
    t = kg.triples
    mask = np.isin(t[:, 0], list(ids)) | np.isin(t[:, 2], list(ids))
    return sorted(ids | set(t[mask, 0].tolist()) | set(t[mask, 2].tolist()))


def graph_layout(kg: KnowledgeGraph, entities: Sequence[int], types: Sequence[str]) -> dict[int, tuple[float, float]]:
    """Deterministic layout: one column per entity type (actor, character, film, director, genre),
    entities spread evenly from top to bottom in the graph's order."""
    present = [t for t in TYPE_ORDER if any(types[e] == t for e in entities)]
    pos = {}
    for col, ty in enumerate(present):
        members = [e for e in entities if types[e] == ty]
        ys = np.linspace(1, 0, len(members)) if len(members) > 1 else [0.5]
        for e, y in zip(members, ys):
            pos[e] = (float(col), float(y))
    return pos


def draw_graph(kg: KnowledgeGraph, entities: Sequence[int] | None = None, ax: Axes | None = None,
               labels: bool = True, fontsize: float = 9) -> Axes:
    """Draw (part of) the movie graph: columns by entity type, edges coloured by relation.

    Parameters
    ----------
    kg : KnowledgeGraph
    entities : sequence of int, optional
        Which entities to draw (default: all); edges between them are drawn.
    """
    ax = get_ax(ax, figsize=(12, 7))
    types = entity_types(kg)
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
    for ty in TYPE_ORDER:
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


def draw_tensor_slices(kg: KnowledgeGraph, slices: Sequence | None = None, axes: Sequence[Axes] | None = None,
                       markersize: float = 2.0) -> list[Axes]:
    """One spy plot per relation slice X_k (entities ordered by type; grey lines separate types)."""
    X = kg.to_tensor() if slices is None else list(slices)
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(2, (len(X) + 1) // 2, figsize=(12, 8))
    axes = list(np.ravel(axes))
    types = entity_types(kg)
    bounds = [i for i in range(1, kg.n_entities) if types[i] != types[i - 1]]
    for k, (Xk, ax) in enumerate(zip(X, axes)):
        ax.clear()
        nnz = Xk.nnz if sp.issparse(Xk) else int(np.count_nonzero(Xk))
        ms = markersize if nnz >= 20 else 3 * markersize   # a handful of facts (sequelOf) must stay visible
        ax.spy(Xk, markersize=ms, color=RELATION_COLORS.get(kg.relations[k], COLORS[k % len(COLORS)]))
        for b in bounds:
            ax.axhline(b - 0.5, color="grey", lw=0.6, alpha=0.6)
            ax.axvline(b - 0.5, color="grey", lw=0.6, alpha=0.6)
        ax.set_title(f"{kg.relations[k]} ({nnz})", fontsize=13)
        edges = [0, *bounds, kg.n_entities]
        centres = [(a + b) / 2 - 0.5 for a, b in zip(edges[:-1], edges[1:])]
        short = [types[a] for a in edges[:-1]]
        ncols = getattr(ax.get_subplotspec(), "get_gridspec", lambda: None)() if ax.get_subplotspec() else None
        ncols = ncols.ncols if ncols is not None else 1
        nrows_total = (len(axes) + ncols - 1) // ncols
        ax.set_xticks(centres, short if k // ncols == nrows_total - 1 else [], fontsize=12, rotation=45, ha="right",
                      rotation_mode="anchor")
        ax.set_yticks(centres, short if k % ncols == 0 else [], fontsize=12)
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


def relation_block(kg: KnowledgeGraph, relation: str) -> tuple[np.ndarray, np.ndarray]:
    """Rows (entities of the relation's domain type) and columns (its range type) of a movie-graph slice."""
    from course_utils.kg.graph import MOVIE_SCHEMA

    types = np.array(entity_types(kg))
    dom, rng = MOVIE_SCHEMA[relation]
    return np.flatnonzero(types == dom), np.flatnonzero(types == rng)


def draw_reconstruction(matrix: np.ndarray, title: str = "", ax: Axes | None = None, vmax: float = 1.0,
                        block: tuple | None = None, colorbar: bool = False) -> Axes:
    """A slice or its reconstruction ``A R_k Aᵀ`` as a heat map (diverging colours, fixed range).

    ``block = (rows, cols)`` crops to the relation's domain x range (:func:`relation_block`); the image
    fills the axes (fixed extent), so that slices of other block shapes can replace it in place."""
    ax = get_ax(ax)
    M = matrix.toarray() if sp.issparse(matrix) else np.asarray(matrix)
    if block is not None:
        M = M[np.ix_(block[0], block[1])]
    im = ax.imshow(M, cmap=DIVERGING_CMAP, vmin=-vmax, vmax=vmax, interpolation="nearest", aspect="auto",
                   extent=(0, 1, 1, 0))
    if colorbar:
        ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="score")
    ax.set_title(title, fontsize=13)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    return ax


#: Films labelled in the embedding plot (the franchises the lecture names), with short labels.
EMBEDDING_LABELS = {"Star_Wars": "Star Wars", "The_Empire_Strikes_Back": "Empire Strikes Back",
                    "The_Godfather": "Godfather", "The_Godfather_Part_II": "Godfather II",
                    "The_Terminator": "Terminator", "Terminator_2_Judgment_Day": "Terminator 2",
                    "Star_Trek_2009": "Star Trek (2009)", "Star_Trek_II_The_Wrath_of_Khan": "Star Trek II",
                    "Star_Trek_Into_Darkness": "Into Darkness", "Raiders_of_the_Lost_Ark": "Raiders (Indy)",
                    "Indiana_Jones_and_the_Last_Crusade": "Last Crusade (Indy)", "Alien": "Alien", "Aliens": "Aliens"}


def _annotate_apart(ax: Axes, labels: list, fontsize: int = 12) -> None:
    """Label points (``[(text, (x, y))]``), moving a label down in steps of one line while its box (estimated in
    pixels) would overlap a label placed before; a thin line joins a moved label to its point."""
    fig = ax.figure
    pt = 72.0 / fig.dpi                        # work in points: the same at every savefig dpi
    line, char = fontsize * 1.2, fontsize * 0.55
    placed: list[tuple[float, float, float]] = []
    for text, (x, y) in sorted(labels, key=lambda t: -t[1][1]):
        px, py = ax.transData.transform((x, y)) * pt
        x0, x1 = px + 5, px + 5 + char * len(text)
        dy = 0.0
        for step in (0, -1, 1, -2, 2, -3, 3, -4, 4):
            dy = step * line
            if not any(a < x1 and x0 < b and abs((py + dy) - c) < line for a, b, c in placed):
                break
        placed.append((x0, x1, py + dy))
        ax.annotate(text, (x, y), xytext=(5, dy), textcoords="offset points", fontsize=fontsize, va="center",
                    arrowprops=dict(arrowstyle="-", color="grey", lw=0.6) if dy else None)


def draw_embeddings(kg: KnowledgeGraph, A: np.ndarray, entity_type: str | None = "film",
                    annotate: Sequence[str] | None = None, ax: Axes | None = None) -> Axes:
    """Entity embeddings (rows of A, unit length) on their two principal axes.

    Parameters
    ----------
    entity_type : str or None
        Draw only entities of this type (default films, labelled), or all types (None).
    annotate : names to label (default for films: the franchises of :data:`EMBEDDING_LABELS`; others unlabelled)
    """
    ax = get_ax(ax, figsize=(9, 7))
    types = np.array(entity_types(kg))
    idx = np.arange(kg.n_entities) if entity_type is None else np.flatnonzero(types == entity_type)
    if idx.size < 2:
        raise ValueError(f"need at least 2 entities of type {entity_type!r} to draw, found {idx.size}")
    P = embedding_2d(np.asarray(A)[idx])
    for ty in TYPE_ORDER:
        m = types[idx] == ty
        if m.any():
            ax.scatter(P[m, 0], P[m, 1], s=45, color=TYPE_COLORS[ty], label=ty, alpha=0.85, edgecolor="white")
    if annotate is None:
        names = [e for e in EMBEDDING_LABELS if e in kg.entities] if entity_type == "film" else []
    else:
        names = list(annotate)
    pos = {int(i): k for k, i in enumerate(idx)}
    span = np.ptp(P, axis=0)
    ax.set_xlim(P[:, 0].min() - 0.05 * span[0], P[:, 0].max() + 0.4 * span[0])   # room for labels on the right
    ax.set_ylim(P[:, 1].min() - 0.15 * span[1], P[:, 1].max() + 0.1 * span[1])
    _annotate_apart(ax, [(EMBEDDING_LABELS.get(nm, nm.replace("_", " ")), P[pos[kg.entity_index(nm)]])
                         for nm in names if kg.entity_index(nm) in pos])
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
        prec, rec, _ = precision_recall_points(scores, labels)
        ap = auc_pr(scores, labels)
        ax.step(np.r_[0, rec], np.r_[prec[0], prec], where="pre", color=COLORS[i % len(COLORS)],
                label=f"{label} (AUC-PR {ap:.2f})")
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="upper right")
    return ax


def draw_relation_comparison(per_relation: dict, relations: Sequence[str], ax: Axes | None = None,
                             ylabel: str = "held-out AUC-PR") -> Axes:
    """Grouped bars: held-out AUC-PR per relation for each model (``{model: array (K,)}``)."""
    ax = get_ax(ax, figsize=(11, 4.5))
    m = len(per_relation)
    width = 0.8 / m
    x = np.arange(len(relations))
    for i, (label, vals) in enumerate(per_relation.items()):
        ax.bar(x + (i - (m - 1) / 2) * width, np.nan_to_num(vals), width, label=label, color=COLORS[i % len(COLORS)])
    ax.set_xticks(x, relations)
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper right")
    return ax


def draw_top_predictions(result: TopPredictions, ax: Axes | None = None) -> Axes:
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

def draw_planted_slice(result: PlantedScaleResult, ax: Axes | None = None, sort: bool = True, bins: int = 200) -> Axes:
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


def draw_scale(results: Sequence[PlantedScaleResult], current: int | None = None, ax: Axes | None = None) -> Axes:
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
