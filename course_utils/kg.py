"""Knowledge graphs: triples, the adjacency tensor, RESCAL and link prediction (Lecture 4).

This is the lecture's entry point; it re-exports the factorization (:mod:`course_utils.rescal`)
and the evaluation tools (:mod:`course_utils.kg_eval`), so a notebook needs only
``from course_utils import kg``.

Data (§1)
    :func:`load_triples` reads a TSV file of ``subject<TAB>relation<TAB>object`` lines;
    :class:`KnowledgeGraph` holds the entity and relation vocabularies and the integer triples;
    :meth:`KnowledgeGraph.to_tensor` gives the K sparse ``n x n`` slices; :func:`load_movies`
    loads the small movie graph written for this course (``course_utils/data/movies_kg.tsv``).
Model (§3)
    :func:`rescal_als` (``X_k ≈ A R_k Aᵀ`` by ALS), :func:`score_triples`.
Evaluation (§4–§5)
    :func:`auc_pr`, :func:`filtered_ranks`, :func:`ranking_metrics`,
    :func:`kfold_link_prediction`, baselines :class:`PathFeatureModel`, :class:`CommonNeighboursModel`.
Scale (§6)
    :func:`planted_kg` — a synthetic graph with planted groups.

The ``compute_*`` functions at the end are the lecture's experiments (used by the notebook
and the widgets; cached where a slider calls them).
"""
from __future__ import annotations

import difflib
import functools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from .kg_eval import (TIE_RTOL, CommonNeighboursModel, KFoldResult, PathFeatureModel, auc_pr, common_neighbours_fitter,
                      filtered_rank, filtered_ranks, group_recovery, kfold_link_prediction, path_feature_fitter,
                      precision_recall_points, ranking_metrics, rescal_fitter, snap_ties, tensor_positions)
from .rescal import RescalHistory, RescalModel, check_slices, rescal_als, score_triples, tensor_sqnorm

__all__ = [
    "load_triples", "KnowledgeGraph", "load_movies", "MOVIES_PATH", "MOVIE_SCHEMA", "TYPE_ORDER", "entity_types",
    "planted_kg", "PlantedKG", "rescal_als", "RescalHistory", "RescalModel", "score_triples", "auc_pr",
    "precision_recall_points", "filtered_rank", "filtered_ranks", "ranking_metrics", "kfold_link_prediction",
    "KFoldResult", "rescal_fitter", "path_feature_fitter", "common_neighbours_fitter", "PathFeatureModel",
    "CommonNeighboursModel", "group_recovery", "tensor_positions", "check_slices", "tensor_sqnorm",
    "train_test_split_triples", "snap_ties", "TIE_RTOL", "format_mean_std",
]

#: The movie graph shipped with the course.
MOVIES_PATH = Path(__file__).resolve().parent / "data" / "movies_kg.tsv"

#: Relation -> (subject type, object type) of the movie graph (its schema).
MOVIE_SCHEMA: dict[str, tuple[str, str]] = {
    "starredIn": ("actor", "film"),
    "played": ("actor", "character"),
    "characterIn": ("character", "film"),
    "directedBy": ("film", "director"),
    "hasGenre": ("film", "genre"),
    "sequelOf": ("film", "film"),
}

#: Order of entity types in drawings and in the tensor.
TYPE_ORDER: tuple[str, ...] = ("actor", "character", "film", "director", "genre")


# ---------------------------------------------------------------------------------------------
# §1 Triples and the tensor
# ---------------------------------------------------------------------------------------------

