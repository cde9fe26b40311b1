"""An assignment's hidden tests, imported once per grading process and called directly.

The graders read like pytest tests (``test_*`` functions of ``sub`` and ``rng``, marked ``@graded``),
and are run as such without pytest's collection and reporting: the suite imports each ``test_*.py``
once per process, and each grading calls every test with a fresh ``sub`` and ``rng``. Per submission
that saves two collections by pytest (~0.3 s with the frameworks loaded).
"""
from __future__ import annotations

import importlib.util
import inspect
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import CourseError
from .grading import Failed, Missing, Sub
from .runner import ProbeFailed, Run, one_line


@dataclass(frozen=True)
class HiddenTest:
    """One hidden test: its name, the graded function, its points, and how to call it."""

    name: str
    function: str
    points: float
    nodeid: str   # "<assignment>/test_<name>.py::<test>": seeds its rng, as pytest named it
    call: object
    wants: tuple[str, ...] = ("sub", "rng")   # the fixtures it takes, by name, as pytest would give them


def _import(path: Path, assignment: str):
    name = f"dlcourse_graders.{assignment}.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise CourseError(f"the hidden tests in {path} could not be imported: {type(exc).__name__}: {exc}") from None
    return module


def collect(grader_dir: Path, files: list[Path]) -> list[HiddenTest]:
    """Every ``test_*`` function with a ``@graded`` mark in ``files``, in file and definition order."""
    tests = []
    for path in files:
        module = _import(path, grader_dir.name)
        found = [(name, fn) for name, fn in vars(module).items()
                 if name.startswith("test_") and inspect.isfunction(fn) and fn.__module__ == module.__name__]
        for name, fn in sorted(found, key=lambda item: item[1].__code__.co_firstlineno):
            mark = getattr(fn, "graded", None)
            if mark is None:
                raise CourseError(f"{path}::{name} has no @graded(function, points) mark")
            wants = tuple(inspect.signature(fn).parameters)
            if not set(wants) <= {"sub", "rng"}:
                raise CourseError(f"{path}::{name} takes {wants}; hidden tests take only sub and rng")
            tests.append(HiddenTest(name, mark["function"], float(mark["points"]),
                                    f"{grader_dir.name}/{path.name}::{name}", fn, wants))
    return tests


_suites: dict[tuple, list[HiddenTest]] = {}


def suite(grader_dir: Path, functions: list[str] | None = None) -> list[HiddenTest]:
    """The hidden tests of one assignment (or of some graded names), imported once per process."""
    files = sorted(grader_dir.glob("test_*.py")) if not functions else [grader_dir / f"test_{f}.py" for f in functions]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise CourseError(f"no hidden tests for {', '.join(missing)}; graders live in test_<name>.py")
    key = (str(grader_dir.resolve()), tuple((str(f), f.stat().st_mtime_ns) for f in files))
    if key not in _suites:
        _suites[key] = collect(grader_dir, files)
    return _suites[key]


class Grading:
    """One submission's pass through the hidden tests: a ``sub`` and ``rng`` per test, an outcome each."""

    def __init__(self, run: Run, seed: int, test_timeout: float):
        self.run, self.seed, self.test_timeout = run, seed, test_timeout
        self.ready_s = 0.0   # starting the worker and loading the learner's module, outside every test's time
        self._clean_run: Run | None = None
        self.shared: dict = {}   # Sub.shared: what this grading's tests share

    def clean_run(self) -> Run:
        """The run of an empty submission with the same settings and seed, started on first use."""
        if self._clean_run is None:
            self._clean_run = Run.empty(self.run.settings, self.seed)
        return self._clean_run

    def close(self) -> None:
        if self._clean_run is not None:
            self._clean_run.close()

    def rng(self, test: HiddenTest) -> np.random.Generator:
        """Inputs drawn fresh per grading run, reproducible from the run's seed."""
        return np.random.default_rng([self.seed, zlib.crc32(test.nodeid.encode())])

    def run_test(self, test: HiddenTest) -> dict:
        outcome, message = "passed", ""
        start = time.perf_counter()
        try:
            if self.run.names is None:
                try:
                    self.run.start()
                finally:
                    self.ready_s += time.perf_counter() - start
                    start = time.perf_counter()
            if test.function not in self.run.names:
                raise Missing(f"{test.function} is not defined; define it with exactly this name")
            given = {"sub": lambda: Sub(self.run, test.function, self.test_timeout, self.clean_run, self.shared),
                     "rng": lambda: self.rng(test)}
            test.call(**{name: given[name]() for name in test.wants})
        except Failed as exc:
            outcome, message = "failed", str(exc)
        except Missing as exc:
            outcome, message = "missing", str(exc)
        except ProbeFailed as exc:
            outcome, message = exc.outcome, exc.message
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # the learner's data broke a check's arithmetic (wrong shape, type, ...)
            outcome, message = "failed", f"{test.function} returned a result that could not be checked ({type(exc).__name__})"
        # One line, bounded: a message may carry the learner's values, never a fake report line or a wall of text.
        return {"name": test.name, "function": test.function,
                "points": test.points if outcome == "passed" else 0.0, "max_points": test.points,
                "outcome": outcome, "message": one_line(message, 300),
                "seconds": round(time.perf_counter() - start, 4)}

    def run_all(self, tests: list[HiddenTest]) -> list[dict]:
        return [self.run_test(t) for t in tests]


def forget() -> None:
    """Drop every imported suite (their modules too), so the next grading imports the graders afresh."""
    _suites.clear()
    for name in [n for n in sys.modules if n.startswith("dlcourse_graders.")]:
        del sys.modules[name]
