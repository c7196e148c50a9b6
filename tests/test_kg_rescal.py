"""Lecture 4: RESCAL by ALS — the mathematics."""
import numpy as np
import pytest
import scipy.sparse as sp

from course_utils import kg
from course_utils.kg import RescalModel, check_slices, rescal_als, score_triples
from course_utils.kg.rescal import _canonical_leading, _init_nvecs, _r_step


def random_low_rank(n=40, K=4, r=3, seed=1):
    rng = np.random.default_rng(seed)
    A0 = rng.standard_normal((n, r))
    R0 = rng.standard_normal((K, r, r))
    return [A0 @ R0[k] @ A0.T for k in range(K)]


@pytest.mark.parametrize("init", ["nvecs", "random"])
def test_exact_recovery_of_a_random_rank_r_tensor(init):
    X = random_low_rank()
    A, R, hist = rescal_als(X, 3, init=init, max_iter=300, tol=1e-10, rng=np.random.default_rng(0))
    assert hist.fit[-1] > 0.999
    err = max(np.abs(A @ R[k] @ A.T - X[k]).max() for k in range(len(X)))
    assert err < 1e-3 * max(np.abs(x).max() for x in X)


def binary_tensor(n=60, K=5, density=0.05, seed=0):
    return [sp.random(n, n, density=density, random_state=seed + k, format="csr", data_rvs=np.ones) for k in range(K)]


@pytest.mark.parametrize("lam_A, lam_R", [(0.0, 0.0), (0.1, 0.1), (1.0, 0.0), (0.0, 2.0), (5.0, 5.0)])
@pytest.mark.parametrize("init", ["nvecs", "random"])
def test_regularised_objective_never_increases(lam_A, lam_R, init):
    X = binary_tensor()
    _, _, hist = rescal_als(X, 6, lambda_A=lam_A, lambda_R=lam_R, init=init, max_iter=60, tol=0.0,
                            rng=np.random.default_rng(3))
    obj = np.array(hist.objective)
    assert len(obj) == 61 and np.all(np.isfinite(obj))
    assert np.all(np.diff(obj) <= 1e-10 * obj[:-1])
    np.testing.assert_allclose(hist.fit, 1 - np.array(hist.loss) / kg.tensor_sqnorm(X))


def test_objective_monotone_on_the_movie_graph():
    _, _, hist = rescal_als(kg.load_movies().to_tensor(), 20, lambda_A=0.1, lambda_R=0.1, max_iter=40, tol=0)
    assert np.all(np.diff(hist.objective) <= 1e-10 * np.array(hist.objective[:-1]))


def test_history_values_match_a_direct_computation():
    X = binary_tensor(n=30, K=3, density=0.1)
    lam_A, lam_R = 0.3, 0.7
    A, R, hist = rescal_als(X, 4, lambda_A=lam_A, lambda_R=lam_R, max_iter=7, tol=0)
    loss = sum(np.sum((X[k].toarray() - A @ R[k] @ A.T) ** 2) for k in range(3))
    obj = loss + lam_A * np.sum(A ** 2) + lam_R * np.sum(R ** 2)
    assert hist.loss[-1] == pytest.approx(loss, rel=1e-9)
    assert hist.objective[-1] == pytest.approx(obj, rel=1e-9)


def test_sparse_and_dense_inputs_give_the_same_result():
    Xs = binary_tensor()
    Xd = [x.toarray() for x in Xs]
    for init in ("nvecs", "random"):
        As, Rs, hs = rescal_als(Xs, 5, lambda_A=0.1, lambda_R=0.1, init=init, max_iter=30, rng=np.random.default_rng(0))
        Ad, Rd, hd = rescal_als(Xd, 5, lambda_A=0.1, lambda_R=0.1, init=init, max_iter=30, rng=np.random.default_rng(0))
        np.testing.assert_allclose(As, Ad, atol=1e-8)
        np.testing.assert_allclose(Rs, Rd, atol=1e-8)
        np.testing.assert_allclose(hs.objective, hd.objective, rtol=1e-10)
    # a (K, n, n) array is accepted too
    A3, _, _ = rescal_als(np.stack(Xd), 5, lambda_A=0.1, lambda_R=0.1, max_iter=30)
    np.testing.assert_allclose(A3, rescal_als(Xs, 5, lambda_A=0.1, lambda_R=0.1, max_iter=30)[0], atol=1e-8)


@pytest.mark.parametrize("lam_R", [0.0, 0.5])
def test_r_step_svd_trick_equals_ridge_with_the_kronecker_design(lam_R):
    """The closed form V[(s_i s_j/(s_i² s_j² + λ)) ∘ UᵀXU]Vᵀ solves min ‖X − A R Aᵀ‖² + λ‖R‖² (tiny n only)."""
    rng = np.random.default_rng(5)
    n, r = 9, 3
    A = rng.standard_normal((n, r))
    Xk = rng.standard_normal((n, n))
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    R = _r_step([U.T @ Xk @ U], s, Vt, lam_R)[0]
    Z = np.kron(A, A)  # vec(A R Aᵀ) = (A ⊗ A) vec(R) for row-major vec
    ridge = np.linalg.solve(Z.T @ Z + lam_R * np.eye(r * r), Z.T @ Xk.ravel()).reshape(r, r)
    np.testing.assert_allclose(R, ridge, atol=1e-10)


