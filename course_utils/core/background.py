"""Compute ahead what a slider will ask for next, in one background thread.

Some slider positions need a fit that takes longer than a move should (a RESCAL fit per rank:
30-90 ms). :class:`Prefetcher` calls a *cached* function for the positions around the current
one while the lecturer talks, nearest first, so that a later move finds its result in the cache.
Results do not depend on timing: the function is deterministic and the cache only saves time.
"""
from __future__ import annotations

import atexit
import threading
import weakref
from typing import Any, Callable, Iterable

_LIVE: "weakref.WeakSet[Prefetcher]" = weakref.WeakSet()


class Prefetcher:
    """Run ``fn(key)`` for queued keys in a daemon thread (one key at a time, newest plan first).

    fn : callable
        Deterministic and cached (for example ``functools.lru_cache``): the prefetcher only
        warms the cache; what it returns is dropped, and what it raises is ignored (the same
        call in the foreground raises it again where it can be shown).
    """

    def __init__(self, fn: Callable[[Any], Any]):
        self.fn = fn
        self._queue: list[Any] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()      # set: there may be work
        self._idle = threading.Event()      # set: nothing queued and nothing in progress
        self._idle.set()
        self._stop = False
        self._thread: threading.Thread | None = None
        #: keys computed so far, in order, each once (for tests and curious students)
        self.done: list[Any] = []
        self._done: set = set()
        _LIVE.add(self)

    def plan(self, keys: Iterable[Any]) -> None:
        """Replace what is left to compute by ``keys`` (in this order, skipping keys already
        computed: a slider move re-plans every position) and start working."""
        with self._lock:
            if self._stop:
                return
            self._queue = [key for key in keys if key not in self._done]
            if self._queue:
                self._idle.clear()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="course_utils-prefetch", daemon=True)
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        while not self._stop:
            with self._lock:
                if not self._queue:
                    self._idle.set()
                    self._wake.clear()
                    key, ok = None, False
                else:
                    key, ok = self._queue.pop(0), True
            if not ok:
                self._wake.wait()
                continue
            try:
                self.fn(key)
            except Exception:  # noqa: BLE001 - the foreground call raises it again where it is shown
                continue
            with self._lock:
                self._done.add(key)
                self.done.append(key)
        self._idle.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the plan is done (at most ``timeout`` seconds); True when it is."""
        return self._idle.wait(timeout)

    def stop(self) -> None:
        """Stop after the key in progress (called for every prefetcher when Python exits)."""
        self._stop = True
        with self._lock:
            self._queue = []
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)


def nearest_first(current: int, lo: int, hi: int) -> list[int]:
    """Integers from ``lo`` to ``hi`` ordered by distance from ``current`` (right neighbour first)."""
    return sorted(range(lo, hi + 1), key=lambda k: (abs(k - current), k < current))


@atexit.register
def _stop_all() -> None:
    for prefetcher in list(_LIVE):
        prefetcher.stop()
