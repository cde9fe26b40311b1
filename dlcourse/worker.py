"""The sandboxed side of grading: import the learner's module, then answer probes.

Runs in the sandbox, forked from the warm parent (``dlcourse.zygote``). The grader sends a setup
message, then one probe at a time (a small function's source and plain-data arguments);
the worker runs it against the learner's module and sends back plain data. It never
decides a grade: the trusted process compares what it receives.
"""
from __future__ import annotations

import ast
import builtins
import importlib
import os
import re
import sys
import threading
import traceback
import types

from . import protocol

_type, _isinstance, _str, _len = builtins.type, builtins.isinstance, builtins.str, builtins.len
_print_exc = traceback.extract_tb


class Channel:
    """Length-framed messages over two file descriptors."""

    def __init__(self, rfd: int, wfd: int):
        self.rfd, self.wfd = rfd, wfd

    def recv(self):
        header = self._read(protocol.HEADER_BYTES)
        if header is None:
            return None
        return protocol.loads(self._read(protocol.header_size(header)) or b"")

    def send(self, message) -> None:
        self.write(protocol.dumps(message))

    def write(self, data: bytes) -> None:
        while data:
            data = data[os.write(self.wfd, data):]

    def _read(self, n: int):
        chunks, left = [], n
        while left:
            chunk = os.read(self.rfd, left)
            if not chunk:
                return None
            chunks.append(chunk)
            left -= _len(chunk)
        return b"".join(chunks)


def _describe(exc: BaseException, module_path: str, spans) -> dict:
    """Type, message and the learner's own frames of an exception (never the probe's)."""
    try:
        message = _str(exc)[:800]
    except BaseException:  # a learner exception whose __str__ itself fails
        message = "<unprintable message>"
    frames = []
    for frame in _print_exc(exc.__traceback__):
        if frame.filename == module_path:
            cell, line = _cell_of(frame.lineno, spans)
            frames.append(f"cell {cell}, line {line}, in {frame.name}: {frame.line or ''}".strip())
    return {"type": _type(exc).__name__, "message": message, "frames": frames[-5:]}


def _cell_of(lineno: int, spans) -> tuple[int, int]:
    for start, length, number in spans:
        if start <= lineno < start + length:
            return number, lineno - start + 1
    return 0, lineno


# Calls a forger needs and graded code never does, reported as evidence (the run is flagged for review).
_INSPECTION = {"sys._getframe": "looked at the grader's frames", "sys._current_frames": "looked at the grader's frames",
               "gc.get_objects": "searched the interpreter's objects", "gc.get_referrers": "searched the interpreter's objects",
               "gc.get_referents": "searched the interpreter's objects", "sys.settrace": "traced the grader's code",
               "sys.setprofile": "traced the grader's code"}
_NATIVE = {"keyctl", "add_key", "request_key", "mq_open", "syscall", "ptrace", "process_vm_readv",
           "process_vm_writev", "prctl", "seccomp", "dup2", "dup3"}
_OWN_FDS = re.compile(r"^/(proc/(self|thread-self|\d+)(/task/\d+)?/(fd|fdinfo|mem)|dev/fd)(/|$)")
# Frames that pass a call through on the learner's behalf (``inspect.currentframe()``, ``ctypes.CDLL``).
_PASS_THROUGH = ("/inspect.py", "/traceback.py", "/ctypes/__init__.py")


