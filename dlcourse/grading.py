"""What hidden graders import: marks, probes, checks, and the ``sub`` each test gets.

A grader test runs in the trusted process and never touches learner objects: it sends a
probe to the sandbox with ``sub.run(probe, *args)``, gets plain data back, and decides
with ``expect``/``close`` here, out of the learner's reach.

    @probe
    def probe_cumsum(mod, x):
        return mod.running_sum(tf.constant(x)).numpy()

    @graded("running_sum", points=2)
    def test_running_sum_matches_cumsum(sub, rng):
        x = rng.standard_normal(7).astype("float32")
        close(sub.run(probe_cumsum, x), np.cumsum(x), "running_sum gives wrong partial sums")
"""
from __future__ import annotations

import numpy as np

from .runner import ProbeFailed, Run


class Failed(Exception):
    """A check failed; the message is shown to the learner."""


class Missing(Exception):
    """The graded name is not defined by the submission."""


def graded(function: str, points: float):
    """Mark a test as grading ``function`` and worth ``points``."""
    def mark(test):
        test.graded = {"function": function, "points": float(points)}
        return test
    return mark


def probe(fn=None, *, uses=()):
    """Mark a function as a probe: it runs inside the sandbox as ``fn(mod, *args)``.

    ``@probe(uses=[helper])`` sends plain module-level helper functions along, so a probe
    and the trusted test can build the same inputs from one definition.
    """
    def mark(f):
        f.probe_helpers = tuple(uses)
        return f
    return mark(fn) if fn is not None else mark


def expect(condition, message: str) -> None:
    """Fail the test with ``message`` (shown to the learner) unless ``condition`` holds."""
    if not (condition is True or (type(condition) in (bool, np.bool_) and bool(condition))):
        raise Failed(message)


def close(actual, expected, message: str, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Fail with ``message`` unless ``actual`` is numeric data of ``expected``'s shape and values."""
    expected = np.asarray(expected)
    if type(actual) not in (np.ndarray, int, float, bool, list):
        raise Failed(f"{message} (got a {type(actual).__name__}, not numbers)")
    try:
        actual = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError):
        raise Failed(f"{message} (the result is not numeric)") from None
    if actual.shape != expected.shape:
        raise Failed(f"{message} (shape {tuple(actual.shape)}, expected {tuple(expected.shape)})")
    if not np.allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=False):
        raise Failed(message)


class Sub:
    """A test's view of the submission: run probes for the function it grades."""

    def __init__(self, run: Run, function: str, timeout: float, clean=None, shared: dict | None = None):
        self._run, self.function, self._timeout, self._clean = run, function, timeout, clean
        # One dict per grading, shared by all its tests: an expensive call's result reused by the tests of one
        # function. New for every grading, so never across learners nor across draws of the same learner.
        self.shared = {} if shared is None else shared

    def run(self, probe_fn, *args, timeout: float | None = None):
        """Run ``probe_fn(mod, *args)`` in the sandbox and return its plain-data result."""
        try:
            return self._run.call(probe_fn, *args, timeout=timeout or self._timeout)
        except ProbeFailed as exc:
            where = f"{self.function} " if exc.raised else f"while running {self.function}: "
            raise ProbeFailed(exc.outcome, where + exc.message) from None

    def clean(self, probe_fn, *args, timeout: float | None = None):
        """Run ``probe_fn(mod, *args)`` in a worker that never loaded learner code (``mod`` is an empty module).

        For expected values that need the frameworks (a reference model trained with the run's seed): they are
        computed where no learner code ran, from the same inputs.
        """
        if self._clean is None:
            raise RuntimeError("this grading has no clean worker")
        return self._clean().call(probe_fn, *args, timeout=timeout or self._timeout)
