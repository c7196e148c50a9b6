"""Evaluating link prediction, and graph-feature baselines (Lecture 4, §4–§5).

* :func:`auc_pr` — area under the precision-recall curve, computed as **average precision**
  ``AP = Σ_n (R_n − R_{n−1}) P_n`` over the distinct score thresholds (the step-wise sum, no
  interpolation; ties in the score form one threshold). This is exactly scikit-learn's
  ``average_precision_score`` (tested), and the protocol of the RESCAL paper.
* :func:`filtered_ranks` and :func:`ranking_metrics` — filtered MRR and Hits@k of modern link
  prediction: the true answer is ranked among all entities after removing the *other* known
  true answers; ties count half (the expected rank under random tie-breaking).
* :func:`snap_ties` — scores that agree to ``TIE_RTOL`` of the largest |score| are made exactly
  equal before ranking or computing AUC-PR. Scores that are equal in exact arithmetic (e.g. 0 for
  every entity that no path connects to the query) otherwise differ by floating-point noise, and
  that noise, which changes with the CPU's BLAS kernel, would decide their order.
* :func:`kfold_link_prediction` — K-fold cross-validation over tensor **entries** (the RESCAL
  paper's protocol): every ``(i, k, j)`` cell of the tensor, positive or not, falls in one fold;
  the positives of the held-out fold are set to 0 for training; the held-out cells are scored.
* :class:`PathFeatureModel` — a path-ranking-style baseline: counts of relation paths of length
  1 and 2 between the two entities, weighted per relation by ridge regression;
  :class:`CommonNeighboursModel` — the simplest graph feature (shared neighbours).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from course_utils.core.validation import as_finite_array, check_choice, check_float, check_int
from course_utils.kg.rescal import RescalModel, check_slices, rescal_als

#: Scores closer than this, relative to the largest |score|, count as tied (see :func:`snap_ties`).
TIE_RTOL = 1e-9


def snap_ties(scores, rtol: float = TIE_RTOL, scale: float | None = None) -> np.ndarray:
    """Round scores to a grid of step about ``rtol · max|score|``, so that rounding-level differences become ties.

    A model's scores are exact only up to floating-point rounding (about 1e-16 relative, amplified a
    little by the fit). Entries that are equal in exact arithmetic — the structural zeros of entity
    pairs that no path connects, or two entities with identical neighbourhoods — then come out in an
    order decided by the BLAS kernel. Snapping them to one value makes them one tie, counted as
    such by :func:`auc_pr` and :func:`filtered_rank`.

    The step is the power of two just below ``rtol · max|score|``, so the rounding is exact:
    0 stays 0 (never -0), and integers (counts) and other values already on the grid are unchanged,
    whatever the scale — equal counts from two folds stay equal when folds are pooled.

    Parameters
    ----------
    scores : array
    rtol : float >= 0
        Grid step relative to the largest |score|; 0 returns the scores unchanged.
    scale : float > 0, optional
        What the step is relative to, instead of the largest |score| of ``scores``: e.g. the
        largest score of the whole relation, when every score of one query may be rounding noise
        (a query the graph has no evidence for then gets only zeros, one tie).

    Returns
    -------
    array of float, same shape
    """
    s = np.asarray(scores, dtype=float)
    rtol = check_float(rtol, "rtol", ge=0)
    if rtol == 0 or s.size == 0:
        return s.copy()
    if not np.all(np.isfinite(s)):
        raise ValueError("scores contain NaN or infinite values")
    if scale is None:
        scale = float(np.max(np.abs(s)))
    else:
        scale = check_float(scale, "scale", gt=0)
    if scale == 0:
        return s.copy()
    q = 2.0 ** np.floor(np.log2(rtol * scale))
    return np.round(s / q) * q + 0.0  # + 0.0 turns -0.0 into 0.0


def _check_scores_labels(scores, labels) -> tuple[np.ndarray, np.ndarray]:
    s = as_finite_array(scores, "scores").ravel()
    y = np.asarray(labels).ravel()
    if s.shape != y.shape:
        raise ValueError(f"scores and labels must have the same length, got {s.size} and {y.size}")
    if s.size == 0:
        raise ValueError("scores and labels are empty")
    if not np.all(np.isfinite(s)):
        raise ValueError("scores contain NaN or infinite values")
    if y.dtype == bool:
        y = y.astype(int)
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"labels must be 0/1 (or booleans), got values {np.unique(y)[:5]}")
    if not np.any(y == 1):
        raise ValueError("labels contain no positive (1): precision and recall are undefined")
    return s, y.astype(int)


def precision_recall_points(scores, labels) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision and recall at every distinct score threshold (highest threshold first).

    Parameters
    ----------
    scores : array, shape (m,)
    labels : array of 0/1, shape (m,)

    Returns
    -------
    precision, recall, thresholds : arrays, shape (t,)
        Predicting "true" for ``score >= thresholds[i]`` gives ``precision[i]``, ``recall[i]``.
    """
    s, y = _check_scores_labels(scores, labels)
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s)), s.size - 1]  # last index of each group of tied scores
    tp = np.cumsum(y)[last]
    fp = (last + 1) - tp
    return tp / (tp + fp), tp / y.sum(), s[last]


