"""Lecture 4 — baselines for link prediction: path features and common neighbours; group recovery.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from course_utils.core.validation import as_finite_array, check_float, check_int
from course_utils.kg.tensor import check_slices, single_threaded_blas

# ---------------------------------------------------------------------------------------------
# Graph-feature baselines
# ---------------------------------------------------------------------------------------------

class _DenseScoreModel:
    """A model given by K dense score matrices S_k (n x n)."""

    S: np.ndarray  # (K, n, n)

    def reconstruct(self, k: int) -> np.ndarray:
        return self.S[k]

    def objects(self, s: int, k: int) -> np.ndarray:
        return self.S[k, s, :]

    def subjects(self, k: int, o: int) -> np.ndarray:
        return self.S[k, :, o]

    def score_entries(self, k, i, j) -> np.ndarray:
        return self.S[np.asarray(k), np.asarray(i), np.asarray(j)]


MAX_DENSE_N = 2000


def _dense_binary(slices: Sequence) -> np.ndarray:
    X = check_slices(slices)
    n = X[0].shape[0]
    if n > MAX_DENSE_N:
        raise ValueError(f"graph-feature baselines build dense n x n matrices; n = {n} > {MAX_DENSE_N}")
    return np.stack([(Xk.toarray() if sp.issparse(Xk) else Xk) != 0 for Xk in X]).astype(float)


class CommonNeighboursModel(_DenseScoreModel):
    """Score of ``(i, k, j)`` = number of common neighbours of i and j in the undirected graph
    of all relations (the same for every relation k: it ignores edge labels).

    Parameters
    ----------
    slices : list of K (n, n) arrays or sparse matrices
    """

    def __init__(self, slices: Sequence):
        D = _dense_binary(slices)
        B = (D.sum(0) + D.sum(0).T > 0).astype(float)
        np.fill_diagonal(B, 0.0)
        CN = B @ B
        self.S = np.broadcast_to(CN, D.shape)


class PathFeatureModel(_DenseScoreModel):
    """Path-ranking-style graph features with one ridge regression per relation (Lecture 4, §5).

    Features of an entity pair (i, j): the edges i → j of every *other* relation and of every
    inverse relation (length-1 paths), and ``log(1 + #paths)`` for every length-2 path type
    i →r₁→ m →r₂→ j over the 2K relations and inverses, plus a bias. For relation k the
    weights solve ``min_w ‖F w − X_k‖² + alpha ‖w‖²`` over all n² pairs. The direct edge of
    relation k itself is excluded (it is the label).

    Parameters
    ----------
    slices : list of K (n, n) arrays or sparse matrices (training tensor)
    alpha : float, > 0
        Ridge penalty.
    max_length : {1, 2}
        Longest path type used as a feature (1: only the other relations and the inverses).

    Attributes
    ----------
    S : array, shape (K, n, n)
        Scores of every entry.
    weights : list of K arrays
        Ridge weights per relation, over :attr:`feature_names`.
    feature_names : list of str
        ``"r"`` / ``"r⁻¹"`` for length-1 and ``"r1·r2"`` for length-2 paths, then ``"bias"``.
    """

    def __init__(self, slices: Sequence, alpha: float = 1.0, relation_names: Sequence[str] | None = None,
                 max_length: int = 2):
        with single_threaded_blas():
            self._fit(slices, alpha, relation_names, check_int(max_length, "max_length", minimum=1, maximum=2))

    def _fit(self, slices, alpha, relation_names, max_length=2) -> None:
        alpha = check_float(alpha, "alpha", gt=0)
        X = check_slices(slices)
        K, n = len(X), X[0].shape[0]
        if n > MAX_DENSE_N:
            raise ValueError(f"graph-feature baselines score all n x n pairs; n = {n} > {MAX_DENSE_N}")
        names = list(relation_names) if relation_names is not None else [f"r{k}" for k in range(K)]
        if len(names) != K:
            raise ValueError(f"relation_names has {len(names)} names for {K} relations")
        D = [(sp.csr_matrix(Xk) != 0).astype(float).tocsr() for Xk in X]
        steps = D + [Dk.T.tocsr() for Dk in D]
        step_names = names + [f"{a}⁻¹" for a in names]
        cols = [M.reshape(1, n * n) for M in steps]   # sparse row vectors, one per feature
        fnames = list(step_names)
        for a in range(2 * K if max_length >= 2 else 0):
            for b in range(2 * K):
                P = (steps[a] @ steps[b]).tocsr()
                P.data = np.log1p(P.data)
                cols.append(P.reshape(1, n * n))
                fnames.append(f"{step_names[a]}·{step_names[b]}")
        cols.append(sp.csr_matrix(np.ones((1, n * n))))
        fnames.append("bias")
        F = sp.vstack(cols).T.tocsr()                  # (n², p), sparse
        self._F, self._gram, self._D = F, (F.T @ F).toarray(), D
        self._Fty = [np.asarray(F.T @ Dk.reshape(n * n, 1).toarray()).ravel() for Dk in D]
        self.feature_names = fnames
        self._solve(alpha)

    def _solve(self, alpha: float) -> None:
        F, gram = self._F, self._gram
        K, n = len(self._D), self._D[0].shape[0]
        self.alpha = alpha
        self.S = np.zeros((K, n, n))
        self.weights = []
        for k in range(K):
            keep = np.ones(F.shape[1], dtype=bool)
            keep[k] = False  # the relation's own edge is the label
            w = np.zeros(F.shape[1])
            Gk = gram[np.ix_(keep, keep)] + alpha * np.eye(int(keep.sum()))
            w[keep] = np.linalg.solve(Gk, self._Fty[k][keep])
            self.weights.append(w)
            self.S[k] = (F @ w).reshape(n, n)

    def with_alpha(self, alpha: float) -> "PathFeatureModel":
        """The same features refitted with another ridge penalty (no recount of the paths)."""
        import copy

        new = copy.copy(self)
        with single_threaded_blas():
            new._solve(check_float(alpha, "alpha", gt=0))
        return new


def path_feature_fitter(alpha: float = 1.0, max_length: int = 2) -> Callable[[list], PathFeatureModel]:
    """A ``fit(train_slices) -> PathFeatureModel`` function for :func:`kfold_link_prediction`.

    ``max_length = 1`` keeps only the length-1 paths (the other relations and the inverses): the
    feature set for graphs with many relations (Nations: 2K = 110 steps would give 12,100 length-2 types)."""
    return lambda train: PathFeatureModel(train, alpha=alpha, max_length=max_length)


def common_neighbours_fitter() -> Callable[[list], CommonNeighboursModel]:
    """A ``fit(train_slices) -> CommonNeighboursModel`` function for :func:`kfold_link_prediction`."""
    return CommonNeighboursModel


def group_recovery(A: np.ndarray, groups: np.ndarray, n_groups: int | None = None, seed: int = 0) -> float:
    """Adjusted Rand index between planted groups and k-means clusters of the rows of ``A``.

    Parameters
    ----------
    A : array, shape (n, r)
        Entity embeddings; rows are normalised to unit length before clustering.
    groups : int array, shape (n,)
        Planted group of each entity.
    n_groups : int, optional
        Number of clusters (default: number of distinct groups).

    Returns
    -------
    float
        1 = groups recovered exactly (up to relabelling), about 0 = chance.
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    A = as_finite_array(A, "A", ndim=2)
    groups = np.asarray(groups)
    if n_groups is not None:
        n_groups = check_int(n_groups, "n_groups", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    if A.shape[0] != groups.size:
        raise ValueError(f"A must have shape (n, r) with n = len(groups) = {groups.size}, got {A.shape}")
    G = int(n_groups or np.unique(groups).size)
    norms = np.linalg.norm(A, axis=1, keepdims=True)
    Z = A / np.where(norms > 0, norms, 1.0)
    labels = KMeans(n_clusters=G, n_init=10, random_state=seed).fit_predict(Z)
    return float(adjusted_rand_score(groups, labels))
