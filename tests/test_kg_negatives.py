"""Lecture 4 — training with sampled negatives (course_utils.kg.negatives)."""
import numpy as np
import pytest

from course_utils.kg.graph import load_movies
from course_utils.kg.negatives import (
    _scores_and_grads,
    compute_negatives_comparison,
    corrupt_triples,
    fit_bilinear_logistic,
)


def _toy(seed=0, n=12, K=3, m=30):
    rng = np.random.default_rng(seed)
    t = np.unique(np.column_stack([rng.integers(0, n, m), rng.integers(0, K, m), rng.integers(0, n, m)]), axis=0)
    return t, n, K


def test_gradient_matches_finite_differences():
    t, n, K = _toy()
    rng = np.random.default_rng(1)
    A, R = rng.standard_normal((n, 4)), rng.standard_normal((K, 4, 4))
    neg = corrupt_triples(t, n, 2, np.random.default_rng(2))
    trip = np.concatenate([t, neg])
    y = np.r_[np.ones(len(t)), np.zeros(len(neg))]
    w = rng.random(len(trip))
    _, gA, gR = _scores_and_grads(A, R, trip, y, w, 0.3)
    h = 1e-6
    for P, G in ((A, gA), (R, gR)):
        for idx in [tuple(rng.integers(0, s) for s in P.shape) for _ in range(15)]:
            old = P[idx]
            P[idx] = old + h
            lp = _scores_and_grads(A, R, trip, y, w, 0.3)[0]
            P[idx] = old - h
            lm = _scores_and_grads(A, R, trip, y, w, 0.3)[0]
            P[idx] = old
            assert G[idx] == pytest.approx((lp - lm) / (2 * h), rel=1e-5, abs=1e-7)


@pytest.mark.parametrize("lcwa", [False, True])
def test_negatives_never_known_positives(lcwa):
    g = load_movies()
    neg = corrupt_triples(g.triples, g.n_entities, 20, np.random.default_rng(0), lcwa=lcwa)
    known = {tuple(x) for x in g.triples.tolist()}
    assert not any(tuple(x) in known for x in neg.tolist())
    pos = np.repeat(g.triples, 20, axis=0)
    assert np.array_equal(neg[:, 1], pos[:, 1])                      # relation kept
    changed = (neg[:, 0] != pos[:, 0]).astype(int) + (neg[:, 2] != pos[:, 2])
    assert np.all(changed == 1)                                       # exactly one side replaced
    if lcwa:
        assert np.array_equal(neg[:, 0], pos[:, 0])                   # LCWA: only the object
    else:
        head = np.mean(neg[:, 0] != pos[:, 0])                        # sLCWA: head or tail, 1/2 each
        assert abs(head - 0.5) < 4 * np.sqrt(0.25 / len(neg))


def test_deterministic_given_seed():
    t, n, K = _toy()
    a = fit_bilinear_logistic(t, n, K, 3, epochs=20, rng=np.random.default_rng(5))
    b = fit_bilinear_logistic(t, n, K, 3, epochs=20, rng=np.random.default_rng(5))
    assert np.array_equal(a.A, b.A) and np.array_equal(a.R, b.R)
    assert np.array_equal(corrupt_triples(t, n, 3, np.random.default_rng(1)), corrupt_triples(t, n, 3, np.random.default_rng(1)))


def test_training_separates_positives_from_negatives():
    t, n, K = _toy()
    m = fit_bilinear_logistic(t, n, K, 6, epochs=150, rng=np.random.default_rng(0))
    neg = corrupt_triples(t, n, 5, np.random.default_rng(9))
    sp_ = m.score_entries(t[:, 1], t[:, 0], t[:, 2])
    sn = m.score_entries(neg[:, 1], neg[:, 0], neg[:, 2])
    assert np.mean(sp_[:, None] > sn[None, :]) > 0.95


def test_bad_input():
    with pytest.raises(ValueError, match="triples"):
        corrupt_triples(np.zeros((3, 2), int), 5, 1, np.random.default_rng(0))
    with pytest.raises((TypeError, ValueError), match="k"):
        corrupt_triples(np.zeros((3, 3), int), 5, 0, np.random.default_rng(0))


def test_claim_logistic_about_as_good_as_als_paired():
    """"its filtered MRR is higher on 4 of the 5 splits, by 0.06 on average with a spread of 0.07 over the splits
    ...; 4 wins of 5 would happen by chance with probability 0.38 (two-sided sign test)" (also printed)."""
    c = compute_negatives_comparison()
    pair = c.paired("MRR")
    d = np.array([lo["MRR"] - al["MRR"] for lo, al in zip(c.metrics["logistic"], c.metrics["ALS"])])
    np.testing.assert_allclose(pair["diff"], d)
    assert pair["wins"] == 4 and pair["n"] == 5
    assert round(pair["mean"], 2) == 0.06 and round(pair["std"], 2) == 0.07
    assert pair["p"] == pytest.approx(2 * (5 + 1) / 2**5)          # P(≥ 4 of 5) + P(≤ 1 of 5) for a fair coin
    from scipy.stats import t as student_t

    half = student_t.ppf(0.975, 4) * pair["std"] / np.sqrt(5)         # "no winner": the paired 95 % t-interval
    assert pair["p"] > 0.05 and pair["mean"] - half < 0 < pair["mean"] + half   # and the sign test both include 0


