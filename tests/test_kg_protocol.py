"""Lecture 4, second edition: the data shipped, the protocol (validation, spread, random baseline), the λ collapse."""
import itertools
from pathlib import Path

import numpy as np
import pytest

import course_utils
from course_utils import kg

# --- the data -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, n, K, sizes", [("nations", 14, 55, (1592, 199, 201)), ("umls", 135, 46, (5216, 652, 661))])
def test_benchmarks_have_the_sizes_of_the_data_readme(name, n, K, sizes):
    b = kg.load_benchmark(name)
    assert (b.graph.n_entities, b.graph.n_relations) == (n, K)
    assert (len(b.train), len(b.valid), len(b.test)) == sizes
    assert len(b.graph.triples) == sum(sizes)                       # the splits are disjoint
    assert Path(course_utils.__file__).parent in kg.datasets.BENCHMARK_DIR.parents  # read from the package only


def test_bad_benchmark_name_is_a_value_error():
    with pytest.raises(ValueError, match="name"):
        kg.load_benchmark("fb15k")


def test_nations_every_test_pair_is_linked_in_training_umls_not():
    """"every test pair is already linked, one way or the other, by some relation in training" (Nations);
    "Only part of its test pairs are linked in training" (UMLS)."""
    assert kg.linked_test_share("nations") == 1.0
    assert 0.5 < kg.linked_test_share("umls") < 0.8


# --- the random-ranking baseline -------------------------------------------------------------------

def test_random_ranking_metrics_are_the_exact_expectation_over_all_orders():
    n = 5
    known = np.array([[0, 0, 1], [0, 0, 2], [3, 0, 2]])
    test = known[:2]
    exact = kg.random_ranking_metrics(test, known, n, ks=(1, 3))
    ranks = []
    for perm in itertools.permutations(range(n)):            # every order of the candidates, equally likely
        scores = -np.argsort(perm).astype(float)             # entity perm[0] first
        model = type("M", (), {"objects": lambda self, s, p: scores, "subjects": lambda self, p, o: scores})()
        ranks.append(kg.filtered_ranks(model, test, known, tie_rtol=0))
    ranks = np.concatenate(ranks)
    assert exact["MRR"] == pytest.approx(np.mean(1 / ranks), abs=1e-12)
    assert exact["Hits@1"] == pytest.approx(np.mean(ranks <= 1), abs=1e-12)
    assert exact["Hits@3"] == pytest.approx(np.mean(ranks <= 3), abs=1e-12)


# --- path features --------------------------------------------------------------------------------

def test_path_features_with_alpha_equals_a_fresh_fit():
    X = kg.load_movies().to_tensor()
    a = kg.PathFeatureModel(X, alpha=1.0).with_alpha(10.0)
    b = kg.PathFeatureModel(X, alpha=10.0)
    np.testing.assert_allclose(a.S, b.S, atol=1e-10)


def test_length_one_path_features_are_the_other_relations_and_inverses():
    X = kg.load_movies().to_tensor()
    m = kg.PathFeatureModel(X, max_length=1)
    assert len(m.feature_names) == 2 * len(X) + 1               # 2K steps + bias
    with pytest.raises(ValueError, match="max_length"):
        kg.PathFeatureModel(X, max_length=3)


# --- hyperparameters on validation ------------------------------------------------------------------

def test_select_rescal_returns_the_best_grid_point():
    g = kg.load_movies()
    rest, _ = kg.train_test_split_triples(g.triples, 0.1, np.random.default_rng(0))
    train, valid = kg.train_test_split_triples(rest, 0.1 / 0.9, np.random.default_rng(1000))
    best, table = kg.select_rescal(g.to_tensor(train), valid, g.triples, (20, 40), (0.1, 1.0))
    assert set(table) == {(20, 0.1), (20, 1.0), (40, 0.1), (40, 1.0)}
    assert table[best] == max(table.values())


