"""Lecture 4: AUC-PR, ranking metrics, K-fold protocol, graph-feature baselines, exercises."""
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import average_precision_score, precision_recall_curve

from course_utils import kg
from course_utils.kg import exercises as ex


@pytest.mark.parametrize("seed", range(5))
def test_auc_pr_agrees_with_sklearn_on_random_data(seed):
    rng = np.random.default_rng(seed)
    y = (rng.random(500) < 0.2).astype(int)
    s = rng.standard_normal(500) + y
    assert kg.auc_pr(s, y) == pytest.approx(average_precision_score(y, s), abs=1e-12)
    s_ties = np.round(s, 1)  # many ties: one threshold per distinct score
    assert kg.auc_pr(s_ties, y) == pytest.approx(average_precision_score(y, s_ties), abs=1e-12)


def test_precision_recall_points_agree_with_sklearn():
    rng = np.random.default_rng(0)
    y = rng.random(200) < 0.3
    s = np.round(rng.random(200), 2)
    p, r, t = kg.precision_recall_points(s, y)
    ps, rs, ts = precision_recall_curve(y, s)
    # sklearn lists thresholds increasing and appends (1, 0); it stops once recall reaches 1
    m = len(ts)
    np.testing.assert_allclose(p[:m][::-1], ps[:-1])
    np.testing.assert_allclose(r[:m][::-1], rs[:-1])


def test_auc_pr_hand_cases():
    assert kg.auc_pr([3, 2, 1], [1, 1, 0]) == pytest.approx(1.0)
    assert kg.auc_pr([3, 2, 1], [0, 0, 1]) == pytest.approx(1 / 3)
    assert kg.auc_pr(ex.AP_SCORES, ex.AP_LABELS) == pytest.approx(ex.AP_EXPECTED)
    assert kg.auc_pr([1, 1, 1, 1], [1, 0, 0, 0]) == pytest.approx(0.25)  # all tied: precision = base rate


@pytest.mark.parametrize("scores, labels, match", [
    ([1, 2], [1], "same length"),
    ([1, 2], [0, 0], "no positive"),
    ([1, np.nan], [1, 0], "NaN or infinite"),
    ([1, 2], [2, 0], "labels must be 0/1"),
    ([], [], "empty"),
])
def test_auc_pr_bad_input(scores, labels, match):
    with pytest.raises(ValueError, match=match):
        kg.auc_pr(scores, labels)


def test_filtered_rank_hand_cases():
    s = np.array([0.9, 0.8, 0.6, 0.5, 0.4])
    assert kg.filtered_rank(s, 3) == 4
    assert kg.filtered_rank(s, 3, known=[1]) == 3
    assert kg.filtered_rank(s, 3, known=[1, 3]) == 3  # the target itself in `known` is not removed
    assert kg.filtered_rank(s, 0, known=[1, 2]) == 1
    assert kg.filtered_rank(np.array([1.0, 1.0, 1.0, 0.0]), 0) == 2.0  # two ties count half each
    with pytest.raises(ValueError, match="outside"):
        kg.filtered_rank(s, 5)
    names = list(ex.RANK_SCORES)
    r = kg.filtered_rank(np.array(list(ex.RANK_SCORES.values())), names.index(ex.RANK_TARGET),
                         [names.index(k) for k in ex.RANK_KNOWN])
    assert r == ex.RANK_EXPECTED


def test_ranking_metrics_hand_case():
    m = kg.ranking_metrics([1, 2, 4, 10, 20], ks=(1, 3, 10))
    assert m["MRR"] == pytest.approx((1 + 1 / 2 + 1 / 4 + 1 / 10 + 1 / 20) / 5)
    assert m["Hits@1"] == pytest.approx(0.2)
    assert m["Hits@3"] == pytest.approx(0.4)
    assert m["Hits@10"] == pytest.approx(0.8)
    with pytest.raises(ValueError, match=">= 1"):
        kg.ranking_metrics([0.5])
    with pytest.raises(ValueError, match="no ranks"):
        kg.ranking_metrics([])


