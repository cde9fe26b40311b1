"""The warm parent inside a sandbox: import the frameworks once, fork one worker per run.

Runs as ``python -I -c '<import dlcourse.zygote; main()>' '<preload json>'`` with a SOCK_SEQPACKET control
socket as stdin. It never runs an op of any framework (a parent that computed makes forked
children hang, see STACK.md) and never runs learner code; each request forks a child that
becomes an ordinary ``dlcourse.worker`` on the pipes the grader passed along.

Between runs nothing of a learner stays: the grader kills every process but this one and
empties the home; before each fork this process empties /tmp, /dev/shm and System V IPC. It is not
dumpable, so learner processes (same user) cannot read or write its memory, and it is the
child subreaper, so every orphan a learner leaves stays below it where the grader finds it.
"""
from __future__ import annotations

import ctypes
import importlib
import json
import os
import select
import signal
import socket
import sys

_PR_SET_PDEATHSIG, _PR_SET_DUMPABLE, _PR_SET_CHILD_SUBREAPER = 1, 4, 36
_IPC_RMID = 0
# Imported too, never used here: notebooks import them at the top, and each fork would pay it again.
_WARM_EXTRAS = ("matplotlib.pyplot",)
# Modules a framework imports lazily on a common first call: torch's first backward() or autograd.grad
# imports symbolic_shapes (and sympy), 0.5 s in every worker forked without it.
_WARM_LAZY = {"torch": ("torch.fx.experimental.symbolic_shapes",)}


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _empty(folder: str) -> None:
    """Delete everything in ``folder``, even what a learner made unreadable."""
    from .cleanup import remove_tree

    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        remove_tree(os.path.join(folder, name))


def _remove_ipc(libc) -> None:
    """Remove the System V shared memory, queues and semaphores a learner left behind."""
    for kind, call in (("shm", libc.shmctl), ("msg", libc.msgctl), ("sem", libc.semctl)):
        try:
            with open(f"/proc/sysvipc/{kind}") as fh:
                ids = [int(line.split()[1]) for line in fh.readlines()[1:] if line.strip()]
        except (OSError, ValueError, IndexError):
            continue
        for ident in ids:
            if kind == "sem":
                call(ident, 0, _IPC_RMID)
            else:
                call(ident, _IPC_RMID, None)


def _wipe(libc) -> None:
    """In our own namespaces, everything but us is the last learner's: processes, IPC, temp files.

    (The grader empties the home, which it sees from outside.)
    """
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    _remove_ipc(libc)
    for folder in ("/tmp", "/dev/shm"):
        _empty(folder)


def _child(request: dict, fds: list[int], keep_open: list[int]) -> None:
    """In the forked child: drop the zygote's channels, then become a worker."""
    from . import worker

    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for fd in keep_open:
        os.close(fd)
    run_dir = os.path.join(os.environ["HOME"], request["dir"])
    os.chdir(run_dir)
    if not request["isolated"]:  # no private /tmp: temporary files go to the run's own folder
        os.environ["TMPDIR"] = os.environ["MPLCONFIGDIR"] = run_dir
    import tempfile
    tempfile.tempdir = None
    worker.run(fds[0], fds[1])


def serve(control: socket.socket, preload: list[str]) -> None:
    """Import, say ready, then fork a worker for each request until the grader hangs up."""
    libc = _libc()
    from .kernel_guard import fresh_keyring
    fresh_keyring()  # a sandbox never holds the grader's keys
    libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    import numpy  # noqa: F401  (every worker uses it)
    for name in preload:
        importlib.import_module(name)
    for name in (*_WARM_EXTRAS, *(m for p in preload for m in _WARM_LAZY.get(p, ()))):
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    control.send(json.dumps({"ready": os.getpid()}).encode())
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_w)
    current = None
    while True:
        readable = select.select([control, wake_r], [], [])[0]
        if wake_r in readable:
            os.read(wake_r, 4096)
        while True:  # reap every child; report the worker's own end
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            if pid == current:
                control.send(json.dumps({"exited": pid, "status": os.waitstatus_to_exitcode(status)}).encode())
                current = None
        if control not in readable:
            continue
        data, fds, _, _ = socket.recv_fds(control, 65536, 2)
        if not data:
            os._exit(0)
        request = json.loads(data)
        if request["isolated"]:
            _wipe(libc)
        pid = os.fork()
        if pid == 0:
            try:
                _child(request, fds, [control.fileno(), wake_r, wake_w])
            finally:
                os._exit(0)
        for fd in fds:
            os.close(fd)
        current = pid
        control.send(json.dumps({"spawned": pid}).encode())


def main() -> None:
    control = socket.socket(fileno=os.dup(0))
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    serve(control, json.loads(sys.argv[1]))


if __name__ == "__main__":
    main()