def _install_audit_hook(protected: list[str], allow_subprocess: bool, allow_network: bool,
                        learner_file: str = "", report=None, channel_fds=()) -> None:
    """Refuse what grading never needs (course files, processes, sockets, new hooks); report what forging needs.

    Added after the frameworks are imported (their imports use ctypes and files we
    refuse later); an audit hook cannot be removed once added. ``report(what, line)`` is
    called once per kind of forging call made by the learner's code (``line`` in ``learner_file``).
    """
    prefixes = tuple(p.rstrip("/") + "/" for p in protected) + tuple(protected)
    realpath, fspath, getframe, match = os.path.realpath, os.fspath, sys._getframe, _OWN_FDS.match
    spawn_events = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
                    "os.fork", "os.forkpty", "pty.spawn"}
    net_events = {"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"}
    busy = [False]
    channel_fds = frozenset(channel_fds)

    def learner_line():
        """The line of the learner's code that made the audited call (None if a library made it)."""
        frame = getframe(3)  # 0: here, 1: evidence, 2: the hook, 3: whoever called the audited function
        while frame is not None:
            name = frame.f_code.co_filename
            if not (name.startswith("<") and name != "<probe>") and not name.endswith(_PASS_THROUGH):
                break
            frame = frame.f_back
        return frame.f_lineno if frame is not None and frame.f_code.co_filename == learner_file else None

    def evidence(what: str, always: bool = False) -> None:
        if report is None or busy[0]:
            return
        busy[0] = True
        try:
            line = learner_line()
            if line is not None or always:
                report(what, line)
        finally:
            busy[0] = False

    def hook(event, args):
        if busy[0]:
            return
        if event == "open":
            path = args[0]
            if _isinstance(path, int):
                if path in channel_fds:
                    evidence("reopened the grader's channel", always=True)
                return
            if _isinstance(path, (str, bytes, os.PathLike)):
                try:
                    text = fspath(path) if not _isinstance(path, bytes) else path.decode("utf-8", "replace")
                    full = realpath(text)
                except (OSError, ValueError, TypeError):
                    return
                if full.startswith(prefixes) or full in protected:
                    raise PermissionError("grading sandbox: course files are not readable by submissions")
                if match(text) or match(full):
                    evidence("opened its own file descriptors or memory through /proc", always=True)
        elif event in _INSPECTION:
            evidence(_INSPECTION[event])
        elif event in ("os.listdir", "os.scandir") and args and _isinstance(args[0], str) and match(args[0]):
            evidence("listed its own file descriptors", always=True)
        elif event == "import" and _isinstance(args[0], str) and args[0].split(".")[0] == "dlcourse":
            evidence("imported the grading tool", always=True)
        elif event == "object.__setattr__" and _len(args) > 1 and args[1] == "__code__":
            evidence("replaced a function's code")
        elif event == "ctypes.dlsym" and _len(args) > 1 and args[1] in _NATIVE:
            evidence(f"called the kernel directly ({args[1]})", always=True)
        elif event in spawn_events and not allow_subprocess:
            raise PermissionError("grading sandbox: starting processes is not allowed here")
        elif event in net_events and not allow_network:
            # Unix socket addresses too: without bubblewrap they reach the machine's own services.
            if _len(args) > 1 and args[1] is not None:
                raise PermissionError("grading sandbox: network access is not allowed")
        elif event == "sys.addaudithook":
            raise PermissionError("grading sandbox: audit hooks are reserved for the grader")
        elif event == "object.__setattr__" and args[0] is hook:
            raise PermissionError("grading sandbox: the grader's hook cannot be changed")

    sys.addaudithook(hook)


def _preload(names: list[str], threads: int, seed: int, logical_cpus: int = 0) -> dict:
    """Import the frameworks once, pin threads and seeds; return them for probes."""
    import random

    import numpy as np

    random.seed(seed)
    np.random.seed(seed % 2**32)
    mods = {"np": np, "numpy": np}
    for name in names:
        mods[name] = importlib.import_module(name)
    if "torch" in mods:
        mods["torch"].set_num_threads(threads)
        mods["torch"].manual_seed(seed)
    if "tensorflow" in mods:
        tf = mods["tensorflow"]
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
        if logical_cpus > 1:  # devices can only be split before the first op runs
            cpu = tf.config.list_physical_devices("CPU")[0]
            tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * logical_cpus)
        tf.random.set_seed(seed)
        mods["tf"] = tf
    return mods


