"""The learner's visible checks: quick, readable, run in the learner's own kernel.

Each assignment ships ``checks.py`` beside its notebook:

    from dlcourse.visible import Checks
    checks = Checks()

    @checks.of("running_sum")
    def _(running_sum):
        out = running_sum(tf.constant([1.0, 2.0, 3.0])).numpy().tolist()
        checks.expect(out == [1.0, 3.0, 6.0], f"running_sum([1, 2, 3]) gave {out}, expected [1, 3, 6]")

    check = checks.check
    needs = checks.needs

and the notebook calls ``check("running_sum")`` after the learner's function. These are
examples a learner can read; the hidden graders test much more, with fresh inputs.

A demo that uses an exercise's function is written ``with needs("running_sum"): ...``: while
the exercise is a stub (it raises ``NotImplementedError``), the block prints one line saying
which exercise to solve instead of stopping Run All.
"""
from __future__ import annotations

import contextlib
import importlib.util
import inspect
import json
import re
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
        # the checks.py that made this registry: its notebook (beside it) numbers the exercises
        caller = inspect.currentframe().f_back
        self._home = Path(caller.f_globals.get("__file__") or ".").resolve().parent if caller else Path(".")
        self._exercises: dict[str, int] | None = None

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

    def exercise_number(self, name: str) -> int | None:
        """The N of the heading ``### Exercise N — `name` ...`` in the notebook beside checks.py
        (``<folder>.ipynb``, else the only notebook there); None when it cannot be known."""
        if self._exercises is None:
            self._exercises = {}
            notebooks = sorted(self._home.glob("*.ipynb"))
            preferred = [p for p in notebooks if p.stem == self._home.name]
            for path in preferred or (notebooks if len(notebooks) == 1 else []):
                try:
                    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
                    for cell in cells:
                        if cell.get("cell_type") != "markdown":
                            continue
                        source = cell.get("source", "")
                        source = "".join(source) if isinstance(source, list) else str(source)
                        for number, rest in _EXERCISE.findall(source):
                            for span in re.findall(r"`([^`]+)`", rest):
                                graded = re.match(r"\s*([A-Za-z_]\w*)", span)
                                if graded:
                                    self._exercises.setdefault(graded.group(1), int(number))
                except (OSError, ValueError, KeyError, TypeError, AttributeError):
                    self._exercises = {}
        return self._exercises.get(name)

    @contextlib.contextmanager
    def needs(self, *names: str):
        """``with needs("fit"):`` — run a demo that calls an exercise's function; while that
        exercise is a stub (NotImplementedError), print one line saying which exercise to solve,
        instead of failing the cell (so Run All reaches the end of the notebook)."""
        try:
            yield
        except NotImplementedError:
            parts = []
            for name in names:
                number = self.exercise_number(name)
                parts.append(f"Exercise {number} (`{name}`)" if number is not None else f"`{name}`")
            what = " and ".join(parts) if parts else "an exercise you have not solved yet"
            print(f"▶ this demo needs {what}: solve it, then rerun this cell")

    def check(self, name: str) -> None:
        """In a notebook: run the checks of ``name`` on the notebook's own definition and print
        the verdict (it returns nothing: a value would show as the cell's result)."""
        caller = inspect.currentframe().f_back.f_globals
        print(self.run(name, caller)[1])


# ### Exercise 3 — `fit(model, data)` (4 points, ~20 min)   or   ### Exercise 2 — `a` and `b` (...)
_EXERCISE = re.compile(r"^#{2,4}\s*Exercise\s+(\d+)\s*[—–-]+\s*(.*)$", re.MULTILINE)


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
