"""Lecture 4 — the lecture's experiments: RESCAL fits, collective learning, link prediction, scale.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import scipy.sparse as sp

from course_utils.core.formatting import format_mean_spread
from course_utils.core.timing import time_call  # noqa: F401 (re-exported: kg.time_call)
from course_utils.core.validation import check_float, check_int, freeze
from course_utils.kg.baselines import common_neighbours_fitter, path_feature_fitter
from course_utils.kg.evaluation import (
    KFoldResult,
    filtered_rank,
    filtered_ranks,
    kfold_link_prediction,
    ranking_metrics,
    rescal_fitter,
    snap_ties,
)
from course_utils.kg.graph import KnowledgeGraph, load_movies, planted_kg, train_test_split_triples
from course_utils.kg.rescal import RescalHistory, RescalModel, rescal_als

# ---------------------------------------------------------------------------------------------
# The lecture's experiments (notebook + widgets)
# ---------------------------------------------------------------------------------------------

#: Defaults used throughout the lecture for the movie graph.
MOVIE_RANK = 40
MOVIE_LAMBDA = 1.0


@dataclass
class RescalFit:
    """A RESCAL fit of the movie graph (see :func:`compute_rescal_fit`)."""

    rank: int
    lam: float
    model: RescalModel
    history: RescalHistory

    @property
    def fit(self) -> float:
        return self.history.fit[-1]


@functools.lru_cache(maxsize=256)
def compute_rescal_fit(rank: int = MOVIE_RANK, lam: float = MOVIE_LAMBDA, max_iter: int = 50) -> RescalFit:
    """Fit RESCAL to the whole movie graph with ``lambda_A = lambda_R = lam`` (cached; §3).

    Cached: the same fit is handed to every caller, so its arrays ``model.A``, ``model.R`` are read-only.
    """
    rank = check_int(rank, "rank", minimum=1)
    lam = check_float(lam, "lam", ge=0)
    max_iter = check_int(max_iter, "max_iter", minimum=0)
    kg = load_movies()
    A, R, hist = rescal_als(kg.to_tensor(), rank, lambda_A=lam, lambda_R=lam,
                            max_iter=max_iter, tol=1e-6, rng=np.random.default_rng(0))
    return RescalFit(rank, lam, RescalModel(*freeze((A, R))), hist)


def embedding_2d(A: np.ndarray, normalize: bool = True) -> np.ndarray:
    """Project entity embeddings on their two principal axes, shape (n, 2) (signs fixed).

    With ``normalize`` the rows of A are scaled to unit length first, so that the picture
    shows directions (which entities play similar roles), not how many facts an entity has."""
    A = np.asarray(A, dtype=float)
    if normalize:
        norms = np.linalg.norm(A, axis=1, keepdims=True)
        A = A / np.where(norms > 0, norms, 1.0)
    Z = A - A.mean(axis=0)
    U, s, Vt = np.linalg.svd(Z, full_matrices=False)
    P = U[:, :2] * s[:2]
    idx = np.argmax(np.abs(P), axis=0)
    P = P * np.sign(P[idx, np.arange(P.shape[1])])
    if P.shape[1] < 2:
        P = np.column_stack([P, np.zeros(len(P))])
    return P


@dataclass
class TopPredictions:
    """Top-scored objects for a query ``(subject, relation, ?)`` (see :func:`compute_top_predictions`)."""

    subject: str
    relation: str
    objects: list[str]
    scores: np.ndarray
    known: np.ndarray  # bool, True if the triple is in the graph


def compute_top_predictions(subject: str, relation: str, top: int = 10, rank: int = MOVIE_RANK,
                            lam: float = MOVIE_LAMBDA) -> TopPredictions:
    """Rank every entity as the object of ``(subject, relation, ?)`` with the full-graph RESCAL fit (§4).

    Scores are snapped with :func:`snap_ties` relative to the largest score of the whole relation:
    for a query the graph holds no evidence for (say ``(Jaws, starredIn, ?)``: a film stars in
    nothing) every score is 0 up to rounding (~1e-16), and without the snap that noise, which changes
    with the processor's BLAS kernel, would decide the "top" list. Tied entities keep entity order.
    """
    kg = load_movies()
    s, p = kg.entity_index(subject), kg.relation_index(relation)
    top = check_int(top, "top", minimum=1, maximum=kg.n_entities, allowed=f"be between 1 and {kg.n_entities}")
    model = compute_rescal_fit(rank, lam).model
    scale = float(np.abs(model.reconstruct(p)).max())
    scores = snap_ties(model.objects(s, p), scale=scale) if scale > 0 else np.zeros(kg.n_entities)
    order = np.argsort(-scores, kind="stable")[:top]
    known_set = {o for ss, pp, o in kg.triples.tolist() if ss == s and pp == p}
    return TopPredictions(subject, relation, [kg.entities[o] for o in order], scores[order],
                          np.array([o in known_set for o in order]))


@dataclass
class CollectiveRanking:
    """Where one fit puts the hidden object of a query (see :func:`collective_ranking`).

    Scores are snapped with :func:`snap_ties` first, so that candidates whose scores agree to
    ``TIE_RTOL`` of the largest |score| are one tie (the rank counts ties half)."""

    rank: float            # filtered rank of the hidden object
    score: float           # its (snapped) score
    above: list[str]       # candidates scored above it, best first (other known answers removed)
    n_tied: int            # candidates tied with it
    n_iter: int            # ALS iterations
    converged: bool        # |Δ fit| < tol reached before max_iter


@dataclass
class CollectiveExample:
    """Score of one hidden true triple under RESCAL fitted to all relations vs one relation only."""

    triple: tuple[str, str, str]
    all: CollectiveRanking
    single: CollectiveRanking
    path_in_slice: bool    # does the relation's slice alone link subject and object by some path?

    @property
    def rank_all(self) -> float:
        return self.all.rank

    @property
    def rank_single(self) -> float:
        return self.single.rank


COLLECTIVE_TRIPLE = ("Leonard_Nimoy", "starredIn", "Star_Trek_II_The_Wrath_of_Khan")


def collective_ranking(slices: Sequence, rel: int, s: int, o: int, known: Sequence[int], names: Sequence[str],
                       rank: int = MOVIE_RANK, lam: float = MOVIE_LAMBDA, init: str | np.ndarray = "nvecs",
                       max_iter: int = 200, tol: float = 1e-6) -> CollectiveRanking:
    """Fit RESCAL to ``slices`` and rank every entity as the object of ``(s, rel, ?)`` (§3).

    The fit starts from the deterministic nvecs initialisation and runs until the fit changes by less
    than ``tol`` (``max_iter`` is a safety cap); ``converged`` says whether that happened."""
    A, R, hist = rescal_als(slices, int(rank), lambda_A=lam, lambda_R=lam, init=init, max_iter=max_iter, tol=tol,
                            rng=np.random.default_rng(0))
    sc = snap_ties(RescalModel(A, R).objects(s, rel))
    others = np.ones(sc.size, dtype=bool)
    others[list(known)] = False
    others[o] = False
    above = [int(i) for i in np.argsort(-sc, kind="stable") if others[i] and sc[i] > sc[o]]
    return CollectiveRanking(rank=filtered_rank(sc, o, known, tie_rtol=0.0), score=float(sc[o]),
                             above=[names[i] for i in above], n_tied=int(np.sum(others & (sc == sc[o]))),
                             n_iter=hist.n_iter, converged=hist.converged)


def compute_collective_example(triple: tuple[str, str, str] = COLLECTIVE_TRIPLE,
                               rank: int = MOVIE_RANK, lam: float = MOVIE_LAMBDA) -> CollectiveExample:
    """Hide one triple, then rank its object with RESCAL fitted (a) to the whole tensor and
    (b) to the hidden triple's relation slice alone (§3, collective learning).

    Both fits use the same rank, the deterministic nvecs initialisation and run to ``|Δ fit| < 1e-6``.
    ``path_in_slice`` says whether the relation's slice alone (as an undirected graph) connects the
    subject to the object: if it does not, the slice gives the object no evidence at all, and its
    score there is 0 up to rounding — tied with every other unconnected candidate."""
    from scipy.sparse.csgraph import connected_components

    kg = load_movies()
    s, p, o = kg.encode([triple])[0]
    keep = ~np.all(kg.triples == np.array([s, p, o]), axis=1)
    if keep.all():
        raise ValueError(f"{triple} is not a triple of the movie graph")
    train = kg.triples[keep]
    X = kg.to_tensor(train)
    known = [int(x) for x in train[(train[:, 0] == s) & (train[:, 1] == p), 2]]
    r = min(rank, kg.n_entities)
    res_all = collective_ranking(X, p, s, o, known, kg.entities, r, lam)
    res_single = collective_ranking([X[p]], 0, s, o, known, kg.entities, r, lam)
    _, comp = connected_components(X[p] + X[p].T, directed=False)
    return CollectiveExample(tuple(triple), res_all, res_single, bool(comp[s] == comp[o]))


@dataclass
class LinkPredictionResult:
    """AUC-PR by 10-fold CV over entries and filtered ranking metrics for one model (§4–§5).

    ``fits``: for RESCAL, the history of each of its ``n_folds + 1`` ALS fits (folds, then the
    train/test fit); empty for the graph-feature baselines, which have a closed form."""

    name: str
    kfold: KFoldResult
    ranks: np.ndarray
    metrics: dict
    fits: list = field(default_factory=list)

    @property
    def n_iter(self) -> list[int]:
        return [h.n_iter for h in self.fits]

    @property
    def all_converged(self) -> bool:
        return all(h.converged for h in self.fits)


#: The RESCAL fits of the link-prediction protocol stop when the fit changes by less than this.
LINK_TOL = 1e-4
LINK_MAX_ITER = 30


def compute_link_prediction(model: str = "RESCAL", n_folds: int = 10, test_fraction: float = 0.1, seed: int = 0,
                            rank: int = MOVIE_RANK, lam: float = MOVIE_LAMBDA, progress: bool = False) -> LinkPredictionResult:
    """Evaluate one model on the movie graph.

    * AUC-PR: ``n_folds``-fold cross-validation over all K·n² tensor entries (RESCAL paper protocol).
    * Filtered MRR / Hits@k: ``test_fraction`` of the triples held out, both sides ranked.

    RESCAL is fitted from the deterministic nvecs initialisation and stopped early, when the fit
    changes by less than ``LINK_TOL`` = 1e-4 per iteration (after 14–24 of at most 30 iterations on
    this graph). That is a short fit, not the optimum: run on, some folds pass a phase in which
    rounding differences grow by a factor of ~10⁸ within ten iterations (a 1e-12 change of the init
    moved held-out scores by 0.28 by iteration 30 with no tolerance) and they agree again only to
    1e-5 after 1000 iterations. Stopped early, a 1e-12 relative change of the init or of the input
    moved no held-out score by more than 1e-9 (measured; the tests check that the fold AUC-PRs and
    the iteration counts do not move). Scores equal up to ``TIE_RTOL`` are ties (:func:`snap_ties`).

    Parameters
    ----------
    model : {"RESCAL", "path features", "common neighbours"}
    """
    kg = load_movies()
    fitters = {
        "RESCAL": rescal_fitter(rank, lambda_A=lam, lambda_R=lam, max_iter=LINK_MAX_ITER, tol=LINK_TOL),
        "path features": path_feature_fitter(alpha=1.0),
        "common neighbours": common_neighbours_fitter(),
    }
    if model not in fitters:
        raise ValueError(f"model must be one of {sorted(fitters)}, got {model!r}")
    X = kg.to_tensor()
    kf = kfold_link_prediction(X, fitters[model], n_folds=n_folds, rng=np.random.default_rng(seed), progress=progress)
    train, test = train_test_split_triples(kg.triples, test_fraction, np.random.default_rng(seed))
    fitted = fitters[model](kg.to_tensor(train))
    ranks = filtered_ranks(fitted, test, kg.triples, side="both")
    return LinkPredictionResult(model, kf, ranks, ranking_metrics(ranks), list(getattr(fitters[model], "histories", [])))


@dataclass
class PlantedScaleResult:
    """RESCAL on one planted graph: cost and group recovery (§6)."""

    n: int
    nnz: int
    seconds_per_iter: float
    ari: float
    fit: float
    slice0: sp.csr_matrix
    order: np.ndarray  # entities sorted by recovered cluster


PLANTED_SIZES: tuple[int, ...] = (200, 400, 800, 1600, 3200)


@functools.lru_cache(maxsize=16)
def compute_planted_scale(n: int, n_relations: int = 10, n_groups: int = 5, degree: float = 10.0,
                          noise: float = 0.2, rank: int = 5, max_iter: int = 6, seed: int = 0) -> PlantedScaleResult:
    """Planted graph with ``n`` entities and about ``degree`` edges per entity and relation; fit RESCAL.

    Returns the median seconds per ALS iteration, the adjusted Rand index of k-means on the
    embeddings against the planted groups, and the entity order by recovered cluster.
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    n = check_int(n, "n", minimum=1)
    rank = check_int(rank, "rank", minimum=1)
    max_iter = check_int(max_iter, "max_iter", minimum=0)
    degree = check_float(degree, "degree", gt=0)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    linked = 2.0 * n * n / n_groups  # about 2G linked blocks of (n/G)² entries each
    g = planted_kg(n, n_relations, n_groups, density=min(1.0, degree * n / linked), noise=noise, rng=rng)
    A, R, hist = rescal_als(g.slices, rank, max_iter=max_iter, tol=0.0, rng=np.random.default_rng(seed))
    norms = np.linalg.norm(A, axis=1, keepdims=True)
    labels = KMeans(n_clusters=n_groups, n_init=2, random_state=seed).fit_predict(A / np.where(norms > 0, norms, 1))
    ari = float(adjusted_rand_score(g.groups, labels))
    order = np.lexsort((np.arange(n), labels))
    slice0 = g.slices[0]
    freeze((order, slice0.data, slice0.indices, slice0.indptr))  # cached: shared by every caller
    return PlantedScaleResult(n, g.nnz, float(np.median(hist.seconds[1:])), ari, hist.fit[-1], slice0, order)