def auc_pr(scores, labels) -> float:
    """Area under the precision-recall curve as average precision (agrees with scikit-learn).

    ``AP = Σ_n (R_n − R_{n−1}) P_n`` with ``P_n``, ``R_n`` the precision and recall at the
    n-th distinct score threshold (highest first, ``R_0 = 0``). Not the trapezoidal area, which
    is optimistic for PR curves.

    Parameters
    ----------
    scores : array, shape (m,)
        Higher means "more likely true".
    labels : array of 0/1 or bool, shape (m,)
        At least one 1.

    Returns
    -------
    float in [0, 1]; a random scorer gets about the fraction of positives.
    """
    precision, recall, _ = precision_recall_points(scores, labels)
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def filtered_rank(scores: np.ndarray, target: int, known: Sequence[int] = (), tie_rtol: float = TIE_RTOL) -> float:
    """Filtered rank of ``target`` among ``scores``: 1 + (#better) + (#tied)/2, other knowns removed.

    Parameters
    ----------
    scores : array, shape (n,)
        Scores of all candidate entities.
    target : int
        Index of the true answer being ranked.
    known : sequence of int
        Other true answers (from train and test) that must not push the target down.
    tie_rtol : float
        Scores are first snapped with :func:`snap_ties` (``0``: exact comparisons only).
    """
    scores = snap_ties(as_finite_array(scores, "scores", ndim=1), tie_rtol)
    target = check_int(target, "target")
    if not 0 <= target < scores.size:
        raise ValueError(f"target index {target} is outside [0, {scores.size - 1}]")
    keep = np.ones(scores.size, dtype=bool)
    keep[np.asarray(list(known), dtype=int)] = False
    keep[target] = False
    t = scores[target]
    others = scores[keep]
    return 1.0 + float(np.sum(others > t)) + 0.5 * float(np.sum(others == t))


def filtered_ranks(model, test_triples, known_triples, side: str = "both", tie_rtol: float = TIE_RTOL) -> np.ndarray:
    """Filtered ranks of every test triple (Lecture 4, §4).

    Parameters
    ----------
    model : object with ``objects(s, k) -> (n,)`` and ``subjects(k, o) -> (n,)`` score methods
        (e.g. :class:`~course_utils.kg.rescal.RescalModel`, :class:`PathFeatureModel`).
    test_triples : int array, shape (m, 3)
        ``(subject, relation, object)`` triples to rank.
    known_triples : int array, shape (q, 3)
        All true triples known (train and test): they are filtered out of the candidates.
    side : {"object", "subject", "both"}
        Rank the object of ``(s, k, ?)``, the subject of ``(?, k, o)``, or both (2m ranks).
    tie_rtol : float
        Scores are snapped with :func:`snap_ties` on the grid of the whole relation (``rtol`` times the
        largest |score| of ``model.reconstruct(k)``) when the model has ``reconstruct``, else per query.

    Returns
    -------
    ranks : array, shape (m,) or (2m,)
    """
    side = check_choice(side, "side", ("object", "subject", "both"))
    test = np.asarray(test_triples, dtype=int).reshape(-1, 3)
    known = np.asarray(known_triples, dtype=int).reshape(-1, 3)
    by_sp: dict[tuple[int, int], list[int]] = {}
    by_po: dict[tuple[int, int], list[int]] = {}
    for s, p, o in known.tolist():
        by_sp.setdefault((s, p), []).append(o)
        by_po.setdefault((p, o), []).append(s)
    scales: dict[int, float] = {}

    def snapped(scores, k):
        # Snap on the grid of the whole relation (its largest |score|), not of the query: a query the
        # model has no evidence for gets only rounding noise (~1e-17), which snapped relative to its
        # own maximum would still be ordered by the BLAS kernel. Models without ``reconstruct``: per query.
        if tie_rtol == 0 or not hasattr(model, "reconstruct"):
            return snap_ties(scores, tie_rtol)
        if k not in scales:
            R = model.reconstruct(k)
            scales[k] = float(np.max(np.abs(R.toarray() if sp.issparse(R) else R)))
        return snap_ties(scores, tie_rtol, scale=scales[k]) if scales[k] > 0 else np.zeros(np.size(scores))

    ranks = []
    if side in ("object", "both"):
        for s, p, o in test.tolist():
            ranks.append(filtered_rank(snapped(model.objects(s, p), p), o, by_sp.get((s, p), ()), 0.0))
    if side in ("subject", "both"):
        for s, p, o in test.tolist():
            ranks.append(filtered_rank(snapped(model.subjects(p, o), p), s, by_po.get((p, o), ()), 0.0))
    return np.asarray(ranks, dtype=float)


