"""Prefetcher: fits the positions a slider will ask for next, in the background, with the same results."""
import functools

import numpy as np

from course_utils.core.background import Prefetcher, nearest_first


def test_nearest_first_orders_by_distance_right_neighbour_first():
    assert nearest_first(3, 1, 6) == [3, 4, 2, 5, 1, 6]
    assert nearest_first(1, 1, 3) == [1, 2, 3]
    assert nearest_first(5, 1, 5) == [5, 4, 3, 2, 1]


def test_prefetcher_warms_the_cache_in_plan_order_and_survives_errors():
    calls = []

    @functools.lru_cache(maxsize=None)
    def square(k):
        calls.append(k)
        if k == 2:
            raise ValueError("2 is not allowed")
        return k * k

    p = Prefetcher(square)
    p.plan([3, 2, 4])
    assert p.wait(timeout=10)
    assert calls == [3, 2, 4] and p.done == [3, 4]          # the error was skipped, not raised
    p.plan([4, 5])                                          # 4 is cached: only 5 is computed
    assert p.wait(timeout=10)
    assert calls == [3, 2, 4, 5]
    p.stop()
    p.plan([6])                                             # a stopped prefetcher does nothing
    assert p.wait(timeout=1) and 6 not in calls


def test_rescal_widget_prefetches_every_rank_with_the_foreground_results():
    from course_utils import kg as K
    from course_utils import kg as KP

    live = KP.rescal_fit_widget()
    assert live.prefetcher.wait(timeout=120)
    rank = live.controls["rank"]
    lam = live.controls["lam"].value
    for r in range(rank.min, rank.max + 1):                 # every position of the slider is cached now
        assert (r, lam) in {(k[0], k[1]) for k in live.prefetcher.done} or r == K.MOVIE_RANK
    misses = K.compute_rescal_fit.cache_info().misses
    for r in (rank.max, rank.min, K.MOVIE_RANK + 1):
        rank.value = r
    assert K.compute_rescal_fit.cache_info().misses == misses  # no fit on a move
    # what the background thread computed is what the foreground computes (deterministic seed)
    cached = K.compute_rescal_fit(7, lam, max_iter=30)
    A, R, _ = K.rescal_als(K.load_movies().to_tensor(), 7, lambda_A=lam, lambda_R=lam, max_iter=30, tol=1e-6,
                           rng=np.random.default_rng(0))
    np.testing.assert_allclose(cached.model.A, A, rtol=0, atol=0)
    live.prefetcher.stop()