class TableModel:
    """A model whose scores are a fixed table S[k, i, j]."""

    def __init__(self, S):
        self.S = np.asarray(S, dtype=float)

    def objects(self, s, k):
        return self.S[k, s]

    def subjects(self, k, o):
        return self.S[k, :, o]


def test_filtered_ranks_both_sides_hand_case():
    S = np.zeros((1, 4, 4))
    S[0, 0] = [0.0, 0.9, 0.5, 0.7]   # (0, 0, ?) object scores
    S[0, :, 2] = [0.5, 0.8, 0.1, 0.6]  # (?, 0, 2) subject scores
    test = np.array([[0, 0, 2]])
    known = np.array([[0, 0, 2], [0, 0, 1], [3, 0, 2]])
    # object side: candidates 0 (0.0), 1 (0.9, filtered), 3 (0.7) → rank 2
    # subject side: candidates 1 (0.8), 2 (0.1), 3 (0.6, filtered) → rank 2
    np.testing.assert_array_equal(kg.filtered_ranks(TableModel(S), test, known, side="both"), [2, 2])
    np.testing.assert_array_equal(kg.filtered_ranks(TableModel(S), test, known[:1], side="object"), [3])
    with pytest.raises(ValueError, match="side must be"):
        kg.filtered_ranks(TableModel(S), test, known, side="left")


def test_kfold_holds_out_every_entry_once_with_true_labels():
    g = kg.planted_kg(30, 2, 3, density=0.5, noise=0.1, rng=np.random.default_rng(0))
    seen = []

    class Spy:
        def score_entries(self, k, i, j):
            seen.append(np.asarray(k) * 900 + np.asarray(i) * 30 + np.asarray(j))
            return np.zeros(len(k))

    def fit(train):
        # held-out positives are removed from training
        assert sum(x.nnz for x in train) < g.nnz
        return Spy()

    res = kg.kfold_link_prediction(g.slices, fit, n_folds=4, rng=np.random.default_rng(0))
    allseen = np.sort(np.concatenate(seen))
    np.testing.assert_array_equal(allseen, np.arange(2 * 30 * 30))
    truth = np.concatenate([x.toarray().ravel() for x in g.slices])
    np.testing.assert_array_equal(res.labels, truth)
    assert res.fold_auc.shape == (4,)
    with pytest.raises(ValueError, match="n_folds must be an integer >= 2"):
        kg.kfold_link_prediction(g.slices, fit, n_folds=1)


def test_planted_structure_recovered_on_held_out_entries():
    """RESCAL on a planted graph: held-out AUC-PR >= 0.9 (10-fold over entries, fixed seed)."""
    g = kg.planted_kg(90, 4, 3, density=0.95, noise=0.05, rng=np.random.default_rng(0))
    res = kg.kfold_link_prediction(g.slices, kg.rescal_fitter(3, lambda_A=0.1, lambda_R=0.1), n_folds=10,
                                   rng=np.random.default_rng(0))
    assert res.mean >= 0.9
    base_rate = res.labels.mean()
    assert res.mean > 2 * base_rate
    A, _, _ = kg.rescal_als(g.slices, 3)
    assert kg.group_recovery(A, g.groups) == pytest.approx(1.0)


def test_path_features_learn_the_starred_in_rule():
    """played · characterIn is the strongest evidence for starredIn."""
    g = kg.load_movies()
    m = kg.PathFeatureModel(g.to_tensor(), relation_names=g.relations)
    k = g.relation_index("starredIn")
    w = m.weights[k]
    best = m.feature_names[int(np.argmax(w))]
    assert best == "played·characterIn"
    assert w[k] == 0.0  # the label itself is never a feature
    assert m.S.shape == (6, g.n_entities, g.n_entities) and np.all(np.isfinite(m.S))


def test_common_neighbours_hand_case():
    X = [sp.csr_matrix(np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]], dtype=float))]
    m = kg.CommonNeighboursModel(X)
    assert m.S[0, 0, 2] == 1.0  # 0 and 2 share neighbour 1
    assert m.S[0, 0, 1] == 0.0


