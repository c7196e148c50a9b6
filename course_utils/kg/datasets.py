"""Lecture 4 — two standard benchmarks shipped with the course: Nations and UMLS.

Both come with the train / valid / test splits of ConvE (Dettmers et al., AAAI 2018), the ones
PyKEEN uses; see ``course_utils/data/README.md`` for provenance, licence and published numbers.
Nothing here reads outside the package.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_utils.core.validation import check_choice
from course_utils.kg.graph import KnowledgeGraph, load_triples

#: Folder of the benchmark copies inside the package.
BENCHMARK_DIR = Path(__file__).resolve().parent.parent / "data" / "kg"
BENCHMARKS = ("nations", "umls")

#: Published numbers, with their protocol (see course_utils/data/README.md).
#: RESCAL paper (Nickel, Tresp & Kriegel, ICML 2011): 10-fold AUC-PR over tensor entries.
PUBLISHED_AUC_PR = {"nations": 0.84, "umls": 0.98}
#: ConvE README, filtered ranking on these splits: MRR, Hits@10, Hits@3, Hits@1 (model: ConvE).
PUBLISHED_CONVE = {"nations": {"MRR": 0.82, "Hits@10": 1.00, "Hits@3": 0.88, "Hits@1": 0.72},
                   "umls": {"MRR": 0.94, "Hits@10": 0.99, "Hits@3": 0.97, "Hits@1": 0.92}}


@dataclass(frozen=True)
class BenchmarkKG:
    """A benchmark graph: all triples in ``graph`` (entities sorted by name) and the three splits."""

    name: str
    graph: KnowledgeGraph
    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray


@functools.lru_cache(maxsize=4)
def load_benchmark(name: str) -> BenchmarkKG:
    """Load ``"nations"`` or ``"umls"`` with its standard splits (entities and relations sorted by name)."""
    name = check_choice(name, "name", BENCHMARKS)
    parts = {s: load_triples(BENCHMARK_DIR / name / f"{s}.txt") for s in ("train", "valid", "test")}
    every = [t for s in ("train", "valid", "test") for t in parts[s]]
    entities = sorted({x for s, _, o in every for x in (s, o)})
    relations = sorted({p for _, p, _ in every})
    g = KnowledgeGraph.from_triples(every, entities, relations)
    enc = {s: g.encode(parts[s]) for s in parts}
    for a in enc.values():
        a.setflags(write=False)
    g.triples.setflags(write=False)
    return BenchmarkKG(name, g, enc["train"], enc["valid"], enc["test"])


def linked_test_share(name: str) -> float:
    """Share of the test triples (s, p, o) whose pair is linked in training, s → o or o → s, by some relation."""
    b = load_benchmark(name)
    pairs = set(map(tuple, b.train[:, [0, 2]].tolist())) | set(map(tuple, b.train[:, [2, 0]].tolist()))
    return float(np.mean([(s, o) in pairs for s, _, o in b.test.tolist()]))
