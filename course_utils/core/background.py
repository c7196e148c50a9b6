"""Compute ahead what a slider will ask for next, in one background thread.

Some slider positions need a fit that takes longer than a move should (a RESCAL fit per rank:
30-90 ms). :class:`Prefetcher` calls a *cached* function for the positions around the current
one while the lecturer talks, nearest first, so that a later move finds its result in the cache.
Results do not depend on timing: the function is deterministic and the cache only saves time.

The work runs on a :class:`concurrent.futures.ThreadPoolExecutor` with one worker and one
:class:`~concurrent.futures.Future` per key. :meth:`Prefetcher.get` is the foreground's way in:
it returns the cached value, *waits* for a key the worker is computing right now (instead of
computing it a second time), and computes a key that was never submitted (or is still queued)
in the foreground.

BLAS threads
------------
threadpoolctl's limits are process-wide: a pthreads OpenBLAS has one thread count for the whole
process, not one per calling thread. A ``with threadpool_limits(1):`` entered per call in the
worker (``rescal_als`` enters one on every call, see ``course_utils.kg.tensor.single_threaded_blas``)
therefore also sets the foreground's BLAS threads, and contexts entered and left by two threads
do not nest. threadpoolctl 3.8 lets only one thread at a time change the limit (the others'
calls do nothing), which does not help: when the foreground leaves its context while the worker
fits, the worker's fit goes on with every thread, and the worker's exit then restores the 1 it
saw on entry, leaving the whole process on one BLAS thread for good (measured with 3.8.0).

So a prefetcher with ``limit_blas=True`` (the default) sets BLAS to one thread *once*, in its
worker's initializer, for the whole process, and restores the original limits when it is
closed (:meth:`Prefetcher.close`, kernel exit). The worker keeps threadpoolctl's control while
it lives, so every per-call ``threadpool_limits(1)`` (in either thread) leaves it at 1 and
restores 1. The pin is reference-counted over all live prefetchers: the first one sets it, the
last one to close restores it (after its worker has ended). The first :meth:`Prefetcher.plan`
waits for the initializer, so the pin is in place before the foreground fits again.

The trade-off: while a prefetcher is alive, *all* BLAS in the process runs on one thread, not
only the prefetched fits, and other ``threadpool_limits`` calls in the kernel (for example a
timing with 2 threads) do nothing. For ALS on small matrices one thread is faster anyway (two
Python threads that each run BLAS on one core, instead of two callers sharing one OpenBLAS
pool), but a large matrix product in another cell of the same kernel runs on one core until
``close()``. Results do not change: the per-call limit already ran every fit on one thread.
"""
from __future__ import annotations

import atexit
import concurrent.futures as cf
import threading
import warnings
import weakref

# imported now, not lazily by concurrent.futures: its exit hook must be registered before ours (below)
from concurrent.futures.thread import ThreadPoolExecutor
from typing import Any, Callable, Iterable

_LIVE: "weakref.WeakSet[Prefetcher]" = weakref.WeakSet()

# -- the process-wide BLAS pin, shared (reference-counted) by every live prefetcher -----------

_PIN_LOCK = threading.Lock()
_PIN_COUNT = 0
_PIN_LIMITER = None  # threadpoolctl's limiter holding the original limits, while pinned


def _pin_blas() -> bool:
    """Limit BLAS to one thread for the whole process (the first holder sets it); True if held.

    Called in a worker thread, which then keeps threadpoolctl's control of a pthreads OpenBLAS
    (threadpoolctl >= 3.8 lets one thread at a time change that process-wide limit; the
    others' ``threadpool_limits`` do nothing): per-call limits in other threads leave it at 1.
    False when another thread holds that control (it is inside ``with threadpool_limits()``):
    a limit set now would be undone when that thread leaves, so none is set."""
    global _PIN_COUNT, _PIN_LIMITER
    with _PIN_LOCK:
        if _PIN_COUNT == 0:
            try:
                import threadpoolctl
            except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
                _PIN_COUNT += 1
                return True
            shared = getattr(getattr(threadpoolctl, "OpenBLASController", None), "_SHARED_STATE", None)
            owner = getattr(shared, "controlling_thread", None)
            if owner is not None and owner is not threading.current_thread() and owner.is_alive():
                return False
            _PIN_LIMITER = threadpoolctl.threadpool_limits(limits=1, user_api="blas")
            _PIN_LIMITER.__enter__()   # held (as by a `with`) until the last prefetcher closes
        _PIN_COUNT += 1
        return True


