"""Shared by the graders of 11: run a function in real processes, one per rank, inside the sandbox.

The learner's module is loaded in the sandboxed worker as ``submission``; a child started with
``spawn`` could not import it, so the probe forks the worker (the worker runs torch on one
thread, which forks safely). Each child runs ``body(mod, rank, world_size, port, folder, *args)``
and leaves its result (plain data) in ``folder``; the parent waits a bounded time, kills what
is left, and returns plain data only. Not collected by pytest (no ``test_`` prefix); test files
load it with ``importlib`` (see each test file's top).

What the verdicts rest on. Every rank's process runs learner code, so nothing a rank says about
itself is taken at face value:
- each rank adds a **secret** to what it contributes (``secret``: drawn from the OS *after* the
  fork, so no other process, and nothing in any frame, holds it before the rank sends it); the
  trusted test checks results that only real communication between the ranks can produce (a sum or
  mean over all ranks' secrets), computed in the test from the secrets each rank reports;
- ``own_dist`` takes torch.distributed's functions at the start of a body, *before* the learner's
  function runs, and refuses them when they are not torch's own (a submission that replaced them
  at import time): a function that patches them while it runs patches what the grader no longer uses.
A submission that builds its own channel between its processes (files, sockets) to imitate a
collective is not told apart from gloo in-process; every other way to pass needs the ranks to talk.
"""
from dlcourse.runner import ProbeFailed


def shared(sub, key, compute):
    """``compute()`` once per grading under ``key`` (``sub.shared``), for the tests of one function: a submission
    whose ranks hang costs the time limit once, not once per test. A ProbeFailed it raised is raised to every test."""
    if key not in sub.shared:
        try:
            sub.shared[key] = compute()
        except ProbeFailed as exc:
            sub.shared[key] = exc
    if isinstance(sub.shared[key], ProbeFailed):
        raise sub.shared[key]
    return sub.shared[key]


def run_ranks(mod, body, world_size, args=(), limit=30.0):
    """Fork one process per rank running ``body``; gather their results or say why not."""
    import os
    import pickle
    import shutil
    import signal
    import socket
    import tempfile
    import time

    import torch._dynamo  # noqa: F401  DDP and optimizers import it on first use: once here, not per child

    # gloo picks its interface from the host name; in a sandbox with only loopback, use loopback.
    os.environ["GLOO_SOCKET_IFNAME"] = "lo"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    folder = tempfile.mkdtemp()
    pids = {}
    for rank in range(world_size):
        pid = os.fork()
        if pid == 0:  # the child: run, leave the result, never return into the worker's loop
            code = 1
            try:
                os.setpgid(0, 0)
                try:
                    result = {"ok": True, "value": body(mod, rank, world_size, port, folder, *args)}
                except BaseException as exc:  # the learner's exception, reported by the parent
                    import traceback

                    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == mod.__file__]
                    where = f" [in {frames[-1].name}: {(frames[-1].line or '').strip()}]" if frames else ""
                    kind = "Tampered" if str(exc).startswith("[tampered]") else type(exc).__name__
                    result = {"ok": False, "type": kind, "error": (f"{type(exc).__name__}: {exc}"[:300] + where)}
                with open(os.path.join(folder, f"result{rank}.pkl"), "wb") as fh:
                    pickle.dump(result, fh)
                code = 0
            finally:
                os._exit(code)
        pids[pid] = rank
    end, status = time.monotonic() + limit, {}
    while len(status) < len(pids) and time.monotonic() < end:
        for pid in pids:
            if pid not in status and os.waitpid(pid, os.WNOHANG)[0] == pid:
                status[pid] = True
        time.sleep(0.02)
    hung = [pids[pid] for pid in pids if pid not in status]
    for pid in pids:
        if pid not in status:
            for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
                try:
                    kill()
                except OSError:
                    pass
            os.waitpid(pid, 0)
    results = []
    for rank in range(world_size):
        try:
            with open(os.path.join(folder, f"result{rank}.pkl"), "rb") as fh:
                results.append(pickle.load(fh))
        except (OSError, EOFError, pickle.UnpicklingError):
            results.append(None)
    shutil.rmtree(folder, ignore_errors=True)
    if hung:
        return {"status": "timeout", "ranks": hung, "limit": limit}
    for rank, result in enumerate(results):
        if result is None:
            return {"status": "died", "rank": rank}
        if not result["ok"]:
            return {"status": "error", "rank": rank, "error": result["error"], "type": result["type"]}
    return {"status": "ok", "values": [r["value"] for r in results]}