def test_baseline_bad_input():
    with pytest.raises(ValueError, match="alpha must be"):
        kg.PathFeatureModel([np.eye(3)], alpha=0)
    with pytest.raises(ValueError, match="relation_names has 2 names for 1 relations"):
        kg.PathFeatureModel([np.eye(3)], relation_names=["a", "b"])


def test_collective_learning_example():
    """Hiding (Nimoy, starredIn, Star Trek II): all relations rank it near the top, the slice alone cannot."""
    ce = kg.compute_collective_example()
    assert ce.rank_all <= 3
    assert ce.rank_single > 50
    # why: the starredIn slice has no path from Nimoy to the film, so its score there is 0 (a tie)
    assert not ce.path_in_slice
    assert ce.single.score == 0.0 and ce.single.n_tied >= 100
    assert ce.all.score > 0.1 and ce.all.n_tied == 0
    g = kg.load_movies()
    for r in (ce.all, ce.single):
        assert r.converged and r.n_iter < 200  # |Δ fit| < 1e-6 reached, not the iteration cap
        # ties count half: the rank is the middle of the tie, after the candidates scored above
        assert r.rank == 1 + len(r.above) + r.n_tied / 2
        assert r.n_tied + len(r.above) <= g.n_entities - 2


def collective_setup():
    g = kg.load_movies()
    s, p, o = g.encode([kg.COLLECTIVE_TRIPLE])[0]
    train = g.triples[~np.all(g.triples == np.array([s, p, o]), axis=1)]
    known = [int(x) for x in train[(train[:, 0] == s) & (train[:, 1] == p), 2]]
    return g, g.to_tensor(train), s, p, o, known


def test_collective_example_is_insensitive_to_tiny_perturbations():
    """Floating-point luck cannot change the lesson: a 1e-10 relative change of the input, or of the
    initialisation, gives the same ranks, the same candidates above and the same ties."""
    from course_utils.kg.rescal import _init_nvecs

    g, X, s, p, o, known = collective_setup()
    ce = kg.compute_collective_example()
    for eps_seed in range(2):
        Xp = [x.copy() for x in X]
        for k, x in enumerate(Xp):
            x.data *= 1 + 1e-10 * np.random.default_rng(10 * eps_seed + k).standard_normal(x.nnz)
        noise = np.random.default_rng(99 + eps_seed)
        for slices, rel, ref in ((X, p, ce.all), ([X[p]], 0, ce.single)):
            A0 = _init_nvecs(slices, kg.MOVIE_RANK, np.random.default_rng(0))
            A0 = A0 + 1e-10 * noise.standard_normal(A0.shape)
            Xs = Xp if len(slices) > 1 else [Xp[p]]
            for res in (kg.collective_ranking(Xs, rel, s, o, known, g.entities),
                        kg.collective_ranking(slices, rel, s, o, known, g.entities, init=A0)):
                assert (res.rank, res.above, res.n_tied) == (ref.rank, ref.above, ref.n_tied)
                assert res.score == pytest.approx(ref.score, abs=1e-8)


@pytest.mark.parametrize("seed", range(3))
def test_collective_conclusion_holds_from_random_starts(seed):
    """Not an artefact of the nvecs start: from random starts too, all relations rank the film 2nd and
    the slice alone scores it 0, tied with most of the graph."""
    g, X, s, p, o, known = collective_setup()
    A0 = np.random.default_rng(seed).uniform(size=(g.n_entities, kg.MOVIE_RANK))
    res_all = kg.collective_ranking(X, p, s, o, known, g.entities, init=A0, max_iter=500)
    res_single = kg.collective_ranking([X[p]], 0, s, o, known, g.entities, init=A0, max_iter=500)
    assert res_all.converged and res_single.converged
    assert res_all.rank <= 3
    assert res_single.score == 0.0 and res_single.rank > 50 and res_single.n_tied >= 100