def blas_pinned() -> bool:
    """True while some :class:`Prefetcher` holds the process-wide one-thread BLAS pin.

    Code that would enter its own per-call ``threadpool_limits`` (``kg.tensor.single_threaded_blas``)
    asks this first: under the pin BLAS already runs on one thread, and a per-call limit left later
    would restore the original limits under the pin's feet."""
    with _PIN_LOCK:
        return _PIN_COUNT > 0


def _unpin_blas() -> None:
    """Release one hold on the pin; the last holder restores the original limits.

    Called once the holder's worker has ended (so that the restore is not ignored as coming
    from a thread without control); releasing also gives up that control."""
    global _PIN_COUNT, _PIN_LIMITER
    with _PIN_LOCK:
        if _PIN_COUNT == 0:
            return
        _PIN_COUNT -= 1
        if _PIN_COUNT == 0 and _PIN_LIMITER is not None:
            _PIN_LIMITER.__exit__(None, None, None)
            _PIN_LIMITER = None


class _State:
    """What the worker thread and the finalizer share: not the prefetcher itself, so that an
    abandoned prefetcher can be collected (and its worker and pin released)."""

    def __init__(self, limit_blas: bool):
        self.lock = threading.Lock()
        self.futures: dict[Any, cf.Future] = {}   # queued, in progress, or failed (kept for get)
        self.limit_blas = limit_blas
        self.pinned = False
        self.thread: threading.Thread | None = None
        self.ready = threading.Event()            # set: the initializer has run
        self.init_calls = 0


def _init_worker(state: _State) -> None:
    """The executor's initializer: runs once, in the worker thread, before its first key."""
    state.init_calls += 1
    state.thread = threading.current_thread()
    try:
        if state.limit_blas:
            state.pinned = _pin_blas()
    finally:
        state.ready.set()


def _shut_down(executor: ThreadPoolExecutor, state: _State) -> None:
    """Cancel what is queued, let the key in progress finish, then release the BLAS pin."""
    with state.lock:
        for fut in state.futures.values():
            fut.cancel()
    in_worker = threading.current_thread() is state.thread
    executor.shutdown(wait=not in_worker, cancel_futures=True)
    if state.pinned:
        state.pinned = False
        _unpin_blas()


