"""The idle warm sandboxes one grading process keeps ($DLCOURSE_WARM_SANDBOXES, default 2; 0 = a fresh one per run)."""
from __future__ import annotations

import atexit
import os
import threading

from .limits import Limits
from .sandbox import Sandbox, Worker

_idle: list[Sandbox] = []
_idle_lock = threading.Lock()


def _keep() -> int:
    """How many idle warm sandboxes this process keeps ($DLCOURSE_WARM_SANDBOXES, default 2)."""
    try:
        return max(0, int(os.environ.get("DLCOURSE_WARM_SANDBOXES", "2")))
    except ValueError:
        return 2


def start_worker(files: dict[str, str], preload: list[str], limits: Limits, threads: int = 1) -> Worker:
    """A fresh worker, forked in a warm sandbox with ``preload`` imported (started if none is idle)."""
    key = (list(preload), limits, threads)
    with _idle_lock:
        found = next((s for s in _idle if (s.preload, s.limits, s.threads) == key and s.reusable()), None)
        if found is not None:
            _idle.remove(found)
    sandbox = found or Sandbox(preload, limits, threads)
    return sandbox.start(files, release)


def prewarm(preload: list[str], limits: Limits, threads: int = 1) -> None:
    """Start a warm sandbox now, unless one is idle: its imports then overlap the caller's (e.g. the graders')."""
    key = (list(preload), limits, threads)
    with _idle_lock:
        if _keep() == 0 or any((s.preload, s.limits, s.threads) == key and s.reusable() for s in _idle):
            return
    try:
        sandbox = Sandbox(preload, limits, threads)
    except Exception:  # noqa: BLE001  the run that needs it starts its own and reports why it cannot
        return
    release(sandbox)


def release(sandbox: Sandbox) -> None:
    if _keep() == 0 or not sandbox.reusable():
        sandbox.destroy()
        return
    with _idle_lock:
        _idle.append(sandbox)
        extra = _idle[:-_keep()] if len(_idle) > _keep() else []
        del _idle[:len(extra)]
    for old in extra:
        old.destroy()


@atexit.register
def close_all() -> None:
    """Stop every idle warm sandbox of this process."""
    with _idle_lock:
        sandboxes = list(_idle)
        _idle.clear()
    for sandbox in sandboxes:
        sandbox.destroy()
