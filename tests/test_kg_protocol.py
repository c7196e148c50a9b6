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
    """"pooling mixes scales and loses precision: it is lower" (fold mean vs pooled AUC-PR, RESCAL)."""
    t = kg.compute_tuned_kfold()
    assert len(t.chosen) == 10
    assert kg.auc_pr(t.kfold.scores, t.kfold.labels) < t.kfold.mean


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
    """"past the collapse every score is 0": at rank 40, λ = 3 the fit is numerically zero, at λ = 1 it is not."""
    s = kg.compute_lambda_sweep()
    lam = list(s.lams)
    assert s.max_score[lam.index(3.0)] < 1e-6 and s.norm_A[lam.index(3.0)] < 0.1
    assert s.max_score[lam.index(1.0)] > 0.5
    assert s.valid_mrr[lam.index(1.0)] > 2 * s.valid_mrr[lam.index(3.0)]


# --- what RESCAL assumes --------------------------------------------------------------------------

def test_least_squares_pulls_a_hidden_true_fact_towards_zero():
    """"a true fact that is missing is pulled towards 0 during training": its score is below the mean of the
    facts given as 1, and "The hidden fact still outscores a fifth of the real facts"."""
    c = kg.compute_closed_world_fit()
    assert c.hidden_score < c.positive_scores.mean()
    assert 0.15 < np.mean(c.positive_scores < c.hidden_score) < 0.3


# --- Nations and UMLS -------------------------------------------------------------------------------

def test_when_each_wins_on_real_data():
    """"Nations: path features win." "UMLS: RESCAL wins by far." Both far above random."""
    nat, umls = kg.compute_benchmark("nations"), kg.compute_benchmark("umls")
    assert nat.kfold["path features"].mean > nat.kfold["RESCAL"].mean
    assert nat.test["path features"]["MRR"] > nat.test["RESCAL"]["MRR"]
    assert umls.kfold["RESCAL"].mean > umls.kfold["path features"].mean + 0.3
    assert umls.test["RESCAL"]["MRR"] > umls.test["path features"]["MRR"] + 0.2
    for b in (nat, umls):
        assert b.kfold["RESCAL"].mean > 3 * b.kfold["RESCAL"].labels.mean()
        assert b.test["RESCAL"]["MRR"] > b.test["random"]["MRR"]
    # "our RESCAL is below the RESCAL paper's AUC-PR ... and below ConvE"
    for b in (nat, umls):
        assert b.kfold["RESCAL"].mean < kg.PUBLISHED_AUC_PR[b.name]
        assert b.test["RESCAL"]["MRR"] < kg.PUBLISHED_CONVE[b.name]["MRR"]
    assert nat.test["random"]["Hits@10"] > 0.9            # "random ranking already puts most answers in the top 10"


def test_planted_recovery_degrades_with_density():
    """The recovery widget: at 10 edges per entity and relation the groups are found, at a quarter edge not."""
    assert kg.compute_planted_scale(kg.RECOVERY_N, degree=10.0).ari > 0.95
    assert kg.compute_planted_scale(kg.RECOVERY_N, degree=0.25).ari < 0.2


# --- reading the model ---------------------------------------------------------------------------

def test_diagonal_relations_solve_their_least_squares_problem():
    rng = np.random.default_rng(3)
    A, X = rng.standard_normal((8, 3)), rng.standard_normal((8, 8))
    r = kg.diagonal_relations(A, [X], lam=0.0)[0]
    design = np.stack([np.outer(A[:, i], A[:, i]).ravel() for i in range(3)], axis=1)
    np.testing.assert_allclose(r, np.linalg.lstsq(design, X.ravel(), rcond=None)[0], rtol=1e-9)


def test_distmult_cannot_tell_a_sequel_from_its_predecessor():
    """"score(i, k, j) = score(j, k, i) for every pair"; "RESCAL *can* encode direction ... on part of the six facts"."""
    r = kg.compute_reading()
    np.testing.assert_allclose(r.distmult[:, 0], r.distmult[:, 1], atol=1e-12)
    diff = r.rescal[:, 0] - r.rescal[:, 1]
    assert 0 < np.sum(diff > 0.005) < len(diff)


def test_at_rank_5_the_directors_get_no_dimension():
    """"At this rank the directors get no dimension of their own (their row is blank), so `directedBy` is empty"."""
    r = kg.compute_reading()
    d = r.types.index("director")
    assert r.loadings[d].max() < 0.01 * r.loadings.max()
    assert np.abs(r.R[r.relations.index("directedBy")]).max() < 0.01 * np.abs(r.R).max()


def test_single_threaded_blas_is_a_no_op_under_the_prefetcher_pin(monkeypatch):
    import contextlib

    from course_utils.core import background
    monkeypatch.setattr(background, "_PIN_COUNT", 1)
    assert isinstance(kg.single_threaded_blas(), contextlib.nullcontext)


def test_widget_fit_collapses_between_lambda_1_and_3():
    """"between λ = 1 and λ ≈ 3 the fit falls from about one half to almost 0" (the widget: rank 40, 30 iterations,
    λ on a log grid of step 0.1 decades)."""
    fits = {lam: kg.compute_rescal_fit(40, lam, max_iter=30).fit for lam in (1.0, 10 ** 0.5)}
    assert fits[1.0] > 0.5 and fits[10 ** 0.5] < 0.05
