"""Lecture 4 — the evaluation protocol of the second edition: hyperparameters chosen on validation
data, ranking metrics over repeated splits, a random-ranking baseline, Nations and UMLS.

* :func:`random_ranking_metrics` — the exact expected MRR / Hits@k of a uniformly random ranking
  of the filtered candidates (the baseline next to every ranking score).
* :func:`select_rescal` — (rank, λ) by filtered MRR on a validation split (training triples only).
* :func:`tuned_rescal_fitter` — a fitter for :func:`~course_utils.kg.evaluation.kfold_link_prediction`
  that chooses (rank, λ) *inside each fold*, on an inner validation set of the fold's training entries.
* :func:`compute_movie_ranking` — filtered MRR / Hits@k on the movie graph over several seeds
  (train / valid / test = 80 / 10 / 10 %), RESCAL tuned on valid, baselines next to it.
* :func:`compute_benchmark` — RESCAL and path features on Nations or UMLS: the RESCAL paper's
  10-fold AUC-PR and filtered ranking on the standard test split.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from course_utils.kg.baselines import CommonNeighboursModel, PathFeatureModel
from course_utils.kg.datasets import load_benchmark
from course_utils.kg.evaluation import (
    KFoldResult,
    _slices_from_positions,
    auc_pr,
    filtered_ranks,
    kfold_link_prediction,
    ranking_metrics,
    snap_ties,
    tensor_positions,
)
from course_utils.kg.graph import load_movies, train_test_split_triples
from course_utils.kg.rescal import RescalModel, rescal_als
from course_utils.kg.tensor import check_slices

#: ALS stopping rule of every fit of the protocol (short, reproducible fits; see compute_link_prediction).
PROTOCOL_TOL = 1e-4
PROTOCOL_MAX_ITER = 30
#: The grid searched on validation data for the movie graph.
MOVIE_RANKS: tuple[int, ...] = (20, 40)
MOVIE_LAMBDAS: tuple[float, ...] = (0.1, 1.0)
#: Ridge penalties of the path-feature baseline searched on validation data.
PATH_ALPHAS: tuple[float, ...] = (0.1, 1.0, 10.0)
RANK_KS = (1, 3, 10)


def fit_rescal(slices, rank: int, lam: float) -> RescalModel:
    """RESCAL with λ_A = λ_R = ``lam``, nvecs init, stopped at ``PROTOCOL_TOL``."""
    A, R, _ = rescal_als(slices, int(rank), lambda_A=lam, lambda_R=lam, max_iter=PROTOCOL_MAX_ITER,
                         tol=PROTOCOL_TOL, rng=np.random.default_rng(0))
    return RescalModel(A, R)


def _candidate_counts(test: np.ndarray, known: np.ndarray, n: int) -> np.ndarray:
    """Number of candidates (the answer plus the unfiltered others) of every query, objects then subjects."""
    by_sp: dict = {}
    by_po: dict = {}
    for s, p, o in np.asarray(known).tolist():
        by_sp.setdefault((s, p), set()).add(o)
        by_po.setdefault((p, o), set()).add(s)
    c = [n - len(by_sp[(s, p)] - {o}) for s, p, o in np.asarray(test).tolist()]
    c += [n - len(by_po[(p, o)] - {s}) for s, p, o in np.asarray(test).tolist()]
    return np.asarray(c, dtype=float)


def random_ranking_metrics(test, known, n: int, ks: Sequence[int] = RANK_KS) -> dict[str, float]:
    """Expected filtered MRR and Hits@k of a uniformly random order of the candidates (exact).

    A query with ``c`` candidates puts the answer at each rank 1..c with probability 1/c:
    E[1/rank] = H_c / c and P(rank ≤ k) = min(k, c) / c. ``known`` must contain ``test``."""
    c = _candidate_counts(test, known, n)
    harmonic = np.array([np.sum(1.0 / np.arange(1, int(ci) + 1)) for ci in c])
    out = {"MRR": float(np.mean(harmonic / c))}
    for k in ks:
        out[f"Hits@{k}"] = float(np.mean(np.minimum(k, c) / c))
    return out


def choose_on_valid(fit, ranks: Sequence[int], lams: Sequence[float], valid, known):
    """Choose (rank, λ) by filtered MRR on ``valid`` of ``fit(rank, lam) -> model`` (fitted on training
    data only), over the grid ``ranks × lams``.

    Returns ``(best, table)`` with ``table[(rank, lam)]`` the validation MRR; ties go to the smaller
    rank, then the smaller λ."""
    table = {}
    for r in ranks:
        for lam in lams:
            table[(int(r), float(lam))] = ranking_metrics(filtered_ranks(fit(int(r), float(lam)), valid, known))["MRR"]
    best = max(table, key=lambda key: (round(table[key], 9), -key[0], -key[1]))
    return best, table


def select_rescal(train_slices, valid, known, ranks: Sequence[int], lams: Sequence[float]):
    """Choose RESCAL's (rank, λ) by filtered MRR on ``valid`` (fitted to ``train_slices`` only); see
    :func:`choose_on_valid`."""
    n = check_slices(train_slices)[0].shape[0]
    return choose_on_valid(lambda r, lam: fit_rescal(train_slices, min(r, n), lam), ranks, lams, valid, known)


def movie_split(seed: int, valid_fraction: float = 0.1, test_fraction: float = 0.1):
    """Seed ``seed``'s split of the movie graph, shared by every comparison on it: test =
    ``test_fraction`` of the triples (``default_rng(seed)``), valid = ``valid_fraction`` of all triples
    taken from the rest (``default_rng(seed + 1000)``). Returns ``(train, valid, rest, test)``, rest =
    train + valid."""
    rest, test = train_test_split_triples(load_movies().triples, test_fraction, np.random.default_rng(seed))
    train, valid = train_test_split_triples(rest, valid_fraction / (1 - test_fraction),
                                            np.random.default_rng(seed + 1000))
    return train, valid, rest, test


def select_path_alpha(train_slices, valid, known, alphas: Sequence[float] = PATH_ALPHAS, max_length: int = 2):
    """Choose the ridge penalty of the path-feature baseline by filtered MRR on ``valid``."""
    base = PathFeatureModel(train_slices, alphas[0], max_length=max_length)
    table = {float(a): ranking_metrics(filtered_ranks(base.with_alpha(a), valid, known))["MRR"] for a in alphas}
    return max(table, key=lambda a: (round(table[a], 9), -a)), table


def tuned_rescal_fitter(ranks: Sequence[int], lams: Sequence[float], inner_fraction: float = 0.1, seed: int = 0):
    """A ``fit(train_slices) -> RescalModel`` that picks (rank, λ) inside each fold.

    A share ``inner_fraction`` of the fold's training *entries* is set aside (its positives set to 0),
    every grid point is fitted on the rest and scored by AUC-PR on the set-aside entries, and the best
    (rank, λ) is refitted on all the fold's training entries. ``fit.chosen`` lists the choices."""

    def fit(train: list) -> RescalModel:
        X = check_slices(train)
        n, K = X[0].shape[0], len(X)
        total = K * n * n
        pos = tensor_positions(X)
        held = np.random.default_rng(seed).permutation(total)[: int(round(inner_fraction * total))]
        mask = np.zeros(total, dtype=bool)
        mask[held] = True
        inner = _slices_from_positions(pos[~mask[pos]], n, K)
        labels = np.zeros(total, dtype=np.int8)
        labels[pos] = 1
        k, rest = np.divmod(held, n * n)
        i, j = np.divmod(rest, n)
        table = {}
        for r in ranks:
            for lam in lams:
                sc = snap_ties(fit_rescal(inner, min(int(r), n), float(lam)).score_entries(k, i, j))
                table[(int(r), float(lam))] = auc_pr(sc, labels[held]) if labels[held].any() else 0.0
        best = max(table, key=lambda key: (round(table[key], 9), -key[0], -key[1]))
        fit.chosen.append(best)
        fit.tables.append(table)
        return fit_rescal(X, min(best[0], n), best[1])

    fit.chosen = []
    fit.tables = []
    return fit