def load_triples(path: str | Path) -> list[tuple[str, str, str]]:
    """Read ``subject<TAB>relation<TAB>object`` lines from a UTF-8 text file.

    Blank lines and lines starting with ``#`` are skipped; fields are stripped of surrounding
    spaces.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    list of (subject, relation, object) string triples, in file order.

    Raises
    ------
    ValueError
        A line without exactly three non-empty tab-separated fields, or a duplicate triple
        (the message gives the line number(s)).
    FileNotFoundError
        The file does not exist.
    """
    path = Path(path)
    triples: list[tuple[str, str, str]] = []
    first_seen: dict[tuple[str, str, str], int] = {}
    with path.open(encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = [f.strip() for f in line.split("\t")]
            if len(fields) != 3:
                raise ValueError(f"{path.name}, line {lineno}: expected 3 tab-separated fields "
                                 f"(subject, relation, object), got {len(fields)}: {line!r:.80}")
            if not all(fields):
                raise ValueError(f"{path.name}, line {lineno}: empty field in {line!r:.80}; "
                                 "subject, relation and object must all be non-empty")
            t = (fields[0], fields[1], fields[2])
            if t in first_seen:
                raise ValueError(f"{path.name}, line {lineno}: duplicate triple {t} (first on line {first_seen[t]})")
            first_seen[t] = lineno
            triples.append(t)
    if not triples:
        raise ValueError(f"{path.name} contains no triples")
    return triples


@dataclass(frozen=True)
class KnowledgeGraph:
    """A knowledge graph: vocabularies and integer triples.

    Attributes
    ----------
    entities : tuple of str, length n
    relations : tuple of str, length K
    triples : int array, shape (m, 3)
        Rows ``(subject index, relation index, object index)``.
    """

    entities: tuple[str, ...]
    relations: tuple[str, ...]
    triples: np.ndarray

    @classmethod
    def from_triples(cls, triples: Iterable[tuple[str, str, str]], entities: Sequence[str] | None = None,
                     relations: Sequence[str] | None = None) -> "KnowledgeGraph":
        """Build the vocabularies (first-appearance order unless given) and encode the triples."""
        triples = [tuple(t) for t in triples]
        for t in triples:
            if len(t) != 3:
                raise ValueError(f"every triple must be (subject, relation, object), got {t!r}")
        if entities is None:
            entities = list(dict.fromkeys(x for s, _, o in triples for x in (s, o)))
        if relations is None:
            relations = list(dict.fromkeys(p for _, p, _ in triples))
        for label, vocab in (("entities", entities), ("relations", relations)):
            if len(set(vocab)) != len(vocab):
                raise ValueError(f"{label} contain duplicate names")
        kg = cls(tuple(entities), tuple(relations), np.zeros((0, 3), dtype=np.int64))
        enc = kg.encode(triples) if triples else np.zeros((0, 3), dtype=np.int64)
        if len({tuple(r) for r in enc.tolist()}) != len(enc):
            raise ValueError("the triples contain duplicates")
        return cls(tuple(entities), tuple(relations), enc)

    @property
    def n_entities(self) -> int:
        return len(self.entities)

    @property
    def n_relations(self) -> int:
        return len(self.relations)

    @functools.cached_property
    def _entity_ids(self) -> dict[str, int]:
        return {e: i for i, e in enumerate(self.entities)}

    @functools.cached_property
    def _relation_ids(self) -> dict[str, int]:
        return {r: i for i, r in enumerate(self.relations)}

    def entity_index(self, name: str) -> int:
        """Index of an entity; ValueError with close matches if unknown."""
        try:
            return self._entity_ids[name]
        except (KeyError, TypeError):
            close = difflib.get_close_matches(str(name), self.entities, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ValueError(f"unknown entity {name!r}{hint}") from None

    def relation_index(self, name: str) -> int:
        """Index of a relation; ValueError listing the relations if unknown."""
        try:
            return self._relation_ids[name]
        except (KeyError, TypeError):
            raise ValueError(f"unknown relation {name!r}; the relations are {list(self.relations)}") from None

    def encode(self, triples: Iterable[tuple[str, str, str]]) -> np.ndarray:
        """String triples -> int array, shape (m, 3)."""
        rows = [(self.entity_index(s), self.relation_index(p), self.entity_index(o)) for s, p, o in triples]
        return np.asarray(rows, dtype=np.int64).reshape(-1, 3)

    def decode(self, triples: np.ndarray) -> list[tuple[str, str, str]]:
        """Int array (m, 3) -> string triples."""
        return [(self.entities[s], self.relations[p], self.entities[o]) for s, p, o in np.asarray(triples).tolist()]

    def to_tensor(self, triples: np.ndarray | None = None) -> list[sp.csr_matrix]:
        """The adjacency tensor as K sparse CSR slices, ``X_k[i, j] = 1`` iff ``(i, k, j)`` is a triple.

        Parameters
        ----------
        triples : int array (m, 3), optional
            A subset of the triples (e.g. a training set); default all.

        Returns
        -------
        list of K scipy.sparse.csr_matrix, each shape (n, n), float64
        """
        t = self.triples if triples is None else np.asarray(triples, dtype=np.int64).reshape(-1, 3)
        n = self.n_entities
        out = []
        for k in range(self.n_relations):
            m = t[:, 1] == k
            Xk = sp.csr_matrix((np.ones(int(m.sum())), (t[m, 0], t[m, 2])), shape=(n, n))
            Xk.sum_duplicates()
            Xk.data[:] = 1.0
            out.append(Xk)
        return out

    def label(self, i: int) -> str:
        """A readable name of entity ``i`` (underscores as spaces)."""
        return self.entities[i].replace("_", " ")


def entity_types(kg: KnowledgeGraph, schema: dict[str, tuple[str, str]] = MOVIE_SCHEMA) -> list[str]:
    """The type of every entity, read off the relations' domains and ranges in ``schema``.

    Raises ValueError if an entity gets two different types or a relation is not in the schema.
    """
    types: list[str | None] = [None] * kg.n_entities
    for s, p, o in kg.triples.tolist():
        rel = kg.relations[p]
        if rel not in schema:
            raise ValueError(f"relation {rel!r} is not in the schema {sorted(schema)}")
        for e, ty in ((s, schema[rel][0]), (o, schema[rel][1])):
            if types[e] is not None and types[e] != ty:
                raise ValueError(f"entity {kg.entities[e]!r} is both a {types[e]} and a {ty}")
            types[e] = ty
    return [t or "unknown" for t in types]


@functools.lru_cache(maxsize=2)
def _movies(path: str) -> KnowledgeGraph:
    raw = load_triples(path)
    kg = KnowledgeGraph.from_triples(raw)
    types = entity_types(kg)
    order = sorted(range(kg.n_entities), key=lambda i: (TYPE_ORDER.index(types[i]), kg.entities[i].lower()))
    return KnowledgeGraph.from_triples(raw, entities=[kg.entities[i] for i in order], relations=list(MOVIE_SCHEMA))


def load_movies() -> KnowledgeGraph:
    """The course's movie knowledge graph (300 triples; entities ordered by type, then name)."""
    return _movies(str(MOVIES_PATH))


def train_test_split_triples(triples: np.ndarray, test_fraction: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle triples (m, 3) and split them into (train, test) with ``round(test_fraction·m)`` test triples."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    t = np.asarray(triples)
    perm = rng.permutation(len(t))
    m_test = max(1, int(round(test_fraction * len(t))))
    return t[np.sort(perm[m_test:])], t[np.sort(perm[:m_test])]


# ---------------------------------------------------------------------------------------------
# §6 Planted synthetic graphs
# ---------------------------------------------------------------------------------------------

@dataclass
class PlantedKG:
    """A synthetic knowledge graph with planted groups (output of :func:`planted_kg`).

    Attributes
    ----------
    slices : list of K csr_matrix, shape (n, n)
    groups : int array, shape (n,)
        Planted group of each entity.
    blocks : bool array, shape (K, G, G)
        ``blocks[k, a, b]``: relation k links group a to group b.
    """

    slices: list
    groups: np.ndarray
    blocks: np.ndarray

    @property
    def nnz(self) -> int:
        return int(sum(X.nnz for X in self.slices))


def planted_kg(n_entities: int, n_relations: int, n_groups: int, density: float, noise: float,
               rng: np.random.Generator) -> PlantedKG:
    """A random graph whose relations are noisy block patterns between planted groups.

    Entities are split into ``n_groups`` groups of (almost) equal size, in random order. Each
    relation k links every group a to one random group b, plus each further pair of groups
    with probability 1/G (``blocks[k, a, b]``). Inside a linked block every entry is an edge
    with probability ``density`` (exactly Bernoulli); then random edges anywhere are added so
    that about a fraction ``noise`` of the slice's edges carry no structure.

    Parameters
    ----------
    n_entities : int, >= n_groups
    n_relations : int, >= 1
    n_groups : int, >= 1
    density : float in (0, 1]
        Edge probability inside a linked block.
    noise : float in [0, 1)
        Fraction of edges placed uniformly at random (0 = pure blocks).
    rng : numpy Generator

    Returns
    -------
    PlantedKG
        ``slices`` (K CSR matrices n x n, entries 0/1), ``groups`` (n,), ``blocks`` (K, G, G).
    """
    for label, v in (("n_entities", n_entities), ("n_relations", n_relations), ("n_groups", n_groups)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{label} must be a positive integer, got {v!r}")
    if n_groups > n_entities:
        raise ValueError(f"n_groups = {n_groups} cannot exceed n_entities = {n_entities}")
    if not 0 < density <= 1:
        raise ValueError(f"density must be in (0, 1], got {density}")
    if not 0 <= noise < 1:
        raise ValueError(f"noise must be in [0, 1), got {noise}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator, got {type(rng).__name__}")
    n, K, G = int(n_entities), int(n_relations), int(n_groups)
    groups = rng.permutation(np.arange(n) % G)
    members = [np.flatnonzero(groups == g) for g in range(G)]
    blocks = rng.random((K, G, G)) < 1.0 / G
    blocks[np.arange(K)[:, None], np.arange(G)[None, :], rng.integers(0, G, size=(K, G))] = True
    slices = []
    for k in range(K):
        rows, cols = [], []
        for a, b in zip(*np.nonzero(blocks[k])):
            size = members[a].size * members[b].size
            m = rng.binomial(size, density)
            flat = rng.choice(size, size=m, replace=False)
            ia, jb = np.divmod(flat, members[b].size)
            rows.append(members[a][ia])
            cols.append(members[b][jb])
        m_sig = sum(r.size for r in rows)
        m_noise = int(round(m_sig * noise / (1.0 - noise)))
        rows.append(rng.integers(0, n, m_noise))
        cols.append(rng.integers(0, n, m_noise))
        i, j = np.concatenate(rows), np.concatenate(cols)
        Xk = sp.csr_matrix((np.ones(i.size), (i, j)), shape=(n, n))
        Xk.sum_duplicates()
        Xk.data[:] = 1.0
        slices.append(Xk)
    return PlantedKG(slices=slices, groups=groups, blocks=blocks)


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
    """Fit RESCAL to the whole movie graph with ``lambda_A = lambda_R = lam`` (cached; §3)."""
    kg = load_movies()
    A, R, hist = rescal_als(kg.to_tensor(), int(rank), lambda_A=float(lam), lambda_R=float(lam),
                            max_iter=max_iter, tol=1e-6, rng=np.random.default_rng(0))
    return RescalFit(int(rank), float(lam), RescalModel(A, R), hist)


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
    """Rank every entity as the object of ``(subject, relation, ?)`` with the full-graph RESCAL fit (§4)."""
    kg = load_movies()
    s, p = kg.entity_index(subject), kg.relation_index(relation)
    if not 1 <= top <= kg.n_entities:
        raise ValueError(f"top must be between 1 and {kg.n_entities}, got {top}")
    model = compute_rescal_fit(rank, lam).model
    scores = model.objects(s, p)
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

    rng = np.random.default_rng(seed)
    linked = 2.0 * n * n / n_groups  # about 2G linked blocks of (n/G)² entries each
    g = planted_kg(n, n_relations, n_groups, density=min(1.0, degree * n / linked), noise=noise, rng=rng)
    A, R, hist = rescal_als(g.slices, rank, max_iter=max_iter, tol=0.0, rng=np.random.default_rng(seed))
    norms = np.linalg.norm(A, axis=1, keepdims=True)
    labels = KMeans(n_clusters=n_groups, n_init=2, random_state=seed).fit_predict(A / np.where(norms > 0, norms, 1))
    ari = float(adjusted_rand_score(g.groups, labels))
    order = np.lexsort((np.arange(n), labels))
    return PlantedScaleResult(n, g.nnz, float(np.median(hist.seconds[1:])), ari, hist.fit[-1], g.slices[0], order)


def format_mean_std(mean: float, std: float, sig: int = 2) -> str:
    """``"mean ± std"`` with the spread to ``sig`` significant digits and the mean to the same decimal.

    >>> format_mean_std(0.266019, 0.070023)
    '0.266 ± 0.070'
    >>> format_mean_std(0.013722, 0.002789)
    '0.0137 ± 0.0028'
    """
    if not (np.isfinite(mean) and np.isfinite(std)) or std < 0:
        raise ValueError(f"mean and std must be finite and std >= 0, got {mean}, {std}")
    if isinstance(sig, bool) or not isinstance(sig, (int, np.integer)) or sig < 1:
        raise ValueError(f"sig must be a positive integer, got {sig!r}")
    if std == 0:
        return f"{mean:g} ± 0"
    std_r = float(f"{std:.{sig - 1}e}")  # rounded first: 0.00997 has 2 significant digits as 0.010
    decimals = max(0, sig - 1 - int(np.floor(np.log10(std_r))))
    return f"{mean:.{decimals}f} ± {std:.{decimals}f}"


def rescal_parameter_count(n: int, K: int, r: int) -> int:
    """Number of RESCAL parameters ``n·r + K·r²``."""
    return n * r + K * r * r


def time_call(fn, *args, **kw) -> tuple[object, float]:
    """``(fn(*args, **kw), seconds)`` — for timing cells."""
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t0


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