def test_movie_ranking_is_tuned_on_valid_and_reports_a_spread():
    """"Five seeds give a mean and a spread"; the baselines sit next to RESCAL; random is far below all three."""
    r = kg.compute_movie_ranking()
    assert len(r.chosen) == len(r.seeds) == 5
    assert all(c in {(a, b) for a in kg.MOVIE_RANKS for b in kg.MOVIE_LAMBDAS} for c in r.chosen)
    mean, std = r.summary("RESCAL", "MRR")
    assert std > 0.02                                            # one split would hide this much spread
    rnd = r.summary("random", "MRR")[0]
    for m in ("RESCAL", "path features", "common neighbours"):
        assert r.summary(m, "MRR")[0] > 3 * rnd
        assert r.summary(m, "Hits@10")[0] > 3 * r.summary("random", "Hits@10")[0]


def test_tuned_kfold_fold_mean_is_above_pooled():
    """"pooling mixes scales and the two values can differ; here the pooled value is lower for RESCAL and slightly
    higher for the path features (fixed α, printed above)"."""
    t = kg.compute_tuned_kfold()
    assert len(t.chosen) == 10
    assert kg.auc_pr(t.kfold.scores, t.kfold.labels) < t.kfold.mean
    p = kg.compute_link_prediction("path features").kfold
    assert p.mean < kg.auc_pr(p.scores, p.labels) < p.mean + 0.02


def test_per_relation_folds_are_each_folds_own_auc_pr():
    """Per-relation AUC-PR "mean of 10 folds": each entry is the AUC-PR of one relation within one fold."""
    rng = np.random.default_rng(3)
    g = kg.planted_kg(30, 3, 3, 0.2, 0.05, rng)
    X = g.slices
    kf = kg.kfold_link_prediction(X, kg.common_neighbours_fitter(), n_folds=4, rng=np.random.default_rng(0))
    table = kf.per_relation_folds()
    assert table.shape == (4, 3)
    for f in range(4):
        for k in range(3):
            m = (kf.fold == f) & (kf.relation == k)
            if kf.labels[m].any():
                assert table[f, k] == kg.auc_pr(kf.scores[m], kf.labels[m])
    assert np.allclose(kf.fold_auc, [kg.auc_pr(kf.scores[kf.fold == f], kf.labels[kf.fold == f]) for f in range(4)])


def test_genre_is_a_rescal_win_director_a_tie():
    """"a film's genre follows from films with the same people (paired over folds, printed above; for directedBy
    the difference is noise, a tie)"."""
    t = kg.compute_tuned_kfold().kfold.per_relation_folds()
    p = kg.compute_link_prediction("path features").kfold.per_relation_folds()
    g = kg.load_movies()
    for rel, wins in (("hasGenre", True), ("directedBy", False)):
        d = t[:, g.relation_index(rel)] - p[:, g.relation_index(rel)]
        se = d.std(ddof=1) / np.sqrt(d.size)
        assert (d.mean() > 2 * se) == wins
        if not wins:
            assert abs(d.mean()) < 2 * se


# --- the λ collapse ------------------------------------------------------------------------------

def test_zero_is_a_stationary_point_and_a_local_minimum_of_the_ridge_objective():
    """"$A = 0, R = 0$ is always a stationary point" and "zero is even a local minimum, for every λ > 0"."""
    g = kg.load_movies()
    X = [x.toarray() for x in g.to_tensor()]
    rng = np.random.default_rng(0)
    A, R = rng.standard_normal((g.n_entities, 5)), rng.standard_normal((len(X), 5, 5))
    lam = 0.01

    def f(t):
        return sum(np.sum((Xk - (t * A) @ (t * Rk) @ (t * A).T) ** 2) for Xk, Rk in zip(X, R)) + lam * t * t * (
            np.sum(A ** 2) + np.sum(R ** 2))

    f0 = f(0.0)
    for t in (1e-4, 1e-3):
        assert f(t) > f0                                   # penalty t² beats the cubic gain near 0
    grad_A = sum(-2 * (Xk @ (0 * A) @ Rk.T + Xk.T @ (0 * A) @ Rk) for Xk, Rk in zip(X, R))
    assert np.all(grad_A == 0)


def test_large_lambda_collapses_the_fit_to_zero():
    """"past the collapse every score is < 1e-6": at rank 40, λ = 3 the fit is tiny, at λ = 1 it is not;
    "Past the collapse the scores are tiny (below $10^{-6}$), not 0, ... its validation MRR stays above random"."""
    s = kg.compute_lambda_sweep()
    lam = list(s.lams)
    assert s.max_score[lam.index(3.0)] < 1e-6 and s.norm_A[lam.index(3.0)] < 0.1
    assert s.max_score[lam.index(3.0)] > 0
    assert s.max_score[lam.index(1.0)] > 0.5
    assert s.valid_mrr[lam.index(1.0)] > 2 * s.valid_mrr[lam.index(3.0)]
    assert s.valid_mrr[lam.index(3.0)] > 2 * s.random_mrr