def mean_std(values) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)
    return float(np.mean(v)), float(np.std(v))


@dataclass
class RankingOverSeeds:
    """Filtered ranking metrics of each model on each seed's split (see :func:`compute_movie_ranking`)."""

    seeds: tuple[int, ...]
    metrics: dict           # model -> list (one per seed) of metric dicts
    chosen: list            # the (rank, λ) chosen on validation for each seed
    alphas: list            # the path-feature α chosen on validation for each seed
    n_test: int

    def summary(self, model: str, metric: str) -> tuple[float, float]:
        return mean_std([m[metric] for m in self.metrics[model]])


@functools.lru_cache(maxsize=4)
def compute_movie_ranking(seeds: tuple[int, ...] = (0, 1, 2, 3, 4), valid_fraction: float = 0.1,
                          test_fraction: float = 0.1) -> RankingOverSeeds:
    """Filtered MRR / Hits@k on the movie graph over repeated random splits (Fix: spread over splits).

    For each seed: test = ``test_fraction`` of the triples, valid = ``valid_fraction`` of the rest;
    RESCAL's (rank, λ) from ``MOVIE_RANKS × MOVIE_LAMBDAS`` and the path features' α from
    ``PATH_ALPHAS`` are chosen by validation MRR (fitted on train), then refitted on train + valid
    and ranked on test, filtered against all triples. Random ranking is the exact expectation."""
    g = load_movies()
    metrics: dict = {"RESCAL": [], "path features": [], "common neighbours": [], "random": []}
    chosen, alphas = [], []
    n_test = 0
    for seed in seeds:
        train, valid, rest, test = movie_split(seed, valid_fraction, test_fraction)
        Xtr, Xrest = g.to_tensor(train), g.to_tensor(rest)
        best, _ = select_rescal(Xtr, valid, g.triples, MOVIE_RANKS, MOVIE_LAMBDAS)
        alpha, _ = select_path_alpha(Xtr, valid, g.triples)
        chosen.append(best)
        alphas.append(alpha)
        models = {"RESCAL": fit_rescal(Xrest, *best), "path features": PathFeatureModel(Xrest, alpha),
                  "common neighbours": CommonNeighboursModel(Xrest)}
        for name, m in models.items():
            metrics[name].append(ranking_metrics(filtered_ranks(m, test, g.triples), RANK_KS))
        metrics["random"].append(random_ranking_metrics(test, g.triples, g.n_entities))
        n_test = len(test)
    return RankingOverSeeds(tuple(seeds), metrics, chosen, alphas, n_test)


