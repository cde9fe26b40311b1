"""Grade one submission: load it, run the hidden tests against its sandboxed run."""
from __future__ import annotations

import contextlib
import gc
import io
import resource
import secrets
import sys
import time
from pathlib import Path

import pytest

from .course import Course
from .errors import CourseError
from .grading import GradingPlugin
from .loader import Cell, Submission, load
from .report import Result
from .runner import ProbeFailed, Run, RunSettings

PYTEST_ARGS = ["-q", "--import-mode=importlib", "-p", "no:cacheprovider", "-p", "no:randomly", "--assert=plain",
               "-o", "addopts=", "-o", "python_files=test_*.py", "-o", "console_output_style=classic",
               "-W", "error::pytest.PytestAssertRewriteWarning"]


class _Unloadable(Run):
    """A run for a submission that could not be read: every test errors with the reason."""

    def __init__(self, path: Path, reason: str, seed: int):
        super().__init__(Submission(path, [Cell(1, "")]), RunSettings(), seed)
        self._fatal = reason


def _forget_modules_under(folder: Path) -> None:
    """Drop imported grader modules, so the next grading in this process imports them afresh."""
    prefix = str(folder.resolve())
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(prefix):
            del sys.modules[name]


# What the trusted side of one grading may allocate beyond what it holds when grading starts: a test that
# compares a learner's (N, 1) with an (1, N) would broadcast to N x N here, out of the sandbox's limits.
GRADER_MEMORY_MB = 3072


def _data_bytes() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


@contextlib.contextmanager
def memory_cap(mb: int):
    """Cap this process's data segment at its current size + ``mb`` (a test over it gets MemoryError and fails)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    cap = _data_bytes() + mb * 2**20
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def grade(assignment: str, path, course: Course | None = None, seed: int | None = None,
          functions: list[str] | None = None) -> Result:
    """Grade ``path`` (.ipynb or .py) with the hidden tests of ``assignment`` (or only those of ``functions``)."""
    course = course or Course.load()
    course.info(assignment)  # an unknown name fails here, clearly
    grader_dir = course.grader_dir(assignment)
    targets = [str(grader_dir)]
    if functions:  # graders are one file per graded name: test_<name>.py
        targets = [str(grader_dir / f"test_{name}.py") for name in functions]
        missing = [t for t in targets if not Path(t).is_file()]
        if missing:
            raise CourseError(f"no hidden tests for {', '.join(missing)}; graders live in test_<name>.py")
    seed = secrets.randbelow(2**31) if seed is None else seed
    start = time.perf_counter()
    # The frameworks' ~500k objects never die: out of the collector's way, pytest's two full
    # collections per grading cost milliseconds instead of a second.
    gc.freeze()
    path = Path(path)
    errors: list[str] = []
    try:
        submission = load(path)
        run = Run(submission, course.run_settings(assignment), seed)
    except CourseError as exc:
        errors.append(str(exc))
        run = _Unloadable(path, str(exc), seed)
    try:
        run.launch()  # the worker imports its frameworks while pytest collects the graders
    except ProbeFailed:
        pass  # an unloadable submission: each test reports the reason
    plugin = GradingPlugin(run, seed, course.test_timeout(assignment))
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), memory_cap(GRADER_MEMORY_MB):
            # rootdir above the assignment folders: 01's and 07's test_tensor_summary.py get distinct module names
            code = pytest.main([*targets, "--rootdir", str(grader_dir.parent), *PYTEST_ARGS], plugins=[plugin])
    finally:
        run.close()
        plugin.close()
        _forget_modules_under(grader_dir)
    if code not in (0, 1):
        raise CourseError(f"the graders in {grader_dir} could not run (pytest exit {int(code)}):\n{out.getvalue()[-2000:]}")
    errors += [p for p in run.problems if p not in errors]
    tests = plugin.records
    return Result(assignment=assignment, submission=str(path),
                  score=round(sum(t["points"] for t in tests), 4),
                  max_score=round(sum(t["max_points"] for t in tests), 4),
                  tests=tests, errors=errors, seed=seed, flags=list(run.flags),
                  timings={"wall_s": round(time.perf_counter() - start, 3), "worker_starts": run.starts,
                           "peak_rss_mb": round(run.peak_rss / 2**20, 1)})