def test_claim_logistic_lambda_chosen_inside_its_grid_on_valid():
    """"Validation picks λ = 10⁻³ for the logistic model on every split, inside its grid: at 10⁻² its validation
    MRR falls to 0.02–0.08 (a random order: 0.04), at 10⁻⁴ it is lower than at 10⁻³ for every rank."""
    from course_utils.kg.negatives import LOGISTIC_LAMBDAS, LOGISTIC_RANKS

    c = compute_negatives_comparison()
    assert [lam for _, lam in c.chosen["logistic"]] == [1e-3] * 5
    assert min(LOGISTIC_LAMBDAS) < 1e-3 < max(LOGISTIC_LAMBDAS)                  # bracketed, not at an edge
    for table, rnd in zip(c.logistic_tables, c.random_valid_mrr):
        assert set(table) == {(r, lam) for r in LOGISTIC_RANKS for lam in LOGISTIC_LAMBDAS}
        assert round(rnd, 2) == 0.04
        assert all(0.015 <= table[(r, 1e-2)] < 0.085 for r in LOGISTIC_RANKS)   # "0.02–0.08" as printed
        assert all(table[(r, 1e-4)] < table[(r, 1e-3)] for r in LOGISTIC_RANKS)


def test_logistic_selection_is_reproduced_from_the_split_train_and_valid():
    """The stored validation table of a split is what select_logistic gives on that split's train/valid (fitted on
    train, scored on valid; all known triples, test included, only filter the ranking, as for ALS)."""
    from course_utils.kg import load_movies, train_test_split_triples
    from course_utils.kg.negatives import select_logistic

    c = compute_negatives_comparison()
    g = load_movies()
    seed = 2
    rest, _ = train_test_split_triples(g.triples, 0.1, np.random.default_rng(seed))
    train, valid = train_test_split_triples(rest, 0.1 / 0.9, np.random.default_rng(seed + 1000))
    best, table = select_logistic(train, valid, g.triples, g.n_entities, g.n_relations, ranks=(10, 20), lams=(1e-3,),
                                  seed=seed)
    assert table == {k: v for k, v in c.logistic_tables[seed].items() if k in table}


def test_logistic_selection_ties_go_to_the_smaller_rank_then_the_smaller_lambda(monkeypatch):
    import course_utils.kg.negatives as N
    import course_utils.kg.protocol as PR

    mrr = {(10, 1e-3): 0.5, (20, 1e-4): 0.5, (20, 1e-3): 0.5, (40, 1e-2): 0.2}
    monkeypatch.setattr(N, "fit_bilinear_logistic", lambda *a, lam, **k: (a[3], lam))
    monkeypatch.setattr(PR, "filtered_ranks", lambda model, valid, known: model)     # the shared grid search
    monkeypatch.setattr(PR, "ranking_metrics", lambda key: {"MRR": mrr.get(key, 0.0)})
    t = np.zeros((1, 3), int)
    best, _ = N.select_logistic(t, t, t, 5, 1, ranks=(40, 20, 10), lams=(1e-2, 1e-3, 1e-4))
    assert best == (10, 1e-3)                                   # three-way tie at 0.5: smallest rank
    mrr[(10, 1e-3)] = 0.4
    assert N.select_logistic(t, t, t, 5, 1, ranks=(40, 20, 10), lams=(1e-2, 1e-3, 1e-4))[0] == (20, 1e-4)


def test_claim_als_rank_at_the_grid_edge_does_not_hold_it_back():
    """"ALS takes rank 40, the top of its grid, on every split; on a 3 × 3 grid like the logistic model's (ranks 20,
    40, 80; λ 0.1, 1, 10) it takes rank 80 and never λ = 10, and its mean test MRR moves by less than 0.01."""
    from course_utils.kg import load_movies, train_test_split_triples
    from course_utils.kg.evaluation import filtered_ranks, ranking_metrics
    from course_utils.kg.protocol import MOVIE_RANKS, fit_rescal, select_rescal

    c = compute_negatives_comparison()
    assert max(MOVIE_RANKS) == 40 and all(rank == 40 for rank, _ in c.chosen["ALS"])
    g = load_movies()
    wider = []
    for seed in c.seeds:
        rest, test = train_test_split_triples(g.triples, 0.1, np.random.default_rng(seed))
        train, valid = train_test_split_triples(rest, 0.1 / 0.9, np.random.default_rng(seed + 1000))
        best, _ = select_rescal(g.to_tensor(train), valid, g.triples, (20, 40, 80), (0.1, 1.0, 10.0))
        assert best[0] == 80 and best[1] != 10.0
        wider.append(ranking_metrics(filtered_ranks(fit_rescal(g.to_tensor(rest), *best), test, g.triples))["MRR"])
    assert abs(np.mean(wider) - c.summary("ALS", "MRR")[0]) < 0.01