@pytest.mark.parametrize("rank", [10, 20, 60])
def test_collective_conclusion_does_not_depend_on_the_rank(rank):
    g, X, s, p, o, known = collective_setup()
    assert kg.collective_ranking(X, p, s, o, known, g.entities, rank=rank).rank <= 3
    single = kg.collective_ranking([X[p]], 0, s, o, known, g.entities, rank=rank)
    assert single.score == 0.0 and single.rank > 50


def test_snap_ties_merges_rounding_noise_only():
    s = np.array([1.0, 1e-20, -3e-21, 0.0, -0.0, 0.5, 0.5 * (1 + 1e-15), 0.5 * (1 + 1e-6), -1.0])
    out = kg.snap_ties(s)
    assert out[1] == out[2] == out[3] == out[4] == 0.0
    assert not np.any(np.signbit(out[1:5]))  # no -0.0 (it would print as "-0.000")
    assert out[5] == out[6]                  # equal up to rounding: one tie
    assert out[7] > out[6]                   # a real difference (1e-6 relative) survives
    np.testing.assert_allclose(out, s, atol=1e-9)
    np.testing.assert_array_equal(kg.snap_ties(s, rtol=0), s)
    # counts stay exact whatever the scale, so equal counts from two folds stay equal when pooled
    for scale in (3.0, 17.0, 1000.0):
        ints = np.array([0.0, 1.0, 2.0, scale])
        np.testing.assert_array_equal(kg.snap_ties(ints), ints)
    with pytest.raises(ValueError, match="rtol must be"):
        kg.snap_ties(s, rtol=-1)


def test_filtered_rank_counts_rounding_level_differences_as_ties():
    s = np.array([1.0, 2e-20, -1e-20, 0.0, 3e-21])
    # exact comparison: the order of the four "zeros" is decided by the noise
    assert kg.filtered_rank(s, 1, tie_rtol=0) == 2.0
    assert kg.filtered_rank(s, 2, tie_rtol=0) == 5.0
    # with the tolerance they are one tie of four: rank 1 + 1 + 3/2 for each of them
    for target in (1, 2, 3, 4):
        assert kg.filtered_rank(s, target) == 3.5


def rescal_lp_kfold(perturb_seed=None, eps=1e-13):
    """The link-prediction protocol of the lecture, optionally with a tiny perturbation of input and init."""
    from course_utils.kg.rescal import _init_nvecs

    g = kg.load_movies()
    hist = []

    def fit(train):
        init = "nvecs"
        if perturb_seed is not None:
            r = np.random.default_rng(perturb_seed + len(hist))
            train = [x.copy() for x in train]
            for x in train:
                x.data *= 1 + eps * r.standard_normal(x.nnz)
            init = _init_nvecs(train, kg.MOVIE_RANK, np.random.default_rng(0))
            init = init + eps * r.standard_normal(init.shape)
        A, R, h = kg.rescal_als(train, kg.MOVIE_RANK, lambda_A=kg.MOVIE_LAMBDA, lambda_R=kg.MOVIE_LAMBDA,
                                init=init, max_iter=kg.LINK_MAX_ITER, tol=kg.LINK_TOL)
        hist.append(h)
        return kg.RescalModel(A, R)

    return kg.kfold_link_prediction(g.to_tensor(), fit, n_folds=10, rng=np.random.default_rng(0)), hist


def test_link_prediction_fits_stop_by_tolerance_and_are_stable():
    res = kg.compute_link_prediction("RESCAL")
    assert len(res.fits) == 11 and res.all_converged          # every fit: |Δ fit| < LINK_TOL ...
    assert max(res.n_iter) < kg.LINK_MAX_ITER                 # ... before the iteration cap
    base, hist = rescal_lp_kfold()
    np.testing.assert_array_equal(base.fold_auc, res.kfold.fold_auc)
    pert, hist_p = rescal_lp_kfold(perturb_seed=0)
    # a rounding-level change of input and init: the same iterations, the same AUC-PR to 1e-6
    assert [h.n_iter for h in hist_p] == [h.n_iter for h in hist]
    np.testing.assert_allclose(pert.fold_auc, base.fold_auc, atol=1e-6)
    assert kg.auc_pr(pert.scores, pert.labels) == pytest.approx(kg.auc_pr(base.scores, base.labels), abs=1e-6)
    np.testing.assert_allclose(pert.per_relation(), base.per_relation(), atol=1e-6)


