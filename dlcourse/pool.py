"""Run many gradings side by side; a grading process that dies costs only its own submission.

``run_all`` starts fresh processes per batch (``dlcourse autograde``); ``WarmPool`` keeps them between
submissions (``dlcourse serve``), so their warm sandboxes stay warm.
"""
from __future__ import annotations

import os
import signal
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Callable, Iterable


def run_all(fn: Callable, items: Iterable, jobs: int, on_done: Callable) -> None:
    """Call ``fn(item)`` in ``jobs`` spawned processes; ``on_done(item, value, error)`` as each ends.

    When a process dies, every item it shared a pool with is retried alone, so only the
    item that kills its process twice is reported with an error.
    """
    suspects = _round(fn, list(items), jobs, on_done, last=False)
    for item in suspects:
        _round(fn, [item], 1, on_done, last=True)


def _round(fn, items, jobs, on_done, last: bool) -> list:
    crashed = []
    if not items:
        return crashed
    with ProcessPoolExecutor(max(1, min(jobs, len(items))), mp_context=get_context("spawn"),
                             initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(fn, item): item for item in items}
        for future in as_completed(futures):
            item = futures[future]
            try:
                value = future.result()
            except BrokenProcessPool:
                if last:
                    on_done(item, None, "the grading process died (a crash outside the sandbox); grade it alone to see why")
                else:
                    crashed.append(item)
                continue
            except Exception as exc:  # the grading itself failed: report it, grade the rest
                on_done(item, None, f"{type(exc).__name__}: {exc}")
                continue
            on_done(item, value, None)
    return crashed


def _die_with_parent(parent: int) -> None:
    """In a grading process: die with its parent, even when it is killed -9 (its sandboxes die with it)."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:   # the loop died before the line above
        os._exit(1)


class WarmPool:
    """``jobs`` grading processes kept between submissions, so their warm sandboxes stay warm.

    (pool.py's ``run_all`` starts fresh processes per batch; a job whose process died is graded
    again alone with it, so only a submission that kills its process twice fails.)
    """

    def __init__(self, jobs: int):
        self.jobs, self._executor, self.generation = max(1, jobs), None, 0

    def submit(self, fn, item):
        """``fn(item)`` in a grading process: its future, and the generation of the processes running it."""
        for attempt in range(2):
            if self._executor is None:
                self._executor = ProcessPoolExecutor(self.jobs, mp_context=get_context("spawn"),
                                                     initializer=_die_with_parent, initargs=(os.getpid(),))
                self.generation += 1
            try:
                return self._executor.submit(fn, item), self.generation
            except BrokenProcessPool:   # a process died since the last submit (its jobs see it): start afresh
                if attempt:
                    raise
                self.close()

    def close(self, generation: int | None = None) -> None:
        """Stop the grading processes (only if they are still ``generation``'s, when given)."""
        executor = self._executor
        if executor is None or generation not in (None, self.generation):
            return
        self._executor = None
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.kill()   # a grading in progress is abandoned: the ledger still holds it as open
        executor.shutdown(wait=False, cancel_futures=True)