def load_module(path: str, spans) -> tuple[types.ModuleType, list[dict]]:
    """Run the learner's cells one by one; a cell that raises is reported, not fatal."""
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    module = types.ModuleType("submission")
    module.__file__ = path
    sys.modules["submission"] = module
    problems = []
    for start, length, number in spans:
        tree = ast.parse("\n".join(lines[start - 1:start - 1 + length]))
        ast.increment_lineno(tree, start - 1)
        try:
            exec(compile(tree, path, "exec"), module.__dict__)
        except BaseException as exc:  # SystemExit and KeyboardInterrupt too: keep loading
            problems.append({"cell": number, **_describe(exc, path, spans)})
    return module, problems


def _run_probe(request: dict, module, mods: dict):
    namespace = dict(mods)
    namespace["__name__"] = "probe"
    exec(compile(request["source"], "<probe>", "exec"), namespace)
    return namespace[request["name"]](module, *request["args"])


def _forget_tooling() -> None:
    """Take the grading tool out of ``sys.modules``: the running loop keeps its own references,
    and a submission that imports it gets a fresh copy (reported) whose changes reach nothing."""
    for name in [n for n in sys.modules if n == "dlcourse" or n.startswith("dlcourse.")]:
        del sys.modules[name]


def serve(channel: Channel) -> None:
    """The worker's whole life: setup, load, then answer probes until told to stop.

    Everything the loop calls after the learner's module is loaded is bound here first, and the
    tool leaves ``sys.modules``: patching ``dlcourse.worker`` from a submission changes nothing.
    """
    from .kernel_guard import guard

    setup = channel.recv()
    mods = _preload(setup["preload"], setup["threads"], setup["seed"], setup.get("logical_cpus", 0))
    guard()
    lock, dumps, run_probe, describe, error_of = threading.Lock(), protocol.dumps, _run_probe, _describe, protocol.ProtocolError
    path, spans, seen = setup["module_path"], setup["spans"], set()

    def send(message) -> None:
        data = dumps(message)
        with lock:
            channel.write(data)

    def report(what: str, line) -> None:
        cell, at = _cell_of(line, spans) if line is not None else (0, 0)
        key = (what, cell, at)
        if key not in seen and _len(seen) < 20:
            seen.add(key)
            send({"evidence": what, "cell": cell, "line": at})

    _install_audit_hook(setup["protected"], setup["allow_subprocess"], setup["allow_network"],
                        path, report, (channel.rfd, channel.wfd))
    _forget_tooling()
    module, problems = load_module(path, spans)
    names = sorted(k for k in module.__dict__ if not k.startswith("_"))
    send({"ready": True, "names": names, "problems": problems, "nonce": setup.get("nonce")})
    while True:
        request = channel.recv()
        if request is None or request.get("op") == "exit":
            return
        nonce = request.get("nonce")
        try:
            send({"ok": True, "value": run_probe(request, module, mods), "nonce": nonce})
        except error_of as exc:
            send({"ok": False, "error": {"type": "ReturnTypeError", "message": _str(exc), "frames": []}, "nonce": nonce})
        except BaseException as exc:  # the learner's exception, or SystemExit from their code
            send({"ok": False, "error": describe(exc, path, spans), "nonce": nonce})


def _apply_rlimits() -> None:
    """CPU seconds, file size and open files, from the grader (set before any learner code)."""
    import resource

    values = os.environ.get("DLCOURSE_RLIMITS")
    if values:
        cpu, fsize, nofile = (int(v) for v in values.split(","))
        for which, value in ((resource.RLIMIT_CPU, cpu), (resource.RLIMIT_FSIZE, fsize),
                             (resource.RLIMIT_NOFILE, nofile), (resource.RLIMIT_CORE, 0)):
            resource.setrlimit(which, (value, value))


def run(rfd: int, wfd: int) -> None:
    """Become a worker on these pipes: limits first, prints to the log, then serve and exit."""
    _apply_rlimits()
    # The protocol has its own pipes; the learner's prints go to a log file.
    log = os.open(os.environ.get("DLCOURSE_LOG", "output.log"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)
    serve(Channel(rfd, wfd))
    os._exit(0)  # skip interpreter teardown: framework threads can hang it