def test_first_a_step_is_the_papers_update():
    X = binary_tensor(n=40, K=3, density=0.1)
    A0 = np.random.default_rng(2).uniform(size=(40, 4))
    lam_A = 0.5
    _, R0, _ = rescal_als(X, 4, lambda_A=lam_A, init=A0, max_iter=0)
    A1, _, hist = rescal_als(X, 4, lambda_A=lam_A, init=A0, max_iter=1, tol=0)
    D = [x.toarray() for x in X]
    F = sum(D[k] @ A0 @ R0[k].T + D[k].T @ A0 @ R0[k] for k in range(3))
    G = A0.T @ A0
    E = sum(R0[k] @ G @ R0[k].T + R0[k].T @ G @ R0[k] for k in range(3)) + lam_A * np.eye(4)
    assert hist.backtracks == 0
    np.testing.assert_allclose(A1, F @ np.linalg.inv(E), atol=1e-10)


def test_nvecs_init_eigsh_matches_dense_eigh_subspace():
    n, r = 700, 4  # above DENSE_EIGH_MAX_N: the sparse path is used
    g = kg.planted_kg(n, 3, 4, density=0.05, noise=0.1, rng=np.random.default_rng(0))
    A_sparse = _init_nvecs(g.slices, r, np.random.default_rng(0))
    A_dense = _init_nvecs([x.toarray() for x in g.slices], r, np.random.default_rng(0))
    # same span (eigenvalues well separated for this graph): principal angles ~ 0
    sv = np.linalg.svd(A_sparse.T @ A_dense, compute_uv=False)
    np.testing.assert_allclose(sv, 1.0, atol=1e-6)


def test_deterministic_with_the_same_rng():
    X = binary_tensor()
    a = rescal_als(X, 4, init="random", max_iter=10, rng=np.random.default_rng(7))
    b = rescal_als(X, 4, init="random", max_iter=10, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a[0], b[0])


def test_score_triples_matches_reconstruction():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((10, 3))
    R = rng.standard_normal((2, 3, 3))
    t = np.array([[0, 0, 1], [4, 1, 9], [9, 1, 9]])
    expected = [(A @ R[p] @ A.T)[s, o] for s, p, o in t]
    np.testing.assert_allclose(score_triples(A, R, t), expected)
    m = RescalModel(A, R)
    np.testing.assert_allclose(m.objects(4, 1), (A @ R[1] @ A.T)[4])
    np.testing.assert_allclose(m.subjects(1, 9), (A @ R[1] @ A.T)[:, 9])
    np.testing.assert_allclose(m.score_entries(t[:, 1], t[:, 0], t[:, 2]), expected)
    with pytest.raises(ValueError, match=r"entity indices must be in \[0, 9\]"):
        score_triples(A, R, np.array([[0, 0, 10]]))
    with pytest.raises(ValueError, match=r"relation indices must be in \[0, 1\]"):
        score_triples(A, R, np.array([[0, 2, 1]]))
    with pytest.raises(ValueError, match=r"shape \(m, 3\)"):
        score_triples(A, R, np.array([0.5, 1, 2]))


@pytest.mark.parametrize("X, match, exc", [
    ([], "is empty", ValueError),
    ([np.zeros((3, 4))], r"square n x n matrix, got shape \(3, 4\)", ValueError),
    ([np.eye(3), np.eye(4)], r"same shape: X\[0\] is 3 x 3 but X\[1\] is 4 x 4", ValueError),
    ([np.array([[np.nan, 0], [0, 1]])], "NaN or infinite", ValueError),
    (["abc"], "must be a numpy array or a scipy.sparse matrix", TypeError),
    (sp.eye(3), "not a single sparse matrix", TypeError),
    ([np.zeros((3, 3))], "no non-zero entries", ValueError),
])
def test_bad_slices(X, match, exc):
    with pytest.raises(exc, match=match):
        rescal_als(X, 1)


@pytest.mark.parametrize("kw, match, exc", [
    (dict(rank=0), r"rank must be between 1 and the number of entities n = 5, got 0", ValueError),
    (dict(rank=6), r"rank must be between 1 and .* n = 5, got 6", ValueError),
    (dict(rank=2.5), "rank must be an integer", TypeError),
    (dict(rank=2, lambda_A=-1.0), "lambda_A must be a finite number >= 0", ValueError),
    (dict(rank=2, lambda_R=np.inf), "lambda_R must be a finite number >= 0", ValueError),
    (dict(rank=2, init="svd"), "init must be 'nvecs', 'random'", ValueError),
    (dict(rank=2, init=np.ones((4, 2))), r"init array must have shape \(n, rank\) = \(5, 2\)", ValueError),
    (dict(rank=2, max_iter=-1), "max_iter must be an integer >= 0", ValueError),
    (dict(rank=2, rng=0), "rng must be a numpy Generator", TypeError),
])
def test_bad_parameters(kw, match, exc):
    X = [np.eye(5)]
    with pytest.raises(exc, match=match):
        rescal_als(X, **kw)


