"""Shared by the graders of 11: run a function in real processes, one per rank, inside the sandbox.

The learner's module is loaded in the sandboxed worker as ``submission``; a child started with
``spawn`` could not import it, so the probe forks the worker (the worker runs torch on one
thread, which forks safely). Each child runs ``body(mod, rank, world_size, port, folder, *args)``
and leaves its result (plain data) in ``folder``; the parent waits a bounded time, kills what
is left, and returns plain data only. Not collected by pytest (no ``test_`` prefix); test files
load it with ``load_ranks()`` below, copied into each.
"""
from dlcourse.runner import ProbeFailed


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
                    result = {"ok": False, "type": type(exc).__name__, "error": (f"{type(exc).__name__}: {exc}"[:300] + where)}
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


def own_group(rank, world_size, port):
    """A process group made by the grader (not the learner's setup), bounded in time."""
    import datetime

    import torch.distributed as dist

    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                            world_size=world_size, timeout=datetime.timedelta(seconds=20))


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
    if got["type"] == "NotImplementedError":
        raise ProbeFailed("error", f"{what}: not implemented yet (rank {got['rank']} raised {got['error']})", raised=True)
    raise ProbeFailed("error", f"{what}: rank {got['rank']} raised {got['error']}", raised=True)
