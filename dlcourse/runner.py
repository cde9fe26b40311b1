"""The trusted side of one submission's sandboxed run: start the worker, send probes.

A probe is a small function of the grader's, ``def probe(mod, *args)``; its source and
plain-data arguments go to the worker, which runs it against the learner's module.
A probe that overruns its time, or a worker that dies, costs that probe alone: the
next probe starts a fresh worker (up to a bound, so a crashing submission stays cheap).
"""
from __future__ import annotations

import ast
import inspect
import os
import select
import textwrap
import time
from dataclasses import dataclass, field

from . import protocol
from .loader import Submission
from .sandbox import Limits, Worker, start_worker


class ProbeFailed(Exception):
    """The learner's code raised, timed out, or took the worker down."""

    def __init__(self, outcome: str, message: str, raised: bool = False):
        super().__init__(message)
        # raised: the learner's code raised (message reads "raised X: ..."), vs. a crash or hang
        self.outcome, self.message, self.raised = outcome, message, raised


def _plain_source(fn) -> str:
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    tree.body[0].decorator_list = []
    return ast.unparse(tree.body[0])


def probe_source(fn) -> tuple[str, str]:
    """A probe's name and source (with the helpers it declared), without decorators, ready to send."""
    helpers = [_plain_source(h) for h in getattr(fn, "probe_helpers", ())]
    return fn.__name__, "\n\n".join([*helpers, _plain_source(fn)])


@dataclass
class RunSettings:
    """How one submission is run: what to import first, limits, time allowed."""

    preload: list[str] = field(default_factory=list)
    limits: Limits = field(default_factory=Limits)
    start_timeout: float = 120.0
    total_timeout: float = 900.0
    max_restarts: int = 3
    threads: int = 1
    allow_subprocess: bool = False
    allow_network: bool = False
    logical_cpus: int = 0   # >1: TensorFlow sees that many logical CPU devices (made before any op)
    protected: list[str] = field(default_factory=list)


class Run:
    """The sandboxed run of one submission, shared by all its tests."""

    def __init__(self, submission: Submission, settings: RunSettings, seed: int):
        self.submission, self.settings, self.seed = submission, settings, seed
        self.names: set[str] | None = None
        self.problems: list[str] = list(submission.problems)
        self.starts = 0
        self.deadline = time.monotonic() + settings.total_timeout
        self.peak_rss = 0
        self._worker: Worker | None = None
        self._loading = False
        self._fatal: str | None = None
        self._text, spans = submission.module_text()
        self._spans = [[start, length, cell.number] for (start, length), cell in zip(spans, submission.cells)]

    # -- worker life -------------------------------------------------------------
    def launch(self) -> None:
        """Start a worker without waiting for it: its imports overlap the grader's own."""
        if self._fatal:
            raise ProbeFailed("error", self._fatal)
        if self.starts > self.settings.max_restarts:
            self._fatal = "the submission keeps crashing its grading process; fix the crash first"
            raise ProbeFailed("error", self._fatal)
        self.starts += 1
        s = self.settings
        self._worker = start_worker({"submission.py": self._text}, s.preload, s.limits, s.threads)
        self._send({"preload": s.preload, "threads": s.threads, "seed": self.seed,
                    "protected": s.protected, "allow_subprocess": s.allow_subprocess,
                    "allow_network": s.allow_network, "logical_cpus": s.logical_cpus, "spans": self._spans,
                    "module_path": os.path.join(self._worker.inside, "submission.py")})
        self._loading = True

    def start(self) -> None:
        """Make sure a worker is up with the learner's module loaded (restarting a dead one)."""
        if self._worker is not None and not self._loading and self._worker.poll() is not None:
            self._stop()
        if self._worker is None:
            self.launch()
        if not self._loading:
            return
        try:
            ready = self._recv(min(self.settings.start_timeout, self._left()))
        except ProbeFailed as exc:
            self._fatal = f"the submission could not be loaded: its process {exc.message}"
            self._stop()
            raise ProbeFailed("error", self._fatal) from None
        self._loading = False
        if self.names is None:
            self.names = set(ready["names"])
            for p in ready["problems"]:
                self.problems.append(f"cell {p['cell']} raised {p['type']}: {p['message']}"[:300])

    def call(self, probe, *args, timeout: float = 60.0):
        """Run a probe against the learner's module; return the plain data it produced."""
        self.start()
        name, source = probe_source(probe)
        self._send({"op": "call", "name": name, "source": source, "args": list(args)})
        reply = self._recv(min(timeout, self._left()))
        if not reply["ok"]:
            raise ProbeFailed("error", _learner_error(reply["error"]), raised=True)
        return reply["value"]

    def close(self) -> None:
        """Stop the worker (its folder goes with it)."""
        if self._worker is not None:
            try:
                self._send({"op": "exit"})
            except ProbeFailed:
                pass
            self._stop()

    # -- plumbing ----------------------------------------------------------------
    def _left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise ProbeFailed("timeout", "the submission used up its total grading time")
        return left

    def _stop(self) -> None:
        worker, self._worker, self._loading = self._worker, None, False
        if worker is not None:
            worker.close()
            self.peak_rss = max(self.peak_rss, worker.peak_rss)

    def _send(self, message) -> None:
        try:
            self._worker.stdin.write(protocol.dumps(message))
            self._worker.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            self._died()

    def _recv(self, timeout: float):
        fd = self._worker.stdout.fileno()
        end = time.monotonic() + timeout
        try:
            header = self._read(fd, protocol.HEADER_BYTES, end)
            return protocol.loads(self._read(fd, protocol.header_size(header), end))
        except TimeoutError:
            self._worker.kill()
            self._stop()
            raise ProbeFailed("timeout", f"no answer within {timeout:.0f} s; look for an endless loop or very slow code") from None
        except protocol.ProtocolError as exc:
            self._stop()
            raise ProbeFailed("error", f"the submission's process sent something unreadable ({exc})") from None

    def _read(self, fd: int, n: int, end: float) -> bytes:
        chunks = []
        while n:
            left = end - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(fd, min(n, 1 << 20))
            if not chunk:
                self._died()
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def _died(self):
        worker = self._worker
        if worker is not None:
            worker.wait(5)  # its pipe closed: its end (and why) follows shortly
        reason = worker.death_reason() if worker is not None else "is not running"
        self._stop()
        raise ProbeFailed("error", f"the submission's process {reason}")


def _learner_error(err: dict) -> str:
    if err["type"] == "NotImplementedError":
        text = "is not implemented yet (it raises NotImplementedError)"
    elif err["type"] == "ReturnTypeError":
        text = f"returned something that is not the expected kind of value ({err['message']})"
    else:
        text = f"raised {err['type']}: {err['message']}"
    where = f" [{err['frames'][-1]}]" if err.get("frames") else ""
    return (text + where)[:400]
