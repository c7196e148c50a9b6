"""Lecture 4 — training with sampled negatives (Add: "Training with negatives").

* :func:`corrupt_triples` — negatives by corrupting positives, either sLCWA-style (replace the head
  or the tail uniformly) or LCWA-style (replace the object of an ``(s, r)`` pair with an entity that is
  not a known object of that pair). Both are filtered: a negative is never a known positive.
* :func:`fit_bilinear_logistic` — RESCAL's score ``a_sᵀ R_r a_o`` trained with the logistic loss on
  positives against freshly sampled negatives (full-batch Adam, vectorised numpy, seeded).
* :func:`select_logistic` — its (rank, λ) chosen by validation MRR, as ALS's are;
* :func:`compute_negatives_comparison` — the logistic model next to ALS (closed world) on the same
  movie-graph splits as :func:`~course_utils.kg.protocol.compute_movie_ranking`, both tuned the same way.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from course_utils.core.validation import check_bool, check_float, check_int, check_rng
from course_utils.kg.evaluation import filtered_ranks, ranking_metrics
from course_utils.kg.graph import load_movies
from course_utils.kg.protocol import choose_on_valid, compute_movie_ranking, movie_split, random_ranking_metrics
from course_utils.kg.rescal import RescalModel

#: Settings of the logistic model that are not searched (the optimiser's: stated in the notebook).
LOGISTIC_PARAMS = dict(negatives_per_positive=5, epochs=150, lr=0.1)
#: The grid its (rank, λ) is chosen from by validation MRR (ALS: ``MOVIE_RANKS × MOVIE_LAMBDAS``).
LOGISTIC_RANKS: tuple[int, ...] = (10, 20, 40)
LOGISTIC_LAMBDAS: tuple[float, ...] = (1e-4, 1e-3, 1e-2)


def _check_triples(triples, n_entities: int, n_relations: int | None = None) -> np.ndarray:
    t = np.asarray(triples)
    if t.ndim != 2 or t.shape[1] != 3 or t.dtype.kind not in "iu":
        raise ValueError(f"triples must be an integer array of shape (m, 3), got {t.dtype} {t.shape}")
    t = t.astype(np.int64)
    if t.size and (t[:, [0, 2]].min() < 0 or t[:, [0, 2]].max() >= n_entities):
        raise ValueError(f"triples must have entity ids in [0, n_entities = {n_entities})")
    if n_relations is not None and t.size and (t[:, 1].min() < 0 or t[:, 1].max() >= n_relations):
        raise ValueError(f"triples must have relation ids in [0, n_relations = {n_relations})")
    return t


def corrupt_triples(triples, n_entities: int, k: int, rng, *, lcwa: bool = False, known=None) -> np.ndarray:
    """``k`` filtered negatives per positive, shape (k·m, 3) (row ``i·k + j`` corrupts positive ``i``).

    Default (sLCWA, the stochastic local closed world of PyKEEN's ``SLCWATrainingLoop``): each negative
    replaces the head or the tail (probability 1/2 each) by an entity drawn uniformly from all
    ``n_entities``. With ``lcwa=True``: only the object is replaced, so the negative ``(s, r, o')``
    keeps an ``(s, r)`` pair that has known objects, and ``o'`` is drawn uniformly among the entities
    that are *not* known objects of ``(s, r)`` — exactly the triples the LCWA labels false (PyKEEN's
    ``LCWATrainingLoop`` scores all of them at once; we sample ``k``). In both modes a draw that hits a
    known triple (``known``, default ``triples``) is redrawn, so no negative is a known positive.
    (Pairs whose every candidate is known would be skipped; that never happens on sparse graphs.)
    """
    n_entities = check_int(n_entities, "n_entities", minimum=1)
    k = check_int(k, "k", minimum=1)
    rng = check_rng(rng)
    lcwa = check_bool(lcwa, "lcwa")
    t = _check_triples(triples, n_entities)
    kn = t if known is None else _check_triples(known, n_entities)
    n_rel = int(max(t[:, 1].max(initial=0), kn[:, 1].max(initial=0))) + 1
    code = lambda a: (a[:, 0] * n_rel + a[:, 1]) * n_entities + a[:, 2]  # noqa: E731
    known_codes = np.unique(code(kn))
    neg = np.repeat(t, k, axis=0)
    head = np.zeros(len(neg), dtype=bool) if lcwa else rng.random(len(neg)) < 0.5
    todo = np.arange(len(neg))
    for _ in range(1000):
        if todo.size == 0:
            break
        draw = rng.integers(0, n_entities, size=todo.size)
        h = head[todo]
        neg[todo[h], 0] = draw[h]
        neg[todo[~h], 2] = draw[~h]
        hit = np.isin(code(neg[todo]), known_codes)
        todo = todo[hit]
    if todo.size:
        raise ValueError("could not draw filtered negatives: some (s, r) pairs have every object known")
    return neg


def _onehot(idx: np.ndarray, size: int) -> sp.csr_matrix:
    return sp.csr_matrix((np.ones(idx.size), (np.arange(idx.size), idx)), shape=(idx.size, size))


def _scores_and_grads(A, R, trip, y, w, lam):
    """Loss ``Σ_b w_b [softplus(score_b) − y_b·score_b] + lam/2 (‖A‖² + ‖R‖²)`` and its gradients."""
    s, r, o = trip[:, 0], trip[:, 1], trip[:, 2]
    n, K = A.shape[0], R.shape[0]
    As, Ao = A[s], A[o]
    RAo = np.empty_like(As)
    RtAs = np.empty_like(As)
    groups = [np.flatnonzero(r == k) for k in range(K)]
    for k, idx in enumerate(groups):  # K small matrix products instead of a (b, r, r) gather
        RAo[idx] = Ao[idx] @ R[k].T
        RtAs[idx] = As[idx] @ R[k]
    score = np.sum(As * RAo, axis=1)
    loss = np.sum(w * (np.logaddexp(0.0, score) - y * score)) + 0.5 * lam * (np.sum(A * A) + np.sum(R * R))
    g = w * (0.5 * (1.0 + np.tanh(0.5 * score)) - y)          # w · (sigmoid(score) − y)
    gA = lam * A + _onehot(s, n).T @ (g[:, None] * RAo) + _onehot(o, n).T @ (g[:, None] * RtAs)
    gR = lam * R
    for k, idx in enumerate(groups):  # ∂score/∂R_k = a_s a_oᵀ: Σ_b g_b a_s a_oᵀ over relation k's rows
        gR[k] += (g[idx, None] * As[idx]).T @ Ao[idx]
    return loss, gA, gR


def fit_bilinear_logistic(triples, n_entities: int, n_relations: int, rank: int, *, negatives_per_positive: int = 5,
                          lam: float = 1e-3, epochs: int = 150, lr: float = 0.1, rng=None,
                          lcwa: bool = False) -> RescalModel:
    """RESCAL's bilinear score ``a_sᵀ R_r a_o`` trained with the logistic loss and sampled negatives.

    Every epoch draws fresh filtered negatives (:func:`corrupt_triples`, ``negatives_per_positive`` per
    positive) and takes one full-batch Adam step (β = 0.9, 0.999) on
    ``mean_pos softplus(−score) + mean_neg softplus(score) + lam/2 (‖A‖² + Σ_r ‖R_r‖²)`` (positives
    and negatives weighted equally in total). Initialisation N(0, 0.1²). Deterministic given ``rng``. Returns a
    :class:`RescalModel`, so the ranking functions of the course apply unchanged."""
    n_entities = check_int(n_entities, "n_entities", minimum=1)
    n_relations = check_int(n_relations, "n_relations", minimum=1)
    rank = check_int(rank, "rank", minimum=1)
    nu = check_int(negatives_per_positive, "negatives_per_positive", minimum=1)
    lam = check_float(lam, "lam", ge=0)
    epochs = check_int(epochs, "epochs", minimum=0)
    lr = check_float(lr, "lr", gt=0)
    rng = check_rng(np.random.default_rng(0) if rng is None else rng)
    t = _check_triples(triples, n_entities, n_relations)
    A = 0.1 * rng.standard_normal((n_entities, rank))
    R = 0.1 * rng.standard_normal((n_relations, rank, rank))
    params = [A, R]
    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]
    b1, b2, eps = 0.9, 0.999, 1e-8
    y = np.concatenate([np.ones(len(t)), np.zeros(len(t) * nu)])
    w = np.concatenate([np.full(len(t), 1.0 / len(t)), np.full(len(t) * nu, 1.0 / (len(t) * nu))])
    for step in range(1, epochs + 1):
        neg = corrupt_triples(t, n_entities, nu, rng, lcwa=lcwa)
        _, gA, gR = _scores_and_grads(A, R, np.concatenate([t, neg]), y, w, lam)
        for p, g, u, v in zip(params, (gA, gR), m1, m2):
            u *= b1
            u += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            p -= lr * (u / (1 - b1 ** step)) / (np.sqrt(v / (1 - b2 ** step)) + eps)
    return RescalModel(A, R)


def select_logistic(train, valid, known, n_entities: int, n_relations: int,
                    ranks=LOGISTIC_RANKS, lams=LOGISTIC_LAMBDAS, seed: int = 0):
    """Choose the logistic model's (rank, λ) by filtered MRR on ``valid`` (fitted to ``train`` only,
    ``LOGISTIC_PARAMS`` otherwise, initial values and negatives from ``default_rng(seed)``).

    Returns ``(best, table)`` with ``table[(rank, lam)]`` the validation MRR; ties go to the first grid
    point (smaller rank, then smaller λ): :func:`~course_utils.kg.protocol.choose_on_valid`, as for ALS."""
    return choose_on_valid(lambda r, lam: fit_bilinear_logistic(train, n_entities, n_relations, r, lam=lam,
                                                                rng=np.random.default_rng(seed), **LOGISTIC_PARAMS),
                           ranks, lams, valid, known)


@dataclass
class NegativesComparison:
    """Filtered ranking of ALS (closed world) and the logistic model (sampled negatives) per seed."""

    seeds: tuple[int, ...]
    metrics: dict      # model -> list of metric dicts, one per seed
    params: dict       # the logistic model's settings that are not searched
    chosen: dict       # model -> list of the (rank, λ) chosen on valid, one per seed
    logistic_tables: list   # per seed: {(rank, λ): validation MRR} of the logistic model's grid
    random_valid_mrr: list  # per seed: the exact expected MRR of a random order on the same validation triples

    def summary(self, model: str, metric: str) -> tuple[float, float]:
        """Mean and (population) std of ``metric`` over the splits."""
        v = np.array([m[metric] for m in self.metrics[model]])
        return float(v.mean()), float(v.std())

    def paired(self, metric: str = "MRR", model: str = "logistic", baseline: str = "ALS") -> dict:
        """The splits are paired (same test triples): per-split differences ``model − baseline``, their
        mean and sample std, the number of splits ``model`` wins, and the two-sided sign-test p-value of
        that many wins (scipy's exact binomial test, ties dropped)."""
        from scipy.stats import binomtest

        d = np.array([a[metric] - b[metric] for a, b in zip(self.metrics[model], self.metrics[baseline])])
        wins, n = int((d > 0).sum()), int((d != 0).sum())
        return {"diff": d, "mean": float(d.mean()), "std": float(d.std(ddof=1)) if d.size > 1 else float("nan"),
                "wins": wins, "n": n, "p": float(binomtest(wins, n).pvalue) if n else float("nan")}


_COMPARISONS: dict = {}   # (seeds, valid_fraction, test_fraction) -> NegativesComparison (50 fits each)


def compute_negatives_comparison(seeds: tuple[int, ...] = (0, 1, 2, 3, 4), valid_fraction: float = 0.1,
                                 test_fraction: float = 0.1, *, progress: bool = False) -> NegativesComparison:
    """ALS and the logistic model on the test triples of the same splits as
    :func:`~course_utils.kg.protocol.compute_movie_ranking`, tuned the same way: per seed, (rank, λ)
    chosen by validation MRR on the same train/valid split (ALS from ``MOVIE_RANKS × MOVIE_LAMBDAS``,
    the logistic model from ``LOGISTIC_RANKS × LOGISTIC_LAMBDAS``), refitted on train + valid, ranked
    on test, filtered against all triples. ALS's metrics are taken from that function.

    Cached per (seeds, fractions); ``progress`` shows a bar over the seeds while it computes."""
    key = (tuple(int(x) for x in seeds), float(valid_fraction), float(test_fraction))
    progress = check_bool(progress, "progress")
    if key not in _COMPARISONS:
        _COMPARISONS[key] = _negatives_comparison(*key, progress)
    return _COMPARISONS[key]


def _negatives_comparison(seeds, valid_fraction, test_fraction, progress) -> NegativesComparison:
    from tqdm.auto import tqdm

    g = load_movies()
    als = compute_movie_ranking(tuple(seeds), valid_fraction, test_fraction)
    out, chosen, tables, rnd = [], [], [], []
    for seed in tqdm(seeds, desc="logistic model: grid on valid, refit, test", leave=False, disable=not progress):
        train, valid, rest, test = movie_split(seed, valid_fraction, test_fraction)
        (rank, lam), table = select_logistic(train, valid, g.triples, g.n_entities, g.n_relations, seed=seed)
        chosen.append((rank, lam))
        tables.append(table)
        rnd.append(random_ranking_metrics(valid, g.triples, g.n_entities)["MRR"])
        m = fit_bilinear_logistic(rest, g.n_entities, g.n_relations, rank, lam=lam,
                                  rng=np.random.default_rng(seed), **LOGISTIC_PARAMS)
        out.append(ranking_metrics(filtered_ranks(m, test, g.triples)))
    return NegativesComparison(tuple(seeds), {"ALS": als.metrics["RESCAL"], "logistic": out}, dict(LOGISTIC_PARAMS),
                               {"ALS": list(als.chosen), "logistic": chosen}, tables, rnd)
