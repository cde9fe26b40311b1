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


# --- the course's release steps (dlcourse/release_steps.py), registered in course_config.py ----------

def _cell(kind, source, cid, **metadata):
    cell = {"cell_type": kind, "id": cid, "metadata": metadata, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _nbgrader(grade_id, solution, points=None):
    meta = {"grade": points is not None, "grade_id": grade_id, "locked": points is not None,
            "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def test_release_steps_are_nbgraders_own_steps_with_the_course_steps_in_place(course):
    from nbgrader.converters import GenerateAssignment

    configured = list(course.config.GenerateAssignment.preprocessors)
    stock = [f"{pp.__module__.rsplit('.', 1)[0]}.{pp.__name__}" for pp in GenerateAssignment.class_traits()["preprocessors"].make_dynamic_default()]
    ours = ["dlcourse.release_steps.RemoveInstructorOnly", "dlcourse.release_steps.StubWholeDefinitions"]
    assert [p for p in configured if p not in ours] == stock, "nbgrader's own release steps changed: update course_config.py"
    assert configured.index(ours[1]) == configured.index("nbgrader.preprocessors.ClearSolutions") + 1
    assert max(map(configured.index, ours)) < configured.index("nbgrader.preprocessors.ComputeChecksums")


def test_stub_whole_definition_keeps_comments_and_raises_only_when_called():
    from dlcourse.release_steps import stub_whole_definition

    stub = stub_whole_definition("# Write the decorator and running_sum here.\n# YOUR CODE HERE\nraise NotImplementedError()",
                                 "running_sum")
    assert stub == ("# Write the decorator and running_sum here.\n# YOUR CODE HERE\n"
                    "def running_sum(*args, **kwargs):\n    raise NotImplementedError()")
    namespace = {}
    exec(stub, namespace)  # defining it raises nothing; calling it does
    with pytest.raises(NotImplementedError):
        namespace["running_sum"](1, k=2)
    # a stub inside a def is already fine; a class body is the author's to fix (the standard's test says so)
    assert stub_whole_definition("def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()", "f") is None
    assert stub_whole_definition("class A:\n    raise NotImplementedError()", "A") is None


def test_nbgrader_generate_assignment_drops_instructor_only_and_stubs_whole_defs(course, tmp_path):
    """nbgrader's own generate_assignment with course_config.py (what the formgrader runs, and
    `dlcourse build`) on a tiny assignment: instructor-only cells gone, a whole-def solution becomes
    a def that raises when called, every checksum is that of the cell as released."""
    import shutil

    import nbformat
    from nbgrader.utils import compute_checksum

    from dlcourse.build import generate_release
    from dlcourse.course import Course

    name = "00_tiny"
    shutil.copy(course.root / "course_config.py", tmp_path / "course_config.py")
    (tmp_path / "source" / name / "figures").mkdir(parents=True)
    (tmp_path / "source" / name / "figures" / "curve.png").write_bytes(b"\x89PNG fake")
    cells = [
        _cell("markdown", "# 00 — Tiny\n", "c1"),
        _cell("code", "# Write the decorated function double(x) here.\n### BEGIN SOLUTION\n"
                      "def double(x):\n    return 2 * x\n### END SOLUTION", "c2", **_nbgrader("double", True)),
        _cell("code", "assert double(2) == 4", "c3", **_nbgrader("check_double", False, points=2)),
        _cell("markdown", "**Answers (instructor only)**\n1. secret answer", "c4", tags=["instructor-only"]),
        _cell("markdown", "## Summary\n", "c5"),
    ]
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "source" / name / f"{name}.ipynb").write_text(json.dumps(nb, indent=1))
    release = tmp_path / "rel"
    generate_release(Course.load(tmp_path), name, release)
    out = json.loads((release / name / f"{name}.ipynb").read_text())
    assert [c["id"] for c in out["cells"]] == ["c1", "c2", "c3", "c5"]
    assert "secret answer" not in (release / name / f"{name}.ipynb").read_text()
    stub = "".join(out["cells"][1]["source"])
    assert stub.startswith("# Write the decorated function double(x) here.\n") and "return 2 * x" not in stub
    namespace = {}
    exec(stub, namespace)
    with pytest.raises(NotImplementedError):
        namespace["double"](3)
    for cell in nbformat.read(release / name / f"{name}.ipynb", as_version=4).cells:
        meta = cell.metadata.get("nbgrader")
        if meta and (meta.get("grade") or meta.get("solution")):
            assert meta["checksum"] == compute_checksum(cell), f"{meta['grade_id']}: checksum of another text"
    assert (release / name / "figures" / "curve.png").read_bytes() == b"\x89PNG fake", "figures/ is not released"
