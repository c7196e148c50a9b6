"""Prefetcher: fits the positions a slider will ask for next, in the background, with the same results."""
import functools
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from course_utils.core import background
from course_utils.core.background import Prefetcher, nearest_first

TIMEOUT = 30  # seconds: only a bound for a broken implementation, never reached when it works


@pytest.fixture(autouse=True)
def _no_prefetcher_left_alive():
    """Only the first live prefetcher pins BLAS: close any that an earlier test of this process
    (a widget of tests/test_kg_plots.py, say) left alive, so each test starts from no pin."""
    from course_utils.core import background

    for other in list(background._LIVE):
        other.close()
    assert background._PIN_COUNT == 0
    yield


def _blocked_in_future_result(thread: threading.Thread) -> bool:
    """True when ``thread`` is inside ``Future.result`` (waiting for a computation in progress)."""
    frame = sys._current_frames().get(thread.ident)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "result" and Path(code.co_filename).match("concurrent/futures/_base.py"):
            return True
        frame = frame.f_back
    return False


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.001)


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


def test_a_new_plan_reorders_what_is_queued_nearest_first():
    calls, gate, started = [], threading.Event(), threading.Event()

    def fn(k):
        calls.append(k)
        if k == 0:
            started.set()
            assert gate.wait(TIMEOUT)
        return k

    with Prefetcher(fn) as p:
        p.plan([0, 1, 2, 3, 4])
        assert started.wait(TIMEOUT)                        # 0 in progress, 1-4 queued
        p.plan(nearest_first(3, 0, 4))                      # the slider moved to 3: [3, 4, 2, 1, 0]
        gate.set()
        assert p.wait(TIMEOUT)
    assert calls == [0, 3, 4, 2, 1]                         # 0 once (it was in progress), then the new order
    assert p.done == calls


def test_a_failing_key_raises_in_the_foreground_and_the_worker_goes_on():
    calls, threads = [], set()

    @functools.lru_cache(maxsize=None)
    def fn(k):
        calls.append(k)
        threads.add(threading.current_thread())
        if k == 2:
            raise ValueError("2 is not allowed")
        return k * k

    with Prefetcher(fn) as p:
        p.plan([2, 3])
        assert p.wait(TIMEOUT)
        assert calls == [2, 3] and p.done == [3]
        with pytest.raises(ValueError, match="2 is not allowed"):
            p.get(2)                                        # the worker's error, raised here
        assert calls == [2, 3]                              # ... without computing it again
        with pytest.raises(ValueError, match="2 is not allowed"):
            p.get(2)                                        # then forgotten: tried again, here
        assert calls == [2, 3, 2] and threading.current_thread() in threads
        p.plan([4, 2])                                      # the worker lives; a failed key is retried
        assert p.wait(TIMEOUT)
        assert calls == [2, 3, 2, 4, 2] and p.done == [3, 4]
        assert p.get(3) == 9 and p.get(4) == 16 and calls == [2, 3, 2, 4, 2]   # cache hits


def test_the_foreground_waits_for_a_key_in_progress_instead_of_computing_it_again():
    calls, gate, started = [], threading.Event(), threading.Event()

    @functools.lru_cache(maxsize=None)
    def fit(k):
        calls.append((k, threading.current_thread().name))
        started.set()
        assert gate.wait(TIMEOUT)
        return {"k": k}

    foreground = threading.current_thread()
    seen_waiting = []

    def release_once_the_foreground_waits():
        _until(lambda: _blocked_in_future_result(foreground), "the foreground to wait")
        seen_waiting.append(True)
        gate.set()

    with Prefetcher(fit) as p:
        p.plan([1])
        assert started.wait(TIMEOUT)                        # 1 is being computed in the worker
        releaser = threading.Thread(target=release_once_the_foreground_waits, daemon=True)
        releaser.start()
        value = p.get(1)                                    # waits for the worker's result
        releaser.join(TIMEOUT)
        assert seen_waiting == [True]
        assert value == {"k": 1} and value is fit(1)        # the worker's object, from the cache
        assert len(calls) == 1 and calls[0][1].startswith("course_utils-prefetch")


def test_a_queued_key_asked_for_is_computed_in_the_foreground_once():
    calls, gate, started = [], threading.Event(), threading.Event()

    @functools.lru_cache(maxsize=None)
    def fn(k):
        calls.append((k, threading.current_thread()))
        if k == 0:
            started.set()
            assert gate.wait(TIMEOUT)
        return -k

    with Prefetcher(fn) as p:
        p.plan([0, 1, 2])
        assert started.wait(TIMEOUT)                        # 0 in progress, 1 and 2 queued
        assert p.get(2) == -2                               # not behind 0 and 1: taken out of the queue
        assert calls[-1] == (2, threading.current_thread())
        gate.set()
        assert p.wait(TIMEOUT)
        assert p.get(7) == -7                               # never submitted: computed here
    assert [k for k, _ in calls] == [0, 2, 1, 7]            # each key once
    assert p.done == [0, 1]                                 # what the worker computed


def test_background_results_equal_a_foreground_computation():
    def solve(seed):
        rng = np.random.default_rng(seed)
        M = rng.standard_normal((120, 120)) + 120 * np.eye(120)
        return np.linalg.solve(M @ M.T, rng.standard_normal(120))

    cached = functools.lru_cache(maxsize=None)(solve)
    with Prefetcher(cached) as p:
        p.plan(range(6))
        assert p.wait(TIMEOUT) and p.done == list(range(6))
        for seed in range(6):
            np.testing.assert_array_equal(p.get(seed), solve(seed))   # bit for bit


