"""A warm sandbox: a zygote that imported the frameworks once, and the worker it forks per run.

A sandbox runs ``dlcourse.zygote`` (under bubblewrap where the machine allows it, ``bubblewrap.py``),
which imports the assignment's frameworks once; each run of a submission is a worker forked from it
(ready in milliseconds instead of seconds), watched against its limits (``limits.py``), and between
runs every learner process is killed and the sandbox emptied (``cleanup.py``). The idle sandboxes a
grading process keeps are in ``warm.py``.
"""
from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from .bubblewrap import INSIDE_HOME, PACKAGE_DIR, bwrap_args, detect_mode
from .cleanup import descendants, live, ns_pid, parent, remove_tree, state
from .limits import Cgroup, Limits, usage


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
        self._cgroup = Cgroup(limits)
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
            cmd = bwrap_args(str(self.home)) + cmd
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

    def _found_zygote(self, inner_pid: int) -> None:
        for pid in descendants(self.proc.pid):
            if ns_pid(pid) == inner_pid:
                self.zygote = pid
                break
        self._healthy_state = state(self.zygote) if self.zygote else None
        chain, pid = set(), self.zygote
        while pid is not None and pid != self.proc.pid:
            chain.add(pid)
            pid = parent(pid)
        self._chain = chain | {self.proc.pid}

    def wait_spawned(self, index: int, timeout: float) -> int | None:
        """The zygote's pid of the ``index``-th worker it forked (None if it never did)."""
        end = time.monotonic() + timeout
        while len(self._spawned) <= index and not self.broken and time.monotonic() < end:
            self._pump(min(0.5, max(0.0, end - time.monotonic())))
        return self._spawned[index] if len(self._spawned) > index else None

    def exit_code(self, inner_pid: int | None) -> int | None:
        self._pump()
        return self._exits.get(inner_pid) if inner_pid is not None else None

    # -- processes -----------------------------------------------------------------------
    def learner_pids(self) -> list[int]:
        """Every live process in the sandbox that is not bwrap's or the zygote."""
        if self.zygote is None:
            self._pump()
        return [p for p in live(descendants(self.proc.pid)) if p not in self._chain]

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
        """Alive, and as it was when it got ready (a learner may stop, renice or limit the zygote);
        or never used and still importing (started ahead of need by warm.prewarm)."""
        self._pump()
        if self.broken or self.proc.poll() is not None:
            return False
        if self.zygote is None:
            return self.runs == 0
        return state(self.zygote) == self._healthy_state

    def clean(self) -> None:
        """Delete everything in the sandbox's home (no learner process is left to write there)."""
        for name in os.listdir(self.home):
            remove_tree(self.home / name)

    def start(self, files: dict[str, str], on_done=None) -> "Worker":
        """Fork a fresh worker whose folder holds ``files``; the sandbox is emptied first.

        ``on_done(sandbox)`` gets the sandbox back when the worker is closed (default: destroy it)."""
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
                      os.fdopen(from_grader, "wb"), os.fdopen(to_grader, "rb"), on_done or Sandbox.destroy)

    def destroy(self) -> None:
        """Kill the whole sandbox and delete its files."""
        if self._control.fileno() < 0:
            return
        self.broken = True
        for pid in reversed(descendants(self.proc.pid)):
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

    def __init__(self, sandbox: Sandbox, folder: Path, inside: str, index: int, stdin, stdout, on_done):
        self.sandbox, self.folder, self.inside, self._index, self._on_done = sandbox, folder, inside, index, on_done
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
        for pid in descendants(zygote) if zygote else []:
            if pid != zygote and ns_pid(pid) == ns and parent(pid) == zygote:
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
            rss, tasks = usage(self.sandbox.learner_pids())
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
        self._on_done(self.sandbox)
