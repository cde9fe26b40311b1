"""Grade one submission: load it, run the hidden tests against its sandboxed run."""
from __future__ import annotations

import contextlib
import gc
import io
import resource
import secrets
import time
from pathlib import Path

from .course import Course
from .errors import CourseError
from .loader import Cell, Submission, load
from .report import Result
from .runner import Run, RunSettings
from .suite import Grading, suite
from .warm import prewarm


class _Unloadable(Run):
    """A run for a submission that could not be read: every test errors with the reason."""

    def __init__(self, path: Path, reason: str, seed: int):
        super().__init__(Submission(path, [Cell(1, "")]), RunSettings(), seed)
        self._fatal = reason


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
    settings = course.run_settings(assignment)
    prewarm(settings.preload, settings.limits, settings.threads)   # the sandbox imports while the graders do
    tests = suite(course.grader_dir(assignment), functions)   # imported once per process
    seed = secrets.randbelow(2**31) if seed is None else seed
    start = time.perf_counter()
    # The frameworks' ~500k objects never die: out of the collector's way, a grading's garbage
    # collections cost milliseconds instead of a second.
    gc.freeze()
    path = Path(path)
    errors: list[str] = []
    try:
        submission = load(path)
        run = Run(submission, settings, seed)
    except CourseError as exc:
        errors.append(str(exc))
        run = _Unloadable(path, str(exc), seed)
    grading = Grading(run, seed, course.test_timeout(assignment))
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), memory_cap(GRADER_MEMORY_MB):
            records = grading.run_all(tests)
    finally:
        run.close()
        grading.close()
    errors += [p for p in run.problems if p not in errors]
    return Result(assignment=assignment, submission=str(path),
                  score=round(sum(t["points"] for t in records), 4),
                  max_score=round(sum(t["max_points"] for t in records), 4),
                  tests=records, errors=errors, seed=seed, flags=list(run.flags),
                  timings={"wall_s": round(time.perf_counter() - start, 3), "ready_s": round(grading.ready_s, 3),
                           "worker_starts": run.starts, "peak_rss_mb": round(run.peak_rss / 2**20, 1)})


def grade_job(job) -> Result:
    """One pool job: ``(assignment, path, course root)`` -> its result. Here, not in autograde.py, so that a
    pool's process imports only what grading needs (not nbgrader) before its sandbox starts."""
    assignment, path, root = job
    return grade(assignment, path, course=Course.load(Path(root)))
