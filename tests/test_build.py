"""Are release/ and solutions/ exactly what `dlcourse build` makes from source/, with nothing hidden leaking?"""
import filecmp
import json
import re

import pytest

from dlcourse.build import build
from dlcourse.loader import is_learner_code


@pytest.fixture(scope="module")
def rebuilt(course, tmp_path_factory):
    out = tmp_path_factory.mktemp("rebuilt")
    list(build(out=out, course=course))
    return out


def _tree(folder):
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def test_release_and_solutions_are_in_sync_with_source(course, rebuilt):
    for part in ("release", "solutions"):
        committed, fresh = course.root / part, rebuilt / part
        assert _tree(committed) == _tree(fresh), f"{part}/ has other files than a rebuild; run `dlcourse build`"
        for rel in _tree(fresh):
            assert filecmp.cmp(committed / rel, fresh / rel, shallow=False), f"{part}/{rel} is stale; run `dlcourse build`"


def _solution_only_lines(notebook):
    """Non-trivial lines that appear in the source notebook only inside solution regions."""
    inside_lines, outside_lines, inside = set(), set(), False
    for cell in json.loads(notebook.read_text())["cells"]:
        for line in "".join(cell["source"]).split("\n"):
            if "### BEGIN SOLUTION" in line:
                inside = True
            elif "### END SOLUTION" in line:
                inside = False
            else:
                (inside_lines if inside else outside_lines).add(line.strip())
    return {line for line in inside_lines - outside_lines if len(line) > 20 and not line.startswith("#")}


def _assignments():
    from conftest import ROOT
    return sorted(p.name for p in (ROOT / "source").iterdir() if (p / f"{p.name}.ipynb").is_file())


@pytest.mark.parametrize("assignment", _assignments())
def test_release_holds_no_solution_and_no_hidden_test(course, assignment):
    release = course.root / "release" / assignment
    text = "\n".join(p.read_text(errors="replace") for p in release.rglob("*") if p.is_file())
    assert not re.search(r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS", text)
    release_lines = set()
    for path in release.rglob("*"):
        if path.suffix == ".ipynb":
            body = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"])
        elif path.is_file():
            body = path.read_text(errors="replace")
        else:
            continue
        release_lines |= {line.strip() for line in body.split("\n")}
    leaked = [line for line in _solution_only_lines(course.notebook(assignment)) if line in release_lines]
    assert not leaked, f"solution lines in the release: {leaked[:3]}"
    for test_file in (course.root / "autograder" / assignment).glob("test_*.py"):
        assert test_file.name not in text
        for name in re.findall(r"^def (test_\w+)", test_file.read_text(), re.MULTILINE):
            assert name not in text, f"hidden test name {name} appears in the release"


@pytest.mark.parametrize("assignment", _assignments())
def test_solution_file_is_the_learner_code_of_the_source(course, assignment):
    solution = course.solution(assignment).read_text()
    assert "do not edit" in solution and "BEGIN SOLUTION" not in solution
    nb = json.loads(course.notebook(assignment).read_text())
    graded = [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    assert graded, "no solution cells in the source notebook"
    for cell in graded:
        name = cell["metadata"]["nbgrader"]["grade_id"]
        assert re.search(rf"^(def|class) {name}\b|^{name} =", solution, re.MULTILINE) or f"def {name}" in solution
    assert all(is_learner_code(c.get("metadata")) for c in graded)