def test_kfold_scores_are_snapped_so_ours_equals_sklearn():
    res = kg.compute_link_prediction("common neighbours")
    r = res.kfold
    np.testing.assert_array_equal(r.scores, kg.snap_ties(r.scores))  # already on the grid
    assert kg.auc_pr(r.scores, r.labels) == pytest.approx(average_precision_score(r.labels, r.scores), abs=1e-12)


def test_format_mean_std():
    assert kg.format_mean_std(0.266019, 0.070023) == "0.266 ± 0.070"
    assert kg.format_mean_std(0.013722, 0.002789) == "0.0137 ± 0.0028"
    assert kg.format_mean_std(0.9381, 0.00997) == "0.938 ± 0.010"  # 0.00997 rounds to 0.010 (2 digits)
    assert kg.format_mean_std(123.4, 17.2) == "123 ± 17"
    with pytest.raises(ValueError, match="std >= 0"):
        kg.format_mean_std(0.5, -0.1)


def test_parameter_count():
    assert kg.rescal_parameter_count(10, 2, 3) == 10 * 3 + 2 * 9


@pytest.mark.parametrize("exercise, right, wrong, hint", [
    (ex.EX_PARAMS, ex.PARAMS_EXPECTED, ex.PARAMS_N * ex.PARAMS_R + ex.PARAMS_R ** 2, "every one of the K"),
    (ex.EX_AP, ex.AP_EXPECTED, 0.6, "last threshold"),
    (ex.EX_RANK, 3, 4, "raw rank"),
    (ex.EX_WORLD, "closed", "open", "open-world"),
])
def test_exercises_accept_the_solution_and_hint_on_wrong_answers(exercise, right, wrong, hint, capsys):
    assert exercise.check(right)
    assert "Correct" in capsys.readouterr().out
    assert not exercise.check(wrong)
    assert hint in capsys.readouterr().out
    assert not exercise.check(None)
    assert not exercise.check("not a number" if exercise is not ex.EX_WORLD else 3)
    assert exercise.solution_markdown().startswith("**Solution")


def test_exercise_solutions_are_computed_by_the_library():
    assert kg.auc_pr(ex.AP_SCORES, ex.AP_LABELS) == pytest.approx(ex.AP_EXPECTED)
    assert kg.rescal_parameter_count(ex.PARAMS_N, ex.PARAMS_K, ex.PARAMS_R) == ex.PARAMS_EXPECTED


def test_top_predictions_without_evidence_are_one_tie_in_entity_order():
    """A film stars in nothing: for (Jaws, starredIn, ?) every RESCAL score is 0 up to rounding
    (~1e-16), and that noise, which changes with the BLAS kernel, must not make a "top 10"."""
    res = kg.compute_top_predictions("Jaws", "starredIn")
    assert np.all(res.scores == 0.0) and not res.known.any()
    g = kg.load_movies()
    idx = [g.entity_index(o) for o in res.objects]
    assert idx == sorted(idx)
    nimoy = kg.compute_top_predictions("Leonard_Nimoy", "starredIn")
    assert nimoy.scores[0] > 0.1 and np.all(np.diff(nimoy.scores) <= 0)


def test_snap_ties_relative_to_a_given_scale():
    np.testing.assert_array_equal(kg.snap_ties([1e-16, -2e-16, 0.5], scale=1.0), [0.0, 0.0, 0.5])
    # relative to its own max the same noise would stay apart
    assert len(set(kg.snap_ties([1e-16, 2e-16]).tolist())) == 2
    with pytest.raises(ValueError, match="scale"):
        kg.snap_ties([0.1], scale=0.0)
