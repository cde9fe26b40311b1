"""The Gradescope / otter export grades exactly as ``dlcourse grade`` does.

The zip is unpacked into a tree laid out like Gradescope's container (``source/``,
``submission/``, ``results/`` under a root of our choosing) and its ``run_autograder`` runs
with the course's environment; ``otter run`` grades with the same zip. 07 is the test
assignment: the quickest to grade. Each submission is graded once per way (cached).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from dlcourse.course import Course
from dlcourse.feedback import notebook_order, summary_text
from dlcourse.grade import grade
from dlcourse.gradescope import build_zip, contents
from dlcourse.verify import cases, submission_for

A = "07_torch_tensors_autograd"
SEED = 20261202
MUTANTS = ("grad_of_accumulates", "to_patches_column_major")
VENV_BIN = Path(sys.executable).parent
TIMEOUT = 600


def _env(**extra) -> dict:
    env = dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}", DLCOURSE_SEED=str(SEED))
    env.pop("DLCOURSE_ROOT", None)
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("gradescope")


@pytest.fixture(scope="module")
def zip_path(work) -> Path:
    return build_zip(A, work / "autograder.zip", course=Course.load(ROOT))


@pytest.fixture(scope="module")
def submissions(work) -> dict[str, Path]:
    """Reference, stub and two mutants of 07, as files to submit (found the way verify finds them)."""
    course = Course.load(ROOT)
    wanted = {c.name if c.kind == "mutant" else c.kind: c for c in cases(course, A)
              if c.kind in ("reference", "stub") or c.name in MUTANTS}
    assert set(wanted) == {"reference", "stub", *MUTANTS}, f"cases of {A} changed: {sorted(wanted)}"
    folder = work / "cases"
    folder.mkdir()
    return {name: submission_for(course, case, folder) for name, case in wanted.items()}


_graded: dict[str, object] = {}


def expected(submissions, name):
    """``dlcourse grade`` of a case, with the seed the export runs with (graded once)."""
    if name not in _graded:
        _graded[name] = grade(A, submissions[name], course=Course.load(ROOT), seed=SEED)
    return _graded[name]


def gradescope_tree(work: Path, zip_path: Path, label: str, submission: Path | None) -> Path:
    """A fresh ``<root>`` as Gradescope lays it out, holding one submission."""
    root = work / f"ag-{label}"
    for sub in ("source", "submission", "results"):
        (root / sub).mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root / "source")
    # Gradescope copies run_autograder up a level and runs it from there
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    os.chmod(root / "run_autograder", 0o755)
    if submission is not None:
        shutil.copy(submission, root / "submission" / submission.name)
    return root


def run_autograder(root: Path, **env) -> dict:
    done = subprocess.run([str(root / "run_autograder")], cwd=root, env=_env(DLCOURSE_AUTOGRADER_ROOT=str(root), **env),
                          capture_output=True, text=True, timeout=TIMEOUT)
    results = root / "results" / "results.json"
    assert results.is_file(), f"no results.json (exit {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return json.loads(results.read_text(encoding="utf-8"))


_ran: dict[str, dict] = {}


def gradescope_results(work, zip_path, submissions, name) -> dict:
    if name not in _ran:
        _ran[name] = run_autograder(gradescope_tree(work, zip_path, name, submissions[name]))
    return _ran[name]


def grader_lines(zip_path: Path) -> list[str]:
    """Lines of the hidden tests long enough to be telling, for leak checks."""
    with zipfile.ZipFile(zip_path) as zf:
        texts = [zf.read(n).decode() for n in zf.namelist() if n.startswith(f"autograder/{A}/") and n.endswith(".py")]
    assert texts, "the zip holds no hidden tests"
    lines = {line.strip() for text in texts for line in text.splitlines()}
    # a bare string literal is a message written for the learner: showing it is the point
    return sorted(l for l in lines if len(l) >= 16 and not re.fullmatch(r"f?[\"'].*[\"'],?\)?", l))


def shown_text(results: dict) -> str:
    return "\n".join([results.get("output", "")] + [t.get("output", "") for t in results["tests"]])


# -- the zip ------------------------------------------------------------------------------

def test_zip_holds_only_what_grading_needs(zip_path):
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
    graders = sorted(p.name for p in (ROOT / "autograder" / A).glob("test_*.py"))
    for needed in ("setup.sh", "run_autograder", "requirements.lock", "pyproject.toml", "course_config.py",
                   "otter_config.json", "tests/", "dlcourse/grade.py", "dlcourse/gradescope_run.py",
                   "dlcourse/otter_plugin.py", *(f"autograder/{A}/{g}" for g in graders)):
        assert needed in names, f"{needed} is missing from the zip"
    for script in ("setup.sh", "run_autograder"):
        assert modes[script] & 0o111, f"{script} is not executable in the zip"
    leaks = [n for n in names if n.startswith("solutions/") or "/solutions/" in n or n.endswith(".ipynb")
             or (n.startswith("autograder/") and not n.startswith(f"autograder/{A}/"))
             or n.startswith(("release/", "tests/mutants", "run/")) or "__pycache__" in n]
    assert not leaks, f"the zip holds what it must not: {leaks}"
    config = json.loads(zipfile.ZipFile(zip_path).read("otter_config.json"))
    assert config["plugins"] == [{"dlcourse.otter_plugin.SandboxedGrading": {"assignment": A}}]


def test_zip_carries_the_data_graders_read(course):
    # 09's graders load the backbone from source/09.../digit_backbone.pt; its notebook stays out
    files = contents(course, "09_torch_transfer_learning")
    assert "source/09_torch_transfer_learning/digit_backbone.pt" in files
    assert not [n for n in files if n.startswith("source/") and not n.endswith(".pt")], sorted(files)


def test_setup_sh_installs_from_pypi_with_pip_only(zip_path):
    setup = zipfile.ZipFile(zip_path).read("setup.sh").decode()
    banned = [w for w in ("conda", "mamba", "curl", "wget", "miniforge", "miniconda", "http://", "https://")
              if w in setup.lower()]
    assert not banned, f"setup.sh must install with pip from PyPI only; it mentions {banned}"
    assert re.search(r"pip\"? install .*-r \S*requirements\.lock", setup), "setup.sh does not install the lock"
    assert re.search(r"pip\"? install .*--no-deps", setup), "setup.sh does not install the bundled dlcourse without deps"
    for script in ("setup.sh", "run_autograder"):
        text = zipfile.ZipFile(zip_path).read(script).decode()
        check = subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True)
        assert check.returncode == 0, f"{script} is not valid bash: {check.stderr}"
    installs = [l for l in setup.splitlines() if "bubblewrap" in l and not l.lstrip().startswith("#")]
    assert installs and all("||" in l for l in installs), "bubblewrap must be optional (`apt-get ... || ...`)"


# -- run_autograder equals dlcourse grade ---------------------------------------------------

@pytest.mark.parametrize("name", ["reference", "stub", *MUTANTS])
def test_run_autograder_matches_grade(work, zip_path, submissions, name):
    got = gradescope_results(work, zip_path, submissions, name)
    want = expected(submissions, name)
    assert got["score"] == pytest.approx(want.score), f"{name}: results.json {got['score']} vs grade {want.score}"
    assert [(t["name"], t["score"], t["max_score"]) for t in got["tests"]] == \
        [(t["name"], t["points"], t["max_points"]) for t in want.tests], f"{name}: per-test results differ"
    assert {t["visibility"] for t in got["tests"]} == {"after_published"}
    assert all(set(t) >= {"name", "score", "max_score", "output", "visibility"} for t in got["tests"])
    assert isinstance(got["execution_time"], int) and got["execution_time"] >= 0
    assert f"grading seed {SEED}" in got["output"]
    # the output opens with the feedback page's summary: each question's points, each lost point's message
    assert got["output"].startswith(summary_text(want, order=notebook_order(submissions[name])) + "\n"), got["output"][:800]
    if name == "reference":
        assert got["score"] == want.max_score > 0
    elif name == "stub":
        assert got["score"] == 0
    else:
        assert 0 < got["score"] < want.max_score, f"{name} should lose some points, not all"


def test_hidden_test_code_never_shown(work, zip_path, submissions):
    lines = grader_lines(zip_path)
    for name in ("stub", *MUTANTS):
        text = shown_text(gradescope_results(work, zip_path, submissions, name))
        assert "failed" in text or "error" in text or "missing" in text
        leaked = [l for l in lines if l in text]
        assert not leaked, f"{name}: results.json shows hidden test code: {leaked[:3]}"


# -- results.json whatever happens ----------------------------------------------------------

def _notebook(*sources: str) -> str:
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": s} for s in sources]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.mark.parametrize("kind", ["exits_at_import", "invalid_json", "no_notebook", "python_missing"])
def test_results_written_when_the_submission_breaks(work, zip_path, kind):
    source = work / f"{kind}.ipynb"
    source.write_text({"exits_at_import": _notebook("import os\nos._exit(3)", "def grad_of(f, x):\n    return x"),
                       "invalid_json": '{"cells": [ this is not json',
                       }.get(kind, _notebook("x = 1")), encoding="utf-8")
    root = gradescope_tree(work, zip_path, kind, None if kind == "no_notebook" else source)
    extra = {"DLCOURSE_PYTHON": "/nonexistent/python3"} if kind == "python_missing" else {}
    got = run_autograder(root, **extra)
    assert got["score"] == 0
    assert all(t["score"] == 0 for t in got["tests"])
    if kind in ("exits_at_import", "invalid_json"):  # graded: every test says why it scored nothing
        assert len(got["tests"]) == len(expected_tests()), "every hidden test should be reported"
        assert all(t["output"].startswith(("error", "missing")) for t in got["tests"]), got["tests"][:2]
    else:
        assert got["tests"] == [] and got["output"], got
    expected_word = {"exits_at_import": "exit", "invalid_json": "json", "no_notebook": "no notebook",
                     "python_missing": "could not start"}[kind]
    assert expected_word in shown_text(got).lower(), shown_text(got)


def expected_tests() -> list[str]:
    return [name for path in sorted((ROOT / "autograder" / A).glob("test_*.py"))
            for name in re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.MULTILINE)]


def test_results_written_when_grading_is_stopped(work, zip_path, submissions):
    # Gradescope stops a run at its time limit: the learner still gets a result, score 0
    root = gradescope_tree(work, zip_path, "stopped", submissions["reference"])
    env = _env(DLCOURSE_AUTOGRADER_ROOT=str(root), DLCOURSE_ROOT=str(root / "source"))
    proc = subprocess.Popen([sys.executable, "-m", "dlcourse.gradescope_run", A], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(4)
        assert proc.poll() is None, "grading ended before it could be stopped"
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    got = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert got["score"] == 0 and got["tests"] == []
    assert "stopped" in got["output"], got["output"]


# -- otter run ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["reference", "stub", MUTANTS[0]])
def test_otter_run_matches_grade(work, zip_path, submissions, name):
    otter = VENV_BIN / "otter"
    assert otter.is_file(), f"{otter} is missing: install requirements.lock"
    out = work / f"otter-{name}"
    out.mkdir()
    done = subprocess.run([str(otter), "run", "-a", str(zip_path), "-o", str(out), "--no-logo", str(submissions[name])],
                          env=_env(), capture_output=True, text=True, timeout=TIMEOUT, cwd=work)
    assert done.returncode == 0, f"otter run failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    got = json.loads((out / "results.json").read_text(encoding="utf-8"))
    want = expected(submissions, name)
    per_function = {fn: (pts, mx) for fn, (pts, mx) in want.by_function().items()}
    assert {t["name"]: (t["score"], t["max_score"]) for t in got["tests"]} == per_function
    assert sum(t["score"] for t in got["tests"]) == pytest.approx(want.score)
    assert {t["visibility"] for t in got["tests"]} == {"after_published"}
    assert summary_text(want, order=notebook_order(submissions[name])) in got.get("output", ""), got.get("output")
    leaked = [l for l in grader_lines(zip_path) if l in shown_text(got)]
    assert not leaked, f"otter's results show hidden test code: {leaked[:3]}"


def test_cli_export(tmp_path, capsys):
    from dlcourse.cli import main

    assert main(["export", "gradescope", A, "-o", str(tmp_path / "out") + "/"]) == 0
    made = tmp_path / "out" / f"{A}-autograder.zip"
    assert zipfile.is_zipfile(made) and str(made) in capsys.readouterr().out
    assert main(["export", "otter", A, "-o", str(tmp_path / "same.zip")]) == 0
    assert sorted(zipfile.ZipFile(made).namelist()) == sorted(zipfile.ZipFile(tmp_path / "same.zip").namelist())
    assert main(["export", "otter", "no_such_assignment"]) == 2
    assert "unknown assignment" in capsys.readouterr().err
