"""Sandboxes for grading workers: started warm, one worker forked per run, killed cleanly.

A sandbox runs ``dlcourse.zygote``, which imports the assignment's frameworks once; each
run of a submission is a worker forked from it (ready in milliseconds instead of seconds),
and between runs every learner process is killed and the sandbox emptied. A grading
process keeps a few idle sandboxes ($DLCOURSE_WARM_SANDBOXES, default 2; 0 = a fresh one
per run). Two mechanisms, picked once per machine:
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

import atexit
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
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
    # The root and /dev are bwrap's own tmpfs: read-only, so /tmp, /dev/shm and the home are the only
    # writable places, and a warm sandbox empties all three between runs.
    args += ["--ro-bind", str(PACKAGE_DIR), str(PACKAGE_DIR),
             "--bind", workdir, INSIDE_HOME, "--remount-ro", "/dev", "--remount-ro", "/", "--chdir", INSIDE_HOME]
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


def _live(pids: list[int]) -> list[int]:
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


def _ns_pid(pid: int) -> int | None:
    """The pid that process ``pid`` has in its own (innermost) PID namespace."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("NSpid:"):
                    return int(line.split()[-1])
    except (OSError, ValueError):
        pass
    return None


def _parent(pid: int) -> int | None:
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


def _state(pid: int) -> tuple | None:
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


class Sandbox:
    """One sandbox kept warm: a zygote that imported the frameworks forks a worker per run.

    A sandbox serves one run at a time; between runs every learner process is killed and
    the zygote empties the sandbox's writable places before it forks the next worker.
    """

    def __init__(self, preload: list[str], limits: Limits, threads: int):
        self.preload, self.limits, self.threads, self.mode = list(preload), limits, threads, detect_mode()
        self.broken = False
        self._base = Path(tempfile.mkdtemp(prefix="dlcourse-sandbox-"))
        os.chmod(self._base, 0o755)
        self.home = self._base / "home"
        self.home.mkdir(mode=0o777)
        os.chmod(self.home, 0o777)  # the sandbox user writes here
        self.inside = INSIDE_HOME if self.mode == "bwrap" else str(self.home)
        self._cgroup = _Cgroup(limits)
        self._lock = threading.RLock()
        self._exits: dict[int, int] = {}
        self._spawned: list[int] = []
        self._chain: set[int] = set()  # bwrap's own processes and the zygote: never the learner's
        self.zygote: int | None = None
        self._healthy_state = None
        self.runs = 0
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": self.inside, "LANG": "C.UTF-8",
               "TMPDIR": "/tmp" if self.mode == "bwrap" else self.inside,
               "MPLBACKEND": "Agg", "MPLCONFIGDIR": "/tmp" if self.mode == "bwrap" else self.inside,
               "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "2",
               "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads),
               "KMP_AFFINITY": "disabled", "DLCOURSE_LOG": "output.log",
               "DLCOURSE_RLIMITS": ",".join(str(v) for v in (limits.cpu_seconds, limits.file_mb * 2**20, limits.open_files))}
        # The tooling the grader itself runs (not whichever copy the environment would find): a sandbox
        # never mixes two versions of the protocol.
        boot = f"import sys; sys.path.insert(0, {str(PACKAGE_DIR.parent)!r}); from dlcourse.zygote import main; main()"
        cmd = [sys.executable, "-I", "-c", boot, json.dumps(self.preload)]
        if self.mode == "bwrap":
            cmd = _bwrap_args(str(self.home)) + cmd
        if self._cgroup.dirs:
            # Join the cgroups before anything else starts (no preexec_fn: the grader has threads).
            join = 'for g in "$@"; do [ "$g" = -- ] && break; echo $$ > "$g/cgroup.procs"; shift; done; shift; exec "$@"'
            cmd = ["/bin/sh", "-c", join, "sh", *map(str, self._cgroup.dirs), "--", *cmd]
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.proc = subprocess.Popen(cmd, stdin=theirs.fileno(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     cwd=str(self.home), env=env, start_new_session=True)
        theirs.close()
        self._control = ours

    # -- the zygote's messages ----------------------------------------------------------
    def _pump(self, timeout: float = 0.0) -> None:
        """Read what the zygote said (waiting up to ``timeout`` for the first message)."""
        with self._lock:
            while not self.broken and select.select([self._control], [], [], timeout)[0]:
                timeout = 0.0
                try:
                    data = self._control.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    self.broken = True
                    break
                message = json.loads(data)
                if "ready" in message:
                    self._found_zygote(message["ready"])
                elif "spawned" in message:
                    self._spawned.append(message["spawned"])
                elif "exited" in message:
                    self._exits[message["exited"]] = message["status"]

    def _found_zygote(self, ns_pid: int) -> None:
        for pid in _descendants(self.proc.pid):
            if _ns_pid(pid) == ns_pid:
                self.zygote = pid
                break
        self._healthy_state = _state(self.zygote) if self.zygote else None
        chain, pid = set(), self.zygote
        while pid is not None and pid != self.proc.pid:
            chain.add(pid)
            pid = _parent(pid)
        self._chain = chain | {self.proc.pid}

    def wait_spawned(self, index: int, timeout: float) -> int | None:
        """The zygote's pid of the ``index``-th worker it forked (None if it never did)."""
        end = time.monotonic() + timeout
        while len(self._spawned) <= index and not self.broken and time.monotonic() < end:
            self._pump(min(0.5, max(0.0, end - time.monotonic())))
        return self._spawned[index] if len(self._spawned) > index else None

    def exit_code(self, ns_pid: int | None) -> int | None:
        self._pump()
        return self._exits.get(ns_pid) if ns_pid is not None else None

    # -- processes -----------------------------------------------------------------------
    def learner_pids(self) -> list[int]:
        """Every live process in the sandbox that is not bwrap's or the zygote."""
        if self.zygote is None:
            self._pump()
        return [p for p in _live(_descendants(self.proc.pid)) if p not in self._chain]

    def kill_learners(self) -> None:
        """SIGKILL every learner process (a fork bomb included) until none is left."""
        if self.zygote is None:  # not ready yet: nothing to keep
            self.destroy()
            return
        for _ in range(200):
            pids = self.learner_pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.01)
        self.destroy()

    def reusable(self) -> bool:
        """Alive, and as it was when it got ready: a learner may stop, renice or limit the zygote."""
        self._pump()
        return (not self.broken and self.proc.poll() is None and self.zygote is not None
                and _state(self.zygote) == self._healthy_state)

    def clean(self) -> None:
        """Delete everything in the sandbox's home (no learner process is left to write there)."""
        for name in os.listdir(self.home):
            remove_tree(self.home / name)

    def start(self, files: dict[str, str]) -> "Worker":
        """Fork a fresh worker whose folder holds ``files``; the sandbox is emptied first."""
        self.runs += 1
        name = f"run-{uuid.uuid4().hex[:8]}"
        folder = self.home / name
        folder.mkdir()
        os.chmod(folder, 0o777)
        for file, text in files.items():
            (folder / file).write_text(text, encoding="utf-8")
        self._cgroup.reset()
        to_child, from_grader = os.pipe()
        to_grader, from_child = os.pipe()
        try:
            socket.send_fds(self._control, [json.dumps({"dir": name, "isolated": self.mode == "bwrap"}).encode()],
                            [to_child, from_child])
        except OSError:
            self.broken = True
        finally:
            os.close(to_child)
            os.close(from_child)
        return Worker(self, folder, f"{self.inside}/{name}", self.runs - 1,
                      os.fdopen(from_grader, "wb"), os.fdopen(to_grader, "rb"))

    def destroy(self) -> None:
        """Kill the whole sandbox and delete its files."""
        if self._control.fileno() < 0:
            return
        self.broken = True
        for pid in reversed(_descendants(self.proc.pid)):
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self._control.close()
        self._cgroup.remove()
        remove_tree(self._base)


