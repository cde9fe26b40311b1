"""Start the grading worker in a sandbox with limits, and kill it cleanly.

Two mechanisms, picked once per machine:
- ``bwrap`` (bubblewrap): new user, PID, network, IPC and mount namespaces; the worker
  sees only the Python installation, the course environment, the tooling and its own
  working directory, runs as ``nobody`` with no capabilities and no network at all.
- ``rlimits``: where bubblewrap cannot run, a plain child process in its own session
  with a scrubbed environment; the worker's audit hook then refuses course files,
  sockets and new processes (see docs/security.md for what that does not stop).
Both get resource limits (CPU, file size, open files, no core dumps), a memory and
process-count watchdog, and cgroup limits where the machine lets us write them.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
INSIDE_HOME = "/home/learner"
_CGROUP_V1 = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class Limits:
    """Resource limits for one worker (and everything it starts)."""

    memory_mb: int = 4096
    tasks: int = 512          # processes and threads together; frameworks start many threads
    file_mb: int = 64
    cpu_seconds: int = 1800
    open_files: int = 1024


def _python_roots() -> list[str]:
    """Folders the worker's interpreter needs: the venv and the base installation."""
    roots = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    return sorted(r for r in roots if r and os.path.isdir(r))


def _bwrap_args(workdir: str) -> list[str]:
    args = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session",
            "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/dev/shm",
            "--ro-bind", "/usr", "/usr", "--ro-bind", "/sys", "/sys"]
    for top in ("/bin", "/sbin", "/lib", "/lib64", "/lib32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    # Only public files of /etc: the sandbox user owns what the host's root owns.
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group",
                 "nsswitch.conf", "hosts", "ssl/certs", "alternatives", "fonts", "matplotlibrc"):
        path = os.path.join("/etc", name)
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    for root in _python_roots():
        args += ["--ro-bind", root, root]
    args += ["--ro-bind", str(PACKAGE_DIR), str(PACKAGE_DIR),
             "--bind", workdir, INSIDE_HOME, "--chdir", INSIDE_HOME]
    return args


@lru_cache(maxsize=1)
def detect_mode() -> str:
    """'bwrap' when bubblewrap works on this machine, else 'rlimits'."""
    if os.environ.get("DLCOURSE_SANDBOX") in ("bwrap", "rlimits"):
        return os.environ["DLCOURSE_SANDBOX"]
    if not shutil.which("bwrap"):
        return "rlimits"
    probe_dir = Path("/tmp") / f"dlcourse-probe-{uuid.uuid4().hex}"
    probe_dir.mkdir(mode=0o700)
    try:
        cmd = _bwrap_args(str(probe_dir)) + [sys.executable, "-I", "-c", "import sys"]
        ok = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    finally:
        shutil.rmtree(probe_dir, ignore_errors=True)
    return "bwrap" if ok else "rlimits"


class _Cgroup:
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

    def remove(self) -> None:
        for path in self.dirs:
            for _ in range(50):
                try:
                    path.rmdir()
                    break
                except OSError:
                    time.sleep(0.02)


def _descendants(root: int) -> list[int]:
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


def _usage(pids: list[int]) -> tuple[int, int]:
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


class Worker:
    """One sandboxed worker process: ``python -I -m dlcourse.worker`` with limits."""

    def __init__(self, workdir: Path, limits: Limits, threads: int = 1):
        self.workdir, self.limits, self.mode = workdir, limits, detect_mode()
        self.inside = INSIDE_HOME if self.mode == "bwrap" else str(workdir)
        self.killed_for: str | None = None
        self._cgroup = _Cgroup(limits)
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": self.inside, "LANG": "C.UTF-8",
               "TMPDIR": "/tmp" if self.mode == "bwrap" else str(workdir),
               "MPLBACKEND": "Agg", "MPLCONFIGDIR": "/tmp" if self.mode == "bwrap" else str(workdir),
               "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "2",
               "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads),
               "KMP_AFFINITY": "disabled", "DLCOURSE_LOG": "output.log"}
        env["DLCOURSE_RLIMITS"] = ",".join(str(v) for v in (limits.cpu_seconds, limits.file_mb * 2**20, limits.open_files))
        cmd = [sys.executable, "-I", "-m", "dlcourse.worker"]
        if self.mode == "bwrap":
            cmd = _bwrap_args(str(workdir)) + cmd
        if self._cgroup.dirs:
            # Join the cgroups before anything else starts (no preexec_fn: the grader has threads).
            join = 'for g in "$@"; do [ "$g" = -- ] && break; echo $$ > "$g/cgroup.procs"; shift; done; shift; exec "$@"'
            cmd = ["/bin/sh", "-c", join, "sh", *map(str, self._cgroup.dirs), "--", *cmd]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, cwd=str(workdir), env=env,
                                     start_new_session=True)
        self._stop = threading.Event()
        self.peak_rss = 0
        self._watch = threading.Thread(target=self._watchdog, daemon=True)
        self._watch.start()

    def _watchdog(self) -> None:
        while not self._stop.wait(0.1):
            if self.proc.poll() is not None:
                return
            rss, tasks = _usage(_descendants(self.proc.pid))
            self.peak_rss = max(self.peak_rss, rss)
            if rss > self.limits.memory_mb * 2**20:
                self.kill(f"used more than {self.limits.memory_mb} MB of memory")
            elif tasks > self.limits.tasks:
                self.kill(f"started more than {self.limits.tasks} processes or threads")

    def kill(self, reason: str | None = None) -> None:
        """Kill the worker and everything it started; remember why, if a limit was hit."""
        if reason and not self.killed_for:
            self.killed_for = reason
        for pid in reversed(_descendants(self.proc.pid)):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def death_reason(self) -> str:
        """Why the worker ended, in words a learner can act on."""
        if self.killed_for:
            return self.killed_for
        if self._cgroup.oom_killed():
            return f"used more than {self.limits.memory_mb} MB of memory"
        code = self.proc.poll()
        if code is not None and code < 0:
            sig = signal.Signals(-code).name
            if sig == "SIGXCPU":
                return f"used more than {self.limits.cpu_seconds} s of CPU time"
            return f"was killed by {sig}"
        return f"exited with status {code}" if code is not None else "stopped answering"

    def close(self) -> None:
        """Stop the worker (if still alive) and release its cgroup."""
        self._stop.set()
        if self.proc.poll() is None:
            self.kill()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self._cgroup.remove()