def test_rank_equal_to_n_is_allowed_and_exact():
    X = [np.eye(5), np.roll(np.eye(5), 1, axis=1)]
    _, _, hist = rescal_als(X, 5, max_iter=5)
    assert hist.fit[-1] == pytest.approx(1.0, abs=1e-9)


def test_check_slices_converts_to_float_csr():
    out = check_slices([sp.coo_matrix(np.eye(3, dtype=int))])
    assert sp.issparse(out[0]) and out[0].format == "csr" and out[0].dtype == np.float64


# --- the nvecs initialisation when the rank cuts through repeated eigenvalues --------------------

def disjoint_edges_tensor(n_edges=5, seed=0):
    """n_edges disjoint edges plus a path of 4 nodes: Σ(X + Xᵀ) has eigenvalues ±1, n_edges times each."""
    n = 2 * n_edges + 4
    rows = [2 * e for e in range(n_edges)] + [n - 4, n - 3, n - 2]
    cols = [2 * e + 1 for e in range(n_edges)] + [n - 3, n - 2, n - 1]
    X = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    return [X]


def projector(A):
    Q, _ = np.linalg.qr(A)
    return Q @ Q.T


def test_nvecs_rank_inside_a_repeated_eigenvalue_is_canonical():
    X = disjoint_edges_tensor()
    S = (X[0] + X[0].T).toarray()
    vals, vecs = np.linalg.eigh(S)
    a = np.sort(np.abs(vals))[::-1]
    rank = 4  # the path's two eigenvalues 1.618 (±), then 10 with |λ| = 1: the cut splits them
    assert abs(a[rank - 1] - 1) < 1e-12 and abs(a[rank] - 1) < 1e-12 and a[1] > 1.5
    A = _init_nvecs(X, rank, np.random.default_rng(0))
    np.testing.assert_allclose(A.T @ A, np.eye(rank), atol=1e-12)
    # the result depends on the eigenspace, not on the basis eigh returned: mix the group's basis
    group = np.flatnonzero(np.abs(np.abs(vals) - 1) < 1e-9)
    Q, _ = np.linalg.qr(np.random.default_rng(1).standard_normal((group.size, group.size)))
    mixed = vecs.copy()
    mixed[:, group] = vecs[:, group] @ Q
    A_mixed = _canonical_leading(vals, mixed, rank)
    np.testing.assert_allclose(projector(A_mixed), projector(A), atol=1e-10)
    # a rounding-level change of the input (which makes eigh pick another basis) does not move it
    Xp = [X[0].copy()]
    Xp[0].data *= 1 + 1e-13 * np.random.default_rng(2).standard_normal(Xp[0].nnz)
    np.testing.assert_allclose(projector(_init_nvecs(Xp, rank, np.random.default_rng(0))), projector(A), atol=1e-8)


def test_nvecs_without_a_split_group_is_plain_eigenvectors():
    X = disjoint_edges_tensor()
    S = (X[0] + X[0].T).toarray()
    vals, vecs = np.linalg.eigh(S)
    order = np.argsort(-np.abs(vals), kind="stable")
    A = _init_nvecs(X, 2, np.random.default_rng(0))  # the two path eigenvalues ±1.618: no tie at the cut
    np.testing.assert_allclose(projector(A), projector(vecs[:, order[:2]]), atol=1e-12)


def test_als_depends_only_on_the_span_of_the_init():
    """A → A Q (Q orthogonal) maps every ALS iterate to A_t Q and R_t to Qᵀ R_t Q: same scores.
    This is why a repeated eigenvalue taken whole needs no canonical basis."""
    X = binary_tensor(n=40, K=3, density=0.08)
    A0, _ = np.linalg.qr(np.random.default_rng(4).standard_normal((40, 5)))
    Q, _ = np.linalg.qr(np.random.default_rng(5).standard_normal((5, 5)))
    A1, R1, h1 = rescal_als(X, 5, lambda_A=0.5, lambda_R=0.5, init=A0, max_iter=15, tol=0)
    A2, R2, h2 = rescal_als(X, 5, lambda_A=0.5, lambda_R=0.5, init=A0 @ Q, max_iter=15, tol=0)
    np.testing.assert_allclose(A2, A1 @ Q, atol=1e-9)
    for k in range(3):
        np.testing.assert_allclose(A2 @ R2[k] @ A2.T, A1 @ R1[k] @ A1.T, atol=1e-9)
    np.testing.assert_allclose(h1.objective, h2.objective, rtol=1e-10)