class Worker:
    """One run's worker, forked in a warm sandbox: pipes to it, its limits, its end."""

    def __init__(self, sandbox: Sandbox, folder: Path, inside: str, index: int, stdin, stdout):
        self.sandbox, self.folder, self.inside, self._index = sandbox, folder, inside, index
        self.limits = sandbox.limits
        self.stdin, self.stdout = stdin, stdout
        self.killed_for: str | None = None
        self.peak_rss = 0
        self._stop = threading.Event()
        self._watch = threading.Thread(target=self._watchdog, daemon=True)
        self._watch.start()

    @property
    def ns_pid(self) -> int | None:
        return self.sandbox.wait_spawned(self._index, 0.0)

    @property
    def pid(self) -> int | None:
        """The worker's pid on this machine (once the zygote has forked it)."""
        ns = self.sandbox.wait_spawned(self._index, 120.0)
        zygote = self.sandbox.zygote
        for pid in _descendants(zygote) if zygote else []:
            if pid != zygote and _ns_pid(pid) == ns and _parent(pid) == zygote:
                return pid
        return None

    def poll(self) -> int | None:
        """The worker's exit code once it ended (negative: killed by that signal), else None."""
        code = self.sandbox.exit_code(self.ns_pid)
        if code is None and self.sandbox.broken:
            return -signal.SIGKILL
        return code

    def wait(self, timeout: float) -> int | None:
        end = time.monotonic() + timeout
        while (code := self.poll()) is None and time.monotonic() < end:
            self.sandbox._pump(min(0.2, max(0.0, end - time.monotonic())))
        return code

    def _watchdog(self) -> None:
        while not self._stop.wait(0.1):
            if self.sandbox.broken:
                return
            rss, tasks = _usage(self.sandbox.learner_pids())
            self.peak_rss = max(self.peak_rss, rss)
            if rss > self.limits.memory_mb * 2**20:
                self.kill(f"used more than {self.limits.memory_mb} MB of memory")
            elif tasks > self.limits.tasks:
                self.kill(f"started more than {self.limits.tasks} processes or threads")

    def kill(self, reason: str | None = None) -> None:
        """Kill the worker and everything it started; remember why, if a limit was hit."""
        if reason and not self.killed_for:
            self.killed_for = reason
        self.sandbox.kill_learners()

    def death_reason(self) -> str:
        """Why the worker ended, in words a learner can act on."""
        if self.killed_for:
            return self.killed_for
        if self.sandbox._cgroup.oom_killed():
            return f"used more than {self.limits.memory_mb} MB of memory"
        code = self.poll()
        if code is not None and code < 0:
            sig = signal.Signals(-code).name
            if sig == "SIGXCPU":
                return f"used more than {self.limits.cpu_seconds} s of CPU time"
            return f"was killed by {sig}"
        return f"exited with status {code}" if code is not None else "stopped answering"

    def close(self) -> None:
        """Stop the worker and all it started, empty the sandbox, give it back."""
        self._stop.set()
        self.sandbox.wait_spawned(self._index, 30.0)  # a fork still on its way must not outlive the run
        self.kill()
        self.wait(10)
        for stream in (self.stdin, self.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.sandbox.clean()
        _release(self.sandbox)


# -- warm sandboxes kept by this process -----------------------------------------------
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
    return sandbox.start(files)


def _release(sandbox: Sandbox) -> None:
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