def secret(n, scale=1.0):
    """``n`` floats in [-scale, scale) from the OS's random source, drawn in this process now."""
    import os

    draw = os.urandom
    if draw.__class__ is not [].append.__class__ or draw.__name__ != "urandom":
        raise Tampered("os.urandom")
    raw, to_int = draw(4 * n), (0).__class__.from_bytes
    return [(to_int(raw[4 * i:4 * i + 4], "little") / 4294967296.0 - 0.5) * 2.0 * scale for i in range(n)]


def own_dist():
    """torch.distributed's functions as torch defines them, taken before the learner's code runs in this call."""
    import os

    import torch
    import torch.distributed as dist

    home = os.path.dirname(os.path.abspath(torch.__file__)) + os.sep
    out = {}
    for name in ("init_process_group", "destroy_process_group", "is_initialized", "get_rank",
                 "get_world_size", "get_backend", "all_reduce", "barrier"):
        fn = inner = getattr(dist, name, None)
        for _ in range(3):  # torch wraps some of them (c10d_logger): the innermost is the named function
            code = getattr(inner, "__code__", None)
            if (inner.__class__ is not own_dist.__class__ or code is None or not code.co_filename.startswith(home)
                    or not str(inner.__globals__.get("__name__", "")).startswith("torch.distributed")):
                raise Tampered(f"torch.distributed.{name}")
            if code.co_name == name:
                break
            inner = getattr(inner, "__wrapped__", None)
        else:
            raise Tampered(f"torch.distributed.{name}")
        out[name] = fn
    return out


def Tampered(what):  # noqa: N802  (raised like an exception class; a function, so that probes can carry it)
    """The exception a body raises when a framework function the grader relies on is not the framework's own."""
    return RuntimeError(f"[tampered] {what}")


def own_group(d, rank, world_size, port, where=None):
    """A process group made by the grader (not the learner's setup), bounded in time."""
    import datetime

    init = f"tcp://127.0.0.1:{port}" if where is None else f"file://{where}"
    d["init_process_group"]("gloo", init_method=init, rank=rank, world_size=world_size,
                            timeout=datetime.timedelta(seconds=20))


def listens(port):
    """Whether something accepts connections on 127.0.0.1:port (through the C socket type itself)."""
    import _socket

    s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    if s.connect_ex.__class__ is not [].append.__class__ or s.connect_ex.__name__ != "connect_ex":
        raise Tampered("_socket")
    try:
        s.settimeout(5)
        return s.connect_ex(("127.0.0.1", port)) == 0
    finally:
        s.close()


def values_of(got, what):
    """The per-rank values of a run_ranks result, or the reason the test stops, in the learner's words."""
    if got["status"] == "ok":
        return got["values"]
    if got["status"] == "timeout":
        raise ProbeFailed("timeout", f"{what}: the process(es) of rank(s) {got['ranks']} did not finish within "
                                     f"{got['limit']:.0f} s; a process waiting for peers that never come (wrong rank, "
                                     "world size, address or port) hangs like this")
    if got["status"] == "died":
        raise ProbeFailed("error", f"{what}: the process of rank {got['rank']} died before it finished")
    if got["type"] == "Tampered":
        raise ProbeFailed("failed", f"{what}: the submission replaced functions of torch.distributed or os that "
                                    "grading relies on; leave the frameworks' own functions in place")
    if got["type"] == "NotImplementedError":
        raise ProbeFailed("error", f"{what}: not implemented yet (rank {got['rank']} raised {got['error']})", raised=True)
    raise ProbeFailed("error", f"{what}: rank {got['rank']} raised {got['error']}", raised=True)
