"""Run All works: every release notebook runs top to bottom in a real Jupyter kernel (nbclient,
the course's .venv), ends with no error cell, and each check cell reports "not implemented yet".

One test per assignment, so `pytest -n 2` spreads them over both cores (each starts its own kernel
in a temporary copy of release/<a>/). The solved notebooks (every check ✔, ≤ 3 min each) are too
slow for CI: `dlcourse runall --solved` runs them, and `benchmarks/run_all.py` publishes both times
in docs/benchmarks.md. The runner itself is proved on a tiny notebook (tests/test_notebook_standard.py).
"""
from __future__ import annotations

import json

import pytest

from conftest import NOT_YET_STANDARD, ROOT, known_gaps
from dlcourse.runall import cell_text, execute, problems, run_one
from test_notebook_standard import TINY, build_tiny, tiny_course


def _assignments():
    return sorted(p.name for p in (ROOT / "source").iterdir() if (p / f"{p.name}.ipynb").is_file())


@pytest.mark.parametrize("assignment", known_gaps(_assignments(), NOT_YET_STANDARD))
def test_release_runs_all_to_the_end(course, assignment):
    outcome = run_one(assignment, "release", str(course.root))
    print(outcome.line())
    assert outcome.ok, outcome.line()


# --- the runner, on a tiny notebook: it passes what is right and names what is wrong ---------------

@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tiny_course(tmp_path_factory.mktemp("tiny-runall"))
    build_tiny(root)
    return root


def test_tiny_release_and_solved_notebooks_run_all(tiny):
    release = run_one(TINY, "release", str(tiny))
    assert release.ok, release.line()
    solved = run_one(TINY, "solved", str(tiny))
    assert solved.ok, solved.line()


def test_a_demo_of_an_unsolved_exercise_says_which_exercise(tiny):
    run = execute(tiny / "release" / TINY / f"{TINY}.ipynb")
    assert run.error is None, run.error
    demo = next(c for c in run.notebook.cells if c.get("id") == "t16")
    assert cell_text(demo).strip() == "▶ this demo needs Exercise 2 (`running_total`): solve it, then rerun this cell"
    check = next(c for c in run.notebook.cells if c.get("id") == "t09")
    assert "not implemented yet" in cell_text(check)


def _rewrite(path, cid, source):
    nb = json.loads(path.read_text())
    next(c for c in nb["cells"] if c["id"] == cid)["source"] = source
    path.write_text(json.dumps(nb, indent=1))


def test_run_all_names_the_cell_that_stops_it(tiny, tmp_path):
    import shutil

    folder = tmp_path / TINY
    shutil.copytree(tiny / "release" / TINY, folder)
    notebook = folder / f"{TINY}.ipynb"
    _rewrite(notebook, "t08", "# YOUR CODE HERE\nraise NotImplementedError()")   # a module-level stub
    run = execute(notebook)
    assert run.error and run.error.startswith("code cell 4 (id t08) raised NotImplementedError"), run.error
    assert problems(run, "release") == [run.error]


def test_a_check_that_does_not_say_not_implemented_fails_the_release_run(tiny, tmp_path):
    import shutil

    folder = tmp_path / TINY
    shutil.copytree(tiny / "release" / TINY, folder)
    _rewrite(folder / f"{TINY}.ipynb", "t08", "def double(x):\n    return 2 * x")  # a solved stub in the release
    found = problems(execute(folder / f"{TINY}.ipynb"), "release")
    assert len(found) == 1 and found[0].startswith("check_double printed '✔ double"), found


def test_a_failing_check_fails_the_solved_run(tiny, tmp_path):
    import shutil

    folder = tmp_path / TINY
    shutil.copytree(tiny / "source" / TINY, folder)
    _rewrite(folder / f"{TINY}.ipynb", "t08", "def double(x):\n    return 3 * x")
    found = problems(execute(folder / f"{TINY}.ipynb"), "solved")
    assert len(found) == 1 and found[0].startswith("check_double printed '✘ double"), found


def test_a_kernel_that_dies_is_named_not_hung(tiny, tmp_path):
    import shutil

    folder = tmp_path / TINY
    shutil.copytree(tiny / "release" / TINY, folder)
    _rewrite(folder / f"{TINY}.ipynb", "t05", "import os, sys\nprint('bye', file=sys.__stderr__, flush=True)\nos._exit(3)")
    run = execute(folder / f"{TINY}.ipynb", timeout=120)
    assert run.error and run.error.startswith("code cell 3 (id t05): the kernel died"), run.error