def format_mean_std(mean: float, std: float, sig: int = 2) -> str:
    """``"mean ± std"`` with the spread to ``sig`` significant digits and the mean to the same decimal.

    (:func:`course_utils.core.formatting.format_mean_spread`.)

    >>> format_mean_std(0.266019, 0.070023)
    '0.266 ± 0.070'
    >>> format_mean_std(0.013722, 0.002789)
    '0.0137 ± 0.0028'
    """
    return format_mean_spread(mean, std, sig, spread_name="std", exact_format="g")


def rescal_parameter_count(n: int, K: int, r: int) -> int:
    """Number of RESCAL parameters ``n·r + K·r²``."""
    return n * r + K * r * r


def count_negatives(kg: KnowledgeGraph, relation: str) -> dict[str, int]:
    """How many triples ``(s, relation, o)`` count as false under each world assumption (§2).

    * closed world: every pair (s, o) that is not a known triple (n² − positives);
    * local closed world: only pairs whose subject s has at least one known object for this
      relation (we know s's complete list, so any other o is false);
    * open world: none (a missing triple is unknown, not false).
    """
    k = kg.relation_index(relation)
    t = kg.triples[kg.triples[:, 1] == k]
    n = kg.n_entities
    subjects = np.unique(t[:, 0])
    return {"positives": int(len(t)), "closed": int(n * n - len(t)),
            "local-closed": int(subjects.size * n - len(t)), "open": 0}
