"""Lecture 4 — triples, the knowledge graph and its tensor, the movie graph, planted graphs.
"""
from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from course_utils.core.validation import check_float, check_int, check_probability, check_rng, freeze

#: The movie graph shipped with the course.
MOVIES_PATH = Path(__file__).resolve().parent.parent / "data" / "movies_kg.tsv"

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
    movies = KnowledgeGraph.from_triples(raw, entities=[kg.entities[i] for i in order], relations=list(MOVIE_SCHEMA))
    freeze(movies.triples)  # cached: every caller gets this same array
    return movies


def load_movies() -> KnowledgeGraph:
    """The course's movie knowledge graph (300 triples; entities ordered by type, then name).

    Cached: every call returns the same graph, so its ``triples`` array is read-only
    (``g.triples.copy()`` to modify it).
    """
    return _movies(str(MOVIES_PATH))


def train_test_split_triples(triples: np.ndarray, test_fraction: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle triples (m, 3) and split them into (train, test) with ``round(test_fraction·m)`` test triples."""
    test_fraction = check_float(test_fraction, "test_fraction", gt=0, lt=1)
    rng = check_rng(rng)
    t = np.asarray(triples)
    if t.ndim != 2 or t.shape[1] != 3 or t.dtype.kind not in "iu":
        raise ValueError(f"triples must be an integer array of shape (m, 3), got {t.dtype} {t.shape}")
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
        check_int(v, label, minimum=1, allowed="be a positive integer")
    if n_groups > n_entities:
        raise ValueError(f"n_groups = {n_groups} cannot exceed n_entities = {n_entities}")
    density = check_probability(density, "density", allow_zero=False, allowed="be in (0, 1]")
    noise = check_probability(noise, "noise", allow_one=False, allowed="be in [0, 1)")
    rng = check_rng(rng)
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
