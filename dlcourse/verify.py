"""Prove the graders: every reference gets full marks, every stub 0, every mutant loses
points on the names it breaks and keeps them everywhere else."""
from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .course import Course
from .grade import grade
from .pool import run_all
from .report import Result

_BREAKS = re.compile(r"^\s*breaks:\s*(.+)$", re.MULTILINE)
_COVERS = re.compile(r"^\s*covers:\s*(.+)$", re.MULTILINE)


@dataclass
class Case:
    """One submission whose grade is known in advance."""

    assignment: str
    kind: str                 # "reference", "variant" (another correct solution), "stub" or "mutant"
    name: str
    path: Path
    breaks: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.assignment}:{self.kind}:{self.name}"


def mutant_breaks(path: Path, line: re.Pattern = _BREAKS) -> list[str]:
    """The graded names a mutant file says it breaks (its ``breaks:`` line; a variant's ``covers:`` line)."""
    found = line.search(path.read_text(encoding="utf-8"))
    return [n.strip() for n in found.group(1).split(",")] if found else []


def cases(course: Course, assignment: str) -> list[Case]:
    """The reference, its correct variants, the released stub, and each mutant of an assignment."""
    found = [Case(assignment, "reference", "solution", course.solution(assignment)),
             Case(assignment, "stub", "release", course.notebook(assignment, "release"))]
    for path in sorted((course.root / "tests" / "variants" / assignment).glob("*.py")):
        found.append(Case(assignment, "variant", path.stem, path, mutant_breaks(path, _COVERS)))
    for path in sorted((course.root / "tests" / "mutants" / assignment).glob("*.py")):
        found.append(Case(assignment, "mutant", path.stem, path, mutant_breaks(path)))
    return found


def submission_for(course: Course, case: Case, folder: Path) -> Path:
    """The file to grade: a mutant (or a variant) is the reference followed by its redefinitions."""
    if case.kind not in ("mutant", "variant"):
        return case.path
    path = folder / f"{case.assignment}__{case.name}.py"
    path.write_text(course.solution(case.assignment).read_text(encoding="utf-8") + "\n\n"
                    + case.path.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def notebook_points(course: Course, assignment: str) -> dict[str, float]:
    """Points of each ``check_<name>`` test cell in the source notebook."""
    nb = json.loads(course.notebook(assignment).read_text(encoding="utf-8"))
    points = {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and str(meta.get("grade_id", "")).startswith("check_"):
            points[meta["grade_id"][len("check_"):]] = float(meta.get("points", 0))
    return points


def problems(course: Course, case: Case, result: Result) -> list[str]:
    """What is wrong with a case's grade; empty when it is as expected."""
    per_fn = result.by_function()
    if result.flags:  # honest code (reference, stub, mutant) must never look like forging
        return [f"flagged for review, though it forges nothing: {f}" for f in result.flags]
    if case.kind == "variant":  # another correct way: full marks, everywhere
        return [f"{t['name']}: {t['outcome']} ({t['message']})" for t in result.tests if t["outcome"] != "passed"]
    if case.kind == "reference":
        out = [f"{t['name']}: {t['outcome']} ({t['message']})" for t in result.tests if t["outcome"] != "passed"]
        declared = notebook_points(course, case.assignment)
        graded = {fn: mx for fn, (_, mx) in per_fn.items()}
        if declared != graded:
            out.append(f"notebook test-cell points {declared} differ from the hidden tests' points {graded}")
        return out
    if case.kind == "stub":
        return [f"{t['name']}: a stub earned {t['points']:g} points" for t in result.tests if t["points"] > 0]
    if not case.breaks:
        return [f"{case.path}: no 'breaks: <name>' line in the mutant's docstring"]
    out = [f"breaks {fn}, which no hidden test grades" for fn in case.breaks if fn not in per_fn]
    out += [f"{fn} kept full marks: the graders miss this mistake" for fn in case.breaks
            if fn in per_fn and per_fn[fn][0] >= per_fn[fn][1]]
    out += [f"{fn} lost points ({got:g}/{mx:g}) though the mutant does not break it"
            for fn, (got, mx) in per_fn.items() if fn not in case.breaks and got < mx]
    return out


def check_case(case: Case, seed: int | None = None, focused: bool = False) -> tuple[Result, list[str]]:
    """Grade one case and say what, if anything, is wrong with its grade.

    ``focused``: a mutant runs only the tests of the names it breaks (are they caught?),
    not the whole suite (does it keep the other points?); quicker, for the course's CI.
    """
    course = Course.load()
    only = case.breaks if focused and case.kind in ("mutant", "variant") and case.breaks else None
    with tempfile.TemporaryDirectory(prefix="dlcourse-verify-") as tmp:
        result = grade(case.assignment, submission_for(course, case, Path(tmp)), course=course, seed=seed, functions=only)
    return result, problems(course, case, result)


def verify(assignments: list[str] | None = None, jobs: int = 1) -> bool:
    """Check every case of the given assignments; print one line each; True if all hold."""
    course = Course.load()
    todo = [case for a in (assignments or course.assignments()) for case in cases(course, a)]
    outcomes: dict[str, tuple] = {}
    if jobs > 1:  # pool.run_all: a grading process that dies costs only its own case
        run_all(check_case, todo, jobs, lambda case, value, error: outcomes.__setitem__(case.label, (value, error)))
    else:
        outcomes = {case.label: (check_case(case), None) for case in todo}
    ok = True
    for case in todo:
        value, error = outcomes[case.label]
        result, issues = value if value else (None, [f"could not be graded: {error}"])
        ok &= not issues
        score = f"{result.score:g}/{result.max_score:g}" if result else "-"
        print(f"{'ok  ' if not issues else 'FAIL'} {case.label:60s} {score}")
        for issue in issues:
            print(f"       {issue}")
    print(f"verify: {len(todo)} cases, {'all as expected' if ok else 'some NOT as expected'}")
    return ok