@dataclass
class LambdaSweep:
    """Validation MRR and the size of the fit for a range of λ (rank fixed; see :func:`compute_lambda_sweep`)."""

    lams: np.ndarray
    valid_mrr: np.ndarray
    norm_A: np.ndarray       # ‖A‖_F after the fit
    max_score: np.ndarray    # max |a_iᵀ R_k a_j| over the training tensor's non-zeros
    rank: int
    random_mrr: float = float("nan")   # exact expected MRR of a random order on the same validation triples


@functools.lru_cache(maxsize=4)
def compute_lambda_sweep(lams: tuple[float, ...] = (0.1, 0.3, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0), rank: int = 40,
                         seed: int = 0) -> LambdaSweep:
    """Validation MRR against λ on seed ``seed``'s split of :func:`compute_movie_ranking` (the λ collapse)."""
    g = load_movies()
    train, valid, _, _ = movie_split(seed)
    X = g.to_tensor(train)
    mrr, nA, mx = [], [], []
    for lam in lams:
        m = fit_rescal(X, rank, lam)
        mrr.append(ranking_metrics(filtered_ranks(m, valid, g.triples))["MRR"])
        nA.append(float(np.linalg.norm(m.A)))
        mx.append(float(np.max(np.abs(m.score_entries(train[:, 1], train[:, 0], train[:, 2])))))
    rnd = random_ranking_metrics(valid, g.triples, g.n_entities)["MRR"]
    return LambdaSweep(np.asarray(lams), np.asarray(mrr), np.asarray(nA), np.asarray(mx), rank, rnd)


@dataclass
class BenchmarkResult:
    """RESCAL and path features on Nations or UMLS (see :func:`compute_benchmark`)."""

    name: str
    n_entities: int
    n_relations: int
    chosen: tuple             # RESCAL (rank, λ) chosen on the standard validation split
    alpha: float              # path-feature α chosen on it
    kfold: dict               # model -> KFoldResult (10-fold AUC-PR over entries)
    test: dict                # model -> ranking metrics on the standard test split (filtered)
    valid_table: dict = field(default_factory=dict)


BENCHMARK_GRID = {"nations": ((5, 10, 14), (0.01, 0.1, 1.0)), "umls": ((10, 20, 40), (0.01, 0.1, 1.0))}