class Prefetcher:
    """Run ``fn(key)`` for planned keys in one background thread (one key at a time, newest plan first).

    fn : callable
        Deterministic and cached (for example ``functools.lru_cache``): the prefetcher warms the
        cache and keeps no values itself. What the worker raises is kept for :meth:`get`, which
        raises it in the foreground; the worker goes on with the next key.
    limit_blas : bool
        Limit BLAS to one thread for the whole process from the worker's start until
        :meth:`close` (see the module docstring for why this is process-wide).

    Use :meth:`get` in the foreground instead of calling ``fn`` directly: a key in progress is
    waited for, not computed twice.
    """

    def __init__(self, fn: Callable[[Any], Any], *, limit_blas: bool = True):
        if not callable(fn):
            raise TypeError(f"fn must be callable (a cached function of one key), got {type(fn).__name__}")
        if not isinstance(limit_blas, bool):
            raise TypeError(f"limit_blas must be True or False, got {limit_blas!r}")
        self.fn = fn
        self._state = _State(limit_blas)
        self._lock = self._state.lock
        self._futures = self._state.futures
        self._done: set = set()                    # computed (here or by get): plan skips them
        self._started = False                      # a key was submitted: the worker is (being) started
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="course_utils-prefetch",
                                            initializer=_init_worker, initargs=(self._state,))
        self._finalizer = weakref.finalize(self, _shut_down, self._executor, self._state)
        #: True once :meth:`close` (or :meth:`stop`) was called: :meth:`plan` does nothing then
        self.closed = False
        #: keys computed by the worker so far, in order, each once (for tests and curious students)
        self.done: list[Any] = []
        _LIVE.add(self)

    # -- background -------------------------------------------------------------------------

    def plan(self, keys: Iterable[Any]) -> None:
        """Replace what is left to compute by ``keys`` (in this order, skipping keys already
        computed or in progress: a slider move re-plans every position) and start working.

        A key whose earlier computation failed is tried again. The first call starts the worker
        and waits for its initializer (the BLAS pin); make it outside ``with threadpool_limits()``
        (a RuntimeWarning says when it was not, and BLAS is then not pinned)."""
        with self._lock:
            if self.closed:
                return
            for key, fut in list(self._futures.items()):
                if fut.cancel():            # queued, not started: the new plan decides its place
                    del self._futures[key]
            first, submitted = not self._started, False
            for key in keys:
                fut = self._futures.get(key)
                if key in self._done or (fut is not None and not fut.done()):
                    continue
                self._futures[key] = self._executor.submit(self._compute, key)
                submitted = self._started = True
        if first and submitted:
            # the BLAS pin is in place before the foreground runs BLAS again (see the module docstring)
            self._state.ready.wait(timeout=10)
            if self._state.limit_blas and not self._state.pinned:
                warnings.warn("Prefetcher.plan() was first called inside a `with threadpool_limits(...)` block: "
                              "BLAS is not limited to one thread for the prefetched work "
                              "(call plan() outside such a context)", RuntimeWarning, stacklevel=2)

    def _compute(self, key: Any) -> Any:
        value = self.fn(key)                # what it raises goes into the key's future
        with self._lock:
            self._done.add(key)
            self.done.append(key)
            self._futures.pop(key, None)    # done: fn's cache holds the value now
        return value

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the plan is done (at most ``timeout`` seconds); True when it is."""
        with self._lock:
            pending = [fut for fut in self._futures.values() if not fut.done()]
        return not cf.wait(pending, timeout=timeout).not_done

    # -- foreground -------------------------------------------------------------------------

    def get(self, key: Any) -> Any:
        """``fn(key)``, computed at most once: the cached value, the result of the computation in
        progress (waited for), or computed here when the key is not being computed (never
        submitted, or still queued: then it is taken out of the queue).

        Raises what ``fn(key)`` raised, here in the foreground; a key that failed in the
        background is re-raised once without computing it again, then forgotten (a later call
        tries again)."""
        with self._lock:
            fut = self._futures.get(key)
            if fut is not None and fut.cancel():   # queued: compute it here rather than wait for its turn
                del self._futures[key]
                fut = None
            elif fut is not None and fut.done():   # failed in the background (a success is not kept)
                del self._futures[key]
                raise fut.exception()
            if fut is None and key not in self._done:
                # compute it here, registered as in progress: a plan (or another thread's get) waits
                mine = cf.Future()
                mine.set_running_or_notify_cancel()
                self._futures[key] = mine
            else:
                mine = None
        if fut is not None:
            return fut.result()                    # in progress: wait for it, do not fit it twice
        if mine is None:
            return self.fn(key)                    # computed before: a cache hit
        try:
            value = self.fn(key)
        except BaseException as exc:
            with self._lock:
                self._futures.pop(key, None)
            mine.set_exception(exc)
            raise
        with self._lock:
            self._done.add(key)
            self._futures.pop(key, None)
        mine.set_result(value)
        return value

    result = get

    # -- shutting down ----------------------------------------------------------------------

    def close(self) -> None:
        """Cancel what is queued, wait for the key in progress, release the BLAS pin.

        Called for every prefetcher when Python exits (before the interpreter joins the
        worker threads, so exit does not wait for the whole plan). Idempotent; :meth:`get`
        still works afterwards (in the foreground)."""
        with self._lock:
            for fut in self._futures.values():
                fut.cancel()
            self.closed = True
        self._finalizer()                          # _shut_down, once

    def stop(self) -> None:
        """Stop after the key in progress: the same as :meth:`close`."""
        self.close()

    def __enter__(self) -> "Prefetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def nearest_first(current: int, lo: int, hi: int) -> list[int]:
    """Integers from ``lo`` to ``hi`` ordered by distance from ``current`` (right neighbour first)."""
    return sorted(range(lo, hi + 1), key=lambda k: (abs(k - current), k < current))


def _close_all() -> None:
    for prefetcher in list(_LIVE):
        prefetcher.close()


# At exit, concurrent.futures joins its worker threads from a hook that threading runs before
# atexit's handlers, and a worker finishes everything queued before it sees the end: an atexit
# handler alone would run after the whole plan. threading's own hook (private, Python >= 3.9,
# run in reverse order of registration: ours, registered after concurrent.futures', runs first)
# cancels the queue in time; the atexit handler is the fallback (idempotent).
atexit.register(_close_all)
if hasattr(threading, "_register_atexit"):
    threading._register_atexit(_close_all)
