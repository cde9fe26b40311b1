"""Cleaning up after a run: the processes a sandbox holds (read from /proc), and files a learner left.

Every learner process is found by walking the process tree below the sandbox's bwrap process, so a
double-forked orphan is found too (the warm parent is the child subreaper); files are removed even
where a learner took the permissions away, without ever following a link out of the sandbox.
"""
from __future__ import annotations

import os
import shutil


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def live(pids: list[int]) -> list[int]:
    """The processes of ``pids`` that still run (a killed one stays a zombie until reaped)."""
    alive = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                if fh.read().rsplit(b")", 1)[1].split()[0] != b"Z":
                    alive.append(pid)
        except (OSError, IndexError):
            continue
    return alive


def ns_pid(pid: int) -> int | None:
    """The pid that process ``pid`` has in its own (innermost) PID namespace."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("NSpid:"):
                    return int(line.split()[-1])
    except (OSError, ValueError):
        pass
    return None


def parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return int(fh.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def remove_tree(path) -> None:
    """Delete a file or folder even where a learner took the permissions away.

    Never follows a link: a learner's link to a host folder must not get that folder chmod-ed.
    """
    if os.path.islink(path) or not os.path.isdir(path):
        try:
            os.unlink(path)
        except OSError:
            pass
        return
    for base, dirs, _ in os.walk(path):
        for d in [base, *(os.path.join(base, d) for d in dirs)]:
            if not os.path.islink(d):
                try:
                    os.chmod(d, 0o700)
                except OSError:
                    pass
    shutil.rmtree(path, ignore_errors=True)


def state(pid: int) -> tuple | None:
    """What a learner could change in a process of the same user: run state, nice, policy, CPUs, limits."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        with open(f"/proc/{pid}/status") as fh:
            cpus = [line for line in fh if line.startswith("Cpus_allowed_list")]
        with open(f"/proc/{pid}/limits") as fh:
            limits = fh.read()
    except OSError:
        return None
    return fields[0] in (b"R", b"S", b"D"), fields[16], fields[38], cpus, limits