def ranking_metrics(ranks, ks: Sequence[int] = (1, 3, 10)) -> dict[str, float]:
    """Mean reciprocal rank and Hits@k of a set of (filtered) ranks.

    Parameters
    ----------
    ranks : array, shape (m,), every rank >= 1
    ks : sequence of int

    Returns
    -------
    dict with ``"MRR" = mean(1/rank)`` and ``"Hits@k" = mean(rank <= k)`` for each k.
    """
    r = np.asarray(ranks, dtype=float).ravel()
    if r.size == 0:
        raise ValueError("no ranks given")
    if not np.all(np.isfinite(r)) or np.any(r < 1):
        raise ValueError("ranks must be finite numbers >= 1")
    out = {"MRR": float(np.mean(1.0 / r))}
    for k in ks:
        k = check_int(k, "k in Hits@k", minimum=1)
        out[f"Hits@{k}"] = float(np.mean(r <= k))
    return out


def tensor_positions(slices: Sequence) -> np.ndarray:
    """Flat indices ``k·n² + i·n + j`` of the non-zero entries of a list of slices (sorted)."""
    X = check_slices(slices)
    n = X[0].shape[0]
    out = []
    for k, Xk in enumerate(X):
        coo = sp.coo_matrix(Xk)
        mask = coo.data != 0
        out.append(k * n * n + coo.row[mask].astype(np.int64) * n + coo.col[mask])
    return np.sort(np.concatenate(out))


def _slices_from_positions(pos: np.ndarray, n: int, K: int) -> list[sp.csr_matrix]:
    k, rest = np.divmod(pos, n * n)
    i, j = np.divmod(rest, n)
    out = []
    for kk in range(K):
        m = k == kk
        out.append(sp.csr_matrix((np.ones(int(m.sum())), (i[m], j[m])), shape=(n, n)))
    return out


@dataclass
class KFoldResult:
    """Outcome of :func:`kfold_link_prediction`.

    Attributes
    ----------
    fold_auc : array, shape (n_folds,)
        AUC-PR on each held-out fold (NaN for a fold that holds no positive entry).
    scores, labels : arrays, shape (K·n²,)
        Held-out score and truth of every tensor entry (each entry is held out exactly once);
        each fold's scores are snapped with :func:`snap_ties`.
    relation : array, shape (K·n²,)
        Relation index of each entry (to evaluate per relation).
    """

    fold_auc: np.ndarray
    scores: np.ndarray
    labels: np.ndarray
    relation: np.ndarray
    fold: np.ndarray | None = None   # fold index of each entry, shape (K·n²,)

    @property
    def mean(self) -> float:
        return float(np.mean(self.fold_auc))

    @property
    def std(self) -> float:
        return float(np.std(self.fold_auc))

    def per_relation(self) -> np.ndarray:
        """Pooled held-out AUC-PR of each relation, shape (K,) (NaN for a relation with no positives)."""
        K = int(self.relation.max()) + 1
        out = np.full(K, np.nan)
        for k in range(K):
            m = self.relation == k
            if self.labels[m].any():
                out[k] = auc_pr(self.scores[m], self.labels[m])
        return out

    def per_relation_folds(self) -> np.ndarray:
        """AUC-PR of each relation within each fold, shape (n_folds, K) (NaN where a fold holds no positive)."""
        if self.fold is None:
            raise ValueError("fold is None: this result does not record the fold of each entry")
        K, F = int(self.relation.max()) + 1, int(self.fold.max()) + 1
        out = np.full((F, K), np.nan)
        for f in range(F):
            mf = self.fold == f
            for k in range(K):
                m = mf & (self.relation == k)
                if self.labels[m].any():
                    out[f, k] = auc_pr(self.scores[m], self.labels[m])
        return out