@functools.lru_cache(maxsize=4)
def compute_benchmark(name: str, n_folds: int = 10, seed: int = 0, progress: bool = False) -> BenchmarkResult:
    """RESCAL (tuned on the standard validation split) and path features (length-1 paths, α tuned
    the same way) on a benchmark graph:

    * filtered MRR / Hits@k on the standard test split, models fitted on train (+ valid after the
      choice), filtered against all triples, and the exact random-ranking expectation;
    * the RESCAL paper's ``n_folds``-fold AUC-PR over all tensor entries, with the hyperparameters
      chosen above (the validation triples are part of the CV tensor: this choice is not nested)."""
    b = load_benchmark(name)
    g = b.graph
    Xtr = g.to_tensor(b.train)
    Xtv = g.to_tensor(np.vstack([b.train, b.valid]))
    ranks, lams = BENCHMARK_GRID[b.name]
    best, table = select_rescal(Xtr, b.valid, g.triples, ranks, lams)
    alpha, _ = select_path_alpha(Xtr, b.valid, g.triples, max_length=1)
    models = {"RESCAL": fit_rescal(Xtv, *best), "path features": PathFeatureModel(Xtv, alpha, max_length=1)}
    test = {m: ranking_metrics(filtered_ranks(mod, b.test, g.triples), RANK_KS) for m, mod in models.items()}
    test["random"] = random_ranking_metrics(b.test, g.triples, g.n_entities)
    X = g.to_tensor()
    fitters = {"RESCAL": lambda tr: fit_rescal(tr, *best),
               "path features": lambda tr: PathFeatureModel(tr, alpha, max_length=1)}
    kfold: dict[str, KFoldResult] = {
        m: kfold_link_prediction(X, f, n_folds=n_folds, rng=np.random.default_rng(seed), progress=progress)
        for m, f in fitters.items()}
    return BenchmarkResult(b.name, g.n_entities, g.n_relations, best, alpha, kfold, test, table)


@dataclass
class TunedKFold:
    """10-fold AUC-PR of RESCAL with (rank, λ) chosen inside every fold (see :func:`compute_tuned_kfold`)."""

    kfold: KFoldResult
    chosen: list       # (rank, λ) chosen in each fold


@functools.lru_cache(maxsize=2)
def compute_tuned_kfold(n_folds: int = 10, seed: int = 0, progress: bool = False) -> TunedKFold:
    """The RESCAL paper's 10-fold AUC-PR on the movie graph, (rank, λ) from ``MOVIE_RANKS × MOVIE_LAMBDAS``
    chosen in each fold on an inner validation tenth of its training entries (nested: the held-out fold
    is never seen by the choice)."""
    fit = tuned_rescal_fitter(MOVIE_RANKS, MOVIE_LAMBDAS)
    kf = kfold_link_prediction(load_movies().to_tensor(), fit, n_folds=n_folds, rng=np.random.default_rng(seed),
                               progress=progress)
    return TunedKFold(kf, list(fit.chosen))


@dataclass
class ClosedWorldFit:
    """What least squares over all cells does to a hidden true fact (see :func:`compute_closed_world_fit`)."""

    triple: tuple
    hidden_score: float        # score of the hidden true triple (a 0 target in training)
    positive_scores: np.ndarray  # scores of the relation's training facts (targets 1)
    n_zero_targets: int        # cells of the relation that the loss pulls towards 0


@functools.lru_cache(maxsize=2)
def compute_closed_world_fit(triple=("Leonard_Nimoy", "starredIn", "Star_Trek_II_The_Wrath_of_Khan"),
                             rank: int = 40, lam: float = 1.0) -> ClosedWorldFit:
    """Fit RESCAL (as in the collective-learning example) with ``triple`` hidden, and compare its score
    with the scores of the relation's training facts: ALS fitted the hidden fact as a 0 target."""
    g = load_movies()
    s, p, o = g.encode([triple])[0]
    train = g.triples[~np.all(g.triples == np.array([s, p, o]), axis=1)]
    A, R, _ = rescal_als(g.to_tensor(train), rank, lambda_A=lam, lambda_R=lam, max_iter=200, tol=1e-6,
                         rng=np.random.default_rng(0))
    m = RescalModel(A, R)
    t = train[train[:, 1] == p]
    return ClosedWorldFit(tuple(triple), float(m.score_entries([p], [s], [o])[0]),
                          m.score_entries(t[:, 1], t[:, 0], t[:, 2]), g.n_entities ** 2 - len(t))
