"""Run many gradings side by side; a grading process that dies costs only its own submission."""
from __future__ import annotations

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
    with ProcessPoolExecutor(max(1, min(jobs, len(items))), mp_context=get_context("spawn")) as pool:
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