MAX_ENTRIES = 20_000_000


def kfold_link_prediction(
    slices: Sequence,
    fit: Callable[[list], object],
    n_folds: int = 10,
    rng: np.random.Generator | None = None,
    progress: bool = False,
    tie_rtol: float = TIE_RTOL,
) -> KFoldResult:
    """K-fold cross-validation over tensor entries with AUC-PR (the RESCAL paper's protocol).

    Parameters
    ----------
    slices : list of K arrays or sparse matrices, shape (n, n)
        The full (binary) tensor.
    fit : callable
        ``fit(train_slices) -> model`` where ``model.score_entries(k, i, j)`` scores entries
        (see :func:`rescal_fitter`, :func:`path_feature_fitter`).
    n_folds : int, >= 2
    rng : numpy Generator
        Shuffles the entries into folds (``None``: ``default_rng(0)``).
    progress : bool
        Show a tqdm progress bar over folds.
    tie_rtol : float
        Each fold's held-out scores are snapped with :func:`snap_ties` (``0``: raw scores), so
        that scores equal up to rounding are one threshold of the precision-recall curve.

    Returns
    -------
    KFoldResult
    """
    X = check_slices(slices)
    n, K = X[0].shape[0], len(X)
    n_folds = check_int(n_folds, "n_folds", minimum=2)
    total = K * n * n
    if total > MAX_ENTRIES:
        raise ValueError(f"K·n² = {total:,} entries is too many for entry-wise cross-validation (limit {MAX_ENTRIES:,})")
    rng = np.random.default_rng(0) if rng is None else rng
    pos = tensor_positions(X)
    labels = np.zeros(total, dtype=np.int8)
    labels[pos] = 1
    perm = rng.permutation(total)
    folds = np.array_split(perm, n_folds)
    scores = np.zeros(total)
    fold_auc = np.zeros(n_folds)
    fold_of = np.zeros(total, dtype=np.int16)
    iterator = folds
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(folds, desc="folds", leave=False)
    for f, held in enumerate(iterator):
        held_set = np.zeros(total, dtype=bool)
        held_set[held] = True
        train = _slices_from_positions(pos[~held_set[pos]], n, K)
        model = fit(train)
        k, rest = np.divmod(held, n * n)
        i, j = np.divmod(rest, n)
        sc = snap_ties(np.asarray(model.score_entries(k, i, j), dtype=float), tie_rtol)
        scores[held] = sc
        fold_of[held] = f
        if labels[held].any():
            fold_auc[f] = auc_pr(sc, labels[held])
        else:
            fold_auc[f] = np.nan
    relation = np.repeat(np.arange(K), n * n)
    return KFoldResult(fold_auc=fold_auc, scores=scores, labels=labels, relation=relation, fold=fold_of)


def rescal_fitter(rank: int, *, lambda_A: float = 0.0, lambda_R: float = 0.0, max_iter: int = 50,
                  tol: float = 1e-5, init: str = "nvecs") -> Callable[[list], RescalModel]:
    """A ``fit(train_slices) -> RescalModel`` function for :func:`kfold_link_prediction`.

    The returned function has an attribute ``histories``: the :class:`~course_utils.kg.rescal.RescalHistory`
    of every fit it made, in order (to report iterations and convergence)."""

    def fit(train: list) -> RescalModel:
        A, R, hist = rescal_als(train, rank, lambda_A=lambda_A, lambda_R=lambda_R, max_iter=max_iter, tol=tol,
                                init=init, rng=np.random.default_rng(0))
        fit.histories.append(hist)
        return RescalModel(A, R)

    fit.histories = []
    return fit
