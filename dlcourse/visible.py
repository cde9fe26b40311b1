"""The learner's visible checks: quick, readable, run in the learner's own kernel.

Each assignment ships ``checks.py`` beside its notebook:

    from dlcourse.visible import Checks
    checks = Checks()

    @checks.of("running_sum")
    def _(running_sum):
        out = running_sum(tf.constant([1.0, 2.0, 3.0])).numpy().tolist()
        checks.expect(out == [1.0, 3.0, 6.0], f"running_sum([1, 2, 3]) gave {out}, expected [1, 3, 6]")

    check = checks.check

and the notebook calls ``check("running_sum")`` after the learner's function. These are
examples a learner can read; the hidden graders test much more, with fresh inputs.
"""
from __future__ import annotations

import importlib.util
import inspect
import tempfile
import time
from pathlib import Path

from .errors import CourseError


class CheckFailed(Exception):
    """A visible check failed; the message says what was expected."""


class Checks:
    """A registry of visible checks, keyed by the graded name they exercise."""

    def __init__(self):
        self._checks: dict[str, list] = {}

    def of(self, name: str):
        """Register a check of ``name``; it is called with the learner's object."""
        def register(fn):
            self._checks.setdefault(name, []).append(fn)
            return fn
        return register

    @staticmethod
    def expect(condition, message: str) -> None:
        """Fail this check with ``message`` unless ``condition`` holds."""
        if not condition:
            raise CheckFailed(message)

    def names(self) -> list[str]:
        return list(self._checks)

    def run(self, name: str, namespace: dict) -> tuple[bool, str]:
        """Run the checks of ``name`` against ``namespace``; (passed, one-line report)."""
        if name not in self._checks:
            return False, f"no visible checks for {name!r}; known: {', '.join(self._checks)}"
        if name not in namespace:
            return False, f"✘ {name} is not defined yet: run the cell that defines it first"
        start = time.perf_counter()
        for fn in self._checks[name]:
            try:
                fn(namespace[name])
            except CheckFailed as exc:
                return False, f"✘ {name}: {exc}"
            except NotImplementedError:
                return False, f"✘ {name}: not implemented yet (replace the raise NotImplementedError())"
            except Exception as exc:  # the learner's code raised: show it plainly
                return False, f"✘ {name} raised {type(exc).__name__}: {exc}"
        took = time.perf_counter() - start
        n = len(self._checks[name])
        return True, f"✔ {name}: {n} visible check{'s' if n > 1 else ''} passed ({took:.2f} s). Hidden tests check more."

    def check(self, name: str) -> None:
        """In a notebook: run the checks of ``name`` on the notebook's own definition and print
        the verdict (it returns nothing: a value would show as the cell's result)."""
        caller = inspect.currentframe().f_back.f_globals
        print(self.run(name, caller)[1])


def _load_checks(path: Path) -> Checks:
    spec = importlib.util.spec_from_file_location(f"checks_{abs(hash(path))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not isinstance(getattr(module, "checks", None), Checks):
        raise CourseError(f"{path} defines no `checks = Checks()`; restore it from the release")
    return module.checks


def check_notebook(assignment: str, notebook: str | None = None) -> bool:
    """``dlcourse check``: run every visible check of a notebook; True if all pass.

    This runs the notebook's code in this process: it is the learner's tool for their own work.
    """
    from .loader import load
    from .worker import load_module

    path = Path(notebook or f"{assignment}.ipynb")
    checks_path = path.parent / "checks.py"
    if not checks_path.is_file():
        raise CourseError(f"{checks_path} is missing; keep checks.py from the release beside the notebook")
    submission = load(path)
    text, spans = submission.module_text()
    with tempfile.TemporaryDirectory(prefix="dlcourse-check-") as tmp:
        module_path = Path(tmp) / "submission.py"
        module_path.write_text(text, encoding="utf-8")
        module, problems = load_module(str(module_path), [[s, n, c.number] for (s, n), c in zip(spans, submission.cells)])
        for problem in problems:
            print(f"cell {problem['cell']} raised {problem['type']}: {problem['message']}")
        return _report(assignment, _load_checks(checks_path), module)


def _report(assignment: str, checks: Checks, module) -> bool:
    results = [checks.run(name, module.__dict__) for name in checks.names()]
    for _, line in results:
        print(line)
    passed = sum(ok for ok, _ in results)
    print(f"{passed}/{len(results)} graded names pass their visible checks ({assignment})")
    return passed == len(results)
