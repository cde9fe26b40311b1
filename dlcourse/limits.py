"""Limits and accounting: what one worker may use, and how much it used.

Resource limits for every run (CPU, file size, open files, no core dumps, set by the worker itself),
a memory and task budget the grader's watchdog enforces from /proc, and cgroup v1 memory/pids limits
where the machine lets us write them (a fork bomb stops at the limit instead of racing the watchdog).
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path

_CGROUP_V1 = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class Limits:
    """Resource limits for one worker (and everything it starts)."""

    memory_mb: int = 4096
    tasks: int = 512          # processes and threads together; frameworks start many threads
    file_mb: int = 64
    cpu_seconds: int = 1800
    open_files: int = 1024


class Cgroup:
    """A v1 memory+pids cgroup for one worker, where the machine lets us make one."""

    def __init__(self, limits: Limits):
        name = f"dlcourse-{uuid.uuid4().hex[:12]}"
        self.dirs = []
        try:
            for controller, setting, value in (("memory", "memory.limit_in_bytes", limits.memory_mb * 2**20),
                                               ("pids", "pids.max", limits.tasks)):
                path = _CGROUP_V1 / controller / name
                path.mkdir()
                self.dirs.append(path)
                (path / setting).write_text(str(value))
        except OSError:
            self.remove()
            self.dirs = []

    def oom_killed(self) -> bool:
        for path in self.dirs:
            if path.parent.name == "memory":
                try:
                    return int((path / "memory.failcnt").read_text()) > 0
                except (OSError, ValueError):
                    return False
        return False

    def reset(self) -> None:
        """Forget earlier memory-limit hits (a sandbox serves many runs)."""
        for path in self.dirs:
            if path.parent.name == "memory":
                try:
                    (path / "memory.failcnt").write_text("0")
                except OSError:
                    pass

    def remove(self) -> None:
        for path in self.dirs:
            for _ in range(50):
                try:
                    path.rmdir()
                    break
                except OSError:
                    time.sleep(0.02)


def usage(pids: list[int]) -> tuple[int, int]:
    """Resident memory (bytes) and task count of some processes."""
    rss = tasks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("Threads:"):
                        tasks += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return rss, tasks
