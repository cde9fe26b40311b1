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
import secrets
import select
import textwrap
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import protocol
from .loader import Cell, Submission
from .limits import Limits
from .sandbox import Worker
from .warm import start_worker


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
        self.flags: list[str] = []   # evidence that the submission tried to forge its grade, one line each
        self._sources: list[str] = []  # the probes sent: a learner's message that quotes one is withheld
        self._nonce = ""
        self._worker: Worker | None = None
        self._loading = False
        self._fatal: str | None = None
        self._text, spans = submission.module_text()
        self._spans = [[start, length, cell.number] for (start, length), cell in zip(spans, submission.cells)]

    @classmethod
    def empty(cls, settings: RunSettings, seed: int) -> "Run":
        """A run whose module is empty: a clean worker for expected values, where no learner code ever ran."""
        return cls(Submission(Path("<clean>"), [Cell(1, "")]), settings, seed)

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
        os.set_blocking(self._worker.stdin.fileno(), False)
        self._nonce = secrets.token_hex(8)
        self._send(s.start_timeout, {"nonce": self._nonce, "preload": s.preload, "threads": s.threads, "seed": self.seed,
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
            ready = self._recv(min(self.settings.start_timeout, self._left()), self._nonce)
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
        if source not in self._sources:
            self._sources.append(source)
        nonce = secrets.token_hex(8)
        end = time.monotonic() + min(timeout, self._left())
        self._send(timeout, {"op": "call", "name": name, "source": source, "args": list(args), "nonce": nonce})
        reply = self._recv(max(0.0, end - time.monotonic()), nonce)
        if not reply.get("ok"):
            raise ProbeFailed("error", _learner_error(reply.get("error"), self._sources), raised=True)
        return reply.get("value")

    def close(self) -> None:
        """Stop the worker (its folder goes with it)."""
        if self._worker is not None:
            try:
                self._send(1.0, {"op": "exit"})
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

    def _send(self, timeout: float, message) -> None:
        """Write one message, within ``timeout``: a worker that stops reading is killed like one that hangs."""
        data = protocol.dumps(message)
        fd = self._worker.stdin.fileno()
        end = time.monotonic() + min(timeout, self._left())
        while data:
            left = end - time.monotonic()
            try:
                if left <= 0 or not select.select([], [fd], [], left)[1]:
                    raise TimeoutError
                data = data[os.write(fd, data[:1 << 16]):]
            except BlockingIOError:
                continue
            except TimeoutError:
                self._worker.kill()
                self._stop()
                raise ProbeFailed("timeout", "stopped reading the grader's requests; look for code that blocks or "
                                             "touches the process's own files") from None
            except (BrokenPipeError, OSError, ValueError):
                self._died()

    def _recv(self, timeout: float, nonce: str):
        """The reply to the message sent with ``nonce``; evidence the worker reports on the way is recorded."""
        fd = self._worker.stdout.fileno()
        end = time.monotonic() + timeout
        try:
            while True:
                header = self._read(fd, protocol.HEADER_BYTES, end)
                message = protocol.loads(self._read(fd, protocol.header_size(header), end))
                if type(message) is not dict:
                    raise protocol.ProtocolError("not a reply")
                if "evidence" in message:
                    self._flag(message)
                    continue
                if message.get("nonce") != nonce:
                    self._flag({"evidence": "wrote a reply of its own on the grader's channel"})
                    raise protocol.ProtocolError("a reply the grader did not ask for")
                return message
        except TimeoutError:
            self._worker.kill()
            self._stop()
            raise ProbeFailed("timeout", f"no answer within {timeout:.0f} s; look for an endless loop or very slow code") from None
        except protocol.ProtocolError as exc:
            self._stop()
            raise ProbeFailed("error", f"the submission's process sent something unreadable ({one_line(str(exc), 120)})") from None

    def _flag(self, message: dict) -> None:
        what = one_line(str(message.get("evidence")), 80)
        cell, line = message.get("cell"), message.get("line")
        where = f" (cell {cell}, line {line})" if type(cell) is int and type(line) is int and cell > 0 else ""
        text = f"the submission {what}{where}"
        if text not in self.flags and len(self.flags) < 10:
            self.flags.append(text)

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


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line of at most ``limit`` characters, without control or invisible characters."""
    clean = "".join(ch if unicodedata.category(ch)[0] not in "CZ" or ch == " " else " " for ch in str(text))
    clean = " ".join(clean.split())
    return clean if len(clean) <= limit else clean[:limit - 1] + "…"


def _quoted(text: str, limit: int) -> str:
    """Learner-controlled text inside a message: one line, bounded, and unable to pass for a report line."""
    return "«" + one_line(text, limit).replace("[", "(").replace("]", ")").replace("«", "<").replace("»", ">") + "»"


def _learner_error(err, sources=()) -> str:
    if type(err) is not dict:
        return "sent an error the grader cannot read"
    kind = "".join(ch for ch in str(err.get("type", ""))[:40] if ch.isalnum() or ch == "_") or "Exception"
    message = str(err.get("message", ""))
    frames = [str(f) for f in err.get("frames") or [] if isinstance(f, str)]
    quoted = [line.strip() for source in sources for line in source.splitlines() if len(line.strip()) >= 12]
    if any(q in message or any(q in f for f in frames) for q in quoted):
        return f"raised {kind} (its message quotes the grader's code and is not shown)"
    if kind == "NotImplementedError":
        text = "is not implemented yet (it raises NotImplementedError)"
    elif kind == "ReturnTypeError":
        text = f"returned something that is not the expected kind of value ({one_line(message, 160)})"
    else:
        text = f"raised {kind}: {_quoted(message, 160)}"
    where = f" [{_quoted(frames[-1], 120)}]" if frames else ""
    return text + where