def _ridge_objective(X, A, R, lam):
    return sum(np.sum((Xk - A @ Rk @ A.T) ** 2) for Xk, Rk in zip(X, R)) + lam * (np.sum(A ** 2) + np.sum(R ** 2))


def test_scaling_a_fit_by_t_gives_the_t6_polynomial():
    """"$f(tA, tR) = \\lVert X\\rVert^2 - 2t^3 \\sum_k \\langle X_k, A R_k A^\\top\\rangle + t^6 \\sum_k
    \\lVert A R_k A^\\top\\rVert^2 + \\lambda t^2 (\\lVert A\\rVert^2 + \\sum_k \\lVert R_k\\rVert^2)$"."""
    rng = np.random.default_rng(1)
    X = [(rng.random((7, 7)) < 0.3).astype(float) for _ in range(3)]
    A, R, lam = rng.standard_normal((7, 3)), rng.standard_normal((3, 3, 3)), 0.7
    P = [A @ Rk @ A.T for Rk in R]
    for t in (0.3, 0.5, 1.7):
        poly = (sum(np.sum(Xk ** 2) for Xk in X) - 2 * t ** 3 * sum(np.sum(Xk * Pk) for Xk, Pk in zip(X, P))
                + t ** 6 * sum(np.sum(Pk ** 2) for Pk in P) + lam * t ** 2 * (np.sum(A ** 2) + np.sum(R ** 2)))
        assert np.isclose(_ridge_objective(X, t * A, t * R, lam), poly, rtol=1e-12)


def test_full_gradients_match_finite_differences():
    """"The full gradients, ∂f/∂A = −2Σ(X_k A R_kᵀ + X_kᵀ A R_k) + 2Σ(A R_k AᵀA R_kᵀ + A R_kᵀ AᵀA R_k) + 2λ_A A and
    ∂f/∂R_k = −2 Aᵀ X_k A + 2 AᵀA R_k AᵀA + 2λ_R R_k, both vanish there" (at A = 0, R = 0)."""
    rng = np.random.default_rng(2)
    X = [(rng.random((6, 6)) < 0.3).astype(float) for _ in range(2)]
    A, R, lam = rng.standard_normal((6, 3)), rng.standard_normal((2, 3, 3)), 0.4

    def grads(A, R):
        G = sum(-2 * (Xk @ A @ Rk.T + Xk.T @ A @ Rk) + 2 * (A @ Rk @ A.T @ A @ Rk.T + A @ Rk.T @ A.T @ A @ Rk)
                for Xk, Rk in zip(X, R)) + 2 * lam * A
        H = np.stack([-2 * A.T @ Xk @ A + 2 * A.T @ A @ Rk @ A.T @ A + 2 * lam * Rk for Xk, Rk in zip(X, R)])
        return G, H

    G, H = grads(A, R)
    h = 1e-6
    for idx in np.ndindex(A.shape):
        E = np.zeros_like(A)
        E[idx] = h
        fd = (_ridge_objective(X, A + E, R, lam) - _ridge_objective(X, A - E, R, lam)) / (2 * h)
        assert np.isclose(G[idx], fd, rtol=1e-6, atol=1e-6)
    for idx in np.ndindex(R.shape):
        E = np.zeros_like(R)
        E[idx] = h
        fd = (_ridge_objective(X, A, R + E, lam) - _ridge_objective(X, A, R - E, lam)) / (2 * h)
        assert np.isclose(H[idx], fd, rtol=1e-6, atol=1e-6)
    G0, H0 = grads(np.zeros_like(A), np.zeros_like(R))
    assert not G0.any() and not H0.any()


def test_average_precision_trap_hint_has_the_rectangles_the_right_way_round():
    """Exercise 7's trap hint: "AP sums rectangles R_n − R_{n−1} wide and P_n high"."""
    src = " ".join(Path(kg.exercises.__file__).read_text(encoding="utf-8").split())
    assert "R_n − R_{n−1} wide \" \"and P_n high" in src