def test_the_initializer_runs_once_and_pins_blas_for_the_process_until_close(monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_threads():
        return [lib["num_threads"] for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]

    original = blas_threads()
    inits = []
    real_init = background._init_worker
    monkeypatch.setattr(background, "_init_worker", lambda worker: (inits.append(1), real_init(worker)))
    seen = []

    def fn(k):
        seen.append((threading.current_thread(), blas_threads()))
        return k

    p = Prefetcher(fn)
    q = Prefetcher(fn)
    for keys in ([1, 2, 3], [4, 5], [6, 1, 7]):
        p.plan(keys)
        assert p.wait(TIMEOUT)
    assert inits == [1]                                     # once, however many plans and keys
    assert len({thread for thread, _ in seen}) == 1         # every key in the one worker thread
    assert all(all(n == 1 for n in threads) for _, threads in seen)
    assert all(n == 1 for n in blas_threads())              # process-wide: the foreground too
    assert background.blas_pinned()
    q.plan([8])
    assert q.wait(TIMEOUT) and inits == [1, 1]
    p.close()
    assert all(n == 1 for n in blas_threads())              # q still holds the pin
    assert background.blas_pinned()
    q.close()
    assert blas_threads() == original                       # the last one restores the limits
    assert not background.blas_pinned()
    unpinned = Prefetcher(fn, limit_blas=False)
    unpinned.plan([9])
    assert unpinned.wait(TIMEOUT) and seen[-1][1] == original
    unpinned.close()
    with pytest.raises(TypeError, match="limit_blas"):
        Prefetcher(fn, limit_blas=1)
    with pytest.raises(TypeError, match="callable"):
        Prefetcher(42)


def test_per_call_limits_in_both_threads_neither_unpin_nor_stick():
    # rescal_als enters `with threadpool_limits(1)` on every call, in the worker and in the
    # foreground. Without the pin, a foreground context left while the worker fits puts the
    # worker's fit on every thread, and the worker's own exit then leaves the process on one.
    threadpoolctl = pytest.importorskip("threadpoolctl")
    def blas_threads():
        return [lib["num_threads"] for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]

    original = blas_threads()
    gate, started, inside = threading.Event(), threading.Event(), []

    def fit(k):
        with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
            started.set()
            assert gate.wait(TIMEOUT)
            inside.append(blas_threads())
        return k

    p = Prefetcher(fit)
    p.plan([1])
    assert started.wait(TIMEOUT)
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):   # a foreground fit meanwhile
        pass
    gate.set()                                              # the worker fits on after the foreground left
    assert p.wait(TIMEOUT)
    assert all(n == 1 for n in inside[0]) and all(n == 1 for n in blas_threads())
    p.close()
    assert blas_threads() == original

    # a first plan() inside another thread's context cannot pin (that thread holds the control
    # and would undo it): it says so, and changes nothing (threadpoolctl >= 3.8, pthreads OpenBLAS)
    if not (hasattr(threadpoolctl.OpenBLASController, "clear_controlling_thread")
            and any(lib.get("threading_layer") == "pthreads" for lib in threadpoolctl.threadpool_info())):
        return
    q = Prefetcher(lambda k: k)
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
        with pytest.warns(RuntimeWarning, match="not limited"):
            q.plan([1])
        assert q.wait(TIMEOUT)
    q.close()
    assert blas_threads() == original


def test_close_cancels_the_queue_after_the_key_in_progress():
    calls, started = [], threading.Event()
    p = None

    def fn(k):
        calls.append(k)
        started.set()
        _until(lambda: p.closed, "close()")                # 0 finishes only once close() has begun
        return k

    p = Prefetcher(fn)
    p.plan(range(20))
    assert started.wait(TIMEOUT)
    p.close()                                               # returns after 0, with 1-19 cancelled
    assert calls == [0] and p.done == [0]
    assert not p._state.thread.is_alive()
    p.plan([5])                                             # closed: nothing happens
    assert p.wait(timeout=1) and calls == [0]
    p.close()                                               # idempotent
    assert p.get(7) == 7 and calls == [0, 7]                # get still works, in the foreground


def test_python_exit_cancels_the_queue_instead_of_running_the_whole_plan():
    script = textwrap.dedent("""
        import threading, time
        from course_utils.core.background import Prefetcher
        started = threading.Event()
        def fn(k):
            print(k, flush=True)
            started.set()
            time.sleep(0.05)
        p = Prefetcher(fn)
        p.plan(range(100))
        started.wait(30)
    """)
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True,
                         encoding="utf-8", timeout=60, check=True).stdout.split()
    assert 1 <= len(out) <= 3, out                          # the key in progress, not all 100


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
    for r in (rank.min, K.MOVIE_RANK, rank.max):            # get() returns the cached fit itself
        assert live.prefetcher.get((r, lam)) is K.compute_rescal_fit(r, lam, max_iter=30)
    assert K.compute_rescal_fit.cache_info().misses == misses
    # what the background thread computed is what the foreground computes (deterministic seed)
    cached = K.compute_rescal_fit(7, lam, max_iter=30)
    A, R, _ = K.rescal_als(K.load_movies().to_tensor(), 7, lambda_A=lam, lambda_R=lam, max_iter=30, tol=1e-6,
                           rng=np.random.default_rng(0))
    np.testing.assert_allclose(cached.model.A, A, rtol=0, atol=0)
    live.prefetcher.stop()
